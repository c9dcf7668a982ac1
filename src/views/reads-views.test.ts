// The reads group's views answer what their schemas (and so the OpenAPI document) promise, in camelCase only.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../api/contract/document.js';
import { docs } from '../api/contract/reads-docs.js';
import { cameraSchema } from '../config/schema.js';
import { cameraView, cameraViewSchema } from './camera.js';
import { hotlistEntryView, hotlistEntryViewSchema } from './hotlist.js';
import { plateReadView, plateReadViewSchema } from './plate-read.js';
import { sightingView, sightingViewSchema } from './sighting.js';

const at = new Date('2026-12-01T08:00:00Z');
const snake = (o: object) => Object.keys(o).filter((k) => k.includes('_'));

describe('reads views', () => {
  it('a plate read is one camelCase record with its links', () => {
    const view = plateReadView(
      {
        id: 'r1',
        cameraId: 'gate-1',
        plate: '粤B12345',
        confidence: 0.9,
        format: 'cn',
        firstSeen: at,
        lastSeen: at,
        capturedAt: at,
        readCount: 2,
        box: [1, 2, 3, 4],
        motion: null,
        hasCrop: true,
        plateColour: 'blue',
        vehicleType: 'car',
        vehicleColour: 'white',
        direction: 90,
      },
      { cropUrl: '/api/v1/plate-reads/r1/crop.jpg', footageUrl: null },
    );
    expect(plateReadViewSchema.strict().parse(view)).toEqual(view);
    expect(snake(view)).toEqual([]);
    expect(view).toMatchObject({ cameraId: 'gate-1', firstSeen: at.toISOString(), thumbnailUrl: view.cropUrl });
  });

  it('a sighting is one camelCase record with its links', () => {
    const view = sightingView(
      {
        id: 's1',
        cameraId: 'c',
        label: 'car',
        firstSeen: at,
        lastSeen: at,
        box: [0, 0, 1, 1],
        score: 0.5,
        plate: null,
        hasCrop: false,
        vehicleColour: null,
      },
      { cropUrl: null, footageUrl: '/x' },
    );
    expect(sightingViewSchema.strict().parse(view)).toEqual(view);
    expect(snake(view)).toEqual([]);
  });

  it('a camera answers its configuration, status and holder; the masked source to admins only; diagnostics in the list', () => {
    const config = cameraSchema.parse({
      id: 'gate-1',
      name: 'Gate',
      source: 'rtsp://viewer:s3cret@10.0.0.9/main',
      kind: 'checkpoint',
      checkpointLevel: 2,
      lat: 22.5,
      lon: 114,
      district: 'd1',
    });
    const cam = { config, version: 3, createdAt: at, updatedAt: at, removedAt: null };
    const now = at.getTime() + 120_000;
    const status = {
      cameraId: 'gate-1',
      state: 'online',
      lastFrameAt: at.getTime(),
      fps: 5,
      restarts: 0,
      lastError: null,
      reportedAt: at.getTime(),
    };
    const admin = cameraView(cam, {
      status,
      lease: { cameraId: 'gate-1', nodeId: 'n1', instance: 'i', token: 7, since: at.getTime() },
      health: { live: undefined },
      admin: true,
      now,
    });
    expect(cameraViewSchema.strict().parse(admin)).toEqual(admin);
    expect(admin).toMatchObject({
      checkpointLevel: 2,
      source: 'rtsp://viewer:***@10.0.0.9/main',
      holder: { nodeId: 'n1', token: 7 },
      diagnostics: 'unknown',
    });
    // A report older than a minute means the worker is gone, whatever it said.
    expect(admin.status.state).toBe('offline');
    const operator = cameraView(cam, { admin: false, now });
    expect(operator).not.toHaveProperty('source');
    expect(operator).not.toHaveProperty('diagnostics');
    expect(operator.status).toEqual({ state: 'unknown' });
    expect(snake(admin)).toEqual([]);
  });

  it('a hotlist entry answers plate or pattern as null when absent, in camelCase', () => {
    const view = hotlistEntryView({
      id: 'h1',
      pattern: '*88?8',
      category: 'wanted',
      reason: 'r',
      source: 's',
      addedBy: 'a',
      priority: 1,
      expiresAt: '2030-01-01T00:00:00Z',
      active: true,
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(hotlistEntryViewSchema.strict().parse(view)).toEqual(view);
    expect(view).toMatchObject({ plate: null, pattern: '*88?8', addedBy: 'a' });
  });

  it('every route of the group is in the generated document with a response schema', () => {
    const doc = openApiDocument() as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
      >;
    };
    for (const d of docs) {
      const op = doc.paths[d.path]?.[d.method];
      expect(op, `${d.method} ${d.path}`).toBeDefined();
      const [status, r] = Object.entries(d.responses)[0];
      const content = op.responses[status].content ?? {};
      if (r.schema) expect(content['application/json']?.schema, `${d.method} ${d.path}`).toBeDefined();
    }
  });
});
