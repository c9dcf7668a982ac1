// Tests for `vigil detect` on a photo shipped in @vladmandic/human: JSON and readable lines, per-file errors, usage.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveSource } from '../vision/models/manifest.js';
import { detect } from './detect.js';

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await detect(args, out);
  return { code, lines: text.trim().split('\n') };
}

describe('vigil detect', () => {
  const photo = resolveSource({ npm: '@vladmandic/human/assets/screenshot-vrm.jpg' });
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-detect-'));
  const notImage = path.join(dir, 'notes.jpg');
  writeFileSync(notImage, 'not a picture');

  it('prints one JSON line per image and carries on past a file that is not an image', async () => {
    const { code, lines } = await run([notImage, photo, '--json']);
    expect(code).toBe(1);
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(a).toEqual({ file: notImage, error: `not an image: ${notImage}` });
    expect(b.file).toBe(photo);
    const people = b.objects.filter((o: { label: string }) => o.label === 'person');
    expect(people).toHaveLength(2);
    for (const o of b.objects) {
      expect(Object.keys(o)).toEqual(['label', 'score', 'box']);
      expect(o.box).toHaveLength(4);
      expect(o.box.every(Number.isInteger)).toBe(true);
    }
  });

  it('prints a readable line without --json and exits 0 when all files were read', async () => {
    const { code, lines } = await run([photo, '--score', '0.5']);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/: person \(0\.\d\d\) at \[\d+, \d+, \d+, \d+\]; person/);
  });

  it('reports a missing file and explains its usage', async () => {
    const gone = path.join(dir, 'gone.jpg');
    expect(JSON.parse((await run([gone, '--json'])).lines[0]).error).toBe(`no such file: ${gone}`);
    expect((await run([])).code).toBe(2);
    const bad = await run([photo, '--jsn']);
    expect(bad.code).toBe(2);
    expect(bad.lines[0]).toBe('unknown option --jsn');
    expect((await run([photo, '--score', '2'])).lines[0]).toMatch(/--score must be between 0 and 1/);
  });
});
