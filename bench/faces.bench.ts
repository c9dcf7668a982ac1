// Benchmark: the face watchlist's open-set evaluation (`vigil faces eval`) on faces/faceapi, and enrolment throughput.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Box } from '../src/domain/frame.js';
import { embedPhotos, evaluate, listIdentities } from '../src/cli/faces-eval.js';
import { DEFAULT_FACE_THRESHOLD, facesSchema } from '../src/config/schema.js';
import { createLogger } from '../src/lib/logger.js';
import { cohortFiles, loadCohort } from '../src/matching/face-cohort.js';
import { FaceWatch } from '../src/pipeline/face-watch.js';
import { EventBus } from '../src/queues/event-bus.js';
import type { QueueSet } from '../src/queues/queue-set.js';
import { FaceWatchlistService } from '../src/services/face-watchlist-service.js';
import { AuditRepo } from '../src/store/audit-repo.js';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { SubjectRepo } from '../src/store/subject-repo.js';
import type { Principal } from '../src/store/token-repo.js';
import { createChipAnalyzer, type ChipAnalyzer } from '../src/vision/face-chip.js';
import { createFaceLandmarker } from '../src/vision/face-landmarks.js';
import { decodeImage } from '../src/vision/image.js';
import { resolveSource } from '../src/vision/models/manifest.js';
import { verification } from './faces-verification.js';
import type { BenchContext } from './run.js';

const round = (v: number, digits = 3) => Number(v.toFixed(digits));
const pct = (v: number) => round(100 * v, 1);

async function evaluation(dir: string, analyzer: ChipAnalyzer) {
  const { photos, msPerPhoto } = await embedPhotos(dir, analyzer);
  const cohort = await loadCohort(
    { model: analyzer.model, faces: async (f) => analyzer.faces(await decodeImage(f)) },
    cohortFiles(),
  );
  const report = async (scoring: 'snorm' | 'cosine') => {
    const r = await evaluate(
      photos,
      DEFAULT_FACE_THRESHOLD[scoring],
      analyzer.dim,
      scoring === 'snorm' ? cohort : null,
    );
    return {
      rank1Pct: pct(r.rank1),
      atDefaultThreshold: { threshold: r.threshold, tarPct: pct(r.tar), farPct: pct(r.far) },
      atFarUnder1Pct: { threshold: round(r.atFar1.threshold), tarPct: pct(r.atFar1.tar), farPct: pct(r.atFar1.far) },
    };
  };
  const base = await evaluate(photos, 0, analyzer.dim);
  return {
    data: `${base.identities} identities, ${base.photos} photos, ${base.rounds} rounds: ${base.matedProbes} mated and ${base.nonMatedProbes} non-mated probes`,
    noFace: base.noFace.length,
    cohortFaces: cohort.vectors.length,
    msPerPhoto: round(msPerPhoto, 1),
    snorm: await report('snorm'),
    cosine: await report('cosine'),
  };
}

/** A Redis stand-in: the watchlist service only publishes and subscribes to its change channel here. */
function quietRedis(): Redis {
  const stub = {
    publish: async () => 0,
    subscribe: async () => 1,
    on: () => stub,
    quit: async () => 'OK',
    duplicate: () => stub,
  };
  return stub as unknown as Redis;
}

/** Photos per second through the whole enrolment (checks, detection, chip, embeddings, row, gallery, audit) into in-memory PGlite. */
async function enrolment(files: { label: string; bytes: Buffer }[], analyzer: ChipAnalyzer) {
  const db = await openDb({ url: 'memory://' });
  try {
    await migrate(db);
    const config = facesSchema.parse({ score: 'cosine' });
    const service = new FaceWatchlistService(
      new SubjectRepo(db),
      new AuditRepo(db),
      new EventBus(quietRedis()),
      config,
      createLogger('bench', true),
      async () => analyzer,
    );
    await service.start();
    const by: Principal = {
      tokenId: 'bench',
      name: 'bench',
      role: 'admin',
      subject: null,
      personId: 'bench',
      scope: null,
    };
    const expires = new Date(Date.now() + 86400_000).toISOString();
    const started = performance.now();
    let ok = 0;
    for (const [i, f] of files.entries()) {
      const { photos } = await service.create(
        { name: `subject ${i}`, category: 'suspect', reason: 'benchmark', expiresAt: expires },
        [{ bytes: f.bytes, source: 'bench', name: f.label }],
        by,
        'benchmark',
      );
      ok += photos.filter((p) => p.ok).length;
    }
    const seconds = (performance.now() - started) / 1000;
    await service.stop();
    return {
      photos: files.length,
      enrolled: ok,
      photosPerSecond: round(files.length / seconds, 1),
      msPerPhoto: round((1000 * seconds) / files.length, 1),
    };
  } finally {
    await db.close();
  }
}

/**
 * The camera face path per frame on Human's face-detect screenshot (800x718, a row of five faces),
 * person boxes drawn around each face: while tracks are undecided every face is embedded, after
 * their decisions only detected; and the whole frame tiled, as a camera without object analysis.
 */
