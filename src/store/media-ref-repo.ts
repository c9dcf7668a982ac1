// Who a piece of evidence was shown to: the alerts and interception orders a plate crop or face crop belongs to.
// The media routes ask it so a unit or a checkpoint fetches only the media of what it was sent.
import type { Db } from './db.js';

export interface EvidenceOf {
  /** Alerts raised on this read or face sighting, with their camera, kind and duty level. */
  alerts: { id: string; cameraId: string; kind: string; dutyLevel: string | null }[];
  /** Units offered one of those alerts (any state). */
  unitIds: string[];
  /** Checkpoint cameras an interception order showed this read to (as its photo or as the read that closed it). */
  orderTargets: string[];
}

interface AlertRefRow {
  id: string;
  camera_id: string;
  kind: string;
  duty_level: string | null;
}

export class MediaRefRepo {
  constructor(readonly db: Db) {}

  /** What a plate read was shown as: alerts on it, the units they were offered to, interception orders. */
  async ofPlateRead(readId: string): Promise<EvidenceOf> {
    const alerts = await this.db.query<AlertRefRow>(
      'select id, camera_id, kind, duty_level from alerts where plate_read_id = $1',
      [readId],
    );
    const targets = await this.db.query<{ camera_id: string }>(
      `select distinct t.camera_id from interception_orders o join interception_targets t on t.order_id = o.id
       where o.photo_read_id = $1 or o.closed_by_read_id = $1`,
      [readId],
    );
    return {
      alerts: alerts.map(toRef),
      unitIds: await this.unitsOf(alerts.map((a) => a.id)),
      orderTargets: targets.map((t) => t.camera_id),
    };
  }

  /** What a face sighting was shown as: the face alerts on it and the units they were offered to. */
  async ofFaceSighting(sightingId: string): Promise<EvidenceOf> {
    const alerts = await this.db.query<AlertRefRow>(
      'select id, camera_id, kind, duty_level from alerts where face_sighting_id = $1',
      [sightingId],
    );
    return { alerts: alerts.map(toRef), unitIds: await this.unitsOf(alerts.map((a) => a.id)), orderTargets: [] };
  }

  /** The camera a tracked person or vehicle (sighting) was seen by; null for an unknown one. */
  async sightingCamera(id: string): Promise<string | null> {
    const [row] = await this.db.query<{ camera_id: string }>('select camera_id from sightings where id = $1', [id]);
    return row?.camera_id ?? null;
  }

  /** The camera a face sighting was seen by; null for an unknown (or purged) sighting. */
  async faceSightingCamera(id: string): Promise<string | null> {
    const [row] = await this.db.query<{ camera_id: string }>('select camera_id from face_sightings where id = $1', [
      id,
    ]);
    return row?.camera_id ?? null;
  }

  private async unitsOf(alertIds: string[]): Promise<string[]> {
    if (!alertIds.length) return [];
    const rows = await this.db.query<{ unit_id: string }>(
      'select distinct unit_id from assignments where alert_id = any($1)',
      [alertIds],
    );
    return rows.map((r) => r.unit_id);
  }
}

const toRef = (r: AlertRefRow) => ({ id: r.id, cameraId: r.camera_id, kind: r.kind, dutyLevel: r.duty_level });
