// `npm run bench cluster [-- --kills=N --cameras=N]`: three camera nodes as processes; takeover time after SIGKILL
// over repeated kills (p50/p95), seconds of double analysis (goal 0), and what one node holds at its capacity.
import os from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { PlateReadEvent } from '../src/queues/payloads.js';
import { startCluster, type ClusterHarness } from '../test/helpers/cluster.js';
import { stopTestRedis } from '../test/helpers/redis.js';
import type { BenchContext } from './run.js';

interface CameraView {
  id: string;
  status: { state: string; lastFrameAt?: number | null };
  holder: { nodeId: string; token: number } | null;
}
interface NodeView {
  id: string;
  roles: string[];
  capacity: number;
  camerasHeld: number;
}

const NODES = ['node-a', 'node-b', 'node-c'];
const CAPACITY = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function arg(ctx: BenchContext, name: string, fallback: number): number {
  const v = ctx.args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return v ? Number(v) : fallback;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null;
};

async function poll<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(everyMs);
  }
  return null;
}

const cameras = (h: ClusterHarness) => h.apiGet<{ cameras: CameraView[] }>('/cameras').then((r) => r.cameras);
const cameraNodes = (h: ClusterHarness) =>
  h.apiGet<{ nodes: NodeView[] }>('/nodes').then((r) => r.nodes.filter((n) => n.roles.includes('cameras')));

/** Kills the busiest node and times, per camera it held, until another node holds its lease, and until it has picture again. */
async function killRound(
  h: ClusterHarness,
): Promise<{ node: string; seconds: number[]; leaseSeconds: number[]; missing: number }> {
  const before = await cameras(h);
  const counts = new Map<string, number>();
  for (const c of before) if (c.holder) counts.set(c.holder.nodeId, (counts.get(c.holder.nodeId) ?? 0) + 1);
  const victim = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const lost = before.filter((c) => c.holder?.nodeId === victim).map((c) => c.id);
  const killedAt = Date.now();
  await h.nodes.get(victim)?.kill('SIGKILL');
  const seconds = new Map<string, number>();
  const leased = new Map<string, number>();
  await poll(async () => {
    for (const c of await cameras(h)) {
      if (!lost.includes(c.id) || seconds.has(c.id)) continue;
      if (c.holder && c.holder.nodeId !== victim && !leased.has(c.id)) leased.set(c.id, (Date.now() - killedAt) / 1000);
      if (
        c.holder &&
        c.holder.nodeId !== victim &&
        c.status.state === 'online' &&
        (c.status.lastFrameAt ?? 0) > killedAt
      )
        seconds.set(c.id, (Date.now() - killedAt) / 1000);
    }
    return seconds.size === lost.length ? true : undefined;
  }, 60_000);
  return {
    node: victim,
    seconds: [...seconds.values()],
    leaseSeconds: [...leased.values()],
    missing: lost.length - seconds.size,
  };
}

/** Seconds in which two tokens of one camera both produced reads (their read spans overlap), summed over cameras. */
async function doubleAnalysisSeconds(
  h: ClusterHarness,
  cameraCount: number,
): Promise<{ seconds: number; reads: number }> {
  const redis = new Redis(h.redisUrl, { maxRetriesPerRequest: null });
  const q = new Queue('plate-reads', { connection: redis, prefix: h.prefix });
  const jobs = (await q.getCompleted(0, -1)).map((j) => j.data as PlateReadEvent).filter((d) => d.fence);
  await q.close();
  redis.disconnect();
  let overlapMs = 0;
  for (let i = 1; i <= cameraCount; i++) {
    const spans = new Map<number, { from: number; to: number }>();
    for (const r of jobs.filter((j) => j.cameraId === `cam-${i}`)) {
      const t = r.fence?.token as number;
      const s = spans.get(t) ?? { from: r.capturedAt, to: r.capturedAt };
      spans.set(t, { from: Math.min(s.from, r.capturedAt), to: Math.max(s.to, r.capturedAt) });
    }
    const ordered = [...spans].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
    for (let k = 1; k < ordered.length; k++) overlapMs += Math.max(0, ordered[k - 1].to - ordered[k].from);
  }
  return { seconds: overlapMs / 1000, reads: jobs.length };
}

export default async function clusterBench(ctx: BenchContext) {
  const kills = arg(ctx, 'kills', 5);
  const cameraCount = arg(ctx, 'cameras', 6);
  const h = await startCluster({
    name: 'bench-cluster',
    cameras: cameraCount,
    capacity: CAPACITY,
    rebalanceMs: 2000,
    fps: 1,
  });
  try {
    for (const id of NODES) h.spawn(id);
    const balanced = async () => {
      const nodes = await cameraNodes(h);
      return nodes.length === NODES.length && nodes.every((n) => n.camerasHeld > 0) ? true : undefined;
    };
    const startedAt = Date.now();
    await poll(balanced, 180_000, 500);
    const firstBalancedS = (Date.now() - startedAt) / 1000;
    const rounds = [];
    for (let k = 0; k < kills; k++) {
      const round = await killRound(h);
      rounds.push(round);
      h.spawn(round.node);
      await poll(balanced, 120_000, 500);
    }
    const all = rounds.flatMap((r) => r.seconds);
    const leasedAll = rounds.flatMap((r) => r.leaseSeconds);
    const double = await doubleAnalysisSeconds(h, cameraCount);
    // One node left, more cameras than it may hold: it takes exactly its capacity.
    for (const id of NODES.slice(1)) await h.nodes.get(id)?.kill('SIGKILL');
    const alone = await poll(
      async () => {
        const [node] = (await cameraNodes(h)).filter((n) => n.id === NODES[0]);
        const nodes = await cameraNodes(h);
        return nodes.length === 1 && node && node.camerasHeld >= Math.min(CAPACITY, cameraCount) ? node : undefined;
      },
      60_000,
      500,
    );
    return {
      // The timing test/helpers/cluster.ts gives the nodes (the config defaults).
      setup: {
        nodes: NODES.length,
        cameras: cameraCount,
        capacity: CAPACITY,
        heartbeatMs: 2000,
        leaseMs: 5000,
        renewMs: 500,
        fps: 1,
      },
      firstBalancedS,
      // Kill to picture again on another node (the 10 s goal); of it, kill to the new lease (seen through GET /cameras).
      takeoverS: {
        p50: quantile(all, 0.5),
        p95: quantile(all, 0.95),
        max: quantile(all, 1),
        samples: all.length,
        kills,
        camerasNotTakenOver: rounds.reduce((s, r) => s + r.missing, 0),
      },
      newLeaseS: { p50: quantile(leasedAll, 0.5), p95: quantile(leasedAll, 0.95), max: quantile(leasedAll, 1) },
      loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
      doubleAnalysisS: double.seconds,
      readsChecked: double.reads,
      oneNodeAtCapacity: { capacity: CAPACITY, cameras: cameraCount, held: alone?.camerasHeld ?? null },
    };
  } finally {
    await h.stop();
    await stopTestRedis();
  }
}
