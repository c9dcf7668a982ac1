// Changes to the camera inventory: checked against the YAML camera schema, audited with the change, announced to every node.
import { z } from 'zod';
import { cameraSchema, type CameraConfig } from '../config/schema.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { CameraRepo, InventoryCamera } from '../store/camera-repo.js';
import type { Principal } from '../store/token-repo.js';

/** A change to a camera: any fields of the YAML camera schema; `analysis` merges key by key; the id cannot change. */
export const cameraPatchSchema = z.looseObject({
  id: z.never({ error: 'the id cannot change: remove the camera and add it under the new id' }).optional(),
  analysis: z.looseObject({}).optional(),
});

/** A camera source with its password masked: RTSP URLs often carry credentials, and audits and views are read widely. */
export function maskSource(source: string): string {
  return source.replace(/^([a-z]+:\/\/[^:/@]+):[^@/]*@/i, '$1:***@');
}

const forAudit = (c: CameraConfig) => ({ ...c, source: maskSource(c.source) });

export interface InventoryServiceDeps {
  cameras: Pick<CameraRepo, 'add' | 'replace' | 'remove' | 'find'>;
  bus: Pick<EventBus, 'publish'>;
  log: Logger;
}

export class CameraInventoryService {
  constructor(private readonly d: InventoryServiceDeps) {}

  /** Adds a camera (or brings back a removed one under its id); a live camera with the id is a conflict. */
  async add(raw: unknown, by: Principal, why: string): Promise<InventoryCamera> {
    const camera = cameraSchema.parse(raw);
    const added = await this.d.cameras.add(camera, {
      actor: by.name,
      role: by.role,
      action: 'camera.add',
      details: { camera: forAudit(camera), why },
    });
    if (!added)
      throw new ConflictError(`camera ${camera.id} exists already: change it with PATCH /cameras/${camera.id}`);
    await this.announce(camera.id, 'added', added.version);
    return added;
  }

  /** Changes some fields; the merged camera must pass the whole schema (so a checkpoint keeps its level). */
  async change(id: string, raw: unknown, by: Principal, why: string): Promise<InventoryCamera> {
    const patch = cameraPatchSchema.parse(raw);
    const before = await this.d.cameras.find(id);
    if (!before || before.removedAt) throw new NotFoundError(`camera ${id} not found`);
    const merged = cameraSchema.parse({
      ...before.config,
      ...patch,
      id,
      analysis: { ...before.config.analysis, ...(patch.analysis ?? {}) },
    });
    const action =
      before.config.enabled && !merged.enabled
        ? 'camera.disable'
        : !before.config.enabled && merged.enabled
          ? 'camera.enable'
          : 'camera.change';
    const after = await this.d.cameras.replace(merged, {
      actor: by.name,
      role: by.role,
      action,
      details: { before: forAudit(before.config), after: forAudit(merged), why },
    });
    if (!after) throw new NotFoundError(`camera ${id} not found`);
    await this.announce(id, 'changed', after.version);
    return after;
  }

  /** Removes a camera: its node stops it at once; its reads, alerts and footage stay. */
  async remove(id: string, by: Principal, why: string): Promise<InventoryCamera> {
    const removed = await this.d.cameras.remove(id, {
      actor: by.name,
      role: by.role,
      action: 'camera.remove',
      details: { why },
    });
    if (!removed) throw new NotFoundError(`camera ${id} not found`);
    await this.announce(id, 'removed', removed.version);
    return removed;
  }

  /** Committed already: a lost announcement only delays the change until each node's next periodic read. */
  private async announce(cameraId: string, change: 'added' | 'changed' | 'removed', version: number): Promise<void> {
    await this.d.bus
      .publish({ type: 'camera-changed', cameraId, change, version, at: Date.now() })
      .catch((err: Error) => {
        this.d.log.warn(
          `camera ${cameraId}: change saved but not announced (${err.message}); nodes pick it up at their next inventory read`,
        );
      });
  }
}
