// Where a face chip is cut: the square (centre, side, eye-line angle) from a blazeface box, its keypoints or 68 landmarks, and the warp.
import type { Box, RgbImage } from '../domain/frame.js';
import { eyeAngle } from './face-embedder.js';
import type { FaceBox } from './face-detector.js';
import { cropImage, resizeImage, type Point } from './image.js';

/** Side of the chip relative to the blazeface box width, and where its centre sits below the box's. */
export const CHIP_SCALE = 1.5;
export const CHIP_SHIFT = 0.15;

/** A square in image pixels, rotated by `angle` (radians, the eye line's slope): what a chip is cut from. */
export interface ChipSquare {
  cx: number;
  cy: number;
  side: number;
  angle: number;
}

/**
 * The chip square from the box: centred CHIP_SHIFT box heights below the box centre along the
 * face's own vertical (eye line levelled), side CHIP_SCALE box widths.
 */
export function boxSquare(face: FaceBox, geometry: { scale?: number; shift?: number } = {}): ChipSquare {
  const [x1, y1, x2, y2] = face.box;
  const angle = face.landmarks.length >= 2 ? eyeAngle(face.landmarks) : 0;
  const shift = geometry.shift ?? CHIP_SHIFT;
  return {
    cx: (x1 + x2) / 2 - Math.sin(angle) * shift * (y2 - y1),
    cy: (y1 + y2) / 2 + Math.cos(angle) * shift * (y2 - y1),
    side: (geometry.scale ?? CHIP_SCALE) * (x2 - x1),
    angle,
  };
}

/**
 * The chip square from blazeface's keypoints the way face-api aligns its own chips from 68 landmarks
 * (FaceLandmarks.alignDlib): side = the mean eye-to-mouth distance / 0.45 x `scale`, the centroid of
 * the eyes and mouth 43% of the side from the top and centred across; here also turned so the eyes
 * are level. Null when the keypoints are missing or degenerate.
 */
export function keypointSquare(face: FaceBox, scale = 1): ChipSquare | null {
  if (face.landmarks.length < 4) return null;
  const [e1, e2, , mouth] = face.landmarks;
  const eyeMouth =
    (Math.hypot(mouth[0] - e1[0], mouth[1] - e1[1]) + Math.hypot(mouth[0] - e2[0], mouth[1] - e2[1])) / 2;
  if (!(eyeMouth > 1)) return null;
  const angle = eyeAngle(face.landmarks);
  const side = (eyeMouth / 0.45) * scale;
  const [rx, ry] = [(e1[0] + e2[0] + mouth[0]) / 3, (e1[1] + e2[1] + mouth[1]) / 3];
  // The centroid sits 0.43 of the side from the top: the chip's centre is 0.07 of the side below it.
  const down = (0.5 - 0.43) * side;
  return { cx: rx - Math.sin(angle) * down, cy: ry + Math.cos(angle) * down, side, angle };
}

/**
 * The chip square from face-api's 68 landmarks (iBUG order: eyes 36-41 and 42-47, mouth 48-67): the
 * geometry of keypointSquare on the two eye centroids and the mouth centroid, as face-api's alignDlib
 * takes them. Null when the points are not 68 or degenerate.
 */
export function landmarkSquare(points: readonly Point[], scale = 1): ChipSquare | null {
  if (points.length !== 68) return null;
  const [leftEye, rightEye, mouth] = [
    centroid(points.slice(36, 42)),
    centroid(points.slice(42, 48)),
    centroid(points.slice(48)),
  ];
  const face: FaceBox = {
    box: [0, 0, 1, 1],
    score: 1,
    landmarks: [leftEye, rightEye, centroid([leftEye, rightEye]), mouth],
  };
  return keypointSquare(face, scale);
}

function centroid(points: readonly Point[]): Point {
  return [points.reduce((s, p) => s + p[0], 0) / points.length, points.reduce((s, p) => s + p[1], 0) / points.length];
}

/**
 * The square warped to size x size, bilinear, black outside the image. Faces far larger than the
 * chip are shrunk first, as bilinear sampling from them aliases.
 */
export async function warpSquare(image: RgbImage, square: ChipSquare, size: number): Promise<RgbImage> {
  let { cx, cy, side } = square;
  const [cos, sin] = [Math.cos(square.angle), Math.sin(square.angle)];
  let source = image;
  if (side > 2.5 * size) {
    // The chip's axis-aligned bounds (the rotated square fits in a square of side * sqrt(2)).
    const r = (side * Math.SQRT2) / 2;
    const bounds: Box = [
      Math.max(0, Math.floor(cx - r)),
      Math.max(0, Math.floor(cy - r)),
      Math.min(image.width, Math.ceil(cx + r)),
      Math.min(image.height, Math.ceil(cy + r)),
    ];
    const region = cropImage(image, bounds);
    const shrink = (2 * size) / side;
    source = await resizeImage(
      region,
      Math.max(1, Math.round(region.width * shrink)),
      Math.max(1, Math.round(region.height * shrink)),
      'linear',
    );
    [cx, cy] = [((cx - bounds[0]) * source.width) / region.width, ((cy - bounds[1]) * source.height) / region.height];
    side *= source.width / region.width;
  }
  return sampleChip(source, cx, cy, side, cos, sin, size);
}

function sampleChip(
  img: RgbImage,
  cx: number,
  cy: number,
  side: number,
  cos: number,
  sin: number,
  size: number,
): RgbImage {
  const data = Buffer.alloc(size * size * 3);
  const k = side / size;
  const [w, h] = [img.width, img.height];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5 - size / 2) * k;
      const v = (y + 0.5 - size / 2) * k;
      const sx = cx + u * cos - v * sin - 0.5;
      const sy = cy + u * sin + v * cos - 0.5;
      if (sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5) continue;
      const fx0 = Math.min(w - 1, Math.max(0, sx));
      const fy0 = Math.min(h - 1, Math.max(0, sy));
      const x0 = Math.floor(fx0);
      const y0 = Math.floor(fy0);
      const xa = Math.min(w - 1, x0 + 1);
      const ya = Math.min(h - 1, y0 + 1);
      const [fx, fy] = [fx0 - x0, fy0 - y0];
      for (let c = 0; c < 3; c++) {
        const top = img.data[(y0 * w + x0) * 3 + c] * (1 - fx) + img.data[(y0 * w + xa) * 3 + c] * fx;
        const bottom = img.data[(ya * w + x0) * 3 + c] * (1 - fx) + img.data[(ya * w + xa) * 3 + c] * fx;
        data[(y * size + x) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { data, width: size, height: size };
}
