// Face search by photo with fake repositories and analyzer: the score floor keeps strangers out, and the limit holds.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { facesSchema } from '../config/schema.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { FaceSighting } from '../domain/face-sighting.js';
import type { FaceSightingRepo } from '../store/face-sighting-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { ChipAnalyzer, ChipFace } from '../vision/face-chip.js';
import { FaceSearchService } from './face-search.js';

const DIM = 128;
/** A unit vector at the given cosine to the probe (axis 0), the rest of its length on axis k. */
const at = (cosine: number, k: number) => {
  const v = new Float32Array(DIM);
  v[0] = cosine;
  v[k] = Math.sqrt(1 - cosine * cosine);
  return v;
};

function service(stored: { id: string; embedding: Float32Array }[]) {
  const sightings = {
    async *embeddings() {
      yield stored;
    },
    async metas(ids: string[]) {
      return ids.map((id) => ({ id, cameraId: 'c1' }) as unknown as FaceSighting);
    },
  } as unknown as FaceSightingRepo;
  const audited: unknown[] = [];
  const audit = { append: async (e: unknown) => void audited.push(e) } as unknown as AuditRepo;
  const probe: ChipFace = {
    box: [10, 10, 90, 90],
    score: 0.9,
    landmarks: [],
    quality: 0.9,
    embedding: at(1, 1),
    width: 80,
    sharpness: 100,
    chip: { data: Buffer.alloc(3), width: 1, height: 1 },
  };
  const analyzer = { faces: async () => [probe] } as unknown as ChipAnalyzer;
  return { svc: new FaceSearchService(sightings, audit, facesSchema.parse({}), async () => analyzer), audited };
}

const by: Principal = {
  tokenId: 't',
  name: 'investigator',
  role: 'investigator',
  subject: null,
  personId: 't',
  scope: null,
};
const photo = () =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#888' } })
    .png()
    .toBuffer();

describe('FaceSearchService', () => {
  // Five sightings of the person (cosine 0.97) among 55 strangers at 0.88: above the old 0.85
  // floor, and what faceapi-recognition gives most pairs of strangers (median 0.86).
  const stored = [
    ...Array.from({ length: 5 }, (_, i) => ({ id: `same-${i}`, embedding: at(0.97 - i * 0.001, 2 + i) })),
    ...Array.from({ length: 55 }, (_, i) => ({ id: `stranger-${i}`, embedding: at(0.88, 10 + i) })),
  ];

  it('returns only faces above the score floor, best first, not a list padded with strangers', async () => {
    const { svc, audited } = service(stored);
    const r = await svc.search(await photo(), { purpose: 'case 1' }, by);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.results.map((x) => x.id)).toEqual(['same-0', 'same-1', 'same-2', 'same-3', 'same-4']);
    expect(r.scanned).toBe(60);
    expect(audited).toHaveLength(1);
  });

  it('honours the limit', async () => {
    const { svc } = service(stored);
    const r = await svc.search(await photo(), { purpose: 'case 1', limit: 3 }, by);
    expect(r.ok && r.results.map((x) => x.id)).toEqual(['same-0', 'same-1', 'same-2']);
  });
});
