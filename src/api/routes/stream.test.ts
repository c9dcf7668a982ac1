import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../queues/event-bus.js';
import type { Principal } from '../../store/token-repo.js';
import { visibleTo } from './stream.js';

const who = (role: Principal['role'], subject: string | null = null): Principal => ({
  tokenId: 't',
  name: role,
  role,
  subject,
  personId: 't',
  scope: null,
});
const alert = (cameraId: string, kind: string): LiveEvent => ({
  type: 'alert',
  alertId: 'a',
  cameraId,
  status: 'candidate',
  at: 0,
  capturedAt: 0,
  data: { kind },
});
const offer = (unitId: string): LiveEvent => ({
  type: 'offer',
  alertId: 'a',
  unitId,
  assignmentId: 's',
  attempt: 1,
  at: 0,
  capturedAt: 0,
  data: {},
});

describe('visibleTo', () => {
  it('gives a checkpoint its own plate hits only, never face candidates', () => {
    expect(visibleTo(who('checkpoint', 'gate-1'), alert('gate-1', 'plate'))).toBe(true);
    expect(visibleTo(who('checkpoint', 'gate-1'), alert('gate-2', 'plate'))).toBe(false);
    expect(visibleTo(who('checkpoint', 'gate-1'), alert('gate-1', 'face'))).toBe(false);
  });

  it("shows a checkpoint other checkpoints' plate hits as far as the duty level the hit carries says", () => {
    const hit = (cameraId: string, checkpoints: string, district: string, kind = 'plate'): LiveEvent => ({
      type: 'alert',
      alertId: 'a',
      cameraId,
      status: 'candidate',
      at: 0,
      capturedAt: 0,
      data: { kind, audience: { checkpoints, district } },
    });
    const gate = who('checkpoint', 'gate-1');
    expect(visibleTo(gate, hit('gate-2', 'own', 'futian'), { district: 'futian' })).toBe(false);
    expect(visibleTo(gate, hit('gate-2', 'district', 'futian'), { district: 'futian' })).toBe(true);
    expect(visibleTo(gate, hit('gate-9', 'district', 'nanshan'), { district: 'futian' })).toBe(false);
    expect(visibleTo(gate, hit('gate-9', 'all', 'nanshan'), { district: 'futian' })).toBe(true);
    expect(visibleTo(gate, hit('gate-9', 'all', 'nanshan', 'face'), { district: 'futian' })).toBe(false);
  });

  it('tells the command room and checkpoints of a duty switch, not units or investigators', () => {
    const duty: LiveEvent = { type: 'duty', level: 'wartime', previous: 'normal', at: 0, data: {} };
    expect([who('admin'), who('operator'), who('checkpoint', 'gate-1')].map((p) => visibleTo(p, duty))).toEqual([
      true,
      true,
      true,
    ]);
    expect([who('unit', 'car-1'), who('investigator')].map((p) => visibleTo(p, duty))).toEqual([false, false]);
  });

  it('gives a unit its own offers only', () => {
    expect(visibleTo(who('unit', 'car-1'), offer('car-1'))).toBe(true);
    expect(visibleTo(who('unit', 'car-1'), offer('car-2'))).toBe(false);
    expect(visibleTo(who('unit', 'car-1'), alert('gate-1', 'plate'))).toBe(false);
  });

  it('gives operators everything and investigators alerts', () => {
    expect(visibleTo(who('operator'), offer('car-1'))).toBe(true);
    expect(visibleTo(who('investigator'), alert('gate-1', 'face'))).toBe(true);
    expect(visibleTo(who('investigator'), offer('car-1'))).toBe(false);
  });
});
