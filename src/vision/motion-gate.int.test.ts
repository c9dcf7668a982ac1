import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Box, RgbImage } from '../domain/frame.js';
import { MotionGate, greyDownscale, mergeBoxes, type MotionResult } from './motion-gate.js';

const media = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/media');
const truths = JSON.parse(readFileSync(path.join(media, 'truths.json'), 'utf8'));

/** A textured scene (so differences are not trivially zero) with per-frame sensor noise and optional squares. */
function scene(opts: {
  frame: number;
  squares?: Box[];
  light?: number;
  shift?: number;
  width?: number;
  height?: number;
}): RgbImage {
  const { width = 640, height = 360, light = 0, shift = 0 } = opts;
  const data = Buffer.alloc(width * height * 3);
  let seed = opts.frame * 7919 + 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed % 7) - 3;
      const base = 60 + ((((x + shift) >> 5) + ((y + shift) >> 5)) % 4) * 30 + light + noise;
      const inSquare = opts.squares?.some((b) => x >= b[0] && x < b[2] && y >= b[1] && y < b[3]);
      const v = Math.max(0, Math.min(255, inSquare ? 230 + noise : base));
      data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return { data, width, height };
}

const contains = (outer: Box, inner: Box) =>
  outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
const area = (b: Box) => (b[2] - b[0]) * (b[3] - b[1]);
const square = (x: number, y: number, side = 60): Box => [x, y, x + side, y + side];

describe('greyDownscale', () => {
  it('averages whole cells and ignores the leftover pixels', () => {
    const img: RgbImage = { data: Buffer.alloc(5 * 4 * 3, 100), width: 5, height: 4 };
    img.data.fill(200, 0, 3); // top-left pixel
    const out = greyDownscale(img, 2);
    expect(out.length).toBe(4);
    expect(out[0]).toBeCloseTo(125);
    expect([...out.slice(1)]).toEqual([100, 100, 100]);
  });

  it('averages a centred lattice of samples when given a step', () => {
    const img: RgbImage = { data: Buffer.alloc(4 * 4 * 3, 0), width: 4, height: 4 };
    for (const [x, y] of [
      [0, 0],
      [2, 0],
      [0, 2],
      [2, 2],
    ])
      img.data.fill(200, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
    expect([...greyDownscale(img, 4, undefined, 2)]).toEqual([200]);
    expect([...greyDownscale(img, 4)]).toEqual([50]);
  });
});

describe('mergeBoxes', () => {
  it('joins overlapping boxes and then the cheapest pairs down to the limit', () => {
    const boxes: Box[] = [
      [0, 0, 10, 10],
      [5, 5, 20, 20],
      [100, 100, 110, 110],
      [112, 100, 120, 110],
      [300, 0, 310, 10],
    ];
    expect(mergeBoxes(boxes, 4)).toEqual([
      [0, 0, 20, 20],
      [100, 100, 110, 110],
      [112, 100, 120, 110],
      [300, 0, 310, 10],
    ]);
    expect(mergeBoxes(boxes, 2)).toEqual([
      [0, 0, 310, 20],
      [100, 100, 120, 110],
    ]);
  });
});

describe('MotionGate on synthetic frames', () => {
  it('learns the first frame and reports nothing for a static, noisy scene', () => {
    const gate = new MotionGate();
    expect(gate.update(scene({ frame: 0 })).relearned).toBe(true);
    for (let i = 1; i < 20; i++) {
      const r = gate.update(scene({ frame: i }));
      expect(r).toMatchObject({ moving: false, regions: [], relearned: false });
      expect(r.changedFraction).toBeLessThan(0.001);
    }
  });

  it('puts a region around a moving square, not around the whole frame', () => {
    const gate = new MotionGate();
    gate.update(scene({ frame: 0 }));
    for (let i = 1; i < 30; i++) {
      const sq = square(50 + i * 12, 150);
      const r = gate.update(scene({ frame: i, squares: [sq] }));
      expect(r.moving).toBe(true);
      expect(r.regions).toHaveLength(1);
      expect(contains(r.regions[0], sq)).toBe(true);
      expect(area(r.regions[0])).toBeLessThan(5 * area(sq));
    }
  });

  it('keeps two distant movers apart unless told to keep one region', () => {
    const frames = (gate: MotionGate) => {
      gate.update(scene({ frame: 0 }));
      let r: MotionResult | undefined;
      for (let i = 1; i < 5; i++)
        r = gate.update(scene({ frame: i, squares: [square(20 + i * 10, 20), square(500 - i * 10, 260)] }));
      return r!;
    };
    expect(frames(new MotionGate()).regions).toHaveLength(2);
    const one = frames(new MotionGate({ maxRegions: 1 })).regions;
    expect(one).toHaveLength(1);
    expect(contains(one[0], square(60, 20)) && contains(one[0], square(460, 260))).toBe(true);
  });

  it('ignores changes smaller than the minimum area', () => {
    const gate = new MotionGate({ minAreaFraction: 0.01 });
    gate.update(scene({ frame: 0 }));
    for (let i = 1; i < 5; i++)
      expect(gate.update(scene({ frame: i, squares: [square(100 + i * 10, 100, 16)] })).moving).toBe(false);
  });

  it('re-learns after a lighting change instead of reporting the whole frame', () => {
    const gate = new MotionGate();
    gate.update(scene({ frame: 0 }));
    const flash = gate.update(scene({ frame: 1, light: 70 }));
    expect(flash).toMatchObject({ moving: false, regions: [], relearned: true });
    expect(flash.changedFraction).toBeGreaterThan(0.5);
    expect(gate.update(scene({ frame: 2, light: 70 }))).toMatchObject({ moving: false, relearned: false });
    const sq = square(300, 100);
    const after = gate.update(scene({ frame: 3, light: 70, squares: [sq] }));
    expect(after.regions).toHaveLength(1);
    expect(contains(after.regions[0], sq)).toBe(true);
  });

  it('re-learns when a textured scene shakes, and is quiet once the camera holds still', () => {
    const gate = new MotionGate();
    gate.update(scene({ frame: 0 }));
    const shaken = gate.update(scene({ frame: 1, shift: 16 }));
    expect(shaken).toMatchObject({ moving: false, regions: [], relearned: true });
    expect(gate.update(scene({ frame: 2, shift: 16 }))).toMatchObject({ moving: false, relearned: false });
  });

  it('absorbs an object that stops into the background', () => {
    const gate = new MotionGate({ absorbAfterFrames: 10 });
    gate.update(scene({ frame: 0 }));
    const parked = [square(200, 200)];
    const moving = Array.from({ length: 14 }, (_, i) => gate.update(scene({ frame: i + 1, squares: parked })).moving);
    expect(moving.slice(0, 9).every(Boolean)).toBe(true);
    expect(moving.slice(10).some(Boolean)).toBe(false);
  });

  it('starts over when the frame size changes', () => {
    const gate = new MotionGate();
    gate.update(scene({ frame: 0 }));
    expect(gate.update(scene({ frame: 1, width: 320, height: 240 })).relearned).toBe(true);
  });
});

/** Decodes a fixture video to packed RGB frames with ffmpeg, one frame at a time. */
async function* decode(file: string, width: number, height: number): AsyncGenerator<RgbImage> {
  const ff = spawn('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    path.join(media, file),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ]);
  const size = width * height * 3;
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of ff.stdout as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= size) {
      yield { data: Buffer.from(pending.subarray(0, size)), width, height };
      pending = pending.subarray(size);
    }
  }
}

