// `vigil plates read FILE... [--json]`: reads licence plates from still images, one line per image.
import type { Box } from '../domain/frame.js';
import { NotAnImageError, decodeImage } from '../vision/image.js';
import { type PlateReader, type PlateReading, createPlateReader } from '../vision/plate-reader.js';

const USAGE = 'usage: vigil plates read FILE... [--json]';

type ImageResult =
  | { file: string; plates: { text: string; confidence: number; box: Box }[] }
  | { file: string; error: string };

/** Exit code 0 when every file was read (plates found or not), 1 if any failed, 2 on bad usage. */
export async function platesRead(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const json = args.includes('--json');
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  const files = args.filter((a) => !a.startsWith('--'));
  if (unknown.length || files.length === 0) {
    out.write(`${unknown.length ? `unknown option ${unknown[0]}\n` : ''}${USAGE}\n`);
    return 2;
  }
  // Loading the models takes about a second; one reader serves every file.
  const reader = await createPlateReader();
  let failed = 0;
  for (const file of files) {
    const result = await readOne(reader, file);
    if ('error' in result) failed++;
    out.write(`${json ? JSON.stringify(result) : describe(result)}\n`);
  }
  return failed ? 1 : 0;
}

async function readOne(reader: PlateReader, file: string): Promise<ImageResult> {
  let readings: PlateReading[];
  try {
    readings = await reader.read(await decodeImage(file));
  } catch (err) {
    return { file, error: fileError(file, err) };
  }
  return {
    file,
    plates: readings.map((r) => ({
      text: r.text,
      confidence: Math.round(r.confidence * 1000) / 1000,
      box: r.box.map(Math.round) as Box,
    })),
  };
}

/** Per-file problems become a line of output so the other files still get read. */
function fileError(file: string, err: unknown): string {
  if (err instanceof NotAnImageError) return err.message;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return `no such file: ${file}`;
  if (code === 'EISDIR') return `is a directory: ${file}`;
  if (code === 'EACCES') return `permission denied: ${file}`;
  throw err;
}

function describe(result: ImageResult): string {
  if ('error' in result) return `${result.file}: error: ${result.error}`;
  if (result.plates.length === 0) return `${result.file}: no plate found`;
  const plates = result.plates.map((p) => `${p.text} (${p.confidence.toFixed(2)}) at [${p.box.join(', ')}]`);
  return `${result.file}: ${plates.join('; ')}`;
}
