// Vision benchmark: ms per inference and per call, objects on video frames, vehicle hits around plates, face verification.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ort from 'onnxruntime-node';
import type { RgbImage } from '../src/domain/frame.js';
import { cosineSimilarity } from '../src/vision/decoders/embedding.js';
import { inputSpecOf, placeImage, tensorShape, toInputTensor } from '../src/vision/decoders/letterbox.js';
import { createFaceDetector } from '../src/vision/face-detector.js';
import { createFaceAnalyzer, createFaceEmbedder } from '../src/vision/face-embedder.js';
import { cropImage, decodeImage } from '../src/vision/image.js';
import { findModel, loadManifest, resolveSource } from '../src/vision/models/manifest.js';
import { ensureModel } from '../src/vision/models/model-cache.js';
import { createObjectDetector } from '../src/vision/object-detector.js';
import { loadOnnxModel } from '../src/vision/onnx-session.js';
import type { BenchContext } from './run.js';

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of at least `runs` timed calls after 3 untimed ones (ORT plans memory on the first runs). */
async function medianMs(fn: () => Promise<unknown>, runs = 30): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return round(median(times), 2);
}

const humanPhoto = (file: string) => decodeImage(resolveSource({ npm: `@vladmandic/human/assets/${file}` }));

/** Raw session.run on a real photo placed as the pipeline places it, and the whole call the pipeline makes. */
async function timings() {
  const manifest = loadManifest();
  const group = cropImage(await humanPhoto('samples.jpg'), [0, 200, 1280, 1158]);
  const faceid = await humanPhoto('screenshot-faceid.jpg');
  const inference: Record<string, number> = {};
  for (const name of ['centernet', 'blazeface', 'faceres']) {
    const entry = findModel(manifest, name);
    const spec = inputSpecOf(entry);
    const session = await loadOnnxModel((await ensureModel(name)).path, { threads: 1 });
    const { image } = await placeImage(name === 'faceres' ? faceid : group, spec);
    const feeds = { [entry.input.tensor]: new ort.Tensor('float32', toInputTensor(image, spec), tensorShape(spec)) };
    inference[name] = await medianMs(() => session.run(feeds));
  }
  const objects = await createObjectDetector({ threads: 1 });
  const faces = await createFaceDetector({ threads: 1 });
  const embedder = await createFaceEmbedder({ threads: 1 });
  const [oneFace] = await faces.detect(faceid);
  const frame1080 = await placeImage(group, {
    ...inputSpecOf(findModel(manifest, 'centernet')),
    width: 1920,
    height: 1080,
    resize: 'letterbox',
  });
  return {
    ortMsPerInference1Thread: inference,
    msPerCall1Thread: {
      objectsGroupPhoto1280: await medianMs(() => objects.detect(group), 15),
      facesGroupPhoto1280Tiled: await medianMs(() => faces.detect(group), 15),
      facesGroupPhoto1280WholeOnly: await medianMs(() => faces.detect(group, { tile: false }), 15),
      faces1080pFrameTiled: await medianMs(() => faces.detect(frame1080.image), 10),
      embedOneFace: await medianMs(() => embedder.embed(faceid, [oneFace]), 15),
    },
  };
}

/** `count` frames spread evenly over a video, as RGB straight from ffmpeg's pipe. */
async function videoFrames(file: string, count: number): Promise<RgbImage[]> {
  const probe = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height:format=duration',
    '-of',
    'default=nw=1',
    file,
  ];
  const { stdout } = await promisify(execFile)('ffprobe', probe);
  const field = (name: string) => Number(stdout.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]);
  const [width, height, duration] = [field('width'), field('height'), field('duration')];
  const args = [
    '-v',
    'error',
    '-i',
    file,
    '-vf',
    `fps=${count / duration}`,
    '-frames:v',
    String(count),
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ];
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  for await (const chunk of ffmpeg.stdout) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  const size = width * height * 3;
  return Array.from({ length: Math.floor(all.length / size) }, (_, i) => ({
    data: all.subarray(i * size, (i + 1) * size),
    width,
    height,
  }));
}

async function videoObjects(dir: string) {
  const detector = await createObjectDetector({ threads: 1 });
  const faces = await createFaceDetector({ threads: 1 });
  const out: Record<string, unknown> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.mp4'))
    .sort()) {
    const frames = await videoFrames(path.join(dir, file), 20);
    const labels: Record<string, number> = {};
    const ms: number[] = [];
    const faceMs: number[] = [];
    let faceCount = 0;
    for (const frame of frames) {
      let t = performance.now();
      for (const d of await detector.detect(frame)) labels[d.label] = (labels[d.label] ?? 0) + 1;
      ms.push(performance.now() - t);
      t = performance.now();
      faceCount += (await faces.detect(frame)).length;
      faceMs.push(performance.now() - t);
    }
    out[file] = {
      frames: frames.length,
      size: frames.length ? `${frames[0].width}x${frames[0].height}` : null,
      objectsPerFrame: Object.fromEntries(Object.entries(labels).map(([l, n]) => [l, round(n / frames.length, 2)])),
      objectMsPerFrameMedian: round(median(ms)),
      facesPerFrame: round(faceCount / frames.length, 2),
      faceMsPerFrameMedian: round(median(faceMs)),
    };
  }
  return out;
}

