// Plans a clip from indexed segments: which files, where to cut (at keyframes, since nothing is re-encoded),
// the wall-clock span the clip really covers, and the gaps inside it; writes the ffconcat list.

export interface PlanSegment {
  id: number;
  /** Absolute path of the segment file. */
  file: string;
  startMs: number;
  endMs: number;
  /** pts of the file's first packet, seconds (MPEG-TS segments start near 1.4 s). */
  mediaStart: number;
  /** Keyframe pts, seconds, ascending; needed for the first and last segment only. */
  keyframes?: number[];
}

export interface ClipPart {
  segmentId: number;
  file: string;
  /** File pts to start at (a keyframe); absent: from the file's start. */
  inpoint?: number;
  /** File pts to stop before (a keyframe); absent: to the file's end. */
  outpoint?: number;
  startMs: number;
  endMs: number;
}

export interface ClipPlan {
  parts: ClipPart[];
  /** What the clip really covers: from the last keyframe at or before `from` to the first at or after `to`. */
  startMs: number;
  endMs: number;
  /** Footage seconds in the clip (the span minus gaps). */
  durationSeconds: number;
  /** Stretches with no recording (ffmpeg down, camera offline); the MP4 joins across them. */
  gaps: { fromMs: number; toMs: number }[];
}

/** Gaps shorter than this are clock rounding between segments of one run, not missing footage. */
const GAP_MS = 250;

export class NoFootageError extends Error {
  override name = 'NoFootageError';
}

/** `segments` are one camera's, ordered by start, overlapping [fromMs, toMs). */
export function planClip(segments: PlanSegment[], fromMs: number, toMs: number): ClipPlan {
  if (!(toMs > fromMs)) throw new RangeError('the clip must end after it starts');
  const chosen = segments.filter((s) => s.startMs < toMs && s.endMs > fromMs);
  if (!chosen.length)
    throw new NoFootageError(
      `no recording between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()}`,
    );
  const parts: ClipPart[] = chosen.map((s) => ({ segmentId: s.id, file: s.file, startMs: s.startMs, endMs: s.endMs }));

  const first = chosen[0];
  if (fromMs > first.startMs) {
    const target = first.mediaStart + (fromMs - first.startMs) / 1000;
    const key = lastAtOrBefore(keyframesOf(first), target);
    if (key !== null && key > first.mediaStart + 1e-6) {
      parts[0].inpoint = key;
      parts[0].startMs = first.startMs + Math.round((key - first.mediaStart) * 1000);
    }
  }
  const last = chosen[chosen.length - 1];
  const lastPart = parts[parts.length - 1];
  if (toMs < last.endMs) {
    const target = last.mediaStart + (toMs - last.startMs) / 1000;
    const key = firstAtOrAfter(keyframesOf(last), target);
    if (key !== null && key > (lastPart.inpoint ?? last.mediaStart) + 1e-6) {
      lastPart.outpoint = key;
      lastPart.endMs = last.startMs + Math.round((key - last.mediaStart) * 1000);
    }
  }

  const gaps: ClipPlan['gaps'] = [];
  for (let i = 1; i < parts.length; i++) {
    if (parts[i].startMs - parts[i - 1].endMs > GAP_MS)
      gaps.push({ fromMs: parts[i - 1].endMs, toMs: parts[i].startMs });
  }
  const durationSeconds = parts.reduce((sum, p) => sum + (p.endMs - p.startMs), 0) / 1000;
  return { parts, startMs: parts[0].startMs, endMs: lastPart.endMs, durationSeconds, gaps };
}

function keyframesOf(s: PlanSegment): number[] {
  if (!s.keyframes) throw new Error(`segment ${s.id}: keyframes needed to cut it`);
  return s.keyframes;
}

function lastAtOrBefore(sorted: number[], t: number): number | null {
  let found: number | null = null;
  for (const k of sorted) if (k <= t + 1e-6) found = k;
  return found;
}

function firstAtOrAfter(sorted: number[], t: number): number | null {
  for (const k of sorted) if (k >= t - 1e-6) return k;
  return null;
}

/** The concat demuxer's list; paths quoted the ffconcat way ('it'\''s'). */
export function ffconcatList(plan: ClipPlan): string {
  const lines = ['ffconcat version 1.0'];
  for (const p of plan.parts) {
    lines.push(`file '${p.file.replace(/'/g, "'\\''")}'`);
    if (p.inpoint !== undefined) lines.push(`inpoint ${p.inpoint.toFixed(6)}`);
    if (p.outpoint !== undefined) lines.push(`outpoint ${p.outpoint.toFixed(6)}`);
  }
  return `${lines.join('\n')}\n`;
}
