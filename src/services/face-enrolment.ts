// Checks one enrolment photo: a real JPEG/PNG/WebP within size and pixel limits, with exactly one usable face.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { FacesConfig } from '../config/schema.js';
import type { ChipAnalyzer, ChipFace } from '../vision/face-chip.js';
import { overlapOfSmaller } from '../vision/geometry.js';
import { decodeImage } from '../vision/image.js';

export type PhotoProblem =
  'not_an_image' | 'too_large' | 'too_many_pixels' | 'no_face' | 'several_faces' | 'face_too_small' | 'too_blurred';

export type PhotoCheck =
  { ok: true; face: ChipFace; type: ImageType; sha256: string } | { ok: false; problem: PhotoProblem; message: string };

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The type by the file's first bytes, never by its name or the client's Content-Type. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (bytes.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (bytes.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

/** Overlapping detections of one face (a second, weaker box on the same head) are one face. */
const SAME_FACE_OVERLAP = 0.3;
/**
 * Another face at least this wide (relative to the largest) makes the photo ambiguous: the subject
 * could be either person. Much smaller faces far behind are left alone; the largest face is enrolled.
 */
const RIVAL_FACE_WIDTH = 0.5;

/** The faces that count, largest first: duplicates of a larger face dropped. */
export function distinctFaces<F extends { box: [number, number, number, number]; width: number }>(
  faces: readonly F[],
): F[] {
  const out: F[] = [];
  for (const f of [...faces].sort((a, b) => b.width - a.width)) {
    if (!out.some((kept) => overlapOfSmaller(kept.box, f.box) > SAME_FACE_OVERLAP)) out.push(f);
  }
  return out;
}

export async function checkPhoto(
  bytes: Buffer,
  analyzer: ChipAnalyzer,
  limits: FacesConfig['enrol'],
): Promise<PhotoCheck> {
  const type = sniffImageType(bytes);
  if (!type)
    return {
      ok: false,
      problem: 'not_an_image',
      message: 'not a JPEG, PNG or WebP image (checked by content, not by name)',
    };
  if (bytes.length > limits.maxPhotoBytes) {
    return {
      ok: false,
      problem: 'too_large',
      message: `photo is ${bytes.length} bytes; the limit is ${limits.maxPhotoBytes}`,
    };
  }
  let pixels: number;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    pixels = (meta.width ?? 0) * (meta.height ?? 0);
  } catch {
    return { ok: false, problem: 'not_an_image', message: `the ${type.slice(6).toUpperCase()} header cannot be read` };
  }
  if (pixels > limits.maxPixels) {
    return {
      ok: false,
      problem: 'too_many_pixels',
      message: `photo has ${pixels} pixels; the limit is ${limits.maxPixels}`,
    };
  }
  let faces: ChipFace[];
  try {
    faces = distinctFaces(await analyzer.faces(await decodeImage(bytes)));
  } catch {
    return { ok: false, problem: 'not_an_image', message: `the ${type.slice(6).toUpperCase()} data cannot be decoded` };
  }
  if (!faces.length) return { ok: false, problem: 'no_face', message: 'no face found' };
  const [face] = faces;
  const rivals = faces.filter((f) => f.width >= RIVAL_FACE_WIDTH * face.width);
  if (rivals.length > 1) {
    return {
      ok: false,
      problem: 'several_faces',
      message: `${rivals.length} faces found; send a photo of the subject alone (or cropped to them)`,
    };
  }
  if (face.width < limits.minFaceWidth) {
    return {
      ok: false,
      problem: 'face_too_small',
      message: `the face is ${Math.round(face.width)} px wide; at least ${limits.minFaceWidth} px is needed`,
    };
  }
  if (face.sharpness < limits.minSharpness) {
    return {
      ok: false,
      problem: 'too_blurred',
      message: `the face is too blurred (sharpness ${face.sharpness.toFixed(0)}, at least ${limits.minSharpness} is needed)`,
    };
  }
  return { ok: true, face, type, sha256: createHash('sha256').update(bytes).digest('hex') };
}
