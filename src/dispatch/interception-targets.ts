// Which checkpoints an interception order goes to: ahead along the direction of travel, else all within a radius.
import { angleBetween, bearingDeg, haversineMetres, type LatLon } from '../domain/geo.js';

/** Where and when the vehicle was seen; headingDeg is its direction of travel (the hit camera's heading), if known. */
export interface InterceptionHit extends LatLon {
  cameraId: string | null;
  headingDeg: number | null;
  /** Epoch milliseconds. */
  at: number;
}

export interface CheckpointSite extends LatLon {
  id: string;
}

export interface TargetPolicy {
  radiusM: number;
  aheadHalfAngleDeg: number;
  aheadMaxM: number;
  maxCheckpoints: number;
  includeHitCamera: boolean;
  assumedSpeedKmh: number;
}

export interface InterceptionTarget {
  cameraId: string;
  distanceM: number;
  /** Initial great-circle bearing from the hit to the checkpoint, degrees clockwise from north. */
  bearingDeg: number;
  /** Earliest the vehicle may be there at the assumed speed, epoch milliseconds. */
  expectedAt: number;
}

/** 'radius_fallback': a heading was known but no checkpoint lay ahead, so the radius was used (the vehicle may turn). */
export type TargetMode = 'ahead' | 'radius' | 'radius_fallback';

export interface TargetChoice {
  mode: TargetMode;
  targets: InterceptionTarget[];
}

export function chooseInterceptionTargets(
  hit: InterceptionHit,
  checkpoints: readonly CheckpointSite[],
  policy: TargetPolicy,
): TargetChoice {
  const speedMs = policy.assumedSpeedKmh / 3.6;
  const all = checkpoints
    .filter((c) => policy.includeHitCamera || c.id !== hit.cameraId)
    .map((c) => {
      const distanceM = haversineMetres(hit, c);
      return {
        cameraId: c.id,
        distanceM,
        bearingDeg: bearingDeg(hit, c),
        expectedAt: Math.round(hit.at + (distanceM / speedMs) * 1000),
      };
    })
    .sort((a, b) => a.distanceM - b.distanceM || a.cameraId.localeCompare(b.cameraId));
  const within = (t: InterceptionTarget) => t.distanceM <= policy.radiusM;
  const cap = (targets: InterceptionTarget[]) => targets.slice(0, policy.maxCheckpoints);
  if (hit.headingDeg === null) return { mode: 'radius', targets: cap(all.filter(within)) };
  const heading = hit.headingDeg;
  // A checkpoint on top of the hit (a few metres) has no meaningful bearing: count it as ahead.
  const ahead = all.filter(
    (t) =>
      t.distanceM <= policy.aheadMaxM &&
      (t.distanceM < 1 || angleBetween(t.bearingDeg, heading) <= policy.aheadHalfAngleDeg),
  );
  if (ahead.length) return { mode: 'ahead', targets: cap(ahead) };
  return { mode: 'radius_fallback', targets: cap(all.filter(within)) };
}
