// Plate reading accuracy and cost on CCPD crops and frames (../shared/data/plates), ORT on 1 thread.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { RgbImage } from '../src/domain/frame.js';
import { normalisePlate } from '../src/domain/plate-text.js';
import { decodeImage } from '../src/vision/image.js';
import { type PlateReader, type PlateReading, createPlateReader } from '../src/vision/plate-reader.js';
import { falseMatchReport } from './plates-false-match.js';
import { Confusions, benchRendered, benchTwoRow } from './plates-rendered.js';
import type { BenchContext } from './run.js';

// CCPD README tables: a frame's file name holds indices into these (province, letter, then 5 of ads).
const CCPD_PROVINCES = '皖沪津渝冀晋蒙辽吉黑苏浙京闽赣鲁豫鄂湘粤桂琼川贵云藏陕甘青宁新警学O';
const CCPD_ALPHABETS = 'ABCDEFGHJKLMNPQRSTUVWXYZO';
const CCPD_ADS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789O';

/** `area-tilt-box-corners-indices-brightness-blur.jpg` -> plate text. */
export function ccpdTruth(file: string): string {
  const indices = path.basename(file).split('-')[4].split('_').map(Number);
  return (
    CCPD_PROVINCES[indices[0]] +
    CCPD_ALPHABETS[indices[1]] +
    indices
      .slice(2)
      .map((i) => CCPD_ADS[i])
      .join('')
  );
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;
const images = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.(jpe?g|png)$/i.test(f))
    .sort();

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

async function benchCrops(dir: string, reader: PlateReader, greedy: PlateReader, confusions: Confusions) {
  let exact = 0,
    greedyExact = 0,
    decodeMs = 0,
    readMs = 0;
  const misses: string[] = [];
  const files = images(dir);
  for (const file of files) {
    const truth = normalisePlate(path.parse(file).name);
    const [image, tDecode] = await timed(() => decodeImage(path.join(dir, file)));
    const [read, tRead] = await timed(() => reader.readCrop(image));
    decodeMs += tDecode;
    readMs += tRead;
    confusions.add(truth, read?.text);
    if (read?.text === truth) exact++;
    else
      misses.push(
        `${truth}: ${read?.text ?? '-'}${read?.chars[0].uncertain && read.text[0] !== truth[0] ? ' (province flagged uncertain)' : ''}`,
      );
    if ((await greedy.readCrop(image))?.text === truth) greedyExact++;
  }
  const n = files.length;
  return {
    crops: n,
    exact,
    exactRate: round(exact / n, 4),
    greedyBaselineExact: greedyExact,
    msPerCrop: round(readMs / n),
    msDecodeJpegPerCrop: round(decodeMs / n),
    misses,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function benchFrames(dir: string, reader: PlateReader, maxSide: number) {
  let exact = 0,
    extraReads = 0;
  const ms: number[] = [];
  const reads: string[] = [];
  const files = images(dir);
  // One untimed pass: ORT plans memory per input shape, and a camera's shape never changes.
  await reader.read(await decodeImage(path.join(dir, files[0])), { maxSide });
  for (const file of files) {
    const truth = ccpdTruth(file);
    const image: RgbImage = await decodeImage(path.join(dir, file));
    const [found, t] = await timed(() => reader.read(image, { maxSide }));
    ms.push(t);
    const texts = found.map((r: PlateReading) => r.text);
    if (texts.includes(truth)) exact++;
    extraReads += texts.filter((x) => x !== truth).length;
    reads.push(`${truth}: ${texts.join(',') || '-'}`);
  }
  return {
    maxSide,
    frames: files.length,
    exact,
    extraReads,
    msPerFrameMedian: round(median(ms)),
    msPerFrameMean: round(ms.reduce((a, b) => a + b, 0) / ms.length),
    reads,
  };
}

export default async function plates(ctx: BenchContext): Promise<object> {
  if (!ctx.dataDir) return { skipped: 'no data directory (../shared/data or --data=DIR)' };
  const cropsDir = path.join(ctx.dataDir, 'plates/ccpd-crops');
  const framesDir = path.join(ctx.dataDir, 'plates/ccpd-frames');
  if (!existsSync(cropsDir) || !existsSync(framesDir))
    return { skipped: `no plates/ccpd-crops or plates/ccpd-frames in ${ctx.dataDir}` };
  // `--rec=fp32` reads with the float rec model instead of the default int8 (plates.recPrecision).
  const recPrecision = ctx.args.includes('--rec=fp32') ? 'fp32' : 'int8';
  const reader = await createPlateReader({ threads: 1, recPrecision });
  // Plain greedy decoding of the same padded crops, any text accepted: the baseline the grammar decoder replaces.
  const greedy = await createPlateReader({
    threads: 1,
    recPrecision,
    templates: [],
    formats: [{ name: 'any', pattern: /^.+$/u }],
    minConfidence: 0,
  });
  // The decoder without the province correction (province-prior.ts), for comparison.
  const raw = await createPlateReader({ threads: 1, recPrecision, logBias: null });
  const confusions = new Confusions();
  return {
    threads: 1,
    recPrecision,
    ccpdCrops: await benchCrops(cropsDir, reader, greedy, confusions),
    ccpdCropsUncorrected: (await benchCrops(cropsDir, raw, greedy, new Confusions())).exact,
    rendered: await benchRendered(reader, confusions),
    renderedUncorrected: (({ exact, province, plates }) => ({ exact, province, plates }))(
      await benchRendered(raw, new Confusions()),
    ),
    // Lorry, trailer (挂) and motorcycle plates: split at the row gap and read row by row.
    twoRow: await benchTwoRow(reader),
    confusions: confusions.pairs(),
    // Alphanumeric pairs only: a province or suffix confusion is no OCR-equivalence.
    hotlistFalseMatch: falseMatchReport(
      confusions
        .pairs()
        .map((c) => c.pair)
        .filter((p) => /^[A-Z0-9]\/[A-Z0-9]$/.test(p)),
    ),
    ccpdFrames: await benchFrames(framesDir, reader, 1280),
    ccpdFrames960: await benchFrames(framesDir, reader, 960),
    // The camera path's default (`plates.detectMaxSide`): boxes found at 640 are refined at full resolution.
    ccpdFrames640: await benchFrames(framesDir, reader, 640),
  };
}
