// Enrolled photos stamped with another embedding model (an older chip or embedder) embedded again from their stored images.
//
// Embeddings of different stamps must never be compared (chip-alignment.ts), so until this has run a
// photo of an older stamp does not match. Each photo goes through the enrolment check again, so the
// face chosen is the one enrolment would choose now; a photo the check now refuses keeps its old
// stamp (and stays out of the gallery) and is logged with the reason.
import type { FacesConfig } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import type { ChipAnalyzer } from '../vision/face-chip.js';
import { checkPhoto } from './face-enrolment.js';

/** Photos read per query: their images are held in memory together. */
const BATCH = 20;

export interface ReembedResult {
  /** Photos given an embedding of the current model. */
  reembedded: number;
  /** Photos the enrolment check refused this time: still of the old model. */
  refused: number;
  /** Subjects whose photos changed (reload them). */
  subjects: string[];
}

export async function reembedStalePhotos(
  repo: SubjectRepo,
  analyzer: ChipAnalyzer,
  enrol: FacesConfig['enrol'],
  log: Logger,
  /** Stops between photos (shutdown); the rest stay stale until the next start. */
  signal?: AbortSignal,
): Promise<ReembedResult> {
  const model = analyzer.model;
  const total = await repo.staleModelCount(model);
  const result: ReembedResult = { reembedded: 0, refused: 0, subjects: [] };
  if (!total) return result;
  log.info(`face gallery: embedding ${total} photos again with '${model}'`);
  const subjects = new Set<string>();
  const started = performance.now();
  for (let after = ''; ;) {
    const batch = await repo.stalePhotos(model, after, BATCH);
    if (!batch.length) break;
    for (const photo of batch) {
      if (signal?.aborted) break;
      const check = await checkPhoto(photo.image, analyzer, enrol);
      if (!check.ok) {
        result.refused++;
        log.warn(`face gallery: photo ${photo.id} cannot be embedded again (${check.message}); enrol it again`);
        continue;
      }
      const { embedding, box, quality } = check.face;
      if (await repo.reembedPhoto(photo.id, { embedding, model, box, quality })) {
        result.reembedded++;
        subjects.add(photo.subjectId);
      }
    }
    if (signal?.aborted) break;
    after = batch[batch.length - 1].id;
    const done = result.reembedded + result.refused;
    log.info(`face gallery: ${done}/${total} photos embedded again (${Math.round(performance.now() - started)} ms)`);
  }
  result.subjects = [...subjects];
  return result;
}
