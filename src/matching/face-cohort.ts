// Score normalisation against a cohort of unrelated faces (symmetric s-norm), built from photos once and cached.
//
// face-api's 128-d descriptors sit in a narrow cone: strangers score cosines of 0.8-0.93, and how
// high depends on the face (some attract everyone). S-norm rescales each comparison by how the probe
// and the enrolled photo score against the same cohort of strangers, so one threshold fits every
// subject. On the public faceapi evaluation set (8 people, 40 photos) it raised the true-accept rate at 1% false accepts from
// 85% to 91% (rank-1 98.4% -> 98.9%); see bench/faces.bench.ts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, resolveSource } from '../vision/models/manifest.js';

/** Beside the converted models (git-ignored). */
const DEFAULT_CACHE_DIR = path.join(PROJECT_ROOT, 'models/cache');

export interface CohortStats {
  mean: number;
  sd: number;
}

/** Photos of strangers shipped in npm packages (about 150 faces): a default cohort that needs no data of our own. */
export const DEFAULT_COHORT_SOURCES = [
  ...[1, 2, 3, 4, 5, 6].map((i) => `@vladmandic/face-api/demo/sample${i}.jpg`),
  ...[
    'samples.jpg',
    'screenshot-facedetect.jpg',
    'screenshot-facematch.jpg',
    'screenshot-faceid.jpg',
    'screenshot-vrm.jpg',
  ].map((f) => `@vladmandic/human/assets/${f}`),
];

/** Faces narrower than this or of lower quality are left out of the cohort: their scores are noise. */
const MIN_WIDTH = 40;
const MIN_QUALITY = 0.3;
/** Bump when the chip or the embedder changes how embeddings are made: old caches are then rebuilt. */
export const COHORT_VERSION = 1;

export class FaceCohort {
  constructor(readonly vectors: readonly Float32Array[]) {
    if (vectors.length < 20)
      throw new Error(`face cohort: ${vectors.length} faces; at least 20 are needed for stable statistics`);
  }

  /** Mean and spread of a unit vector's cosines against the cohort. */
  stats(v: Float32Array): CohortStats {
    let sum = 0;
    let sumSq = 0;
    for (const c of this.vectors) {
      let dot = 0;
      for (let i = 0; i < c.length; i++) dot += c[i] * v[i];
      sum += dot;
      sumSq += dot * dot;
    }
    const mean = sum / this.vectors.length;
    return { mean, sd: Math.sqrt(Math.max(1e-8, sumSq / this.vectors.length - mean * mean)) };
  }

  /** Symmetric normalisation: the mean of the cosine's z-scores against the probe's and the reference's cohort scores. */
  static snorm(cosine: number, probe: CohortStats, reference: CohortStats): number {
    return 0.5 * ((cosine - probe.mean) / probe.sd + (cosine - reference.mean) / reference.sd);
  }
}

export interface CohortBuilder {
  readonly model: string;
  /** The faces of one image file (unit embeddings). */
  faces(file: string): Promise<{ embedding: Float32Array; width: number; quality: number }[]>;
}

/** Image files of the cohort: every JPEG/PNG/WebP in `dir`, or the npm-shipped default photos. */
export function cohortFiles(dir?: string): string[] {
  if (dir)
    return readdirSync(dir)
      .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
      .sort()
      .map((f) => path.join(dir, f));
  return DEFAULT_COHORT_SOURCES.map((npm) => resolveSource({ npm }));
}

/**
 * The cohort for this model and these files, from models/cache when built before (keyed by model,
 * file names, sizes and COHORT_VERSION), else embedded now (seconds) and cached.
 */
export async function loadCohort(
  builder: CohortBuilder,
  files: string[],
  cacheDir = DEFAULT_CACHE_DIR,
): Promise<FaceCohort> {
  const key = createHash('sha256')
    .update(JSON.stringify([COHORT_VERSION, builder.model, files.map((f) => [path.basename(f), statSync(f).size])]))
    .digest('hex')
    .slice(0, 16);
  const cacheFile = path.join(cacheDir, `face-cohort-${builder.model}-${key}.json`);
  if (existsSync(cacheFile)) {
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as number[][];
    return new FaceCohort(cached.map((v) => Float32Array.from(v)));
  }
  const vectors: Float32Array[] = [];
  for (const file of files) {
    for (const f of await builder.faces(file))
      if (f.width >= MIN_WIDTH && f.quality >= MIN_QUALITY) vectors.push(f.embedding);
  }
  const cohort = new FaceCohort(vectors);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(vectors.map((v) => Array.from(v, (x) => Math.round(x * 1e6) / 1e6))));
  return cohort;
}
