// A plate-read event as the camera pipeline queues it (one read, seen now), for tests that raise hits through
// the real match -> alert -> dispatch path without video.
import { randomUUID } from 'node:crypto';
import type { PlateReadEvent } from '../../src/queues/payloads.js';

export function plateReadEvent(cameraId: string, plate: string, at = Date.now()): PlateReadEvent {
  return {
    eventId: randomUUID(),
    cameraId,
    plate,
    confidence: 0.95,
    format: 'ordinary',
    firstSeen: at,
    lastSeen: at,
    capturedAt: at,
    readCount: 1,
    box: [1, 2, 3, 4],
    update: false,
  };
}
