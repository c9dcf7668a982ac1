// Peephole rewrites ONNX Runtime cannot do itself: chains of Relu/Minimum/Maximum become one Clip.
import { DType, type GraphBuilder, type OnnxNode } from './onnx-builder.js';

/**
 * Keras writes ReLU6 as Relu -> Minimum(6) -> Maximum(0). ONNX Runtime fuses a Conv with a following
 * Clip (and keeps it in its blocked NCHWc layout) but not with Minimum/Maximum, which cost a layout
 * round trip per layer; one Clip with the intersected bounds computes the same values.
 */
export function mergeClips(g: GraphBuilder): void {
  for (const node of g.nodes) toClip(g, node);
  const consumers = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const producer = new Map(g.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const removed = new Set<OnnxNode>();
  for (const node of g.nodes) {
    if (node.op !== 'Clip') continue;
    let bounds = clipBounds(g, node);
    if (!bounds) continue;
    // Walk up while the producer is a Clip/Relu used only here, folding its bounds into this one.
    for (;;) {
      const prev = producer.get(node.inputs[0]);
      if (!prev || removed.has(prev) || consumers.get(prev.outputs[0]) !== 1 || outputs.has(prev.outputs[0])) break;
      const prevBounds = prev.op === 'Relu' ? { lo: 0, hi: Infinity } : prev.op === 'Clip' ? clipBounds(g, prev) : null;
      if (!prevBounds) break;
      bounds = { lo: Math.max(bounds.lo, prevBounds.lo), hi: Math.min(bounds.hi, prevBounds.hi) };
      node.inputs[0] = prev.inputs[0];
      removed.add(prev);
    }
    node.inputs = [node.inputs[0], bound(g, bounds.lo), bound(g, bounds.hi)];
  }
  const kept = g.nodes.filter((n) => !removed.has(n));
  g.nodes.splice(0, g.nodes.length, ...kept);
}

/** Minimum/Maximum against a scalar constant is a one-sided Clip. */
function toClip(g: GraphBuilder, node: OnnxNode): void {
  if (node.op !== 'Min' && node.op !== 'Max') return;
  const side = node.inputs.findIndex((i) => scalar(g, i) !== null);
  if (side < 0 || node.inputs.length !== 2) return;
  const value = bound(g, scalar(g, node.inputs[side])!);
  const x = node.inputs[1 - side];
  // Min(x, c) caps from above; Max(x, c) from below.
  node.inputs = node.op === 'Min' ? [x, '', value] : [x, value, ''];
  node.op = 'Clip';
}

function scalar(g: GraphBuilder, name: string): number | null {
  const init = g.initializers.get(name);
  // Rank 0 or 1 only: a [1,1,1,1] constant would also broadcast the result's rank up.
  if (!init || init.dtype !== DType.float || init.data.length !== 1 || init.dims.length > 1) return null;
  return Number(init.data[0]);
}

function clipBounds(g: GraphBuilder, node: OnnxNode): { lo: number; hi: number } | null {
  const [lo, hi] = [node.inputs[1], node.inputs[2]];
  const loV = lo ? scalar(g, lo) : -Infinity;
  const hiV = hi ? scalar(g, hi) : Infinity;
  return loV === null || hiV === null ? null : { lo: loV, hi: hiV };
}

/** A missing bound stays missing: ONNX Runtime treats an absent Clip input as unbounded. */
function bound(g: GraphBuilder, value: number): string {
  if (!Number.isFinite(value)) return '';
  return g.float(`$f32/${value}`, [value], []);
}
