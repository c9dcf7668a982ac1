// Which cameras this node should take and hand back: one pure function over the nodes, the cameras and their holders.
import { createHash } from 'node:crypto';

export interface AssignNode {
  instance: string;
  capacity: number;
  /** Shutting down: takes nothing, and its cameras are about to come free. */
  stopping: boolean;
}

export interface AssignHolder {
  instance: string;
  /** When the holder took the camera (ms): the newest is the cheapest to move. */
  since: number;
}

export interface AssignInput {
  /** This node's instance. */
  self: string;
  /** Live nodes with the cameras role, this one included. */
  nodes: readonly AssignNode[];
  /** Enabled cameras of the inventory. */
  cameras: readonly string[];
  /** Current lease holders by camera (live leases only; a dead node's remain until they expire). */
  holders: ReadonlyMap<string, AssignHolder>;
  /** Cameras of this node that do not run well (offline, faulted): handed on before healthy ones. */
  unwell?: ReadonlySet<string>;
  /** Whether the rebalancing step may hand one camera to a node below its share now (the caller paces it). */
  mayRebalance: boolean;
}

export interface AssignPlan {
  /** Free cameras this node should try to lease. */
  acquire: string[];
  /** Cameras this node should hand back now. */
  release: string[];
  /** Cameras each node should end up with, by instance (for GET /nodes and the benchmark). */
  targets: Map<string, number>;
}

/** A stable, spread-out order of nodes per camera (rendezvous hashing): two nodes with the same view plan alike. */
function rank(cameraId: string, instance: string): string {
  return createHash('sha1').update(`${cameraId}\n${instance}`).digest('hex');
}

/** Each node's whole-camera share, proportional to capacity and never above it; the remainder to the least loaded. */
export function fairTargets(nodes: readonly AssignNode[], cameras: number): Map<string, number> {
  const active = nodes
    .filter((n) => !n.stopping && n.capacity > 0)
    .sort((a, b) => a.instance.localeCompare(b.instance));
  const targets = new Map(active.map((n) => [n.instance, 0]));
  for (let i = 0; i < cameras; i++) {
    let best: AssignNode | null = null;
    for (const n of active) {
      const t = targets.get(n.instance) as number;
      if (t >= n.capacity) continue;
      if (!best || t / n.capacity < (targets.get(best.instance) as number) / best.capacity) best = n;
    }
    if (!best) break; // every node is full: the rest wait for capacity
    targets.set(best.instance, (targets.get(best.instance) as number) + 1);
  }
  return targets;
}

/** The node's exact proportional share (a fraction): within one camera of it nothing moves. */
function exactShare(node: AssignNode, nodes: readonly AssignNode[], cameras: number): number {
  const total = nodes.filter((n) => !n.stopping).reduce((s, n) => s + n.capacity, 0);
  return total ? node.capacity * Math.min(1, cameras / total) : 0;
}

/** The camera to hand on first: one that runs badly, else the one held for the shortest time. */
function cheapestToMove(
  mine: string[],
  holders: ReadonlyMap<string, AssignHolder>,
  unwell: ReadonlySet<string>,
): string[] {
  return [...mine].sort(
    (a, b) =>
      Number(unwell.has(b)) - Number(unwell.has(a)) ||
      (holders.get(b)?.since ?? 0) - (holders.get(a)?.since ?? 0) ||
      a.localeCompare(b),
  );
}

export function planAssignment(input: AssignInput): AssignPlan {
  const { self, nodes, cameras, holders } = input;
  const unwell = input.unwell ?? new Set<string>();
  const enabled = new Set(cameras);
  const targets = fairTargets(nodes, cameras.length);
  const me = nodes.find((n) => n.instance === self);
  const mineAll = [...holders].filter(([, h]) => h.instance === self).map(([id]) => id);
  // Disabled or removed cameras go back at once; so does everything when this node stops or is unknown.
  if (!me || me.stopping) return { acquire: [], release: mineAll, targets };
  const release = mineAll.filter((id) => !enabled.has(id));
  let mine = cheapestToMove(
    mineAll.filter((id) => enabled.has(id)),
    holders,
    unwell,
  );
  if (mine.length > me.capacity) {
    release.push(...mine.slice(0, mine.length - me.capacity));
    mine = mine.slice(mine.length - me.capacity);
  }

  const active = nodes.filter((n) => !n.stopping && n.capacity > 0);
  const held = new Map(active.map((n) => [n.instance, 0]));
  for (const [id, h] of holders)
    if (enabled.has(id) && held.has(h.instance)) held.set(h.instance, (held.get(h.instance) as number) + 1);
  held.set(self, mine.length);

  // Free cameras go to the nodes furthest below their target, then to any with room; each camera's own node order breaks ties.
  const acquire: string[] = [];
  for (const cameraId of cameras.filter((id) => !holders.has(id)).sort()) {
    const room = (n: AssignNode, limit: number) => (held.get(n.instance) as number) < limit;
    const order = (pool: AssignNode[], gap: (n: AssignNode) => number) =>
      pool.sort((a, b) => gap(b) - gap(a) || rank(cameraId, b.instance).localeCompare(rank(cameraId, a.instance)))[0];
    const below = active.filter((n) => room(n, targets.get(n.instance) ?? 0));
    const chosen = below.length
      ? order(below, (n) => (targets.get(n.instance) ?? 0) - (held.get(n.instance) as number))
      : order(
          active.filter((n) => room(n, n.capacity)),
          (n) => 1 - (held.get(n.instance) as number) / n.capacity,
        );
    if (!chosen) break;
    held.set(chosen.instance, (held.get(chosen.instance) as number) + 1);
    if (chosen.instance === self) acquire.push(cameraId);
  }

  // Rebalancing: one camera at a time, only from a node more than a camera above its share to one more than a camera below.
  if (input.mayRebalance && !acquire.length && mine.length) {
    const over = mine.length > Math.ceil(exactShare(me, nodes, cameras.length));
    const someoneBelow = active.some(
      (n) => n.instance !== self && (held.get(n.instance) as number) < Math.floor(exactShare(n, nodes, cameras.length)),
    );
    if (over && someoneBelow) release.push(mine[0]);
  }
  return { acquire, release, targets };
}
