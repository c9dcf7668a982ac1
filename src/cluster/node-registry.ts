// The nodes of the system in Redis: each writes its record (roles, capacity, cameras held, heartbeat) with an expiry.
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const nodeRecordSchema = z.strictObject({
  nodeId: z.string(),
  /** This process's run of the node; leases name it too. */
  instance: z.string(),
  roles: z.array(z.string()),
  /** Most cameras the node takes. */
  capacity: z.number().int().min(0),
  /** Cameras whose lease the node held at its last heartbeat. */
  cameras: z.array(z.string()),
  version: z.string(),
  host: z.string(),
  pid: z.number().int(),
  startedAt: z.number().int(),
  heartbeatAt: z.number().int(),
  /** Set while the node shuts down: others take its cameras without waiting for the record to expire. */
  stopping: z.boolean(),
});

export type NodeRecord = z.infer<typeof nodeRecordSchema>;

/** A node's record key, which is also its heartbeat: it expires unless rewritten (leases taken from a dead holder check it). */
export function nodeKey(prefix: string, instance: string): string {
  return `${prefix}:node:${instance}`;
}

export class NodeRegistry {
  constructor(
    private readonly redis: Redis,
    /** Key prefix, e.g. `vigil:cluster`. */
    private readonly prefix: string,
    /** A record not rewritten for this long is gone (the node died), ms: the heartbeat time. */
    private readonly ttlMs: number,
  ) {}

  private get setKey(): string {
    return `${this.prefix}:nodes`;
  }

  private nodeKey(instance: string): string {
    return nodeKey(this.prefix, instance);
  }

  /** Writes (or refreshes) the node's record. */
  async beat(record: NodeRecord): Promise<void> {
    await this.redis
      .multi()
      .set(this.nodeKey(record.instance), JSON.stringify(record), 'PX', this.ttlMs)
      .sadd(this.setKey, record.instance)
      .exec();
  }

  async remove(instance: string): Promise<void> {
    await this.redis.multi().del(this.nodeKey(instance)).srem(this.setKey, instance).exec();
  }

  /** Live nodes, by node id; records that expired are pruned from the set on the way. */
  async list(): Promise<NodeRecord[]> {
    const instances = await this.redis.smembers(this.setKey);
    if (!instances.length) return [];
    const values = await this.redis.mget(instances.map((i) => this.nodeKey(i)));
    const gone = instances.filter((_, i) => values[i] === null);
    if (gone.length) await this.redis.srem(this.setKey, ...gone);
    return values
      .map((v) => (v ? nodeRecordSchema.safeParse(JSON.parse(v)) : null))
      .flatMap((p) => (p?.success ? [p.data] : []))
      .sort((a, b) => a.nodeId.localeCompare(b.nodeId) || a.instance.localeCompare(b.instance));
  }
}
