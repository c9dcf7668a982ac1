// Face bench helper: verification with one fixed threshold (cosine, and s-norm with a cohort) on every face set at hand, and the threshold each set would need.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FaceCohort } from '../src/matching/face-cohort.js';
import type { ChipAnalyzer } from '../src/vision/face-chip.js';
import { decodeImage } from '../src/vision/image.js';
import { resolveSource } from '../src/vision/models/manifest.js';

interface Scored {
  same: number[];
  different: number[];
}

/** A pair's score: the cosine, or its s-norm against a cohort. */
type Scorer = (a: Float32Array, b: Float32Array) => number;

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const snormScorer =
  (cohort: FaceCohort): Scorer =>
  (a, b) =>
    FaceCohort.snorm(dot(a, b), cohort.stats(a), cohort.stats(b));
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** Labelled photos, one face each (the largest): every pair scored, same or different person. */
async function labelledPairs(dir: string, analyzer: ChipAnalyzer, score: Scorer): Promise<Scored & { noFace: number }> {
  const faces: { id: string; e: Float32Array }[] = [];
  let noFace = 0;
  for (const id of readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    for (const f of readdirSync(path.join(dir, id)).sort()) {
      const found = (await analyzer.faces(await decodeImage(path.join(dir, id, f)))).sort((a, b) => b.width - a.width);
      if (found[0]) faces.push({ id, e: found[0].embedding });
      else noFace++;
    }
  }
  const out: Scored & { noFace: number } = { same: [], different: [], noFace };
  for (let i = 0; i < faces.length; i++)
    for (let j = i + 1; j < faces.length; j++)
      (faces[i].id === faces[j].id ? out.same : out.different).push(score(faces[i].e, faces[j].e));
  return out;
}

/**
 * Group photos shipped in npm packages: faces in one photo are different people, so every pair
 * within a photo is an impostor pair. Pairs across photos are left out (the same person may recur).
 */
const GROUP_PHOTOS = [
  ...[1, 2, 3, 4, 5, 6].map((n) => `@vladmandic/face-api/demo/sample${n}.jpg`),
  '@vladmandic/human/assets/screenshot-facedetect.jpg',
];

async function impostorPairs(analyzer: ChipAnalyzer, score: Scorer): Promise<Scored & { faces: number }> {
  const out: Scored & { faces: number } = { same: [], different: [], faces: 0 };
  for (const npm of GROUP_PHOTOS) {
    const faces = (await analyzer.faces(await decodeImage(resolveSource({ npm })))).filter((f) => f.quality >= 0.25);
    out.faces += faces.length;
    for (let i = 0; i < faces.length; i++)
      for (let j = i + 1; j < faces.length; j++) out.different.push(score(faces[i].embedding, faces[j].embedding));
  }
  return out;
}

/** Rates at one threshold, and the lowest threshold keeping false accepts at or under 1%. */
function at(s: Scored, threshold: number) {
  const tar = s.same.length ? s.same.filter((v) => v >= threshold).length / s.same.length : null;
  const far = s.different.filter((v) => v >= threshold).length / s.different.length;
  const sorted = [...s.different].sort((a, b) => b - a);
  const far1 = sorted[Math.floor(0.01 * sorted.length)] ?? 1;
  return {
    pairs: { same: s.same.length, different: s.different.length },
    atThreshold: { threshold, tarPct: tar === null ? null : r3(100 * tar), farPct: r3(100 * far) },
    thresholdForFar1Pct: r3(far1 + 1e-4),
    tarPctAtThatThreshold: s.same.length ? r3((100 * s.same.filter((v) => v > far1).length) / s.same.length) : null,
  };
}

/**
 * Every set at one fixed threshold (`scoring`: the raw cosine, or s-norm against `cohort`); the
 * threshold that holds 1% false accepts on all of them is the largest per-set one.
 */
export async function verification(
  analyzer: ChipAnalyzer,
  faceapiDir: string | null,
  threshold: number,
  cohort: FaceCohort | null = null,
) {
  const score = cohort ? snormScorer(cohort) : dot;
  const sets: Record<string, ReturnType<typeof at> & { note?: string }> = {};
  if (faceapiDir) {
    const s = await labelledPairs(faceapiDir, analyzer, score);
    sets.faceapi = { ...at(s, threshold), note: `${s.noFace} photos without a face` };
  }
  const imp = await impostorPairs(analyzer, score);
  sets.npmGroupPhotos = {
    ...at(imp, threshold),
    note: `${imp.faces} faces in ${GROUP_PHOTOS.length} group photos, impostor pairs within each photo`,
  };
  const holdsAll = Math.max(...Object.values(sets).map((s) => s.thresholdForFar1Pct));
  return { scoring: cohort ? 'snorm' : 'cosine', threshold, sets, thresholdHoldingFar1PctOnEverySet: holdsAll };
}
