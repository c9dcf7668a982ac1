import { describe, expect, it } from 'vitest';
import { angleBetween, bearingDeg } from '../domain/geo.js';
import { chooseInterceptionTargets, type CheckpointSite, type TargetPolicy } from './interception-targets.js';

// About 1 km per step around Futian, Shenzhen.
const O = { lat: 22.54, lon: 114.05 };
const KM_LAT = 1 / 111.195;
const KM_LON = 1 / (111.195 * Math.cos((22.54 * Math.PI) / 180));
const site = (id: string, northKm: number, eastKm: number): CheckpointSite => ({
  id,
  lat: O.lat + northKm * KM_LAT,
  lon: O.lon + eastKm * KM_LON,
});

const policy: TargetPolicy = {
  radiusM: 3000,
  aheadHalfAngleDeg: 45,
  aheadMaxM: 10_000,
  maxCheckpoints: 3,
  includeHitCamera: false,
  assumedSpeedKmh: 36,
};
const hit = (headingDeg: number | null, cameraId: string | null = 'street-1') => ({
  ...O,
  cameraId,
  headingDeg,
  at: 1_000_000,
});
const ids = (c: { targets: { cameraId: string }[] }) => c.targets.map((t) => t.cameraId);

const sites = [
  site('n1', 1, 0), // 1 km north
  site('n5', 5, 0), // 5 km north: beyond the radius, within aheadMaxM
  site('ne2', 1.5, 1.5), // ~2.1 km north-east (bearing 45)
  site('e2', 0, 2), // 2 km east (bearing 90)
  site('s1', -1, 0), // 1 km south
  site('w4', 0, -4), // 4 km west: outside everything but aheadMaxM to the west
];

describe('bearings', () => {
  it('measures compass bearings and the angle between two', () => {
    expect(bearingDeg(O, site('x', 1, 0))).toBeCloseTo(0, 1);
    expect(bearingDeg(O, site('x', 0, 1))).toBeCloseTo(90, 1);
    expect(bearingDeg(O, site('x', -1, 0))).toBeCloseTo(180, 1);
    expect(bearingDeg(O, site('x', 0, -1))).toBeCloseTo(270, 1);
    expect(angleBetween(350, 10)).toBe(20);
    expect(angleBetween(10, 350)).toBe(20);
    expect(angleBetween(0, 180)).toBe(180);
  });
});

describe('chooseInterceptionTargets', () => {
  it('without a heading orders every checkpoint within the radius, nearest first', () => {
    const c = chooseInterceptionTargets(hit(null), sites, { ...policy, maxCheckpoints: 10 });
    expect(c.mode).toBe('radius');
    expect(ids(c)).toEqual(['n1', 's1', 'e2', 'ne2']);
    expect(c.targets[0].distanceM).toBeCloseTo(1000, -1);
  });

  it('with a heading orders the checkpoints ahead and leaves those behind out', () => {
    const north = chooseInterceptionTargets(hit(0), sites, policy);
    expect(north.mode).toBe('ahead');
    // ne2 sits on the edge (45 degrees), n5 is beyond the radius but ahead; s1 (behind) and e2 (abeam) are out.
    expect(ids(north)).toEqual(['n1', 'ne2', 'n5']);
    const south = chooseInterceptionTargets(hit(180), sites, policy);
    expect(ids(south)).toEqual(['s1']);
  });

  it('honours the half-angle and the ahead distance', () => {
    expect(ids(chooseInterceptionTargets(hit(0), sites, { ...policy, aheadHalfAngleDeg: 30 }))).toEqual(['n1', 'n5']);
    expect(ids(chooseInterceptionTargets(hit(0), sites, { ...policy, aheadMaxM: 4000 }))).toEqual(['n1', 'ne2']);
    // Heading 350: north is 10 degrees off, across 0/360.
    expect(ids(chooseInterceptionTargets(hit(350), sites, { ...policy, aheadHalfAngleDeg: 20 }))).toEqual(['n1', 'n5']);
  });

  it('caps the number of checkpoints, keeping the nearest', () => {
    expect(ids(chooseInterceptionTargets(hit(null), sites, { ...policy, maxCheckpoints: 2 }))).toEqual(['n1', 's1']);
    expect(ids(chooseInterceptionTargets(hit(0), sites, { ...policy, maxCheckpoints: 1 }))).toEqual(['n1']);
  });

  it('falls back to the radius when nothing lies ahead', () => {
    const c = chooseInterceptionTargets(hit(270), sites, { ...policy, aheadMaxM: 3000 });
    expect(c.mode).toBe('radius_fallback');
    expect(ids(c)).toEqual(['n1', 's1', 'e2']);
  });

  it('never orders the hit camera itself unless configured', () => {
    const withGate = [site('gate-here', 0, 0), ...sites];
    expect(ids(chooseInterceptionTargets(hit(null, 'gate-here'), withGate, policy))).toEqual(['n1', 's1', 'e2']);
    expect(
      ids(chooseInterceptionTargets(hit(null, 'gate-here'), withGate, { ...policy, includeHitCamera: true })),
    ).toEqual(['gate-here', 'n1', 's1']);
  });

  it('says when the vehicle may arrive at the assumed speed', () => {
    const [n1] = chooseInterceptionTargets(hit(0), sites, policy).targets;
    // 1 km at 36 km/h (10 m/s) is 100 s.
    expect(n1.expectedAt - 1_000_000).toBeCloseTo(100_000, -3);
  });

  it('orders nobody when no checkpoint is in reach', () => {
    expect(chooseInterceptionTargets(hit(null), [site('far', 50, 0)], policy)).toEqual({ mode: 'radius', targets: [] });
  });
});
