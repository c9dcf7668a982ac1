// Benchmark: face gallery back ends at 100k and 1M clustered 128-d identities (build, memory, latency, recall@1 vs exact).
//
// `npx tsx bench/run.ts gallery [--sizes=100000,1000000] [--pglite-max=100000]`
// Ground truth is the float32 exact scan; every other back end's top-1 is compared with it, for
// fresh images of enrolled people (the searches that matter) and for strangers (no true match,
// so the "nearest" is a loose near-tie; reported, not required).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ExactGallery } from '../src/matching/face-gallery-exact.js';
import { HnswGallery } from '../src/matching/face-gallery-hnsw.js';
import {
  FACE_GALLERY_MIGRATION,
  openPgliteWithVector,
  PgvectorGallery,
  pgvectorStatus,
} from '../src/matching/face-gallery-pgvector.js';
import { rebuildFrom, type FaceGallery, type GalleryItem } from '../src/matching/face-gallery.js';
import { SyntheticFaces, subjectsInGallery } from '../test/support/face-synthetic.js';
import { openDb } from '../src/store/db.js';
import type { BenchContext } from './run.js';

const DIM = 128;
const ENROLLED_PROBES = 1_000;
const STRANGER_PROBES = 200;

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
const rssMB = () => {
  gc();
  gc();
  return process.memoryUsage().rss / 2 ** 20;
};
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
const log = (msg: string) => process.stderr.write(`  gallery: ${msg}\n`);

function argList(args: string[], name: string, fallback: number[]): number[] {
  const arg = args.find((a) => a.startsWith(`--${name}=`));
  return arg
    ? arg
        .slice(name.length + 3)
        .split(',')
        .map(Number)
    : fallback;
}

interface Probe {
  vector: Float32Array;
  stranger: boolean;
}

async function* replay(batches: GalleryItem[][], label: string) {
  let n = 0;
  for (const b of batches) {
    yield b;
    n += b.length;
    if (n % 200_000 < b.length) log(`${label}: ${n} rows`);
  }
}

async function timeSearches(g: FaceGallery, probes: Probe[]) {
  for (const p of probes.slice(0, 50)) await g.search(p.vector, { k: 1 }); // warm the JIT and caches
  const ms: number[] = [];
  const top1: (string | undefined)[] = [];
  for (const p of probes) {
    const t0 = performance.now();
    const [best] = await g.search(p.vector, { k: 1 });
    ms.push(performance.now() - t0);
    top1.push(best?.id);
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))], 3);
  return { msPerQuery: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) }, top1 };
}

function recallAt1(top1: (string | undefined)[], truth: (string | undefined)[], probes: Probe[]) {
  const rate = (stranger: boolean) => {
    const idx = probes.map((p, i) => (p.stranger === stranger ? i : -1)).filter((i) => i >= 0);
    return round(idx.filter((i) => top1[i] === truth[i]).length / idx.length, 4);
  };
  return { enrolledProbes: rate(false), strangers: rate(true) };
}

/** Builds a back end from the batches, then times it and scores it against the truth. */
async function measure(
  label: string,
  make: () => FaceGallery,
  batches: GalleryItem[][],
  probes: Probe[],
  truth: (string | undefined)[],
) {
  const before = rssMB();
  const g = make();
  const t0 = performance.now();
  await rebuildFrom(g, replay(batches, label));
  const buildMs = performance.now() - t0;
  const memory = {
    rssDeltaMB: round(rssMB() - before),
    ...(g instanceof ExactGallery ? { heldMB: round(g.bytes / 2 ** 20) } : {}),
  };
  log(`${label}: built in ${round(buildMs / 1000, 1)} s; searching`);
  const { msPerQuery, top1 } = await timeSearches(g, probes);
  await g.close();
  return { buildMs: round(buildMs), memory, msPerQuery, recallAt1: recallAt1(top1, truth, probes) };
}

/**
 * HNSW: one build, saved as a snapshot, then loaded once per search width (efSearch), since the
 * width is a search-time setting and a 1M build takes many minutes here.
 */
