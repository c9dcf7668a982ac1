// Full-resolution corner refinement: a plate found on a scaled-down image is found again in a padded window at full size.
import type { Box, RgbImage } from '../domain/frame.js';
import { boundsOf, convexHull, minAreaRect, rectCorners } from './geometry.js';
import { type Point, cropImage, resizeImage } from './image.js';
import type { OnnxSession } from './onnx-session.js';
import { detectTextQuads } from './plate-detector.js';

/**
 * Detection scales below this count as coarse: the quad is refined. At 0.5 (a 2560 px frame
 * searched at 1280) a 40 px plate's corners are already off by a pixel or two of the frame.
 */
export const REFINE_BELOW_SCALE = 0.8;
/** Window margin around the coarse box, as a share of the box height (above and below) and width (each side). */
const PAD_OF_HEIGHT = 0.6;
const PAD_OF_WIDTH = 0.15;
/**
 * The det model finds text of 10-40 px best (PaddleOCR limits its side to 960 for that reason):
 * a window whose short side is under this is enlarged first, so a 20 px plate is searched at ~40.
 */
const MIN_WINDOW_SIDE = 96;
/** Upper bound of the det input for a window: a very close plate needs no more pixels. */
const MAX_WINDOW_SIDE = 960;

/**
 * A weak coarse box can cover only part of the line (on a dark CCPD frame at 640, 58 of the
 * plate's 145 px): the window is at least this many box heights wide, as a plate is 3-4.
 */
const MIN_WINDOW_ASPECT = 4.5;

/** The window searched again: the coarse box padded (and widened to a plate's aspect), clamped to the image. */
export function refineWindow(coarse: Box, image: Pick<RgbImage, 'width' | 'height'>): Box {
  const [x1, y1, x2, y2] = coarse;
  const padY = (y2 - y1) * PAD_OF_HEIGHT;
  const half = Math.max(x2 - x1, MIN_WINDOW_ASPECT * (y2 - y1)) / 2;
  const padX = (x2 - x1) * PAD_OF_WIDTH + padY;
  const cx = (x1 + x2) / 2;
  return [
    Math.max(0, Math.floor(cx - half - padX)),
    Math.max(0, Math.floor(y1 - padY)),
    Math.min(image.width, Math.ceil(cx + half + padX)),
    Math.min(image.height, Math.ceil(y2 + padY)),
  ];
}

const centreOf = (quad: Point[]): Point => [
  quad.reduce((s, p) => s + p[0], 0) / quad.length,
  quad.reduce((s, p) => s + p[1], 0) / quad.length,
];
/** On the coarse box's line: the centre within its rows, anywhere across the window. */
const onLine = ([x, y]: Point, box: Box, window: Box) => y >= box[1] && y <= box[3] && x >= window[0] && x <= window[2];

/**
 * The plate's quad at full resolution, or null when the window shows no text on the coarse box's
 * line. Several text boxes on that line (at full size the gap after the province can split the
 * line; a weak coarse box held only part of it) are merged into one rectangle.
 */
export async function refineQuad(det: OnnxSession, image: RgbImage, coarse: Point[]): Promise<Point[] | null> {
  const box = boundsOf(coarse);
  const window = refineWindow(box, image);
  const [wx, wy, wx2, wy2] = window;
  if (wx2 - wx < 8 || wy2 - wy < 8) return null;
  let sub = cropImage(image, window);
  const grow = Math.max(1, MIN_WINDOW_SIDE / Math.min(sub.width, sub.height));
  if (grow > 1) sub = await resizeImage(sub, Math.round(sub.width * grow), Math.round(sub.height * grow), 'cubic');
  const [kx, ky] = [(wx2 - wx) / sub.width, (wy2 - wy) / sub.height];
  const found = (await detectTextQuads(det, sub, MAX_WINDOW_SIDE))
    .map((q) => q.quad.map(([x, y]): Point => [wx + x * kx, wy + y * ky]))
    .filter((q) => onLine(centreOf(q), box, window));
  if (!found.length) return null;
  if (found.length === 1) return found[0];
  return rectCorners(minAreaRect(convexHull(found.flat())));
}
