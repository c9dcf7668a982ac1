import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.js';
import { checkpointMayRead, checkpointSees } from './audience.js';
import { policyFor, raisesAlert } from './policy.js';

const config = (raw: Record<string, unknown> = {}) => configSchema.parse(raw);

describe('policyFor', () => {
  it('gives each level its defaults: shorter timeouts, wider nets, more units and checkpoints as the level rises', () => {
    const c = config();
    expect(policyFor(c, 'normal')).toEqual({
      level: 'normal',
      ackTimeoutSeconds: 30,
      unitsPerAlert: 1,
      plateMinPriority: 3,
      plateConfirmations: 0,
      faceConfirmations: 1,
      checkpointsNotified: 'own',
    });
    expect(policyFor(c, 'enhanced')).toEqual({
      level: 'enhanced',
      ackTimeoutSeconds: 20,
      unitsPerAlert: 1,
      plateMinPriority: 4,
      plateConfirmations: 0,
      faceConfirmations: 1,
      checkpointsNotified: 'district',
    });
    expect(policyFor(c, 'wartime')).toEqual({
      level: 'wartime',
      ackTimeoutSeconds: 10,
      unitsPerAlert: 2,
      plateMinPriority: 5,
      plateConfirmations: 0,
      faceConfirmations: 1,
      checkpointsNotified: 'all',
    });
  });

  it('scales the raised levels from dispatch.ackTimeoutSeconds and keeps faces.confirmations at every level', () => {
    const c = config({ dispatch: { ackTimeoutSeconds: 90 }, faces: { confirmations: 2 } });
    expect(
      [policyFor(c, 'normal'), policyFor(c, 'enhanced'), policyFor(c, 'wartime')].map((p) => p.ackTimeoutSeconds),
    ).toEqual([90, 60, 30]);
    expect([policyFor(c, 'normal'), policyFor(c, 'wartime')].map((p) => p.faceConfirmations)).toEqual([2, 2]);
    // A short base never scales below 1 s, nor above itself.
    const short = config({ dispatch: { ackTimeoutSeconds: 2 } });
    expect([policyFor(short, 'enhanced'), policyFor(short, 'wartime')].map((p) => p.ackTimeoutSeconds)).toEqual([1, 1]);
    const tiny = config({ dispatch: { ackTimeoutSeconds: 0.5 } });
    expect(policyFor(tiny, 'wartime').ackTimeoutSeconds).toBe(0.5);
  });

  it('takes what the config sets for a level over every default', () => {
    const c = config({
      dispatch: { ackTimeoutSeconds: 30 },
      duty: {
        wartime: {
          ackTimeoutSeconds: 5,
          unitsPerAlert: 3,
          plateMinPriority: 4,
          plateConfirmations: 1,
          faceConfirmations: 1,
          checkpointsNotified: 'district',
        },
        normal: { faceConfirmations: 2 },
      },
      faces: { confirmations: 1 },
    });
    expect(policyFor(c, 'wartime')).toEqual({
      level: 'wartime',
      ackTimeoutSeconds: 5,
      unitsPerAlert: 3,
      plateMinPriority: 4,
      plateConfirmations: 1,
      faceConfirmations: 1,
      checkpointsNotified: 'district',
    });
    expect(policyFor(c, 'normal').faceConfirmations).toBe(2);
    expect(policyFor(c, 'enhanced').faceConfirmations).toBe(1);
  });

  it('refuses unknown keys, roles that may not switch, and out-of-range values at load', () => {
    expect(() => config({ duty: { normal: { unitsPerAlarm: 2 } } })).toThrow();
    expect(() => config({ duty: { switchRoles: ['unit'] } })).toThrow();
    expect(() => config({ duty: { wartime: { plateMinPriority: 6 } } })).toThrow();
    expect(() => config({ duty: { enhanced: { faceConfirmations: 3 } } })).toThrow();
    expect(() => config({ faces: { dutyLevel: 'wartime' } })).toThrow();
    expect(config({ duty: { initial: 'enhanced', switchRoles: ['admin', 'operator'] } }).duty).toMatchObject({
      initial: 'enhanced',
      switchRoles: ['admin', 'operator'],
    });
  });
});

describe('raisesAlert', () => {
  it('alerts on priorities up to the level threshold (1 most urgent)', () => {
    const c = config();
    expect([1, 2, 3, 4, 5].filter((p) => raisesAlert(policyFor(c, 'normal'), p))).toEqual([1, 2, 3]);
    expect([1, 2, 3, 4, 5].filter((p) => raisesAlert(policyFor(c, 'enhanced'), p))).toEqual([1, 2, 3, 4]);
    expect([1, 2, 3, 4, 5].filter((p) => raisesAlert(policyFor(c, 'wartime'), p))).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('checkpointSees', () => {
  const hit = (cameraId: string, audience?: unknown) => ({
    cameraId,
    data: { kind: 'plate', ...(audience ? { audience } : {}) },
  });
  const gate = { id: 'gate-1', district: 'futian' };

  it('shows a checkpoint its own hits always, others by the scope the hit carries', () => {
    expect(checkpointSees(hit('gate-1'), gate)).toBe(true);
    expect(checkpointSees(hit('gate-2'), gate)).toBe(false);
    expect(checkpointSees(hit('gate-2', { checkpoints: 'own', district: 'futian' }), gate)).toBe(false);
    expect(checkpointSees(hit('gate-2', { checkpoints: 'district', district: 'futian' }), gate)).toBe(true);
    expect(checkpointSees(hit('gate-9', { checkpoints: 'district', district: 'nanshan' }), gate)).toBe(false);
    expect(checkpointSees(hit('gate-9', { checkpoints: 'all', district: 'nanshan' }), gate)).toBe(true);
    expect(checkpointSees(hit('gate-9', { checkpoints: 'everyone' }), gate)).toBe(false);
    expect(
      checkpointSees(hit('gate-2', { checkpoints: 'district', district: 'futian' }), { id: 'gate-x', district: null }),
    ).toBe(false);
  });
});

describe('checkpointMayRead', () => {
  const c = config();
  const duty = { policy: (l: 'normal' | 'enhanced' | 'wartime') => policyFor(c, l) };
  const alert = (dutyLevel: 'normal' | 'enhanced' | 'wartime' | null, kind = 'plate') => ({
    cameraId: 'gate-2',
    kind,
    dutyLevel,
  });
  const gate = { id: 'gate-1', district: 'futian' };

  it('follows the level the alert was raised under', () => {
    expect(checkpointMayRead(alert('normal'), { district: 'futian' }, gate, duty)).toBe(false);
    expect(checkpointMayRead(alert('enhanced'), { district: 'futian' }, gate, duty)).toBe(true);
    expect(checkpointMayRead(alert('enhanced'), { district: 'nanshan' }, gate, duty)).toBe(false);
    expect(checkpointMayRead(alert('wartime'), { district: 'nanshan' }, gate, duty)).toBe(true);
    expect(checkpointMayRead(alert(null), { district: 'futian' }, { id: 'gate-2', district: 'futian' }, duty)).toBe(
      true,
    );
    expect(checkpointMayRead(alert('wartime', 'face'), { district: 'futian' }, gate, duty)).toBe(false);
  });
});
