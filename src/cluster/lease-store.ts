// Camera leases in Redis: SET NX PX with a fencing token from INCR per camera, renewed and released only by their holder.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { nodeKey } from './node-registry.js';

/** Who holds a lease: the node's name and this process's run of it (a restarted node is a new holder). */
export interface LeaseHolder {
  nodeId: string;
  instance: string;
}

/** A camera's lease as stored: its holder, its fencing token, and since when it is held. */
export interface Lease extends LeaseHolder {
  cameraId: string;
  token: number;
  since: number;
}

const leaseValue = z.strictObject({
  nodeId: z.string(),
  instance: z.string(),
  token: z.number().int(),
  since: z.number().int(),
});

// Atomic, so a token is drawn only when the lease is won: a failed attempt never outdates the holder's token.
// A held lease is won only from the holder seen by the caller (ARGV[5]) and only once that holder's heartbeat
// key (KEYS[4]) is gone: the holder is dead, and writes as owner only within its heartbeat time. The taker's
// own heartbeat (KEYS[3]) must live, or its lease could be taken from it at once.
const ACQUIRE = `
local v = redis.call('get', KEYS[1])
if v then
  if ARGV[5] == '' then return false end
  local l = cjson.decode(v)
  if l.instance ~= ARGV[5] or redis.call('exists', KEYS[4]) == 1 then return false end
end
if redis.call('exists', KEYS[3]) == 0 then return false end
local token = redis.call('incr', KEYS[2])
local value = cjson.encode({nodeId = ARGV[1], instance = ARGV[2], token = token, since = tonumber(ARGV[4])})
redis.call('set', KEYS[1], value, 'PX', ARGV[3])
return token`;

// Renew and release compare the whole holder (node and instance) and the token: never another's lease.
/** Extends a lease if it is still this holder's (instance and token); the keep-alive thread runs it too. */
export const RENEW_LUA = `
local v = redis.call('get', KEYS[1])
if not v then return 0 end
local l = cjson.decode(v)
if l.instance ~= ARGV[1] or l.token ~= tonumber(ARGV[2]) then return 0 end
redis.call('pexpire', KEYS[1], ARGV[3])
return 1`;

const RELEASE = `
local v = redis.call('get', KEYS[1])
if not v then return 0 end
local l = cjson.decode(v)
if l.instance ~= ARGV[1] or l.token ~= tonumber(ARGV[2]) then return 0 end
redis.call('del', KEYS[1])
return 1`;

export class LeaseStore {
  constructor(
    private readonly redis: Redis,
    /** Key prefix, e.g. `vigil:cluster`; the queue prefix's cluster keys. */
    private readonly prefix: string,
    /** How long a lease lasts without renewal, ms. */
    readonly leaseMs: number,
  ) {}

  private leaseKey(cameraId: string): string {
    return `${this.prefix}:lease:${cameraId}`;
  }

  private fenceKey(cameraId: string): string {
    return `${this.prefix}:fence:${cameraId}`;
  }

  /**
   * Takes the camera if nobody holds it, or from `deadHolder` (an instance whose heartbeat is gone); the new
   * lease's fencing token is above every earlier one. Null when another node was first, the seen holder still
   * beats, or this node's own heartbeat has lapsed.
   */
  async acquire(cameraId: string, holder: LeaseHolder, now = Date.now(), deadHolder?: string): Promise<Lease | null> {
    const keys = [
      this.leaseKey(cameraId),
      this.fenceKey(cameraId),
      nodeKey(this.prefix, holder.instance),
      nodeKey(this.prefix, deadHolder ?? holder.instance),
    ];
    const token = (await this.redis.eval(
      ACQUIRE,
      keys.length,
      ...keys,
      holder.nodeId,
      holder.instance,
      this.leaseMs,
      now,
      deadHolder ?? '',
    )) as number | null;
    return token === null ? null : { cameraId, ...holder, token, since: now };
  }

  /** Extends the leases still ours; returns the cameras whose lease is gone or someone else's. */
  async renew(leases: readonly Lease[]): Promise<string[]> {
    if (!leases.length) return [];
    const pipe = this.redis.pipeline();
    for (const l of leases) pipe.eval(RENEW_LUA, 1, this.leaseKey(l.cameraId), l.instance, l.token, this.leaseMs);
    const results = (await pipe.exec()) ?? [];
    return leases
      .filter((l, i) => {
        const [err, ok] = results[i] ?? [new Error('no reply'), 0];
        return err !== null || ok !== 1;
      })
      .map((l) => l.cameraId);
  }

  /** Hands a camera back at once (shutdown, disabled camera, rebalancing); a lease no longer ours is left alone. */
  async release(lease: Lease): Promise<boolean> {
    return (await this.redis.eval(RELEASE, 1, this.leaseKey(lease.cameraId), lease.instance, lease.token)) === 1;
  }

  /** The live leases of the given cameras (expired ones are gone from Redis). */
  async holders(cameraIds: readonly string[]): Promise<Map<string, Lease>> {
    const out = new Map<string, Lease>();
    if (!cameraIds.length) return out;
    const values = await this.redis.mget(cameraIds.map((id) => this.leaseKey(id)));
    cameraIds.forEach((cameraId, i) => {
      const parsed = values[i] ? leaseValue.safeParse(JSON.parse(values[i] as string)) : null;
      if (parsed?.success) out.set(cameraId, { cameraId, ...parsed.data });
    });
    return out;
  }

  /** The camera's newest fencing token (0 before its first lease): writes carrying an older one are refused. */
  async currentToken(cameraId: string): Promise<number> {
    return Number((await this.redis.get(this.fenceKey(cameraId))) ?? 0);
  }
}
