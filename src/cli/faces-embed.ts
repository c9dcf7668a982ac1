// `vigil faces embed FILE... [--json]`: faces in still images with quality and embedding, one line per image.
import type { Box } from '../domain/frame.js';
import { type Face, type FaceAnalyzer, createFaceAnalyzer } from '../vision/face-embedder.js';
import { decodeImage } from '../vision/image.js';
import { fileError } from './detect.js';

const USAGE = 'usage: vigil faces embed FILE... [--json]';

type ImageResult =
  | { file: string; faces: { box: Box; score: number; quality: number; embedding: number[] }[] }
  | { file: string; error: string };

/** Exit code 0 when every file was read (faces found or not), 1 if any failed, 2 on bad usage. */
export async function facesEmbed(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const json = args.includes('--json');
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  const files = args.filter((a) => !a.startsWith('--'));
  if (unknown.length || files.length === 0) {
    out.write(`${unknown.length ? `unknown option ${unknown[0]}\n` : ''}${USAGE}\n`);
    return 2;
  }
  const analyzer = await createFaceAnalyzer();
  let failed = 0;
  for (const file of files) {
    const result = await embedOne(analyzer, file);
    if ('error' in result) failed++;
    out.write(`${json ? JSON.stringify(result) : describe(result)}\n`);
  }
  return failed ? 1 : 0;
}

async function embedOne(analyzer: FaceAnalyzer, file: string): Promise<ImageResult> {
  let faces: Face[];
  try {
    faces = await analyzer.faces(await decodeImage(file));
  } catch (err) {
    return { file, error: fileError(file, err) };
  }
  const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    file,
    faces: faces.map((f) => ({
      box: f.box.map(Math.round) as Box,
      score: round(f.score, 3),
      quality: round(f.quality, 3),
      // Six decimals keep cosines exact to about 1e-5 at a third of the text of full floats.
      embedding: Array.from(f.embedding, (v) => round(v, 6)),
    })),
  };
}

function describe(result: ImageResult): string {
  if ('error' in result) return `${result.file}: error: ${result.error}`;
  if (result.faces.length === 0) return `${result.file}: no face found`;
  const faces = result.faces.map((f) => `face (${f.score.toFixed(2)}, quality ${f.quality.toFixed(2)}) at [${f.box.join(', ')}]`);
  return `${result.file}: ${faces.join('; ')} (${result.faces[0].embedding.length}-d embeddings: use --json)`;
}
