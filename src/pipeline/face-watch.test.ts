// The camera face path with the real analyzer: two people shown one after the other in the same place are both matched.
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Box, Frame, RgbImage } from '../domain/frame.js';
import type { QueueSet } from '../queues/queue-set.js';
import { createChipAnalyzer, type ChipAnalyzer } from '../vision/face-chip.js';
import { cropImage, decodeImage } from '../vision/image.js';
import { resolveSource } from '../vision/models/manifest.js';
import { FaceWatch } from './face-watch.js';

// Human's face-detect screenshot: a row of five different people; the man (first) and the second woman.
const PEOPLE: Box[] = [
  [0, 330, 165, 500],
  [160, 330, 325, 500],
];
const SPOT = { left: 240, top: 150 };

let analyzer: ChipAnalyzer;
let heads: RgbImage[];
beforeAll(async () => {
  analyzer = await createChipAnalyzer();
  const shot = await decodeImage(resolveSource({ npm: '@vladmandic/human/assets/screenshot-facedetect.jpg' }));
  heads = PEOPLE.map((b) => cropImage(shot, b));
});

/** A grey 640x480 frame with one head pasted at the same spot, as a fixed camera sees a doorway. */
async function frameWith(head: RgbImage, seq: number): Promise<Frame> {
  const png = await sharp(head.data, { raw: { width: head.width, height: head.height, channels: 3 } })
    .png()
    .toBuffer();
  const { data } = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#5a5a5a' } })
    .composite([{ input: png, ...SPOT }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: 640, height: 480, cameraId: 'door', seq, capturedAt: 1_000_000 + seq * 200 };
}

const cosine = (a: Float32Array, b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('FaceWatch with the real analyzer', () => {
  it('sends a decision for each of two people shown one after the other in the same place', async () => {
    const sent: { trackId: string; embedding: number[]; final: boolean }[] = [];
    const queues = {
      add: async (_name: string, payload: { trackId: string; embedding: number[]; final: boolean }) =>
        void sent.push(payload),
    } as unknown as QueueSet;
    const track = { minFrames: 2, upgradeGain: 0.15, minQuality: 0.25, endAfterMs: 2000 };
    const watch = new FaceWatch('door', undefined, { analyzer, gate: { covers: () => true }, track }, queues);
    // 3 s of each person at 5 fps, no gap between them.
    for (let seq = 0; seq < 30; seq++) await watch.onFrame(await frameWith(heads[seq < 15 ? 0 : 1], seq), null);
    await watch.flush(1_000_000 + 30 * 200);
    const tracks = [...new Set(sent.map((s) => s.trackId))];
    expect(tracks).toHaveLength(2);
    // Each track's decision is its own person's face, not a blend of both.
    const direct = await Promise.all(
      heads.map(async (h, i) => (await analyzer.faces(await frameWith(h, 100 + i)))[0].embedding),
    );
    const first = sent.find((s) => s.trackId === tracks[0])!;
    const second = sent.find((s) => s.trackId === tracks[1])!;
    expect(cosine(direct[0], first.embedding)).toBeGreaterThan(0.98);
    expect(cosine(direct[1], second.embedding)).toBeGreaterThan(0.98);
  });
});
