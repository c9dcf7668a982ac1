// ScopeFilter with in-memory repositories: camera lists narrowed (an empty list stays empty), single cameras,
// case grants, units by district, crops per role, and the stream gate by the camera an event is about.
import { describe, expect, it } from 'vitest';
import { widen } from '../domain/scope.js';
import type { LiveEvent } from '../queues/event-bus.js';
import type { EvidenceOf, MediaRefRepo } from '../store/media-ref-repo.js';
import type { Principal, Role } from '../store/token-repo.js';
import { ScopeFilter, withCase } from './scope-filter.js';

const CAMERAS: Record<string, string> = { a1: 'A', a2: 'A', b1: 'B', gate: 'B' };
const NONE: EvidenceOf = { alerts: [], unitIds: [], orderTargets: [] };

function filter(evidence: Record<string, EvidenceOf> = {}, alertCamera: Record<string, string> = {}) {
  const mediaRefs = {
    ofPlateRead: async (id: string) => evidence[id] ?? NONE,
    ofFaceSighting: async (id: string) => evidence[id] ?? NONE,
    faceSightingCamera: async (id: string) => (id === 'fs-b' ? 'b1' : null),
  } as unknown as MediaRefRepo;
  return new ScopeFilter({
    cameras: {
      get: async (id) => (CAMERAS[id] ? ({ id, district: CAMERAS[id] } as never) : null),
      idsIn: async (s) =>
        Object.keys(CAMERAS).filter((id) => s.cameras.includes(id) || s.districts.includes(CAMERAS[id])),
    },
    alerts: { get: async (id) => (alertCamera[id] ? ({ id, cameraId: alertCamera[id] } as never) : null) },
    mediaRefs,
    duty: { policy: () => ({ checkpointsNotified: 'own' }) as never },
  });
}

const who = (role: Role, scope: Principal['scope'] = null, subject: string | null = null): Principal => ({
  tokenId: 't',
  name: role,
  role,
  subject,
  personId: 'p',
  scope,
});
const inA = who('operator', { districts: ['A'], cameras: [] });

describe('ScopeFilter', () => {
  it('narrows camera lists to the scope; an unscoped principal is not narrowed', async () => {
    const f = filter();
    expect(await f.cameraIds(inA)).toEqual(['a1', 'a2']);
    expect(await f.narrow(inA, ['a1', 'b1'])).toEqual(['a1']);
    expect(await f.narrow(inA, ['b1'])).toEqual([]);
    expect(await f.narrow(who('operator'), undefined)).toBeUndefined();
    expect(await f.narrow(who('operator'), ['b1'])).toEqual(['b1']);
  });

  it('widens by a case grant, and a grant never narrows an unscoped principal', async () => {
    const f = filter();
    expect(await f.narrow(inA, ['b1'], { districts: [], cameras: ['b1'] })).toEqual(['b1']);
    expect(await f.seesCamera(inA, 'gate', { districts: ['B'], cameras: [] })).toBe(true);
    expect(await f.seesCamera(inA, 'gate')).toBe(false);
    expect(widen(null, { districts: ['B'], cameras: [] })).toBeNull();
  });

  it('refuses single items outside the scope as not found', async () => {
    await expect(filter().mustSeeCamera(inA, 'b1', 'alert')).rejects.toThrow(/alert not found/);
    await expect(filter().mustSeeCamera(inA, 'a1', 'alert')).resolves.toBeUndefined();
  });

  it('shows units of the scope districts only; a camera-only scope sees none', () => {
    const f = filter();
    expect(f.unitDistricts(inA)).toEqual(['A']);
    expect(f.unitDistricts(who('operator'))).toBeUndefined();
    expect(f.seesUnit(who('operator', { districts: [], cameras: ['a1'] }), { district: 'A' })).toBe(false);
  });

  it('gives crops by role: a unit its offers, a checkpoint its camera and its orders, others their scope', async () => {
    const f = filter({
      r1: {
        alerts: [{ id: 'x', cameraId: 'a1', kind: 'plate', dutyLevel: 'normal' }],
        unitIds: ['u1'],
        orderTargets: ['gate'],
      },
    });
    const read = { id: 'r1', cameraId: 'a1' };
    expect(await f.mayFetchPlateCrop(who('unit', null, 'u1'), read)).toBe(true);
    expect(await f.mayFetchPlateCrop(who('unit', null, 'u2'), read)).toBe(false);
    expect(await f.mayFetchPlateCrop(who('checkpoint', null, 'a1'), read)).toBe(true);
    expect(await f.mayFetchPlateCrop(who('checkpoint', null, 'gate'), read)).toBe(true);
    expect(await f.mayFetchPlateCrop(who('checkpoint', null, 'a2'), read)).toBe(false);
    expect(await f.mayFetchPlateCrop(inA, read)).toBe(true);
    expect(await f.mayFetchPlateCrop(who('operator', { districts: ['B'], cameras: [] }), read)).toBe(false);
    expect(await f.mayFetchFaceCrop(inA, 'fs-b')).toBe(false);
    expect(await f.mayFetchFaceCrop(who('checkpoint', null, 'b1'), 'fs-b')).toBe(false);
  });

  it('lets only a scoped principal through the stream gate for events about its cameras', async () => {
    const f = filter({}, { al: 'a1', bl: 'b1' });
    expect(f.streamGate(who('operator'))).toBeNull();
    const gate = f.streamGate(inA) as (e: LiveEvent) => Promise<boolean>;
    const alert = (cameraId: string) =>
      ({ type: 'alert', alertId: 'x', cameraId, status: 'candidate', at: 0, capturedAt: 0, data: {} }) as LiveEvent;
    expect(await gate(alert('a1'))).toBe(true);
    expect(await gate(alert('b1'))).toBe(false);
    expect(
      await gate({ type: 'assignment', alertId: 'bl', unitId: 'u', state: 'acknowledged', at: 0 } as LiveEvent),
    ).toBe(false);
    expect(
      await gate({ type: 'assignment', alertId: 'al', unitId: 'u', state: 'acknowledged', at: 0 } as LiveEvent),
    ).toBe(true);
    expect(
      await gate({
        type: 'interception',
        orderId: 'o',
        state: 'ordered',
        targets: ['gate'],
        at: 0,
        data: {},
      } as LiveEvent),
    ).toBe(false);
  });

  it('puts the case on crop URLs of a search under a case', () => {
    expect(withCase('/c.jpg', { case: { number: 'K 1' } })).toBe('/c.jpg?case=K%201');
    expect(withCase('/c.jpg', { case: null })).toBe('/c.jpg');
    expect(withCase(null, { case: { number: 'K' } })).toBeNull();
  });
});
