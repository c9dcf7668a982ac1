// `npm run bench [name...]`: runs the benchmarks in bench/*.bench.ts and prints one JSON document.
// Each benchmark module exports `default async (ctx) => object`; figures, never assertions.
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface BenchContext {
  /** Public evaluation data (../shared/data by default); benchmarks that need it skip without it. */
  dataDir: string | null;
  /** Extra command-line arguments after the benchmark names. */
  args: string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dataArg = process.argv.find((a) => a.startsWith('--data='))?.slice('--data='.length);
const defaultData = path.resolve(here, '../../shared/data');
const dataDir = dataArg ?? (existsSync(defaultData) ? defaultData : null);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const results: Record<string, unknown> = {};
for (const file of files) {
  const name = file.replace(/\.bench\.ts$/, '');
  if (wanted.length && !wanted.includes(name)) continue;
  process.stderr.write(`bench ${name}...\n`);
  const mod = (await import(path.join(here, file))) as { default: (ctx: BenchContext) => Promise<unknown> };
  const started = Date.now();
  try {
    results[name] = await mod.default({ dataDir, args: process.argv.slice(2) });
  } catch (err) {
    results[name] = { error: err instanceof Error ? err.message : String(err) };
  }
  process.stderr.write(`bench ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
console.log(
  JSON.stringify(
    { machine: { cores: (await import('node:os')).cpus().length, node: process.version }, results },
    null,
    2,
  ),
);
process.exit(0);
