// Face bench helper: which chip the 128-d net should see. Embeds every face of every set with each
// alignment (box chip, blazeface keypoints, face-api's 68 landmarks from the ONNX landmark nets, full and
// tiny, face-api's own crop, and the live analyzer itself) and reports verification per set and ms per face.
// Run alone: `npx tsx bench/faces-alignment.ts` (needs ../shared/data).
import path from 'node:path';
import ort from 'onnxruntime-node';
import { faceApiRecognitionInput } from '../src/convert/faceapi-preprocess.js';
import { buildFaceApiLandmarksOnnx } from '../src/convert/faceapi-landmarks.js';
import type { RgbImage } from '../src/domain/frame.js';
import { decodeEmbeddings } from '../src/vision/decoders/embedding.js';
import { boxSquare, keypointSquare, warpSquare, type ChipSquare } from '../src/vision/chip-square.js';
import { createChipAnalyzer } from '../src/vision/face-chip.js';
import { createFaceLandmarker, LANDMARK_CROP_SCALE } from '../src/vision/face-landmarks.js';
import { createFaceDetector, type FaceBox } from '../src/vision/face-detector.js';
import { faceQuality } from '../src/vision/face-embedder.js';
import { cropImage, decodeImage } from '../src/vision/image.js';
import { ensureModel } from '../src/vision/models/model-cache.js';
import { loadOnnxModel } from '../src/vision/onnx-session.js';
import { listIdentities } from '../src/cli/faces-eval.js';
import { BBT_SCENE_LABELS, EXPRESSION_PHOTOS, STRANGER_FOLDS, faceapiDir } from './faces-sets.js';
import { resolveSource } from '../src/vision/models/manifest.js';

type Point = [number, number];
interface Item {
  set: 'faceapi' | 'scene' | 'stranger';
  identity: string;
  image: RgbImage;
  face: FaceBox;
}

const mean = (pts: Point[]): Point => [
  pts.reduce((s, p) => s + p[0], 0) / pts.length,
  pts.reduce((s, p) => s + p[1], 0) / pts.length,
];

/** face-api's dlib geometry from 68 landmarks; `rotate` levels the eyes as keypointSquare does. */
function square68(lm: Point[], scale: number, rotate: boolean): ChipSquare {
  const [le, re, mo] = [mean(lm.slice(36, 42)), mean(lm.slice(42, 48)), mean(lm.slice(48, 68))];
  const fake: FaceBox = { box: [0, 0, 1, 1], score: 1, landmarks: [le, re, mean([le, re]), mo] };
  const s = keypointSquare(fake, scale) as ChipSquare;
  if (rotate) return s;
  const side = s.side;
  const [rx, ry] = mean([le, re, mo]);
  return { cx: rx, cy: ry + 0.07 * side, side, angle: 0 };
}

