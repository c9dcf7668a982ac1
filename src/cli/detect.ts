// `vigil detect FILE... [--json] [--model NAME] [--score N]`: objects in still images, one line per image.
import type { Box } from '../domain/frame.js';
import { createObjectDetector } from '../vision/object-detector.js';
import { eachImage } from './per-image.js';

const USAGE = 'usage: vigil detect FILE... [--json] [--model NAME] [--score 0..1]';

type Objects = { objects: { label: string; score: number; box: Box }[] };

/** Exit code 0 when every file was read (objects found or not), 1 if any failed, 2 on bad usage. */
export async function detect(args: string[], out: NodeJS.WritableStream): Promise<number> {
  const parsed = parseArgs(args);
  if ('error' in parsed) {
    out.write(`${parsed.error ? `${parsed.error}\n` : ''}${USAGE}\n`);
    return 2;
  }
  // Loading the model takes about a second; one detector serves every file.
  const detector = await createObjectDetector({ model: parsed.model });
  return eachImage<Objects>(
    parsed.files,
    { json: parsed.json, out },
    async (image) => ({
      objects: (await detector.detect(image, { scoreThreshold: parsed.score })).map((d) => ({
        label: d.label,
        score: Math.round(d.score * 1000) / 1000,
        box: d.box.map(Math.round) as Box,
      })),
    }),
    describe,
  );
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
        if (!(parsed.score >= 0 && parsed.score <= 1))
          return { error: `--score must be between 0 and 1, got ${value}` };
      }
    } else if (a.startsWith('--')) return { error: `unknown option ${a}` };
    else parsed.files.push(a);
  }
  return parsed.files.length ? parsed : { error: '' };
}

function describe(file: string, result: Objects): string {
  if (result.objects.length === 0) return `${file}: no objects found`;
  const objects = result.objects.map((o) => `${o.label} (${o.score.toFixed(2)}) at [${o.box.join(', ')}]`);
  return `${file}: ${objects.join('; ')}`;
}
