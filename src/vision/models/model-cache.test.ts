// The converted-model cache: builds once, reuses, rebuilds when its file or its source changes, honours pins.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findModel, loadManifest, ManifestError, resolveSource } from './manifest.js';
import { convertAll, ensureModel, type CacheRecord } from './model-cache.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let dir: string;
let manifestFile: string;
let cacheDir: string;
let lines: string[];
const opts = () => ({ manifestFile, cacheDir, log: (l: string) => lines.push(l) });

/** A manifest with a private copy of blazeface (so tests may alter its weights) and PP-OCR rec in place. */
function setUp(pin?: string): void {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-cache-'));
  cacheDir = path.join(dir, 'cache');
  manifestFile = path.join(dir, 'manifest.yaml');
  const shipped = loadManifest();
  const human = path.dirname(resolveSource(findModel(shipped, 'blazeface').source));
  for (const f of ['blazeface.json', 'blazeface.bin']) copyFileSync(path.join(human, f), path.join(dir, f));
  const face = { ...findModel(shipped, 'blazeface'), name: 'face', source: { file: 'blazeface.json' }, sha256: pin };
  if (!pin) delete face.sha256;
  writeFileSync(manifestFile, stringify({ models: [face, findModel(shipped, 'ppocr-rec')] }));
  lines = [];
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (): CacheRecord => JSON.parse(readFileSync(path.join(cacheDir, 'face.json'), 'utf8')) as CacheRecord;

describe('ensureModel', () => {
  beforeEach(() => setUp());

  it('converts on first use, with progress, and records both hashes', async () => {
    const model = await ensureModel('face', opts());
    expect(model.path).toBe(path.join(cacheDir, 'face.onnx'));
    expect(model.sha256).toBe(sha(model.path));
    expect(lines.some((l) => /model face: converting TFJS graph to ONNX, \d+\/\d+ nodes/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/model face: converted in .* -> .*face\.onnx/);
    const r = record();
    expect(r.sha256).toBe(model.sha256);
    const source = createHash('sha256').update(readFileSync(path.join(dir, 'blazeface.json'))).update(readFileSync(path.join(dir, 'blazeface.bin')));
    expect(r.source.sha256).toBe(source.digest('hex'));
  });

  it('reuses a current conversion without converting again', async () => {
    const first = await ensureModel('face', opts());
    lines = [];
    expect(await ensureModel('face', opts())).toEqual(first);
    expect(lines).toEqual([]);
  });

  it('rebuilds a cached model whose own bytes changed', async () => {
    const first = await ensureModel('face', opts());
    writeFileSync(first.path, 'truncated');
    lines = [];
    const again = await ensureModel('face', opts());
    expect(lines.length).toBeGreaterThan(0);
    expect(again.sha256).toBe(first.sha256); // conversion is deterministic
    expect(sha(again.path)).toBe(first.sha256);
  });

  it('rebuilds when the source weights changed', async () => {
    const first = await ensureModel('face', opts());
    const firstSource = record().source.sha256;
    const bin = path.join(dir, 'blazeface.bin');
    const bytes = readFileSync(bin);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(bin, bytes);
    lines = [];
    const again = await ensureModel('face', opts());
    expect(lines.length).toBeGreaterThan(0);
    expect(again.sha256).not.toBe(first.sha256);
    expect(record().source.sha256).not.toBe(firstSource);
  });

  it('converts once for concurrent callers', async () => {
    const [a, b] = await Promise.all([ensureModel('face', opts()), ensureModel('face', opts())]);
    expect(a).toEqual(b);
    expect(lines.filter((l) => l.includes('converted in'))).toHaveLength(1);
    expect(readdirSync(cacheDir).sort()).toEqual(['face.json', 'face.onnx']); // no temporary files left
  });

  it('uses an ONNX source in place', async () => {
    const rec = await ensureModel('ppocr-rec', opts());
    expect(rec.path).toMatch(/ch_PP-OCRv4_rec_infer\.onnx$/);
    expect(rec.sha256).toBe(findModel(loadManifest(), 'ppocr-rec').sha256);
    expect(existsSync(cacheDir)).toBe(false);
  });
});

describe('pinned sources', () => {
  it('stops when the source no longer matches the manifest pin', async () => {
    setUp('0'.repeat(64));
    await expect(ensureModel('face', opts())).rejects.toThrow(ManifestError);
    await expect(ensureModel('face', opts())).rejects.toThrow(/pins 0{64}.*update sha256 in the manifest/);
  });
});

describe('convertAll', () => {
  it('brings every model up to date in the given directory and reports what it did', async () => {
    setUp();
    const out = path.join(dir, 'out');
    const first = await convertAll(out, { manifestFile, log: (l) => lines.push(l) });
    expect(first.map((r) => [r.name, r.status])).toEqual([['face', 'built'], ['ppocr-rec', 'source']]);
    expect(existsSync(path.join(out, 'face.onnx'))).toBe(true);
    const second = await convertAll(out, { manifestFile, log: (l) => lines.push(l) });
    expect(second.map((r) => r.status)).toEqual(['cached', 'source']);
  });
});
