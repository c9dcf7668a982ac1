// Accumulates each camera's streamed and intact time into 15-minute buckets between flushes to the database.
import { BUCKET_MS, type UptimeAdd } from '../store/health-repo.js';

export interface UptimeObservation {
  cameraId: string;
  online: boolean;
  /** Online with no image fault raised. */
  intact: boolean;
}

export class UptimeMeter {
  private readonly last = new Map<string, { at: number; online: boolean; intact: boolean }>();
  private pending = new Map<string, UptimeAdd>();

  /**
   * Credits the time since each camera's previous observation to the state it was in then (a camera
   * seen for the first time starts counting now), split at bucket boundaries.
   */
  observe(at: number, cameras: UptimeObservation[]): void {
    for (const c of cameras) {
      const prev = this.last.get(c.cameraId);
      if (prev && at > prev.at) this.credit(c.cameraId, prev.at, at, prev.online, prev.intact);
      this.last.set(c.cameraId, { at, online: c.online, intact: c.online && c.intact });
    }
  }

  /** Rows to add since the last take. */
  take(): UptimeAdd[] {
    const rows = [...this.pending.values()].filter((r) => r.onlineMs > 0 || r.intactMs > 0);
    this.pending = new Map();
    return rows;
  }

  private credit(cameraId: string, from: number, to: number, online: boolean, intact: boolean): void {
    if (!online) return;
    for (let start = from; start < to;) {
      const bucket = Math.floor(start / BUCKET_MS) * BUCKET_MS;
      const end = Math.min(to, bucket + BUCKET_MS);
      const key = `${cameraId}@${bucket}`;
      const row = this.pending.get(key) ?? { cameraId, bucket, onlineMs: 0, intactMs: 0 };
      row.onlineMs += end - start;
      if (intact) row.intactMs += end - start;
      this.pending.set(key, row);
      start = end;
    }
  }
}
