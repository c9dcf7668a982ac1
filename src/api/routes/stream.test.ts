import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../queues/event-bus.js';
import type { Principal } from '../../store/token-repo.js';
import { visibleTo } from './stream.js';

const who = (role: Principal['role'], subject: string | null = null): Principal => ({ tokenId: 't', name: role, role, subject });
const alert = (cameraId: string, kind: string): LiveEvent => ({ type: 'alert', alertId: 'a', cameraId, status: 'candidate', at: 0, capturedAt: 0, data: { kind } });
const offer = (unitId: string): LiveEvent => ({ type: 'offer', alertId: 'a', unitId, assignmentId: 's', attempt: 1, at: 0, capturedAt: 0, data: {} });

describe('visibleTo', () => {
  it('gives a checkpoint its own plate hits only, never face candidates', () => {
    expect(visibleTo(who('checkpoint', 'gate-1'), alert('gate-1', 'plate'))).toBe(true);
    expect(visibleTo(who('checkpoint', 'gate-1'), alert('gate-2', 'plate'))).toBe(false);
    expect(visibleTo(who('checkpoint', 'gate-1'), alert('gate-1', 'face'))).toBe(false);
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
