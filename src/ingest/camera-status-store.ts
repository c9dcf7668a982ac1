// Camera health as last reported by the camera workers, kept in a Redis hash so any API process can read it.
import type { Redis } from 'ioredis';

export interface StoredCameraStatus {
  cameraId: string;
  state: string;
  lastFrameAt: number | null;
  fps: number;
  restarts: number;
  dropped?: number;
  lastError: string | null;
  /** When the worker wrote this; a status older than a minute means the worker itself is gone. */
  reportedAt: number;
}

export class CameraStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'vigil:camera-status',
  ) {}

  async put(status: Omit<StoredCameraStatus, 'reportedAt'>): Promise<void> {
    await this.redis.hset(this.key, status.cameraId, JSON.stringify({ ...status, reportedAt: Date.now() }));
  }

  async all(): Promise<Record<string, StoredCameraStatus>> {
    const raw = await this.redis.hgetall(this.key);
    return Object.fromEntries(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as StoredCameraStatus]));
  }
}
