// `vigil plates read FILE... [--json]`: reads licence plates from still images, one line per image.
import type { Box } from '../domain/frame.js';
import { createPlateReader } from '../vision/plate-reader.js';
import { eachImage, jsonAndFiles } from './per-image.js';

const USAGE = 'usage: vigil plates read FILE... [--json]';

type Plates = { plates: { text: string; confidence: number; box: Box }[] };

/** Exit code 0 when every file was read (plates found or not), 1 if any failed, 2 on bad usage. */
export async function platesRead(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const parsed = jsonAndFiles(args, USAGE, out);
  if (!parsed) return 2;
  // Loading the models takes about a second; one reader serves every file.
  const reader = await createPlateReader();
  return eachImage<Plates>(
    parsed.files,
    { json: parsed.json, out },
    async (image) => ({
      plates: (await reader.read(image)).map((r) => ({ text: r.text, confidence: Math.round(r.confidence * 1000) / 1000, box: r.box.map(Math.round) as Box })),
    }),
    describe,
  );
}

function describe(file: string, result: Plates): string {
  if (result.plates.length === 0) return `${file}: no plate found`;
  const plates = result.plates.map((p) => `${p.text} (${p.confidence.toFixed(2)}) at [${p.box.join(', ')}]`);
  return `${file}: ${plates.join('; ')}`;
}
