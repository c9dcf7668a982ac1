// `vigil faces embed FILE... [--json]`: faces in still images with quality and embedding, one line per image.
import type { Box } from '../domain/frame.js';
import { createFaceAnalyzer } from '../vision/face-embedder.js';
import { eachImage, jsonAndFiles } from './per-image.js';

const USAGE = 'usage: vigil faces embed FILE... [--json]';

type Faces = { faces: { box: Box; score: number; quality: number; embedding: number[] }[] };

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Exit code 0 when every file was read (faces found or not), 1 if any failed, 2 on bad usage. */
export async function facesEmbed(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const parsed = jsonAndFiles(args, USAGE, out);
  if (!parsed) return 2;
  const analyzer = await createFaceAnalyzer();
  return eachImage<Faces>(
    parsed.files,
    { json: parsed.json, out },
    async (image) => ({
      faces: (await analyzer.faces(image)).map((f) => ({
        box: f.box.map(Math.round) as Box,
        score: round(f.score, 3),
        quality: round(f.quality, 3),
        // Six decimals keep cosines exact to about 1e-5 at a third of the text of full floats.
        embedding: Array.from(f.embedding, (v) => round(v, 6)),
      })),
    }),
    describe,
  );
}

function describe(file: string, result: Faces): string {
  if (result.faces.length === 0) return `${file}: no face found`;
  const faces = result.faces.map((f) => `face (${f.score.toFixed(2)}, quality ${f.quality.toFixed(2)}) at [${f.box.join(', ')}]`);
  return `${file}: ${faces.join('; ')} (${result.faces[0].embedding.length}-d embeddings: use --json)`;
}
