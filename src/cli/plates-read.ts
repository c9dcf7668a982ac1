// `vigil plates read FILE... [--json]`: reads licence plates from still images, one line per image.
import type { Box } from '../domain/frame.js';
import { createPlateReader } from '../vision/plate-reader.js';
import { eachImage, jsonAndFiles } from './per-image.js';

const USAGE = 'usage: vigil plates read FILE... [--json]';

type Plates = { plates: { text: string; confidence: number; box: Box; chars: CharOut[] }[] };
/** A character as printed: its probability and, where it is in doubt, what else it could be. */
type CharOut = { char: string; p: number; uncertain: boolean; alternatives: { char: string; p: number }[] };

const r3 = (v: number) => Math.round(v * 1000) / 1000;

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
      plates: (await reader.read(image)).map((r) => ({
        text: r.text,
        confidence: r3(r.confidence),
        box: r.box.map(Math.round) as Box,
        chars: r.chars.map((c) => ({
          char: c.char,
          p: r3(c.p),
          uncertain: c.uncertain,
          alternatives: c.alternatives.map((a) => ({ char: a.char, p: r3(a.p) })),
        })),
      })),
    }),
    describe,
  );
}

function describe(file: string, result: Plates): string {
  if (result.plates.length === 0) return `${file}: no plate found`;
  const plates = result.plates.map(
    (p) => `${p.text} (${p.confidence.toFixed(2)}) at [${p.box.join(', ')}]${doubts(p.chars)}`,
  );
  return `${file}: ${plates.join('; ')}`;
}

/** ` in doubt: #1 浙 0.41 / 皖 0.38`, for the characters the reader was unsure of. */
function doubts(chars: CharOut[]): string {
  const unsure = chars.flatMap((c, i) =>
    c.uncertain ? [`#${i + 1} ${c.alternatives.map((a) => `${a.char} ${a.p.toFixed(2)}`).join(' / ')}`] : [],
  );
  return unsure.length ? `, in doubt: ${unsure.join('; ')}` : '';
}