async function gateVideo(file: string): Promise<MotionResult[]> {
  const { width, height } = truths[file];
  const gate = new MotionGate();
  const results: MotionResult[] = [];
  for await (const frame of decode(file, width, height)) results.push(gate.update(frame));
  expect(results).toHaveLength(truths[file].frames);
  return results;
}

describe('MotionGate on the fixture videos', () => {
  it('street.mp4: motion while the car crosses, following it left to right', async () => {
    const results = await gateVideo('street.mp4');
    const [first, last] = truths['street.mp4'].vehicleFullyVisibleFrames as [number, number];
    expect(results[0]).toMatchObject({ moving: false, regions: [] }); // frame 0: the car is still outside the picture
    let previousCentre = -Infinity;
    for (let i = first; i <= last; i++) {
      expect(results[i].moving, `frame ${i}`).toBe(true);
      expect(results[i].regions).toHaveLength(1);
      const [x1, , x2] = results[i].regions[0];
      expect((x1 + x2) / 2).toBeGreaterThan(previousCentre);
      previousCentre = (x1 + x2) / 2;
    }
  });

  it("checkpoint.mp4: motion in the car's lane while each plate is visible, none on the empty road between", async () => {
    const results = await gateVideo('checkpoint.mp4');
    const { width } = truths['checkpoint.mp4'];
    for (const pass of truths['checkpoint.mp4'].passes as {
      lane: string;
      plateFullyVisibleFrames: [number, number];
    }[]) {
      for (let i = pass.plateFullyVisibleFrames[0]; i <= pass.plateFullyVisibleFrames[1]; i++) {
        expect(results[i].moving, `frame ${i}`).toBe(true);
        const centre = results[i].regions.map((b) => (b[0] + b[2]) / 2);
        expect(centre.every((c) => (pass.lane === 'left' ? c < width / 2 : c > width / 2))).toBe(true);
      }
    }
    // README: frames 0 and 50 show the empty road. Frame 50 follows a car leaving: no ghost of it may remain.
    for (const i of [0, 50]) expect(results[i], `frame ${i}`).toMatchObject({ moving: false, regions: [] });
  });
});
