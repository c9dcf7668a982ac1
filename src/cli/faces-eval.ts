// Open-set watchlist evaluation on a folder of identities (one folder each): rank-1, true-accept and false-accept rates.
//
// Protocol: every identity is left out of the watchlist once, and every photo index serves once as
// the enrolled photo. In each round the other identities enrol their photo at that index; their
// remaining photos are mated probes, and the left-out identity's photos are non-mated probes (a
// stranger the camera sees). Rank-1: mated probes whose nearest subject is right, whatever the score.
// TAR: mated probes whose nearest subject is right and scores at least the threshold. FAR:
// non-mated probes whose nearest subject scores at least the threshold (an alert on a stranger).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FaceCohort } from '../matching/face-cohort.js';
import { ExactGallery } from '../matching/face-gallery-exact.js';
import { distinctFaces } from '../services/face-enrolment.js';
import type { ChipAnalyzer } from '../vision/face-chip.js';
import { decodeImage } from '../vision/image.js';

const IMAGE = /\.(jpe?g|png|webp)$/i;

export interface EvalPhoto {
  identity: string;
  file: string;
  /** Null when no usable face was found (counted as a miss whenever it is a probe, skipped as an enrolment). */
  embedding: Float32Array | null;
}

export interface EvalReport {
  identities: number;
  photos: number;
  noFace: string[];
  rounds: number;
  matedProbes: number;
  nonMatedProbes: number;
  rank1: number;
  scoring: 'snorm' | 'cosine';
  threshold: number;
  tar: number;
  far: number;
  /** The lowest threshold keeping FAR at or under 1% on this data, and the TAR there. */
  atFar1: { threshold: number; tar: number; far: number };
  msPerPhoto: number;
}

/** Identity folders (at least two photos each) and their photos, sorted. */
export function listIdentities(dir: string): { identity: string; files: string[] }[] {
  return readdirSync(dir)
    .filter((d) => statSync(path.join(dir, d)).isDirectory())
    .sort()
    .map((identity) => ({
      identity,
      files: readdirSync(path.join(dir, identity))
        .filter((f) => IMAGE.test(f))
        .sort()
        .map((f) => path.join(dir, identity, f)),
    }))
    .filter((i) => i.files.length >= 2);
}

export async function embedPhotos(
  dir: string,
  analyzer: ChipAnalyzer,
  onProgress?: (done: number, total: number) => void,
): Promise<{ photos: EvalPhoto[]; msPerPhoto: number }> {
  const identities = listIdentities(dir);
  const total = identities.reduce((n, i) => n + i.files.length, 0);
  const photos: EvalPhoto[] = [];
  const started = performance.now();
  for (const { identity, files } of identities) {
    for (const file of files) {
      // The largest face, as enrolment takes it; eval does not refuse blurred or small ones.
      const [face] = distinctFaces(await analyzer.faces(await decodeImage(file)));
      photos.push({ identity, file, embedding: face?.embedding ?? null });
      onProgress?.(photos.length, total);
    }
  }
  return { photos, msPerPhoto: total ? (performance.now() - started) / total : 0 };
}

/** With a cohort, scores are s-norm (as live matching with faces.score 'snorm'), else cosines. */
export async function evaluate(
  photos: EvalPhoto[],
  threshold: number,
  dim: number,
  cohort: FaceCohort | null = null,
): Promise<Omit<EvalReport, 'msPerPhoto'>> {
  const stats = new Map(photos.filter((p) => p.embedding).map((p) => [p, cohort?.stats(p.embedding as Float32Array)]));
  const byIdentity = new Map<string, EvalPhoto[]>();
  for (const p of photos) byIdentity.set(p.identity, [...(byIdentity.get(p.identity) ?? []), p]);
  const ids = [...byIdentity.keys()];
  const maxPhotos = Math.max(...[...byIdentity.values()].map((l) => l.length));
  const mated: { right: boolean; score: number }[] = [];
  const files = new Map(photos.map((p) => [p.file, p]));
  /** The nearest enrolled photo by the decision score (s-norm can reorder near cosines). */
  const best = (found: { id: string; subjectId: string; score: number }[], probe: EvalPhoto) => {
    const scored = found.map((m) => {
      const [ps, rs] = [stats.get(probe), stats.get(files.get(m.id) as EvalPhoto)];
      return { subjectId: m.subjectId, score: ps && rs ? FaceCohort.snorm(m.score, ps, rs) : m.score };
    });
    return scored.sort((a, b) => b.score - a.score)[0];
  };
  const nonMated: number[] = [];
  let rounds = 0;
  for (let k = 0; k < maxPhotos; k++) {
    for (const left of ids) {
      const enrolled = ids.filter((id) => id !== left).map((id) => byIdentity.get(id)![k % byIdentity.get(id)!.length]);
      const gallery = new ExactGallery({ dim, precision: 'f32' });
      await gallery.add(
        enrolled
          .filter((p) => p.embedding)
          .map((p) => ({ id: p.file, subjectId: p.identity, vector: p.embedding as Float32Array })),
      );
      rounds++;
      for (const probe of photos) {
        if (enrolled.includes(probe)) continue;
        const top = probe.embedding
          ? best(await gallery.search(probe.embedding, { k: enrolled.length }), probe)
          : undefined;
        if (probe.identity === left) nonMated.push(top?.score ?? -1);
        else mated.push({ right: top?.subjectId === probe.identity, score: top?.score ?? -1 });
      }
      await gallery.close();
    }
  }
  const tarAt = (t: number) => mated.filter((m) => m.right && m.score >= t).length / mated.length;
  const farAt = (t: number) => nonMated.filter((s) => s >= t).length / nonMated.length;
  // The smallest threshold above all but 1% of the strangers' best scores.
  const sorted = [...nonMated].sort((a, b) => b - a);
  const allowed = Math.floor(sorted.length * 0.01);
  const t1 = (sorted[allowed] ?? -1) + 1e-6;
  return {
    identities: ids.length,
    photos: photos.length,
    noFace: photos.filter((p) => !p.embedding).map((p) => p.file),
    rounds,
    matedProbes: mated.length,
    nonMatedProbes: nonMated.length,
    rank1: mated.filter((m) => m.right).length / mated.length,
    scoring: cohort ? 'snorm' : 'cosine',
    threshold,
    tar: tarAt(threshold),
    far: farAt(threshold),
    atFar1: { threshold: t1, tar: tarAt(t1), far: farAt(t1) },
  };
}
