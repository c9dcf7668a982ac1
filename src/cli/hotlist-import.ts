// `vigil hotlist import FILE.csv --why TEXT`: sends a CSV to the running API and prints the per-row report.
import { readFileSync } from 'node:fs';
import type { Environment } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { takeOption } from './args.js';

export async function runHotlistImport(args: string[], env: Environment, out: NodeJS.WritableStream): Promise<number> {
  const why = takeOption(args, '--why');
  const url = takeOption(args, '--url') ?? env.apiUrl ?? 'http://127.0.0.1:8080';
  const [file] = args;
  if (!file) throw new ConfigError('hotlist import: name the CSV file');
  if (!why) throw new ConfigError('--why: say why these plates are listed (case number or order)');
  if (!env.apiToken) throw new ConfigError('set VIGIL_TOKEN to an admin or operator token');
  const csv = readFileSync(file, 'utf8');
  const res = await fetch(`${url}/api/v1/hotlist/import?why=${encodeURIComponent(why)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.apiToken}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const body = (await res.json()) as {
    imported?: number;
    errors?: { row: number; message: string }[];
    skipped?: { plate: string | null; pattern: string | null; category: string; existingId: string }[];
    error?: string;
  };
  if (body.error) {
    out.write(`import failed: ${body.error}\n`);
    return 1;
  }
  out.write(`imported ${body.imported} entries from ${file}\n`);
  for (const e of body.errors ?? []) out.write(`  row ${e.row}: ${e.message}\n`);
  for (const s of body.skipped ?? [])
    out.write(`  skipped ${s.plate ?? s.pattern} (${s.category}): already listed as ${s.existingId}\n`);
  return body.errors?.length ? 1 : 0;
}