async function main() {
  const dataDir = path.resolve(import.meta.dirname, '../../shared/data');
  const dir = faceapiDir(dataDir);
  const detector = await createFaceDetector();
  const { path: modelPath } = await ensureModel('faceapi-recognition');
  const session = await loadOnnxModel(modelPath, { threads: 1 });
  const landmarker = await createFaceLandmarker({ threads: 1 });
  const tiny = await ort.InferenceSession.create(await buildFaceApiLandmarksOnnx(undefined, 'tiny'), {
    intraOpNumThreads: 1,
  });
  const live = await createChipAnalyzer({ threads: 1 });
  const embedInput = async (data: Float32Array) =>
    decodeEmbeddings(
      (await session.run({ input: new ort.Tensor('float32', data, [1, 150, 150, 3]) })).descriptor.data as Float32Array,
      128,
      1,
    )[0];
  const embedChip = async (chip: RgbImage, mirror: boolean) => {
    const data = new Float32Array(150 * 150 * 3);
    for (let y = 0; y < 150; y++)
      for (let x = 0; x < 150; x++)
        for (let c = 0; c < 3; c++) data[(y * 150 + x) * 3 + c] = chip.data[(y * 150 + (mirror ? 149 - x : x)) * 3 + c];
    return embedInput(data);
  };
  const unit = (vs: Float32Array[]) => {
    const o = new Float32Array(128);
    for (const v of vs) for (let i = 0; i < 128; i++) o[i] += v[i];
    const n = Math.hypot(...o);
    return o.map((x) => x / n);
  };

  const items: Item[] = [];
  const largest = (fs: FaceBox[]) => fs.sort((a, b) => b.box[2] - b.box[0] - (a.box[2] - a.box[0]))[0];
  for (const { identity, files } of listIdentities(dir))
    for (const f of files) {
      const image = await decodeImage(f);
      const face = largest(await detector.detect(image));
      if (face) items.push({ set: 'faceapi', identity, image, face });
    }
  for (const l of BBT_SCENE_LABELS) {
    const image = await decodeImage(path.join(dir, l.file));
    const face = (await detector.detect(image, { tile: true })).find(
      (f) => f.box[0] <= l.x && l.x <= f.box[2] && f.box[1] <= l.y && l.y <= f.box[3],
    );
    if (face) items.push({ set: 'scene', identity: l.identity, image, face });
    else console.error('scene label without a face', l);
  }
  let n = 0;
  for (const file of [
    ...EXPRESSION_PHOTOS.map((f) => path.join(dir, f)),
    ...Object.values(STRANGER_FOLDS)
      .flat()
      .map((npm) => resolveSource({ npm })),
  ]) {
    const image = await decodeImage(file);
    for (const face of await detector.detect(image)) {
      const w = face.box[2] - face.box[0];
      if (w >= 40 && faceQuality(face, cropImage(image, face.box)) >= 0.3)
        items.push({ set: 'stranger', identity: `stranger${n++}`, image, face });
    }
  }
  console.error(
    `${items.length} faces:`,
    ['faceapi', 'scene', 'stranger'].map((s) => items.filter((i) => i.set === s).length),
  );

  // The tiny net on the live landmarker's crop (a square LANDMARK_CROP_SCALE x the box around its centre).
  const lmTiny = async (it: Item): Promise<Point[]> => {
    const [x1, y1, x2, y2] = it.face.box;
    const side = LANDMARK_CROP_SCALE * Math.max(x2 - x1, y2 - y1);
    const [cx, cy] = [(x1 + x2) / 2, (y1 + y2) / 2];
    const crop = await warpSquare(it.image, { cx, cy, side, angle: 0 }, 112);
    const out = await tiny.run({ input: new ort.Tensor('float32', Float32Array.from(crop.data), [1, 112, 112, 3]) });
    const rel = out.landmarks.data as Float32Array;
    return Array.from({ length: 68 }, (_, i): Point => [
      cx - side / 2 + rel[2 * i] * side,
      cy - side / 2 + rel[2 * i + 1] * side,
    ]);
  };

  const variants: Record<string, (it: Item, lm: Point[], lmT: Point[]) => Promise<Float32Array>> = {};
  const chipVariant =
    (sq: (it: Item, lm: Point[], lmT: Point[]) => ChipSquare | null, mirror = true) =>
    async (it: Item, lm: Point[], lmT: Point[]) => {
      const chip = await warpSquare(it.image, sq(it, lm, lmT) ?? boxSquare(it.face), 150);
      return mirror
        ? unit([await embedChip(chip, false), await embedChip(chip, true)])
        : unit([await embedChip(chip, false)]);
    };
  variants.box15 = chipVariant((it) => boxSquare(it.face));
  variants.kp1 = chipVariant((it) => keypointSquare(it.face, 1));
  for (const s of [0.9, 1.0, 1.1]) variants[`lm68rot${s}`] = chipVariant((_it, lm) => square68(lm, s, true));
  variants.lm68rot1NoMirror = chipVariant((_it, lm) => square68(lm, 1, true), false);
  variants.lm68tinyRot1 = chipVariant((_it, _lm, lmT) => square68(lmT, 1, true));
  variants.lm68noRot = chipVariant((_it, lm) => square68(lm, 1, false));
  // The live analyzer's own embed (landmarks, chip, both embeddings): its ms per face is the path's whole cost.
  variants.liveAnalyzer = async (it) =>
    (await live.embed(it.image, { ...it.face, quality: 0, width: it.face.box[2] - it.face.box[0], sharpness: 0 }))
      .embedding;
  // face-api's own: the axis-aligned dlib box, clipped, padded to a square with black, resized (its code path).
  variants.faceapiOwn = async (it, lm) => {
    const s = square68(lm, 1, false);
    const x = Math.floor(Math.max(0, s.cx - s.side / 2));
    const y = Math.floor(Math.max(0, s.cy - 0.5 * s.side));
    const side = Math.floor(s.side);
    const w = Math.min(side, it.image.width - x);
    const h = Math.min(side, it.image.height - y);
    return unit([
      await embedInput(faceApiRecognitionInput({ ...it.image, channels: 3 }, { x, y, width: w, height: h })),
    ]);
  };

  const timed = async <T>(f: (it: Item) => Promise<T>) => {
    const t0 = performance.now();
    const out: T[] = [];
    for (const it of items) out.push(await f(it));
    return { out, ms: Number(((performance.now() - t0) / items.length).toFixed(2)) };
  };
  const full = await timed((it) => landmarker.landmarks(it.image, it.face));
  const tinyLm = await timed(lmTiny);
  const lms = full.out;
  const report: Record<string, unknown> = { landmarkMsPerFace: { full: full.ms, tiny: tinyLm.ms } };
  console.error('landmarks ms per face', report.landmarkMsPerFace);
  for (const [name, fn] of Object.entries(variants)) {
    const t0 = performance.now();
    const es: Float32Array[] = [];
    for (const [i, it] of items.entries()) es.push(await fn(it, lms[i], tinyLm.out[i]));
    const ms = (performance.now() - t0) / items.length;
    report[name] = { ...score(items, es), msPerFace: Number(ms.toFixed(1)) };
    console.error(name, JSON.stringify(report[name]));
  }
  console.log(JSON.stringify(report, null, 1));
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Best-threshold accuracy on faceapi pairs and scene x faceapi pairs; TAR at FAR 1% over all impostor pairs. */
function score(items: Item[], es: Float32Array[]) {
  const pairs = (f: (a: Item, b: Item) => boolean) => {
    const out: { s: number; same: boolean }[] = [];
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++)
        if (f(items[i], items[j]) || f(items[j], items[i]))
          out.push({ s: dot(es[i], es[j]), same: items[i].identity === items[j].identity });
    return out;
  };
  const best = (ps: { s: number; same: boolean }[]) => {
    const sorted = [...ps].sort((a, b) => a.s - b.s);
    let right = ps.filter((p) => p.same).length;
    let top = right;
    for (const p of sorted) {
      right += p.same ? -1 : 1;
      top = Math.max(top, right);
    }
    return Number(((100 * top) / ps.length).toFixed(2));
  };
  const tarAtFar1 = (ps: { s: number; same: boolean }[]) => {
    const diff = ps
      .filter((p) => !p.same)
      .map((p) => p.s)
      .sort((a, b) => b - a);
    const t = diff[Math.floor(diff.length * 0.01)];
    const same = ps.filter((p) => p.same);
    return {
      t: Number(t.toFixed(3)),
      tar: Number(((100 * same.filter((p) => p.s > t).length) / same.length).toFixed(1)),
    };
  };
  const close = pairs((a, b) => a.set === 'faceapi' && b.set === 'faceapi');
  const scene = pairs((a, b) => a.set === 'scene' && b.set === 'faceapi');
  // Every pair but stranger x stranger (strangers may recur across the group photos).
  const all = pairs((a, b) => !(a.set === 'stranger' && b.set === 'stranger'));
  return {
    closeAcc: best(close),
    sceneAcc: best(scene),
    close1: tarAtFar1(close),
    scene1: tarAtFar1(scene),
    all1: tarAtFar1(all),
  };
}

await main();