async function measureHnsw(batches: GalleryItem[][], probes: Probe[], truth: (string | undefined)[]) {
  const before = rssMB();
  const g = new HnswGallery({ dim: DIM });
  let t0 = performance.now();
  await rebuildFrom(g, replay(batches, 'hnsw'));
  const buildMs = performance.now() - t0;
  const memory = { rssDeltaMB: round(rssMB() - before) };
  log(`hnsw: built in ${round(buildMs / 1000, 1)} s`);
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-gallery-'));
  const file = path.join(dir, 'faces.usearch');
  try {
    t0 = performance.now();
    await g.save(file);
    const snapshot = {
      saveMs: round(performance.now() - t0),
      graphMB: round(statSync(file).size / 2 ** 20),
      idsMB: round(statSync(`${file}.ids.json`).size / 2 ** 20),
    };
    await g.close();
    const byExpansionSearch: Record<number, object> = {};
    for (const ef of [64, 128, 256, 512]) {
      t0 = performance.now();
      const h = await HnswGallery.load(file, { dim: DIM, expansionSearch: ef });
      const loadMs = round(performance.now() - t0);
      const { msPerQuery, top1 } = await timeSearches(h, probes);
      byExpansionSearch[ef] = { loadMs, msPerQuery, recallAt1: recallAt1(top1, truth, probes) };
      await h.close();
    }
    return {
      settings: 'usearch f32 rows, M=16, efConstruction=128, 2 build threads, 1,000 rows per add call',
      buildMs: round(buildMs),
      memory,
      snapshot,
      byExpansionSearch,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PGlite + pgvector: bulk insert into the bare table, HNSW index build, incremental inserts, row stream. */
async function measurePglite(
  batches: GalleryItem[][],
  probes: Probe[],
  truth: (string | undefined)[],
  extra: GalleryItem[],
) {
  const before = rssMB();
  const db = await openPgliteWithVector();
  try {
    await db.exec(FACE_GALLERY_MIGRATION);
    const g = await PgvectorGallery.open(db, { dim: DIM });
    let t0 = performance.now();
    await rebuildFrom(g, replay(batches, 'pglite insert'));
    const insertMs = performance.now() - t0;
    t0 = performance.now();
    await g.createIndex('1GB');
    const indexMs = performance.now() - t0;
    log(`pglite: inserted in ${round(insertMs / 1000)} s, indexed in ${round(indexMs / 1000)} s; searching`);
    const memory = { rssDeltaMB: round(rssMB() - before) };
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `explain select id from face_gallery order by embedding <#> '[${probes[0].vector.join(',')}]'::vector limit 1`,
    );
    const usesIndex = plan.some((r) => r['QUERY PLAN'].includes('face_gallery_embedding_idx'));
    const { msPerQuery, top1 } = await timeSearches(g, probes);
    t0 = performance.now();
    await g.add(extra);
    const incrementalMsPerRow = (performance.now() - t0) / extra.length;
    const copy = new ExactGallery({ dim: DIM });
    t0 = performance.now();
    await rebuildFrom(copy, g.rows(5_000));
    const streamMs = performance.now() - t0;
    await copy.close();
    return {
      insertMs: round(insertMs),
      indexBuildMs: round(indexMs),
      incrementalInsertMsPerRowWithIndex: round(incrementalMsPerRow, 2),
      rebuildExactFromRowsMs: round(streamMs),
      memory,
      usesIndex,
      msPerQuery,
      recallAt1: recallAt1(top1, truth, probes),
      settings: 'hnsw m=16 ef_construction=64, ef_search=100',
    };
  } finally {
    await db.close();
  }
}

async function postgresStatus(): Promise<object> {
  const url = process.env.DATABASE_URL;
  if (!url)
    return { measured: false, note: 'set DATABASE_URL=postgres://... to check a PostgreSQL server for pgvector' };
  const db = await openDb({ url });
  try {
    return await pgvectorStatus(db);
  } finally {
    await db.close();
  }
}

async function benchSize(size: number, pgliteMax: number) {
  const faces = new SyntheticFaces({ dim: DIM });
  let t0 = performance.now();
  const batches = [...faces.gallery(size, 10_000)];
  const subjects = subjectsInGallery(size);
  log(`${size}: generated ${subjects} subjects in ${round((performance.now() - t0) / 1000, 1)} s`);
  const probes: Probe[] = [
    ...Array.from({ length: ENROLLED_PROBES }, (_, i) => ({
      vector: faces.subjectImages((i * 7919) % subjects, 1, 1)[0].vector,
      stranger: false,
    })),
    ...Array.from({ length: STRANGER_PROBES }, (_, i) => ({ vector: faces.stranger(i), stranger: true })),
  ];

  // Exact float32 first: its answers are the truth for everything after it.
  const exact = new ExactGallery({ dim: DIM, precision: 'f32' });
  const before = rssMB();
  t0 = performance.now();
  await rebuildFrom(exact, replay(batches, 'exact f32'));
  const f32BuildMs = performance.now() - t0;
  const f32Memory = { rssDeltaMB: round(rssMB() - before), heldMB: round(exact.bytes / 2 ** 20) };
  const f32 = await timeSearches(exact, probes);
  await exact.close();
  const truth = f32.top1;
  const results: Record<string, unknown> = {
    subjects,
    probes: { enrolled: ENROLLED_PROBES, strangers: STRANGER_PROBES },
    exactF32: { buildMs: round(f32BuildMs), memory: f32Memory, msPerQuery: f32.msPerQuery, recallAt1: 'ground truth' },
  };
  for (const rerank of [8, 32]) {
    results[`exactI8Rerank${rerank}`] = await measure(
      `exact i8 rerank ${rerank}`,
      () => new ExactGallery({ dim: DIM, precision: 'i8', rerank }),
      batches,
      probes,
      truth,
    );
  }
  results.hnsw = await measureHnsw(batches, probes, truth);
  if (size <= pgliteMax) {
    const extra = [...faces.gallery(size + 1_000, 1_000)].flat().slice(size);
    results.pglitePgvector = await measurePglite(batches, probes, truth, extra);
  } else {
    results.pglitePgvector = {
      skipped: `above --pglite-max=${pgliteMax}: insert ~1 ms/row and a single-threaded index build make 1M take hours here`,
    };
  }
  return results;
}

export default async function galleryBench(ctx: BenchContext): Promise<object> {
  const sizes = argList(ctx.args, 'sizes', [100_000, 1_000_000]);
  const [pgliteMax] = argList(ctx.args, 'pglite-max', [100_000]);
  const out: Record<string, unknown> = { dim: DIM, postgres: await postgresStatus() };
  for (const size of sizes) out[String(size)] = await benchSize(size, pgliteMax);
  return out;
}