async function livePath(analyzer: ChipAnalyzer) {
  const image = await decodeImage(resolveSource({ npm: '@vladmandic/human/assets/screenshot-facedetect.jpg' }));
  const faces = await analyzer.detect(image, { roi: { x: 0, y: 0.47, width: 1, height: 0.23 } });
  const persons = faces.map((f): Box => {
    const w = f.box[2] - f.box[0];
    return [f.box[0] - 0.6 * w, f.box[1] - 0.3 * w, f.box[2] + 0.6 * w, Math.min(image.height, f.box[1] + 4 * w)];
  });
  const queues = { add: async () => {} } as unknown as QueueSet;
  const time = async (watch: FaceWatch, withPersons: boolean, frames: number) => {
    const ms: number[] = [];
    for (let i = 0; i < frames; i++) {
      const t = performance.now();
      const r = await watch.onFrame(
        { ...image, cameraId: 'bench', seq: i, capturedAt: 1_000_000 + i * 200 },
        withPersons ? persons : null,
      );
      ms.push(performance.now() - t);
      if (i === frames - 1 && r.embedded) throw new Error('tracks still embedding at the last frame');
    }
    return ms;
  };
  const track = { minFrames: 3, upgradeGain: 0.15, minQuality: 0.25, endAfterMs: 2000 };
  const gate = { covers: () => true };
  const regions = await time(new FaceWatch('bench', undefined, { analyzer, gate, track }, queues), true, 10);
  const whole = await time(new FaceWatch('bench', undefined, { analyzer, gate, track }, queues), false, 10);
  const mean = (v: number[]) => round(v.reduce((a, b) => a + b, 0) / v.length, 1);
  return {
    faces: faces.length,
    personRegions: {
      msPerFrameWhileDeciding: mean(regions.slice(0, 3)),
      msPerFrameAfterDecisions: mean(regions.slice(3)),
    },
    wholeFrameTiled: {
      msPerFrameWhileDeciding: mean(whole.slice(0, 3)),
      msPerFrameAfterDecisions: mean(whole.slice(3)),
    },
  };
}

/**
 * ms per face on one thread, median over rounds that alternate the box chip, the landmark chip and the
 * landmark net alone (so a shared machine's load falls on all alike): the five faces of Human's face-detect
 * screenshot, each embedded (chip and mirror) per round.
 */
async function perFace(analyzer: ChipAnalyzer) {
  const image = await decodeImage(resolveSource({ npm: '@vladmandic/human/assets/screenshot-facedetect.jpg' }));
  const faces = await analyzer.detect(image);
  const boxChip = await createChipAnalyzer({ landmarks: null, threads: 1 });
  const landmarker = await createFaceLandmarker({ threads: 1 });
  const runs: Record<'boxChip' | 'landmarkChip' | 'landmarksOnly', () => Promise<unknown>> = {
    boxChip: async () => {
      for (const f of faces) await boxChip.embed(image, f);
    },
    landmarkChip: async () => {
      for (const f of faces) await analyzer.embed(image, f);
    },
    landmarksOnly: async () => {
      for (const f of faces) await landmarker.landmarks(image, f);
    },
  };
  const times = { boxChip: [] as number[], landmarkChip: [] as number[], landmarksOnly: [] as number[] };
  for (let round = 0; round < 23; round++)
    for (const [k, run] of Object.entries(runs) as [keyof typeof runs, () => Promise<unknown>][]) {
      const t = performance.now();
      await run();
      if (round >= 3) times[k].push((performance.now() - t) / faces.length);
    }
  const median = (v: number[]) => round([...v].sort((a, b) => a - b)[Math.floor(v.length / 2)], 2);
  return {
    faces: faces.length,
    boxChip: median(times.boxChip),
    landmarkChip: median(times.landmarkChip),
    landmarksOnly: median(times.landmarksOnly),
  };
}

export default async function faces(ctx: BenchContext): Promise<unknown> {
  const analyzer = await createChipAnalyzer();
  const dir = ctx.dataDir ? path.join(ctx.dataDir, 'faces/faceapi') : null;
  const faceid = readFileSync(resolveSource({ npm: '@vladmandic/human/assets/screenshot-faceid.jpg' }));
  const closeCrops = dir
    ? listIdentities(dir).flatMap((i) => i.files.map((f) => ({ label: path.basename(f), bytes: readFileSync(f) })))
    : [];
  const evaluated = dir ? await evaluation(dir, analyzer) : { skipped: 'no data directory (../shared/data)' };
  // One fixed threshold (each scoring's default) on every face set, and what each set would need for 1% false accepts.
  const cohort = await loadCohort(
    { model: analyzer.model, faces: async (f) => analyzer.faces(await decodeImage(f)) },
    cohortFiles(),
  );
  const verified = {
    cosine: await verification(analyzer, dir, DEFAULT_FACE_THRESHOLD.cosine),
    snorm: await verification(analyzer, dir, DEFAULT_FACE_THRESHOLD.snorm, cohort),
  };
  const live = await livePath(analyzer);
  const msPerFace = await perFace(analyzer);
  const enrolled = {
    closeCrops150px: closeCrops.length ? await enrolment(closeCrops, analyzer) : { skipped: 'no data directory' },
    photo800x564: await enrolment(
      Array.from({ length: 20 }, (_, i) => ({ label: `faceid-${i}.jpg`, bytes: faceid })),
      analyzer,
    ),
  };
  return {
    method:
      'faces eval protocol (src/cli/faces-eval.ts): each identity left out once, each photo index enrolled once; blazeface + chip squared from face-api 68 landmarks + ' +
      'face-api 128-d on the chip and its mirror, ORT 1 thread; enrolment through FaceWatchlistService into in-memory PGlite, one subject per photo',
    loadAverageAtEnd: loadavg().map((l) => round(l, 2)),
    evaluation: evaluated,
    verification: verified,
    enrolment: enrolled,
    livePath: live,
    embedMsPerFace: msPerFace,
  };
}
