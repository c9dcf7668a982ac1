// CenterNet's in-graph detections [1,K,6] (x1,y1,x2,y2 in input pixels, score, 0-based class) to image boxes.
import type { Placement } from './letterbox.js';
import { unplaceBox } from './letterbox.js';
import { type ClassedBox, nms } from './nms.js';

export interface CenternetDecodeOptions {
  /** Detections under this score are dropped. centernet's scores run low: 0.2-0.3 (FACTS). */
  scoreThreshold: number;
  /** Same-class boxes overlapping more than this are merged (the graph's top-K keeps near-duplicate peaks). */
  iouThreshold: number;
  /** How the image sat in the input, to map boxes back. */
  placement: Placement;
  /** The image the boxes belong to; boxes are clipped to it. */
  imageSize: { width: number; height: number };
  /** Classes to keep (0-based indices); default all. */
  keep?: ReadonlySet<number>;
}

/** `data` is the flat [1,K,6] output. Boxes come back in image pixels, best first. */
export function decodeCenternet(data: Float32Array, opts: CenternetDecodeOptions): ClassedBox[] {
  if (data.length % 6 !== 0) throw new Error(`centernet output has ${data.length} values, not a multiple of 6`);
  const out: ClassedBox[] = [];
  for (let i = 0; i < data.length; i += 6) {
    const score = data[i + 4];
    const classIndex = data[i + 5];
    // NaN classes come from the padding rows of an empty top-K; Human skips them too.
    if (!(score >= opts.scoreThreshold) || !Number.isInteger(classIndex) || classIndex < 0) continue;
    if (opts.keep && !opts.keep.has(classIndex)) continue;
    const box = unplaceBox([data[i], data[i + 1], data[i + 2], data[i + 3]], opts.placement, opts.imageSize);
    if (box[2] <= box[0] || box[3] <= box[1]) continue; // wholly inside the letterbox bars
    out.push({ box, score, classIndex });
  }
  return nms(out, opts.iouThreshold, { classOf: (d) => d.classIndex });
}
