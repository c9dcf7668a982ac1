// The reads group's views answer what their schemas (and so the OpenAPI document) promise, in camelCase only.
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../contract/document.js';
import { docs } from '../contract/reads-docs.js';
import { plateReadView, plateReadViewSchema } from './plate-read.js';
import { sightingView, sightingViewSchema } from './sighting.js';

const at = new Date('2026-12-01T08:00:00Z');
const snake = (o: object) => Object.keys(o).filter((k) => k.includes('_'));

describe('reads views', () => {
  it('a plate read is one camelCase record with its links', () => {
    const view = plateReadView(
      { id: 'r1', cameraId: 'gate-1', plate: '粤B12345', confidence: 0.9, format: 'cn', firstSeen: at, lastSeen: at, capturedAt: at, readCount: 2, box: [1, 2, 3, 4], motion: null, hasCrop: true, direction: 90 },
      { cropUrl: '/api/v1/plate-reads/r1/crop.jpg', footageUrl: null },
    );
    expect(plateReadViewSchema.strict().parse(view)).toEqual(view);
    expect(snake(view)).toEqual([]);
    expect(view).toMatchObject({ cameraId: 'gate-1', firstSeen: at.toISOString(), thumbnailUrl: view.cropUrl });
  });

  it('a sighting is one camelCase record with its links', () => {
    const view = sightingView({ id: 's1', cameraId: 'c', label: 'car', firstSeen: at, lastSeen: at, box: [0, 0, 1, 1], score: 0.5, plate: null, hasCrop: false }, { cropUrl: null, footageUrl: '/x' });
    expect(sightingViewSchema.strict().parse(view)).toEqual(view);
    expect(snake(view)).toEqual([]);
  });

  it('every route of the group is in the generated document with a response schema', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> };
    for (const d of docs) {
      const op = doc.paths[d.path]?.[d.method];
      expect(op, `${d.method} ${d.path}`).toBeDefined();
      const [status, r] = Object.entries(d.responses)[0];
      const content = op.responses[status].content ?? {};
      if (r.schema) expect(content['application/json']?.schema, `${d.method} ${d.path}`).toBeDefined();
    }
  });
});
