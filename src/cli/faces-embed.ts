// `vigil faces embed FILE... [--json]`: faces in still images with quality and the watchlist's embedding, one line per image.
import type { Box } from '../domain/frame.js';
import { createChipAnalyzer } from '../vision/face-chip.js';
import { eachImage, jsonAndFiles } from './per-image.js';

const USAGE = 'usage: vigil faces embed FILE... [--json]';

type Faces = { model: string; faces: { box: Box; score: number; quality: number; embedding: number[] }[] };

export interface FacesEmbedOptions {
  /**
   * Manifest name of the embedder. Default 'faceapi-recognition', the watchlist's (`faces.embedder`),
   * so what this prints is what enrolment stores and live matching compares.
   */
  model?: string;
  /** ORT threads. Default 1. */
  threads?: number;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Exit code 0 when every file was read (faces found or not), 1 if any failed, 2 on bad usage. */
export async function facesEmbed(
  args: string[],
  out: NodeJS.WritableStream,
  opts: FacesEmbedOptions = {},
): Promise<number> {
  const parsed = jsonAndFiles(args, USAGE, out);
  if (!parsed) return 2;
  // The watchlist's analyzer: blazeface, the dlib-style chip and its mirror, the 128-d net.
  const analyzer = await createChipAnalyzer({ model: opts.model ?? 'faceapi-recognition', threads: opts.threads });
  return eachImage<Faces>(
    parsed.files,
    { json: parsed.json, out },
    async (image) => ({
      model: analyzer.model,
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
  const faces = result.faces.map(
    (f) => `face (${f.score.toFixed(2)}, quality ${f.quality.toFixed(2)}) at [${f.box.join(', ')}]`,
  );
  return `${file}: ${faces.join('; ')} (${result.faces[0].embedding.length}-d ${result.model} embeddings: use --json)`;
}
