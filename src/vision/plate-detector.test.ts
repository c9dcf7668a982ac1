// Tests for DB post-processing on synthetic probability maps, and the geometry under it.
import { describe, expect, it } from 'vitest';
import { type ProbabilityMap, dbPostprocess, detInputSize } from './plate-detector.js';
import { convexHull, minAreaRect, overlapOfSmaller } from './geometry.js';
import type { Point } from './image.js';

/** A map with `value` inside the given (possibly rotated) rectangle and `background` elsewhere. */
function mapWith(
  width: number,
  height: number,
  rects: { cx: number; cy: number; w: number; h: number; angleDeg?: number; value?: number }[],
  background = 0,
): ProbabilityMap {
  const data = new Float32Array(width * height).fill(background);
  for (const r of rects) {
    const a = ((r.angleDeg ?? 0) * Math.PI) / 180;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const u = (x - r.cx) * Math.cos(a) + (y - r.cy) * Math.sin(a);
        const v = -(x - r.cx) * Math.sin(a) + (y - r.cy) * Math.cos(a);
        if (Math.abs(u) <= r.w / 2 && Math.abs(v) <= r.h / 2) data[y * width + x] = r.value ?? 0.9;
      }
  }
  return { data, width, height };
}

const side = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe('dbPostprocess', () => {
  it('grows an axis-aligned region by area x ratio / perimeter and orders corners TL,TR,BR,BL', () => {
    // Pixels x 20..59, y 30..39: pixel centres span 39 x 9.
    const map = mapWith(100, 80, [{ cx: 39.5, cy: 34.5, w: 40, h: 10 }]);
    const [q, ...rest] = dbPostprocess(map, { unclipRatio: 2 });
    expect(rest).toHaveLength(0);
    expect(q.score).toBeCloseTo(0.9, 5);
    const d = (39 * 9 * 2) / (2 * (39 + 9));
    const [tl, tr, br, bl] = q.quad;
    expect(tl[0]).toBeCloseTo(20 - d, 5);
    expect(tl[1]).toBeCloseTo(30 - d, 5);
    expect(tr[0]).toBeCloseTo(59 + d, 5);
    expect(br[1]).toBeCloseTo(39 + d, 5);
    expect(bl[0]).toBeCloseTo(20 - d, 5);
  });

  it('follows a tilted region with a rotated rectangle, not its axis-aligned bounds', () => {
    const map = mapWith(200, 200, [{ cx: 100, cy: 100, w: 80, h: 16, angleDeg: 15 }]);
    const [q] = dbPostprocess(map, { unclipRatio: 0 });
    const [tl, tr, br, bl] = q.quad;
    expect(side(tl, tr)).toBeGreaterThan(76);
    expect(side(tl, tr)).toBeLessThan(82);
    expect(side(tl, bl)).toBeGreaterThan(13);
    expect(side(tl, bl)).toBeLessThan(18);
    expect((Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * 180) / Math.PI).toBeCloseTo(15, 0);
    expect(br[1]).toBeGreaterThan(tl[1]);
  });

  it('drops regions whose mean probability is under the box threshold', () => {
    const map = mapWith(100, 60, [
      { cx: 30, cy: 20, w: 30, h: 10, value: 0.5 },
      { cx: 70, cy: 45, w: 30, h: 10, value: 0.8 },
    ]);
    const quads = dbPostprocess(map);
    expect(quads).toHaveLength(1);
    expect(quads[0].quad[0][0]).toBeGreaterThan(40);
  });

  it('joins diagonal neighbours (8-connectivity) and drops specks', () => {
    const map = mapWith(40, 40, []);
    for (let i = 0; i < 12; i++) map.data[(5 + i) * 40 + 5 + i] = 0.95; // a diagonal line, 1 px wide
    for (let y = 20; y < 30; y++) for (let x = 10; x < 35; x++) map.data[y * 40 + x] = 0.95;
    map.data[2 * 40 + 38] = 0.99; // a single pixel
    const quads = dbPostprocess(map);
    // The diagonal is one component but under 3 px thick, so only the block survives.
    expect(quads).toHaveLength(1);
    expect(quads[0].quad[0][1]).toBeGreaterThan(10);
  });

  it('returns nothing for an empty map and clips quads to the map', () => {
    expect(dbPostprocess(mapWith(64, 64, []))).toEqual([]);
    const [q] = dbPostprocess(mapWith(64, 64, [{ cx: 4, cy: 32, w: 10, h: 20 }]));
    for (const [x, y] of q.quad) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(64);
    }
  });
});

describe('geometry', () => {
  it('finds the minimum-area rectangle of a diamond', () => {
    const hull = convexHull([
      [0, 5],
      [5, 0],
      [10, 5],
      [5, 10],
      [5, 5],
    ]);
    expect(hull).toHaveLength(4);
    const r = minAreaRect(hull);
    expect(r.width * r.height).toBeCloseTo(50, 5);
  });

  it('measures overlap against the smaller box', () => {
    expect(overlapOfSmaller([0, 0, 10, 10], [2, 2, 4, 4])).toBe(1);
    expect(overlapOfSmaller([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
  });
});

describe('detInputSize', () => {
  it('keeps the image size rounded to 32, capped by maxSide', () => {
    expect(detInputSize(720, 1160, 1280)).toEqual({ width: 736, height: 1152 });
    expect(detInputSize(1920, 1080, 960)).toEqual({ width: 960, height: 544 });
    expect(detInputSize(94, 24, 960)).toEqual({ width: 96, height: 32 });
  });
});
