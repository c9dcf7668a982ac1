// The face watchlist: subjects and photo enrolment (audited), the in-process gallery rebuilt from the database, and matching.
import { DEFAULT_FACE_THRESHOLD, type FacesConfig } from '../config/schema.js';
import {
  CATEGORY_PRIORITY,
  isLive,
  type DutyLevel,
  subjectInputSchema,
  type Subject,
  type SubjectCategory,
  type SubjectInput,
  type SubjectPatch,
} from '../domain/face-watchlist.js';
import type { Logger } from '../lib/logger.js';
import { cohortFiles, FaceCohort, loadCohort, type CohortStats } from '../matching/face-cohort.js';
import { rebuildFrom, type FaceGallery, type GalleryItem } from '../matching/face-gallery.js';
import { openFaceGallery } from '../matching/open-face-gallery.js';
import type { EventBus } from '../queues/event-bus.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { SubjectRepo } from '../store/subject-repo.js';
import type { Principal } from '../store/token-repo.js';
import { embeddingModel } from '../vision/chip-alignment.js';
import type { ChipAnalyzer } from '../vision/face-chip.js';
import { decodeImage } from '../vision/image.js';
import { findModel, loadManifest, DEFAULT_MANIFEST } from '../vision/models/manifest.js';
import { checkPhotos, storePhotos, type PhotoResult, type PhotoUpload } from './face-photos.js';
import { reembedStalePhotos, type ReembedResult } from './face-reembed.js';

export type { PhotoResult, PhotoUpload } from './face-photos.js';

/** Nearest enrolled photos looked at per face: several may belong to one subject. */
const SEARCH_K = 20;

export interface FaceHit {
  subjectId: string;
  photoId: string;
  cosine: number;
  /** The score compared with the threshold: s-norm or the cosine itself (faces.score). */
  score: number;
  scoring: FacesConfig['score'];
  threshold: number;
  category: SubjectCategory;
  priority: number;
}

