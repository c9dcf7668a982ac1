// Plane geometry for text boxes: convex hull, minimum-area rectangle, corner order, overlap.
import type { Box } from '../domain/frame.js';
import type { Point } from './image.js';

/** A rectangle at any angle: centre, side lengths, and the unit direction of its width side. */
export interface RotatedRect {
  cx: number;
  cy: number;
  width: number;
  height: number;
  ux: number;
  uy: number;
}

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Andrew's monotone chain; returns the hull counter-clockwise without repeated points. */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts;
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** Smallest-area enclosing rectangle: one of its sides lies along a hull edge (rotating calipers). */
export function minAreaRect(hull: Point[]): RotatedRect {
  if (hull.length === 0) return { cx: 0, cy: 0, width: 0, height: 0, ux: 1, uy: 0 };
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  const edges = hull.length > 1 ? hull.length : 1;
  for (let i = 0; i < edges; i++) {
    const a = hull[i];
    const b = hull[(i + 1) % hull.length];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const ux = len > 0 ? (b[0] - a[0]) / len : 1;
    const uy = len > 0 ? (b[1] - a[1]) / len : 0;
    let minU = Infinity,
      maxU = -Infinity,
      minV = Infinity,
      maxV = -Infinity;
    for (const [x, y] of hull) {
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area >= bestArea) continue;
    bestArea = area;
    const cu = (minU + maxU) / 2;
    const cv = (minV + maxV) / 2;
    best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, ux, uy };
  }
  return best as RotatedRect;
}

/**
 * The rectangle's corners as TL, TR, BR, BL: sorted by x, the upper of the two leftmost is TL and
 * the upper of the two rightmost is TR (PaddleOCR's rule, so crops come out the way it trained).
 */
export function rectCorners(r: RotatedRect): Point[] {
  const hx = (r.width / 2) * r.ux,
    hy = (r.width / 2) * r.uy;
  const vx = (-r.height / 2) * r.uy,
    vy = (r.height / 2) * r.ux;
  const pts: Point[] = [
    [r.cx - hx - vx, r.cy - hy - vy],
    [r.cx + hx - vx, r.cy + hy - vy],
    [r.cx + hx + vx, r.cy + hy + vy],
    [r.cx - hx + vx, r.cy - hy + vy],
  ].sort((a, b) => a[0] - b[0]) as Point[];
  const [tl, bl] = pts[0][1] <= pts[1][1] ? [pts[0], pts[1]] : [pts[1], pts[0]];
  const [tr, br] = pts[2][1] <= pts[3][1] ? [pts[2], pts[3]] : [pts[3], pts[2]];
  return [tl, tr, br, bl];
}

/** Axis-aligned bounds of a polygon. */
export function boundsOf(points: Point[]): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Intersection over the smaller box: 1 when one box holds the other, which IoU would understate. */
export function overlapOfSmaller(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const area = (box: Box) => (box[2] - box[0]) * (box[3] - box[1]);
  return (w * h) / Math.min(area(a), area(b));
}
