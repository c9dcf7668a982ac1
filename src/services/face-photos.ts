// Photos offered for enrolment: each checked (a source said, one usable face, see face-enrolment.ts) and the
// accepted ones stored with their embedding, in the caller's transaction.
import type { FacesConfig } from '../config/schema.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { ChipAnalyzer } from '../vision/face-chip.js';
import { checkPhoto, type PhotoCheck, type PhotoProblem } from './face-enrolment.js';

export interface PhotoUpload {
  bytes: Buffer;
  /** Where the image came from (custody record, warrant photo, family, ...). */
  source: string;
  /** The file name as uploaded, only to label the result. */
  name: string;
}

export type PhotoResult =
  | { name: string; ok: true; photoId: string; duplicate: boolean; quality: number; faceWidth: number }
  | { name: string; ok: false; problem: PhotoProblem | 'no_source'; message: string };

/** A photo after its checks: accepted with its face, or refused with the reason. */
export interface Checked {
  photo: PhotoUpload;
  accepted: Extract<PhotoCheck, { ok: true }> | null;
  refused: Extract<PhotoResult, { ok: false }> | null;
}

export async function checkPhotos(
  photos: PhotoUpload[],
  analyzer: ChipAnalyzer,
  enrol: FacesConfig['enrol'],
): Promise<Checked[]> {
  const out: Checked[] = [];
  for (const photo of photos) {
    if (!photo.source.trim()) {
      out.push({
        photo,
        accepted: null,
        refused: {
          name: photo.name,
          ok: false,
          problem: 'no_source',
          message: 'say where this image came from (source)',
        },
      });
      continue;
    }
    const check = await checkPhoto(photo.bytes, analyzer, enrol);
    out.push(
      check.ok
        ? { photo, accepted: check, refused: null }
        : {
            photo,
            accepted: null,
            refused: { name: photo.name, ok: false, problem: check.problem, message: check.message },
          },
    );
  }
  return out;
}

/** Rows first (`repo` on the caller's transaction), then the in-process index (refreshed by changed()): a crash in between loses nothing. */
export async function storePhotos(
  repo: SubjectRepo,
  subjectId: string,
  checked: Checked[],
  model: string,
  by: Principal,
): Promise<PhotoResult[]> {
  const results: PhotoResult[] = [];
  for (const { photo, accepted, refused } of checked) {
    if (!accepted) {
      results.push(refused as PhotoResult);
      continue;
    }
    const { face, type, sha256 } = accepted;
    const { id, duplicate } = await repo.addPhoto({
      subjectId,
      source: photo.source.trim(),
      image: photo.bytes,
      imageType: type,
      sha256,
      box: face.box,
      quality: face.quality,
      embedding: face.embedding,
      model,
      addedBy: by.name,
    });
    results.push({
      name: photo.name,
      ok: true,
      photoId: id,
      duplicate,
      quality: round(face.quality),
      faceWidth: Math.round(face.width),
    });
  }
  return results;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
