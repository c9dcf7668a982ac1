// The offer a unit receives is one shape whether dispatched or replayed, and its delivery id names the offer.
import { describe, expect, it } from 'vitest';
import type { Assignment } from '../domain/assignment.js';
import type { AlertView } from './alert.js';
import { deliveryId, offerEvent, offerView, offerViewSchema } from './offer.js';

const assignment: Assignment = {
  id: 'as-1',
  alertId: 'al-1',
  unitId: 'car-7',
  attempt: 2,
  state: 'offered',
  distanceM: 1234.6,
  etaS: 95.4,
  offeredAt: new Date('2026-12-01T10:00:00Z'),
  acknowledgedAt: null,
  arrivedAt: null,
  timedOutAt: null,
};
const alert: AlertView = {
  id: 'al-1',
  kind: 'plate',
  status: 'candidate',
  notice: 'n',
  priority: 1,
  capturedAt: '2026-12-01T09:59:58.000Z',
  createdAt: '2026-12-01T09:59:59.000Z',
  dutyLevel: 'normal',
  cropUrl: '/x',
  camera: null,
  disposition: null,
  plate: '粤B12345',
  plateReadId: 'r-1',
  read: null,
  confirmations: { required: 0 },
  listing: null,
  match: { level: 'exact', ocrSubstitutions: 0, otherDifferences: 0, provinceDiffers: false },
};
const camera = { id: 'gate-1', name: 'Gate', lat: 22.5, lon: 114.1 };

describe('offerView', () => {
  it('builds the dispatched and the replayed offer alike, rounded, and valid against its schema', () => {
    const sent = offerView(assignment, camera, alert, 45);
    const replayed = offerView({ ...assignment, state: 'acknowledged' }, camera, alert, 45, true);
    expect(offerViewSchema.strict().parse(sent)).toEqual({ ...sent });
    expect(sent).toMatchObject({
      deliveryId: 'al-1.car-7.2',
      distanceM: 1235,
      etaS: 95,
      ackWithinS: 45,
      replayed: false,
      target: { cameraId: 'gate-1', name: 'Gate', lat: 22.5, lon: 114.1 },
    });
    const { replayed: r1, state: s1, ...restSent } = sent;
    const { replayed: r2, state: s2, ...restReplayed } = replayed;
    expect([r1, s1, r2, s2]).toEqual([false, 'offered', true, 'acknowledged']);
    expect(restReplayed).toEqual(restSent);
  });

  it('carries the offer on the unit stream event with the capture time of the hit', () => {
    const e = offerEvent(offerView(assignment, null, alert, 30), { capturedAt: new Date('2026-12-01T09:59:58Z') });
    expect(e).toMatchObject({
      type: 'offer',
      alertId: 'al-1',
      unitId: 'car-7',
      assignmentId: 'as-1',
      attempt: 2,
      capturedAt: Date.parse('2026-12-01T09:59:58Z'),
    });
    expect(e.data.target).toBeNull();
    expect(deliveryId({ alertId: 'a', unitId: 'u', attempt: 3 })).toBe('a.u.3');
  });
});
