// Tests for `vigil faces embed` on photos shipped in @vladmandic/human: JSON and readable lines, per-file errors, usage.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveSource } from '../vision/models/manifest.js';
import { facesEmbed } from './faces-embed.js';

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await facesEmbed(args, out);
  return { code, lines: text.trim().split('\n') };
}

describe('vigil faces embed', () => {
  const single = resolveSource({ npm: '@vladmandic/human/assets/screenshot-faceid.jpg' });
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-faces-'));
  const notImage = path.join(dir, 'notes.jpg');
  writeFileSync(notImage, 'not a picture');

  it('prints faces with box, score, quality and a unit embedding as JSON, and carries on past a bad file', async () => {
    const { code, lines } = await run([single, notImage, '--json']);
    expect(code).toBe(1);
    const [a, b] = lines.map((l) => JSON.parse(l));
    // The stamp names the embedder and the chip's alignment (the 68-landmark chip).
    expect(a.model).toBe('faceapi-recognition+faceapi-landmarks.1');
    expect(a.faces).toHaveLength(1);
    const [face] = a.faces;
    expect(Object.keys(face)).toEqual(['box', 'score', 'quality', 'embedding']);
    expect(face.box.every(Number.isInteger)).toBe(true);
    expect(face.quality).toBeGreaterThan(0.7);
    // The watchlist's 128-d embedding, not faceres's 1024-d one.
    expect(face.embedding).toHaveLength(128);
    expect(Math.hypot(...face.embedding)).toBeCloseTo(1, 3);
    expect(b).toEqual({ file: notImage, error: `not an image: ${notImage}` });
  });

  it('prints a readable summary without --json, and explains its usage', async () => {
    const { code, lines } = await run([single]);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(
      /: face \(0\.\d\d, quality 0\.\d\d\) at \[\d+, \d+, \d+, \d+\] \(128-d faceapi-recognition\+faceapi-landmarks\.1 embeddings: use --json\)$/,
    );
    expect((await run(['--json'])).code).toBe(2);
  });
});
