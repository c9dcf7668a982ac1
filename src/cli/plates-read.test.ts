// Tests for `vigil plates read` on rendered plates written to a temp folder: JSON and readable lines, per-file errors.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeJpeg } from '../vision/image.js';
import { renderPlate, renderScene } from '../../test/support/test-plates.js';
import { platesRead } from './plates-read.js';

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await platesRead(args, out);
  return { code, lines: text.trim().split('\n') };
}

describe('vigil plates read', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-plates-'));
  const crop = path.join(dir, 'crop.jpg');
  const scene = path.join(dir, 'scene.jpg');
  const text = path.join(dir, 'notes.jpg');
  beforeAll(async () => {
    const plate = await renderPlate('京A12345');
    writeFileSync(crop, await encodeJpeg(plate, 95));
    writeFileSync(scene, await encodeJpeg(await renderScene(plate, { x: 300, y: 200 }), 95));
    writeFileSync(text, 'not a picture');
  });

  it('prints one JSON line per image and carries on past a file that is not an image', async () => {
    const { code, lines } = await run([crop, text, scene, '--json']);
    expect(code).toBe(1);
    const [a, b, c] = lines.map((l) => JSON.parse(l));
    expect(a).toMatchObject({ file: crop, plates: [{ text: '京A12345' }] });
    const [x1, y1, x2, y2] = a.plates[0].box;
    expect(x1 >= 0 && y1 >= 0 && x2 <= 189 && y2 <= 60 && x2 - x1 > 120).toBe(true);
    expect(b).toEqual({ file: text, error: `not an image: ${text}` });
    expect(c.plates).toHaveLength(1);
    expect(c.plates[0].text).toBe('京A12345');
    expect(c.plates[0].confidence).toBeGreaterThan(0.7);
    expect(c.plates[0].box.every(Number.isInteger)).toBe(true);
  });

  it('prints a readable line without --json and exits 0 when all files were read', async () => {
    const { code, lines } = await run([scene]);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(
      new RegExp(`^${scene.replace(/[.+]/g, '\\$&')}: 京A12345 \\([01]\\.\\d\\d\\) at \\[\\d+, \\d+, \\d+, \\d+\\]$`),
    );
  });

  it('reports a missing file', async () => {
    const { code, lines } = await run([path.join(dir, 'gone.jpg'), '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(lines[0]).error).toBe(`no such file: ${path.join(dir, 'gone.jpg')}`);
  });

  it('explains its usage', async () => {
    expect((await run([])).code).toBe(2);
    const { code, lines } = await run([crop, '--jsn']);
    expect(code).toBe(2);
    expect(lines).toEqual(['unknown option --jsn', 'usage: vigil plates read FILE... [--json]']);
  });
});