export class FaceWatchlistService {
  readonly model: string;
  readonly dim: number;
  private gallery: FaceGallery | null = null;
  private readonly subjects = new Map<string, Subject>();
  private cohort: FaceCohort | null = null;
  /** Each enrolled photo's cohort statistics (s-norm), and which photos each subject has. */
  private readonly photoStats = new Map<string, CohortStats>();
  private readonly photosOf = new Map<string, string[]>();
  private analyzerPromise: Promise<ChipAnalyzer> | null = null;
  private reembedding: Promise<ReembedResult> = Promise.resolve({ reembedded: 0, refused: 0, subjects: [] });
  private readonly stopping = new AbortController();
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly repo: SubjectRepo,
    private readonly audit: AuditRepo,
    /** Tells the deployment's other processes of a change (they reload the subject). */
    private readonly bus: EventBus,
    private readonly config: FacesConfig,
    private readonly log: Logger,
    /** Loads the face analyzer on first need (enrolment, search): API-only processes pay for it only then. */
    private readonly loadAnalyzer: () => Promise<ChipAnalyzer>,
    /** The live duty level (DutyState.current): its thresholds apply from the next face, no restart. */
    private readonly dutyLevel: () => DutyLevel = () => 'normal',
  ) {
    this.model = embeddingModel(config.embedder);
    const entry = findModel(loadManifest(DEFAULT_MANIFEST), config.embedder);
    if (entry.output.decode !== 'embedding')
      throw new Error(`faces.embedder '${config.embedder}' is not an embedding model`);
    this.dim = entry.output.dims;
  }

  /** Loads subjects and rebuilds the gallery from the enrolled photos, then follows other processes' changes. */
  async start(): Promise<{ subjects: number; photos: number; staleModel: number }> {
    this.gallery = await openFaceGallery({ backend: this.config.gallery, dim: this.dim });
    if (this.config.score === 'snorm') {
      // The analyzer is loaded only if the cohort is not cached yet.
      const builder = {
        model: this.model,
        faces: async (file: string) => (await this.analyzer()).faces(await decodeImage(file)),
      };
      this.cohort = await loadCohort(builder, cohortFiles(this.config.cohortDir));
      this.log.info(`face scores: s-norm against a cohort of ${this.cohort.vectors.length} faces`);
    }
    for (const s of await this.repo.allKnown()) this.subjects.set(s.id, s);
    const photos = await rebuildFrom(this.gallery, this.indexed(this.repo.galleryRows(this.model)), (p) => {
      if (p.loaded % 10_000 === 0)
        this.log.info(`face gallery: ${p.loaded} photos loaded (${Math.round(p.elapsedMs)} ms)`);
    });
    const staleModel = await this.repo.staleModelCount(this.model);
    if (staleModel) {
      this.log.warn(
        `face gallery: ${staleModel} photos were enrolled with another model than '${this.model}'; they match once embedded again (in the background now)`,
      );
      this.reembedding = this.reembedStale();
      this.reembedding.catch((err: Error) => this.log.warn(`face gallery: embedding photos again: ${err.message}`));
    }
    this.unsubscribe.push(
      await this.bus.onNotice(
        'face-watchlist-changed',
        (n) =>
          void this.reload(n.subjectId).catch((err: Error) => this.log.warn(`face watchlist refresh: ${err.message}`)),
      ),
      // Notices sent while the bus was cut off are lost: read every subject again.
      this.bus.onGap(
        () => void this.resync().catch((err: Error) => this.log.warn(`face watchlist resync: ${err.message}`)),
      ),
    );
    return { subjects: this.subjects.size, photos, staleModel };
  }

  /** The background re-embedding start() began for photos of an older model (resolves at once when there were none). */
  reembedded(): Promise<ReembedResult> {
    return this.reembedding;
  }

  /** Photos of an older stamp embedded again from their images; each changed subject reloaded here and announced. */
  private async reembedStale(): Promise<ReembedResult> {
    const analyzer = await this.analyzer();
    if (analyzer.model !== this.model)
      throw new Error(`the face analyzer stamps '${analyzer.model}', the gallery holds '${this.model}'`);
    const result = await reembedStalePhotos(this.repo, analyzer, this.config.enrol, this.log, this.stopping.signal);
    for (const id of result.subjects) await this.changed(id);
    return result;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.reembedding.catch(() => undefined);
    for (const u of this.unsubscribe.splice(0)) u();
    await this.gallery?.close();
  }

  analyzer(): Promise<ChipAnalyzer> {
    this.analyzerPromise ??= this.loadAnalyzer().catch((err: unknown) => {
      this.analyzerPromise = null;
      throw err;
    });
    return this.analyzerPromise;
  }

  /** The score a face must reach for a subject of this category at the current duty level. */
  thresholdFor(category: SubjectCategory): number {
    const { thresholds, threshold, score } = this.config;
    const level = thresholds[this.dutyLevel()];
    const normal = thresholds.normal;
    return (
      level?.[category] ??
      level?.default ??
      normal?.[category] ??
      normal?.default ??
      threshold ??
      DEFAULT_FACE_THRESHOLD[score]
    );
  }

  /**
   * The subjects a face matches: each live subject's best photo among the nearest, at or above its
   * category's threshold, best first. `allowed` limits matching to an authorisation's frozen watchlist.
   */
  async match(embedding: Float32Array, model: string, allowed: ReadonlySet<string> | null): Promise<FaceHit[]> {
    if (model !== this.model)
      throw new Error(
        `face embedding from model '${model}', the gallery holds '${this.model}': align faces.embedder on every node`,
      );
    const nearest = await this.requireGallery().search(embedding, { k: SEARCH_K });
    const probe = this.cohort?.stats(embedding);
    const best = new Map<string, FaceHit>();
    for (const m of nearest) {
      const subject = this.subjects.get(m.subjectId);
      if (!subject || !isLive(subject) || (allowed && !allowed.has(subject.id))) continue;
      const reference = this.photoStats.get(m.id);
      const score = probe && reference ? FaceCohort.snorm(m.score, probe, reference) : m.score;
      const threshold = this.thresholdFor(subject.category);
      if (score < threshold || (best.get(subject.id)?.score ?? -Infinity) >= score) continue;
      best.set(subject.id, {
        subjectId: subject.id,
        photoId: m.id,
        cosine: m.score,
        score,
        scoring: this.config.score,
        threshold,
        category: subject.category,
        priority: CATEGORY_PRIORITY[subject.category],
      });
    }
    return [...best.values()].sort((a, b) => b.score - a.score);
  }

  subject(id: string): Subject | undefined {
    return this.subjects.get(id);
  }

  /** `addedBy` is always the caller. Creates nothing when no photo enrols: a listing without a face cannot match. */
  async create(
    raw: unknown,
    photos: PhotoUpload[],
    by: Principal,
    why: string,
  ): Promise<{ subject: Subject | null; photos: PhotoResult[] }> {
    const input: SubjectInput = subjectInputSchema.parse(raw);
    const checked = await checkPhotos(photos, await this.analyzer(), this.config.enrol);
    if (!checked.some((c) => c.accepted)) {
      const refused = checked.map((c) => c.refused as PhotoResult);
      await this.audit.append({
        actor: by.name,
        role: by.role,
        action: 'subject.create_refused',
        target: null,
        details: { name: input.name, category: input.category, why, photos: refused },
      });
      return { subject: null, photos: refused };
    }
    // The subject, its photos and the audit entry commit together; the gallery learns of them after the commit.
    const { subject, results } = await this.repo.db.tx(async (t) => {
      const created = await this.repo.on(t).create(input, by.name);
      const stored = await storePhotos(this.repo.on(t), created.id, checked, this.model, by);
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'subject.create',
        target: created.id,
        details: { subject: input, why, photos: stored },
      });
      return { subject: created, results: stored };
    });
    await this.changed(subject.id);
    return { subject: this.subjects.get(subject.id) ?? subject, photos: results };
  }

  async addPhotos(subjectId: string, photos: PhotoUpload[], by: Principal, why: string): Promise<PhotoResult[] | null> {
    const subject = await this.repo.get(subjectId);
    if (!subject || subject.deletedAt) return null;
    const checked = await checkPhotos(photos, await this.analyzer(), this.config.enrol);
    const results = await this.repo.db.tx(async (t) => {
      const live = await this.repo.on(t).get(subjectId);
      if (!live || live.deletedAt) return null;
      const stored = await storePhotos(this.repo.on(t), subjectId, checked, this.model, by);
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'subject.photos_add',
        target: subjectId,
        details: { why, photos: stored },
      });
      return stored;
    });
    if (results) await this.changed(subjectId);
    return results;
  }

  async update(id: string, patch: SubjectPatch, by: Principal, why: string): Promise<Subject | null> {
    const after = await this.repo.db.tx(async (t) => {
      const repo = this.repo.on(t);
      const before = await repo.get(id);
      const changed = await repo.update(id, patch);
      if (!changed) return null;
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'subject.update',
        target: id,
        details: { before: strip(before), after: strip(changed), why },
      });
      return changed;
    });
    if (after) await this.changed(id);
    return after;
  }

  /** Removes the photos and embeddings (and the subject, unless alerts need it as a tombstone). */
  async delete(id: string, by: Principal, why: string): Promise<{ photos: number; tombstone: boolean } | null> {
    const done = await this.repo.db.tx(async (t) => {
      const repo = this.repo.on(t);
      const before = await repo.get(id);
      const removed = await repo.delete(id, by.name);
      if (!removed) return null;
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'subject.delete',
        target: id,
        details: { subject: strip(before), ...removed, why },
      });
      return removed;
    });
    if (done) await this.changed(id);
    return done;
  }

  async deletePhoto(subjectId: string, photoId: string, by: Principal, why: string): Promise<boolean> {
    const done = await this.repo.db.tx(async (t) => {
      if (!(await this.repo.on(t).deletePhoto(subjectId, photoId))) return false;
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'subject.photo_delete',
        target: subjectId,
        details: { photoId, why },
      });
      return true;
    });
    if (done) await this.changed(subjectId);
    return done;
  }

  private async changed(subjectId: string): Promise<void> {
    await this.reload(subjectId);
    if ((await this.bus.notify('face-watchlist-changed', { subjectId })) === 'kept')
      this.log.warn(`face watchlist: Redis unreachable; other processes hear of subject ${subjectId} when it answers`);
  }

  /** Every subject read again (known now or in memory before): what changed while notices could not arrive. */
  async resync(): Promise<number> {
    const ids = new Set([...this.subjects.keys(), ...(await this.repo.allKnown()).map((s) => s.id)]);
    for (const id of ids) await this.reload(id);
    this.log.info(`face watchlist: ${ids.size} subjects read again after the event bus reconnected`);
    return ids.size;
  }

  /** Re-reads one subject and its embeddings into memory (this process's change, or another's). */
  private async reload(subjectId: string): Promise<void> {
    const gallery = this.requireGallery();
    const subject = await this.repo.get(subjectId);
    await gallery.removeSubject(subjectId);
    for (const id of this.photosOf.get(subjectId) ?? []) this.photoStats.delete(id);
    this.photosOf.delete(subjectId);
    if (!subject || subject.deletedAt) {
      this.subjects.delete(subjectId);
      return;
    }
    this.subjects.set(subjectId, subject);
    const items = await this.repo.photoEmbeddings(subjectId, this.model);
    this.note(items);
    if (items.length) await gallery.add(items);
  }

  /** Passes gallery rows through, noting each photo's cohort statistics and owner on the way. */
  private async *indexed(batches: AsyncIterable<GalleryItem[]>): AsyncIterable<GalleryItem[]> {
    for await (const batch of batches) {
      this.note(batch);
      yield batch;
    }
  }

  private note(items: GalleryItem[]): void {
    for (const it of items) {
      if (this.cohort) this.photoStats.set(it.id, this.cohort.stats(it.vector));
      this.photosOf.set(it.subjectId, [...(this.photosOf.get(it.subjectId) ?? []), it.id]);
    }
  }

  private requireGallery(): FaceGallery {
    if (!this.gallery) throw new Error('face watchlist: start() first');
    return this.gallery;
  }
}

const strip = (s: Subject | null) =>
  s && {
    name: s.name,
    category: s.category,
    reason: s.reason,
    reference: s.reference,
    expiresAt: s.expiresAt,
    active: s.active,
  };