/** Share of the openalpr-us photos where a vehicle box holds the labelled plate's centre, per score threshold. */
async function vehicleHits(dir: string) {
  const thresholds = [0.2, 0.3, 0.4];
  const detector = await createObjectDetector({ threads: 1, classes: ['car', 'motorcycle', 'bus', 'truck'] });
  const hits = thresholds.map(() => 0);
  const ms: number[] = [];
  const misses: string[] = [];
  const labels = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  for (const label of labels) {
    const [file, x, y, w, h] = readFileSync(path.join(dir, label), 'utf8').trim().split('\t');
    const [cx, cy] = [Number(x) + Number(w) / 2, Number(y) + Number(h) / 2];
    const image = await decodeImage(path.join(dir, file));
    const t = performance.now();
    // One run at the lowest threshold: greedy NMS only lets higher scores suppress, so filtering it is the same as rerunning.
    const found = await detector.detect(image, { scoreThreshold: thresholds[0] });
    ms.push(performance.now() - t);
    const best = Math.max(
      0,
      ...found.filter(({ box: b }) => cx >= b[0] && cx <= b[2] && cy >= b[1] && cy <= b[3]).map((d) => d.score),
    );
    thresholds.forEach((s, i) => (hits[i] += best >= s ? 1 : 0));
    if (best < thresholds[1]) misses.push(`${file}: best ${round(best, 2)}`);
  }
  return {
    photos: labels.length,
    hitRate: Object.fromEntries(thresholds.map((s, i) => [`score>=${s}`, round((100 * hits[i]) / labels.length, 1)])),
    factsCenternetLetterboxed: { 'score>=0.2': 98.6, 'score>=0.3': 94.6, 'score>=0.4': 86.5 },
    msPerPhotoMedian: round(median(ms)),
    missesAt0_3: misses,
  };
}

/** Verification on the faceapi set (40 photos, 780 pairs): best single cosine threshold and the manifest's. */
async function faceVerification(dir: string) {
  const analyzer = await createFaceAnalyzer({ detector: { threads: 1 }, embedder: { threads: 1 } });
  const people = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const items: { who: string; embedding: Float32Array }[] = [];
  const noFace: string[] = [];
  for (const who of people) {
    for (const file of readdirSync(path.join(dir, who)).sort()) {
      const faces = await analyzer.faces(await decodeImage(path.join(dir, who, file)));
      const best = faces.sort((a, b) => b.score - a.score)[0];
      if (best) items.push({ who, embedding: best.embedding });
      else noFace.push(`${who}/${file}`);
    }
  }
  const pairs: { cos: number; same: boolean }[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++)
      pairs.push({
        cos: cosineSimilarity(items[i].embedding, items[j].embedding),
        same: items[i].who === items[j].who,
      });
  }
  const accuracy = (t: number) => pairs.filter((p) => p.cos >= t === p.same).length / pairs.length;
  const best = pairs.map((p) => ({ t: p.cos, acc: accuracy(p.cos) })).reduce((a, b) => (b.acc > a.acc ? b : a));
  const groups: Record<string, number> = {};
  for (const file of readdirSync(dir)
    .filter((f) => /^bbt\d\.jpg$/.test(f))
    .sort()) {
    groups[file] = (await analyzer.faces(await decodeImage(path.join(dir, file)))).length;
  }
  return {
    photos: items.length + noFace.length,
    noFace,
    pairs: pairs.length,
    samePairs: pairs.filter((p) => p.same).length,
    bestAccuracy: round(100 * best.acc, 2),
    bestThreshold: round(best.t, 3),
    accuracyAtManifest0_596: round(100 * accuracy(0.596), 2),
    factsFaceresHumanPipeline: { accuracy: 97.05, threshold: 0.596 },
    facesInGroupScenes: groups,
  };
}

export default async function vision(ctx: BenchContext): Promise<object> {
  // The machine is shared: the load average says how far to trust the timings.
  const result: Record<string, unknown> = {
    threads: 1,
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
    ...(await timings()),
  };
  if (!ctx.dataDir) return { ...result, skipped: 'no data directory (../shared/data or --data=DIR): timings only' };
  const sections: [string, string, (dir: string) => Promise<unknown>][] = [
    ['videoFrames', 'video', videoObjects],
    ['vehicleHitsOpenalprUs', 'plates/openalpr-us', vehicleHits],
    ['faceVerificationFaceapi', 'faces/faceapi', faceVerification],
  ];
  for (const [name, sub, run] of sections) {
    const dir = path.join(ctx.dataDir, sub);
    process.stderr.write(`  ${name}\n`);
    result[name] = existsSync(dir) ? await run(dir) : { skipped: `no ${sub} in ${ctx.dataDir}` };
  }
  return result;
}
