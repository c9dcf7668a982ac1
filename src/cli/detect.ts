// `vigil detect FILE... [--json] [--model NAME] [--score N]`: objects in still images, one line per image.
import type { Box } from '../domain/frame.js';
import { NotAnImageError, decodeImage } from '../vision/image.js';
import { type Detection, type ObjectDetector, createObjectDetector } from '../vision/object-detector.js';

const USAGE = 'usage: vigil detect FILE... [--json] [--model NAME] [--score 0..1]';

type ImageResult =
  | { file: string; objects: { label: string; score: number; box: Box }[] }
  | { file: string; error: string };

/** Exit code 0 when every file was read (objects found or not), 1 if any failed, 2 on bad usage. */
export async function detect(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const parsed = parseArgs(args);
  if ('error' in parsed) {
    out.write(`${parsed.error ? `${parsed.error}\n` : ''}${USAGE}\n`);
    return 2;
  }
  // Loading the model takes about a second; one detector serves every file.
  const detector = await createObjectDetector({ model: parsed.model });
  let failed = 0;
  for (const file of parsed.files) {
    const result = await detectOne(detector, file, parsed.score);
    if ('error' in result) failed++;
    out.write(`${parsed.json ? JSON.stringify(result) : describe(result)}\n`);
  }
  return failed ? 1 : 0;
}

interface Parsed {
  files: string[];
  json: boolean;
  model?: string;
  score?: number;
}

function parseArgs(args: string[]): Parsed | { error: string } {
  const parsed: Parsed = { files: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') parsed.json = true;
    else if (a === '--model' || a === '--score') {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) return { error: `${a} needs a value` };
      if (a === '--model') parsed.model = value;
      else {
        parsed.score = Number(value);
        if (!(parsed.score >= 0 && parsed.score <= 1)) return { error: `--score must be between 0 and 1, got ${value}` };
      }
    } else if (a.startsWith('--')) return { error: `unknown option ${a}` };
    else parsed.files.push(a);
  }
  return parsed.files.length ? parsed : { error: '' };
}

async function detectOne(detector: ObjectDetector, file: string, score: number | undefined): Promise<ImageResult> {
  let found: Detection[];
  try {
    found = await detector.detect(await decodeImage(file), { scoreThreshold: score });
  } catch (err) {
    return { file, error: fileError(file, err) };
  }
  return {
    file,
    objects: found.map((d) => ({ label: d.label, score: Math.round(d.score * 1000) / 1000, box: d.box.map(Math.round) as Box })),
  };
}

/** Per-file problems become a line of output so the other files still get read. */
export function fileError(file: string, err: unknown): string {
  if (err instanceof NotAnImageError) return err.message;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return `no such file: ${file}`;
  if (code === 'EISDIR') return `is a directory: ${file}`;
  if (code === 'EACCES') return `permission denied: ${file}`;
  throw err;
}

function describe(result: ImageResult): string {
  if ('error' in result) return `${result.file}: error: ${result.error}`;
  if (result.objects.length === 0) return `${result.file}: no objects found`;
  const objects = result.objects.map((o) => `${o.label} (${o.score.toFixed(2)}) at [${o.box.join(', ')}]`);
  return `${result.file}: ${objects.join('; ')}`;
}
