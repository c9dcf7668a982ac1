// Flat geometry at district scale for scoring tracks: a local projection to metres, the distance from a
// point to a segment, and point-in-polygon. Within ~20 km the equirectangular error is under 0.1%.
import { EARTH_RADIUS_M } from '../domain/geo.js';

export const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

export interface Projection {
  x(lon: number): number;
  y(lat: number): number;
}

/** Metres east and north of (lat0, lon0). */
export function localProjection(lat0: number, lon0: number): Projection {
  const kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  return { x: (lon) => (lon - lon0) * kx, y: (lat) => (lat - lat0) * M_PER_DEG };
}

/** Distance, metres, from (px, py) to the segment (ax, ay)-(bx, by). */
export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

/** Even-odd rule over one ring (closed or not). */
export function inRing(x: number, y: number, xs: Float64Array, ys: Float64Array): boolean {
  let inside = false;
  for (let i = 0, j = xs.length - 1; i < xs.length; j = i++) {
    if (ys[i] > y !== ys[j] > y && x < ((xs[j] - xs[i]) * (y - ys[i])) / (ys[j] - ys[i]) + xs[i]) inside = !inside;
  }
  return inside;
}
