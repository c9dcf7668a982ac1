// Retrospective face search: an investigator's photo against the face sightings still within retention; audited with its purpose.
import { createHash } from 'node:crypto';
import type { FacesConfig } from '../config/schema.js';
import type { SearchArea } from '../domain/search-area.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { FaceSighting } from '../domain/face-sighting.js';
import type { FaceSightingRepo } from '../store/face-sighting-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { ChipAnalyzer } from '../vision/face-chip.js';
import { decodeImage } from '../vision/image.js';
import { distinctFaces, sniffImageType } from './face-enrolment.js';

export interface FaceSearchQuery {
  purpose: string;
  cameraIds?: string[];
  area?: SearchArea;
  from?: Date;
  to?: Date;
  limit?: number;
}

export type FaceSearchResult =
  { ok: true; results: (FaceSighting & { score: number })[]; scanned: number } | { ok: false; message: string };

export class FaceSearchService {
  constructor(
    private readonly sightings: FaceSightingRepo,
    private readonly audit: AuditRepo,
    private readonly config: FacesConfig,
    private readonly analyzer: () => Promise<ChipAnalyzer>,
  ) {}

  /**
   * Scores every stored face in the filter against the photo's face (exact cosine: retention keeps
   * the table small) and returns the best above `search.minScore`. Refused searches are audited too.
   */
  async search(photo: Buffer, q: FaceSearchQuery, by: Principal): Promise<FaceSearchResult> {
    const sha256 = createHash('sha256').update(photo).digest('hex');
    const base = {
      purpose: q.purpose,
      photoSha256: sha256,
      cameras: q.cameraIds ?? null,
      area: q.area ?? null,
      from: q.from?.toISOString() ?? null,
      to: q.to?.toISOString() ?? null,
    };
    const refuse = async (message: string): Promise<FaceSearchResult> => {
      await this.audit.append({
        actor: by.name,
        role: by.role,
        action: 'face.search_refused',
        target: null,
        details: { ...base, message },
      });
      return { ok: false, message };
    };
    if (!sniffImageType(photo)) return refuse('the photo is not a JPEG, PNG or WebP image');
    if (photo.length > this.config.enrol.maxPhotoBytes)
      return refuse(`the photo is larger than ${this.config.enrol.maxPhotoBytes} bytes`);
    const analyzer = await this.analyzer();
    const faces = distinctFaces(await analyzer.faces(await decodeImage(photo)));
    if (!faces.length) return refuse('no face found in the photo');
    if (faces.filter((f) => f.width >= 0.5 * faces[0].width).length > 1)
      return refuse('several faces in the photo: crop it to the one to search for');
    const probe = faces[0].embedding;
    const limit = Math.min(q.limit ?? this.config.search.maxResults, this.config.search.maxResults);
    const best: { id: string; score: number }[] = [];
    let scanned = 0;
    for await (const batch of this.sightings.embeddings({
      cameraIds: q.cameraIds,
      area: q.area,
      from: q.from,
      to: q.to,
    })) {
      for (const row of batch) {
        scanned++;
        if (row.embedding.length !== probe.length) continue;
        const score = dot(probe, row.embedding);
        if (score < this.config.search.minScore) continue;
        best.push({ id: row.id, score });
      }
      best.sort((a, b) => b.score - a.score).splice(limit);
    }
    const metas = new Map((await this.sightings.metas(best.map((b) => b.id))).map((m) => [m.id, m]));
    const results = best.flatMap((b) => {
      const m = metas.get(b.id);
      return m ? [{ ...m, score: Math.round(b.score * 1000) / 1000 }] : [];
    });
    await this.audit.append({
      actor: by.name,
      role: by.role,
      action: 'face.search',
      target: null,
      details: { ...base, scanned, results: results.map((r) => ({ id: r.id, score: r.score })) },
    });
    return { ok: true, results, scanned };
  }
}

/** Cosine of two unit vectors; stored embeddings are unit length (normalised by the analyzer). */
function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
