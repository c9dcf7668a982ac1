// Exact gallery: nearest by cosine in both precisions, threshold, removal, re-enrolment, growth.
import { describe, expect, it } from 'vitest';
import { ExactGallery } from './face-gallery-exact.js';
import { FaceGalleryError, type GalleryItem } from './face-gallery.js';
import { Gaussian, SyntheticFaces } from '../../test/support/face-synthetic.js';

function bruteForce(items: GalleryItem[], q: Float32Array): { id: string; score: number }[] {
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return items
    .map((it) => ({ id: it.id, score: it.vector.reduce((s, x, i) => s + x * q[i], 0) / (norm(it.vector) * norm(q)) }))
    .sort((a, b) => b.score - a.score);
}

const faces = new SyntheticFaces({ dim: 128, seed: 7 });
const items = [...faces.gallery(3_000)].flat();
const probes = Array.from({ length: 40 }, (_, i) => faces.subjectImages(i * 13, 1, 1)[0].vector);

describe.each(['f32', 'i8'] as const)('ExactGallery (%s)', (precision) => {
  it('returns the nearest items by cosine, best first', async () => {
    const g = new ExactGallery({ dim: 128, precision, initialCapacity: 16 });
    await g.add(items);
    expect(g.size()).toBe(items.length);
    for (const q of probes) {
      const want = bruteForce(items, q).slice(0, 5);
      const got = await g.search(q, { k: 5 });
      expect(got.map((m) => m.id)).toEqual(want.map((m) => m.id));
      got.forEach((m, i) => expect(m.score).toBeCloseTo(want[i].score, 5));
      expect(got[0].subjectId).toBe(items.find((it) => it.id === got[0].id)!.subjectId);
    }
  });

  it('scores unnormalised vectors as cosines, in any dimension 128..1024', async () => {
    const g = new ExactGallery({ dim: 130, precision });
    const rnd = new Gaussian(3);
    const raw = Array.from({ length: 50 }, (_, i) => ({
      id: `r${i}`,
      subjectId: `p${i}`,
      vector: Float32Array.from({ length: 130 }, () => rnd.next() * 5),
    }));
    await g.add(raw);
    const [best] = await g.search(
      raw[17].vector.map((x) => x * 0.1),
      { k: 1 },
    );
    expect(best.id).toBe('r17');
    expect(best.score).toBeCloseTo(1, 5);
  });

  it('leaves out matches below the threshold', async () => {
    const g = new ExactGallery({ dim: 128, precision });
    await g.add(items);
    const q = probes[0];
    const all = bruteForce(items, q);
    const threshold = all[3].score - 1e-6;
    const got = await g.search(q, { k: 10, threshold });
    expect(got.map((m) => m.id)).toEqual(all.slice(0, 4).map((m) => m.id));
    expect(await g.search(q, { k: 10, threshold: 1.01 })).toEqual([]);
  });

  it('removes items and subjects, and replaces an item added again', async () => {
    const g = new ExactGallery({ dim: 128, precision, initialCapacity: 16 });
    await g.add(items);
    const q = probes[1];
    const [first] = await g.search(q, { k: 1 });
    await g.remove([first.id, 'no-such-id']);
    expect(g.size()).toBe(items.length - 1);
    const [second] = await g.search(q, { k: 1 });
    expect(second.id).not.toBe(first.id);
    expect(second.id).toBe(
      bruteForce(
        items.filter((it) => it.id !== first.id),
        q,
      )[0].id,
    );

    await g.removeSubject(second.subjectId);
    const left = items.filter((it) => it.id !== first.id && it.subjectId !== second.subjectId);
    expect(g.size()).toBe(left.length);
    const after = await g.search(q, { k: 20 });
    expect(after.some((m) => m.subjectId === second.subjectId)).toBe(false);
    expect(after[0].id).toBe(bruteForce(left, q)[0].id);

    // Re-enrolling an id with another vector and subject replaces it.
    await g.add([{ id: left[5].id, subjectId: 'moved', vector: q }]);
    expect(g.size()).toBe(left.length);
    const [again] = await g.search(q, { k: 1 });
    expect(again).toMatchObject({ id: left[5].id, subjectId: 'moved' });
    expect(again.score).toBeCloseTo(1, 5);
  });

  it('rejects a vector of the wrong width or with no direction, and k < 1', async () => {
    const g = new ExactGallery({ dim: 128, precision });
    await expect(g.add([{ id: 'a', subjectId: 's', vector: new Float32Array(512) }])).rejects.toThrow(
      /512 values, expected 128/,
    );
    await expect(g.add([{ id: 'a', subjectId: 's', vector: new Float32Array(128) }])).rejects.toThrow(FaceGalleryError);
    await expect(g.search(new Float32Array(128).fill(1), { k: 0 })).rejects.toThrow(/k must be/);
    expect(await g.search(new Float32Array(128).fill(1), { k: 3 })).toEqual([]);
    expect(() => new ExactGallery({ dim: 64 })).toThrow(/128\.\.1024/);
  });
});
