// Benchmark: face-api's 128-d recognition net as ONNX (ORT, 1 thread) vs face-api on TFJS wasm: speed and verification accuracy.
import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { faceApiRecognitionInput, type PixelBox, type RgbImage } from '../src/convert/faceapi-preprocess.js';
import { buildFaceApiRecognitionOnnx, FACEAPI_RECOGNITION } from '../src/convert/faceapi-recognition.js';
import { loadFaceApiReference, type FaceApiReference } from '../src/convert/faceapi-reference.js';
import type { BenchContext } from './run.js';

const WARMUP = 3;
/** Timings run for at least this many rounds and this long per function, as in models.bench.ts. */
const MIN_MS = 1500;
const MIN_RUNS = 10;
const SIZE = FACEAPI_RECOGNITION.size;

/**
 * Median ms of each function, timed in alternation (one run of each per round) so a shared machine's
 * load falls on all of them alike; at least MIN_RUNS rounds and MIN_MS of rounds after WARMUP rounds.
 */
async function medians<K extends string>(fns: Record<K, () => Promise<unknown> | unknown>): Promise<Record<K, number>> {
  const keys = Object.keys(fns) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; ; round++) {
    for (const k of keys) {
      const t = performance.now();
      await fns[k]();
      if (round >= WARMUP) times[k].push(performance.now() - t);
    }
    const done = times[keys[0]].length;
    if (
      done >= MIN_RUNS &&
      keys.reduce((sum, k) => sum + times[k].reduce((a, b) => a + b, 0), 0) >= MIN_MS * keys.length
    )
      break;
  }
  return Object.fromEntries(
    keys.map((k) => [k, times[k].sort((a, b) => a - b)[Math.floor(times[k].length / 2)]]),
  ) as Record<K, number>;
}

const round = (v: number, digits = 2) => Number(v.toFixed(digits));

interface Embedders {
  onnx(image: RgbImage, box?: PixelBox): Promise<Float32Array>;
  faceapi(image: RgbImage, box?: PixelBox): Promise<Float32Array>;
}

function embedders(session: ort.InferenceSession, reference: FaceApiReference): Embedders {
  return {
    async onnx(image, box) {
      const input = new ort.Tensor('float32', faceApiRecognitionInput(image, box), [1, SIZE, SIZE, 3]);
      const out = await session.run({ [FACEAPI_RECOGNITION.input]: input });
      return out[FACEAPI_RECOGNITION.output].data as Float32Array;
    },
    // face-api crops the box itself (extractFaceTensors), then pads and resizes it inside computeFaceDescriptor.
    faceapi(image, box) {
      const b = box ?? { x: 0, y: 0, width: image.width, height: image.height };
      const rgb = new Float32Array(b.width * b.height * 3);
      for (let y = 0; y < b.height; y++)
        for (let x = 0; x < b.width; x++)
          for (let c = 0; c < 3; c++)
            rgb[(y * b.width + x) * 3 + c] = image.data[((b.y + y) * image.width + b.x + x) * 3 + c];
      return reference.describe(rgb, b.width, b.height);
    },
  };
}

