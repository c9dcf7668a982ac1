import { describe, expect, it } from 'vitest';
import { fairTargets, planAssignment, type AssignHolder, type AssignInput, type AssignNode } from './assignment.js';

const node = (instance: string, capacity = 10, stopping = false): AssignNode => ({ instance, capacity, stopping });
const cams = (n: number) => Array.from({ length: n }, (_, i) => `cam-${String(i + 1).padStart(2, '0')}`);
const held = (entries: Record<string, string>, since = 1000): Map<string, AssignHolder> =>
  new Map(Object.entries(entries).map(([c, instance], i) => [c, { instance, since: since + i }]));

/** Runs every node's plan on one shared view until nothing changes, applying releases before acquisitions (as leases do). */
function settle(
  nodes: AssignNode[],
  cameras: string[],
  start: Map<string, AssignHolder>,
  rounds = 50,
): Map<string, AssignHolder> {
  const holders = new Map(start);
  for (let round = 0; round < rounds; round++) {
    let changed = false;
    for (const n of nodes) {
      const plan = planAssignment({ self: n.instance, nodes, cameras, holders, mayRebalance: true });
      for (const id of plan.release) changed = holders.delete(id) || changed;
      for (const id of plan.acquire) {
        if (holders.has(id)) continue; // SET NX: someone was first
        holders.set(id, { instance: n.instance, since: round * 100 });
        changed = true;
      }
    }
    if (!changed) return holders;
  }
  return holders;
}

const counts = (holders: Map<string, AssignHolder>) => {
  const out: Record<string, number> = {};
  for (const h of holders.values()) out[h.instance] = (out[h.instance] ?? 0) + 1;
  return out;
};

describe('fairTargets', () => {
  it('splits by capacity and never above it', () => {
    expect(Object.fromEntries(fairTargets([node('a', 10), node('b', 10), node('c', 10)], 7))).toEqual({
      a: 3,
      b: 2,
      c: 2,
    });
    expect(Object.fromEntries(fairTargets([node('a', 2), node('b', 6)], 8))).toEqual({ a: 2, b: 6 });
    expect(Object.fromEntries(fairTargets([node('a', 2), node('b', 6)], 4))).toEqual({ a: 1, b: 3 });
    expect(Object.fromEntries(fairTargets([node('a', 2), node('b', 1)], 9))).toEqual({ a: 2, b: 1 });
  });

  it('gives a stopping node nothing', () => {
    expect(Object.fromEntries(fairTargets([node('a'), node('b', 10, true)], 4))).toEqual({ a: 4 });
  });
});

describe('planAssignment', () => {
  const base = (over: Partial<AssignInput>): AssignInput => ({
    self: 'a',
    nodes: [node('a'), node('b')],
    cameras: cams(4),
    holders: new Map(),
    mayRebalance: false,
    ...over,
  });

  it('shares free cameras between the nodes without both asking for the same one', () => {
    const a = planAssignment(base({ self: 'a' }));
    const b = planAssignment(base({ self: 'b' }));
    expect(a.acquire).toHaveLength(2);
    expect(b.acquire).toHaveLength(2);
    expect(new Set([...a.acquire, ...b.acquire]).size).toBe(4);
  });

  it('hands back disabled or removed cameras at once, and everything when stopping', () => {
    const holders = held({ 'cam-01': 'a', 'cam-09': 'a', 'cam-02': 'b' });
    expect(planAssignment(base({ holders })).release).toEqual(['cam-09']);
    expect(planAssignment(base({ holders, nodes: [node('a', 10, true), node('b')] })).release.sort()).toEqual([
      'cam-01',
      'cam-09',
    ]);
  });

  it('never holds more than its capacity', () => {
    const holders = held({ 'cam-01': 'a', 'cam-02': 'a', 'cam-03': 'a' });
    const plan = planAssignment(base({ nodes: [node('a', 2), node('b')], holders }));
    expect(plan.release).toHaveLength(1);
    expect(plan.acquire).toEqual([]);
  });

  it('takes nothing beyond its share while another node has room below its own', () => {
    const plan = planAssignment(base({ holders: held({ 'cam-01': 'a', 'cam-02': 'a' }) }));
    expect(plan.acquire).toEqual([]);
  });

  it('takes more than its share when the others are full', () => {
    const plan = planAssignment(base({ nodes: [node('a'), node('b', 1)], holders: held({ 'cam-01': 'b' }) }));
    expect(plan.acquire.sort()).toEqual(['cam-02', 'cam-03', 'cam-04']);
  });

  it('moves one camera at a time from an overloaded node to one below its share, newest held first', () => {
    const holders = held({ 'cam-01': 'a', 'cam-02': 'a', 'cam-03': 'a', 'cam-04': 'a' });
    expect(planAssignment(base({ holders })).release).toEqual([]);
    expect(planAssignment(base({ holders, mayRebalance: true })).release).toEqual(['cam-04']);
  });

  it('hands on a camera that runs badly before a healthy one', () => {
    const holders = held({ 'cam-01': 'a', 'cam-02': 'a', 'cam-03': 'a', 'cam-04': 'a' });
    expect(planAssignment(base({ holders, mayRebalance: true, unwell: new Set(['cam-02']) })).release).toEqual([
      'cam-02',
    ]);
  });

  it('does not churn cameras within one of the fair share', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const holders = held({
      'cam-01': 'a',
      'cam-02': 'a',
      'cam-03': 'b',
      'cam-04': 'b',
      'cam-05': 'c',
      'cam-06': 'c',
      'cam-07': 'c',
    });
    for (const self of ['a', 'b', 'c'])
      expect(planAssignment({ self, nodes, cameras: cams(7), holders, mayRebalance: true })).toMatchObject({
        acquire: [],
        release: [],
      });
  });

  it('settles to a fair share when a node joins, and every camera is held after a node dies', () => {
    const cameras = cams(9);
    const alone = settle([node('a')], cameras, new Map());
    expect(counts(alone)).toEqual({ a: 9 });
    const three = [node('a'), node('b'), node('c')];
    const joined = settle(three, cameras, alone);
    expect(counts(joined)).toEqual({ a: 3, b: 3, c: 3 });
    // b dies: its leases expire, the others take its cameras.
    const expired = new Map([...joined].filter(([, h]) => h.instance !== 'b'));
    const after = settle([node('a'), node('c')], cameras, expired);
    expect(after.size).toBe(9);
    expect(Object.values(counts(after)).sort()).toEqual([4, 5]);
    // Cameras that ran fine on a and c stayed where they were.
    for (const [id, h] of expired) expect(after.get(id)?.instance).toBe(h.instance);
  });
});
