// HNSW gallery: recall@1 against exact search on clustered identities, threshold, removal, rebuild.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExactGallery } from './face-gallery-exact.js';
import { HnswGallery } from './face-gallery-hnsw.js';
import { rebuildFrom, type GalleryItem, type RebuildProgress } from './face-gallery.js';
import { openFaceGallery } from './open-face-gallery.js';
import { SyntheticFaces, subjectsInGallery } from '../../test/support/face-synthetic.js';

const SIZE = 20_000;
const faces = new SyntheticFaces({ dim: 128, seed: 11 });
const batches = [...faces.gallery(SIZE, 2_000)];
const subjects = subjectsInGallery(SIZE);
// Fresh images of enrolled people: the searches a watchlist exists for.
const probes = Array.from({ length: 500 }, (_, i) => faces.subjectImages((i * 7919) % subjects, 1, 1)[0].vector);

async function* stream(items: GalleryItem[][]) {
  for (const batch of items) yield batch;
}

describe('HnswGallery', () => {
  it('finds the exact top-1 for at least 99% of probes', async () => {
    const exact = new ExactGallery({ dim: 128, precision: 'f32' });
    const hnsw = new HnswGallery({ dim: 128 });
    const progress: RebuildProgress[] = [];
    await rebuildFrom(exact, stream(batches));
    const loaded = await rebuildFrom(hnsw, stream(batches), (p) => progress.push(p));
    expect(loaded).toBe(SIZE);
    expect(hnsw.size()).toBe(SIZE);
    let total = 0;
    expect(progress.map((p) => p.loaded)).toEqual(batches.map((b) => (total += b.length)));
    let same = 0;
    for (const q of probes) {
      const [want] = await exact.search(q, { k: 1 });
      const [got] = await hnsw.search(q, { k: 1 });
      if (got.id === want.id) {
        same++;
        expect(got.score).toBeCloseTo(want.score, 5);
      }
    }
    expect(same / probes.length).toBeGreaterThanOrEqual(0.99);
    await hnsw.close();
  });

  it('filters by threshold, removes items and subjects, replaces re-added ids', async () => {
    const g = await openFaceGallery({ backend: 'hnsw', dim: 128 });
    const items = batches[0];
    await g.add(items);
    const q = probes[0];
    const top = await g.search(q, { k: 10 });
    expect(top.map((m) => m.score)).toEqual([...top.map((m) => m.score)].sort((a, b) => b - a));
    const cut = await g.search(q, { k: 10, threshold: top[2].score - 1e-6 });
    expect(cut.map((m) => m.id)).toEqual(top.slice(0, 3).map((m) => m.id));

    await g.remove([top[0].id]);
    expect(await g.size()).toBe(items.length - 1);
    expect((await g.search(q, { k: 10 })).some((m) => m.id === top[0].id)).toBe(false);

    const subject = top[1].subjectId;
    const ofSubject = items.filter((it) => it.subjectId === subject && it.id !== top[0].id).length;
    await g.removeSubject(subject);
    expect(await g.size()).toBe(items.length - 1 - ofSubject);
    expect((await g.search(q, { k: 50 })).some((m) => m.subjectId === subject)).toBe(false);

    await g.add([{ id: items[100].id, subjectId: 'moved', vector: q }]);
    expect(await g.size()).toBe(items.length - 1 - ofSubject);
    const [best] = await g.search(q, { k: 1 });
    expect(best).toMatchObject({ id: items[100].id, subjectId: 'moved' });
    expect(best.score).toBeCloseTo(1, 5);
    await g.close();
    expect(await g.search(q, { k: 1 })).toEqual([]);
  });

  it('saves a snapshot and loads it back with the same answers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-hnsw-'));
    try {
      const g = new HnswGallery({ dim: 128 });
      await g.add(batches[1]);
      await g.remove([batches[1][0].id]);
      const file = path.join(dir, 'faces.usearch');
      await g.save(file);
      const loaded = await HnswGallery.load(file, { dim: 128, expansionSearch: 64 });
      expect(loaded.size()).toBe(g.size());
      for (const q of probes.slice(0, 20))
        expect(await loaded.search(q, { k: 3 })).toEqual(await g.search(q, { k: 3 }));
      // Keys continue after the snapshot's, so new faces never reuse a removed face's key.
      await loaded.add([{ id: 'new', subjectId: 'n', vector: probes[0] }]);
      expect((await loaded.search(probes[0], { k: 1 }))[0].id).toBe('new');
      await expect(HnswGallery.load(file, { dim: 256 })).rejects.toThrow(/holds 128-d rows, expected 256/);
      writeFileSync(`${file}.ids.json`, JSON.stringify({ dim: 128, nextKey: 1, entries: [] }));
      await expect(HnswGallery.load(file, { dim: 128 })).rejects.toThrow(/rebuild it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