/** Grey or colour, with or without alpha: always 3-channel RGB, as face-api's tensors are. */
async function readRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file}: decoded to ${info.channels} channels, expected 3`);
  return { data, width: info.width, height: info.height, channels: 3 };
}

async function speed(session: ort.InferenceSession, reference: FaceApiReference, e: Embedders) {
  let seed = 12345;
  const pixels = Uint8Array.from({ length: 200 * 180 * 3 }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % 256;
  });
  const crop: RgbImage = { data: pixels, width: 200, height: 180, channels: 3 };
  const input = faceApiRecognitionInput(crop);
  const feeds = { [FACEAPI_RECOGNITION.input]: new ort.Tensor('float32', input, [1, SIZE, SIZE, 3]) };
  const ms = await medians({
    ortMs1Thread: () => session.run(feeds),
    // A 150x150 input: face-api skips its resize, so both sides time the network alone.
    faceapiWasmMs: () => reference.describe(input, SIZE, SIZE),
    // A 200x180 crop through each side's own padding and resize, as a pipeline calls them.
    ortWithPreprocessMs: () => e.onnx(crop),
    faceapiWithPreprocessMs: () => e.faceapi(crop),
  });
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v as number)]));
}

interface Face {
  identity: string;
  file: string;
  found: boolean;
  onnx: Float32Array;
  faceapi: Float32Array;
  onnxWhole: Float32Array;
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let [dot, na, nb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [dot, na, nb] = [dot + a[i] * b[i], na + a[i] * a[i], nb + b[i] * b[i]];
  return dot / Math.sqrt(na * nb);
};
const euclidean = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));

/**
 * The single threshold with the most pairs right: the midpoint of the first best gap between sorted
 * scores, and the span from the lowest to the highest threshold that scores as well (it may dip between).
 * `sameAbove`: a higher score means the same person.
 */
function bestThreshold(scored: { score: number; same: boolean }[], sameAbove: boolean) {
  const s = scored.map((p) => ({ v: sameAbove ? p.score : -p.score, same: p.same })).sort((a, b) => a.v - b.v);
  let sameOver = s.filter((p) => p.same).length;
  let diffUnder = 0;
  // Each gap between distinct scores [from, to]: a threshold inside it calls `correct` pairs right.
  const gaps = [{ from: -Infinity, to: s[0].v, correct: sameOver }];
  s.forEach((p, i) => {
    if (p.same) sameOver -= 1;
    else diffUnder += 1;
    const next = s[i + 1]?.v ?? Infinity;
    if (next !== p.v) gaps.push({ from: p.v, to: next, correct: sameOver + diffUnder });
  });
  const correct = Math.max(...gaps.map((g) => g.correct));
  const best = gaps.filter((g) => g.correct === correct);
  const mid = (g: (typeof gaps)[number]) =>
    Number.isFinite(g.from) && Number.isFinite(g.to) ? (g.from + g.to) / 2 : Number.isFinite(g.from) ? g.from : g.to;
  const out = (v: number) => round(sameAbove ? v : -v, 4);
  const span = [out(best[0].from), out(best.at(-1)!.to)].sort((a, b) => a - b);
  return {
    accuracyPct: round((100 * correct) / s.length),
    threshold: out(mid(best[0])),
    span,
    correct,
    pairs: s.length,
  };
}

/** Fixed thresholds not tuned on these pairs: FACTS's best cosine for face-api, and face-api's customary euclidean 0.6. */
const FIXED = { cosine: 0.919, euclidean: 0.6 };

function verification(faces: Face[], key: 'onnx' | 'faceapi' | 'onnxWhole') {
  const pairs = faces.flatMap((a, i) =>
    faces.slice(i + 1).map((b) => ({ a: a[key], b: b[key], same: a.identity === b.identity })),
  );
  const cos = pairs.map((p) => ({ score: cosine(p.a, p.b), same: p.same }));
  const dist = pairs.map((p) => ({ score: euclidean(p.a, p.b), same: p.same }));
  const pct = (right: number) => round((100 * right) / pairs.length);
  return {
    cosine: {
      ...bestThreshold(cos, true),
      [`accuracyPctAt${FIXED.cosine}`]: pct(cos.filter((p) => p.score >= FIXED.cosine === p.same).length),
    },
    euclidean: {
      ...bestThreshold(dist, false),
      [`accuracyPctAt${FIXED.euclidean}`]: pct(dist.filter((p) => p.score <= FIXED.euclidean === p.same).length),
    },
  };
}

async function accuracy(dataDir: string, reference: FaceApiReference, e: Embedders) {
  const root = path.join(dataDir, 'faces/faceapi');
  // Identity = folder; the loose photos beside the folders have no identity and are left out.
  const identities = readdirSync(root)
    .filter((d) => statSync(path.join(root, d)).isDirectory())
    .sort();
  const faces: Face[] = [];
  for (const identity of identities) {
    for (const name of readdirSync(path.join(root, identity)).sort()) {
      const file = path.join(root, identity, name);
      const image = await readRgb(file);
      const [box] = await reference.detectFaces(Float32Array.from(image.data), image.width, image.height);
      faces.push({
        identity,
        file: path.join(identity, name),
        found: box !== undefined,
        onnx: await e.onnx(image, box),
        faceapi: await e.faceapi(image, box),
        onnxWhole: await e.onnx(image),
      });
    }
  }
  const same = faces.flatMap((a, i) => faces.slice(i + 1).filter((b) => a.identity === b.identity)).length;
  const total = (faces.length * (faces.length - 1)) / 2;
  const maxDiff = Math.max(...faces.map((f) => f.onnx.reduce((m, v, i) => Math.max(m, Math.abs(v - f.faceapi[i])), 0)));
  return {
    data: `${path.relative(dataDir, root)}: ${identities.length} identities, ${faces.length} photos, ${total} pairs (${same} same)`,
    allDifferentBaselinePct: round((100 * (total - same)) / total),
    facesFoundBySsd: faces.filter((f) => f.found).length,
    maxAbsDiffOnnxVsFaceapi: Number(maxDiff.toExponential(2)),
    ssdCropElseWhole: { onnx: verification(faces, 'onnx'), faceapi: verification(faces, 'faceapi') },
    wholeImage: { onnx: verification(faces, 'onnxWhole') },
  };
}

export default async function faceapi(ctx: BenchContext): Promise<unknown> {
  const session = await ort.InferenceSession.create(await buildFaceApiRecognitionOnnx(), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { 'session.intra_op.allow_spinning': '0' },
  });
  try {
    const reference = await loadFaceApiReference();
    const e = embedders(session, reference);
    const ms = await speed(session, reference, e);
    const verify = ctx.dataDir
      ? await accuracy(ctx.dataDir, reference, e)
      : { skipped: 'no data directory (../shared/data)' };
    return {
      method:
        `median of >= ${MIN_RUNS} rounds and >= ${MIN_MS} ms per timing after ${WARMUP} warm-up rounds, the four timings alternating; batch 1; ORT 1 thread, optimisation 'all', ` +
        'no spinning; face-api 1.7.15 on TFJS wasm (single-threaded, SIMD). Verification: every pair, best single threshold; ' +
        "crop = face-api's SSD MobileNetV1 + 68-landmark aligned box (minConfidence 0.5), the whole image when it finds none",
      loadAverageAtEnd: loadavg().map((l) => round(l)),
      msPerEmbedding: ms,
      verification: verify,
    };
  } finally {
    await session.release();
  }
}
