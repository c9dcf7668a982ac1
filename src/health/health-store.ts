// Each camera's faults now, kept in a Redis hash by the camera node so any API process can show them;
// and each camera's learnt baselines, so a restart does not learn a faulty picture as normal.
import type { Redis } from 'ioredis';
import type { BaselineSnapshot } from './baseline.js';
import type { FaultKind } from './fault-kinds.js';

export interface LiveFault {
  kind: FaultKind;
  /** ISO time the condition was first seen. */
  since: string;
  raisedAt: string;
  lastSeen: string;
  detail: string;
  /** The fault's record (history, evidence picture). */
  faultId: string | null;
}

export interface LiveHealth {
  cameraId: string;
  faults: LiveFault[];
  /** The camera still learns its baseline: only frozen, black, over-exposed and frame rate are judged yet. */
  learning: boolean;
  reportedAt: number;
}

export class CameraHealthStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'vigil:camera-health',
  ) {}

  async put(h: Omit<LiveHealth, 'reportedAt'>): Promise<void> {
    await this.redis.hset(this.key, h.cameraId, JSON.stringify({ ...h, reportedAt: Date.now() }));
  }

  async all(): Promise<Record<string, LiveHealth>> {
    const raw = await this.redis.hgetall(this.key);
    return Object.fromEntries(Object.entries(raw).map(([id, json]) => [id, JSON.parse(json) as LiveHealth]));
  }

  async get(cameraId: string): Promise<LiveHealth | null> {
    const raw = await this.redis.hget(this.key, cameraId);
    return raw ? (JSON.parse(raw) as LiveHealth) : null;
  }

  async putBaseline(cameraId: string, snapshot: Record<string, BaselineSnapshot>): Promise<void> {
    await this.redis.hset(`${this.key}:baseline`, cameraId, JSON.stringify(snapshot));
  }

  async baseline(cameraId: string): Promise<Record<string, BaselineSnapshot> | null> {
    const raw = await this.redis.hget(`${this.key}:baseline`, cameraId);
    return raw ? (JSON.parse(raw) as Record<string, BaselineSnapshot>) : null;
  }
}

/** What GET /api/v1/cameras shows as a camera's `health`: 'ok', or its faults with since. */
export function healthField(
  h: LiveHealth | undefined,
  staleMs = 120_000,
  now = Date.now(),
): 'ok' | 'unknown' | { faults: { kind: FaultKind; since: string; detail: string; faultId: string | null }[] } {
  if (!h || now - h.reportedAt > staleMs) return 'unknown';
  if (!h.faults.length) return 'ok';
  return { faults: h.faults.map((f) => ({ kind: f.kind, since: f.since, detail: f.detail, faultId: f.faultId })) };
}
