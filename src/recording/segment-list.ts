// Parses the CSV segment list ffmpeg's segment muxer writes (file,start,end per closed segment), and
// turns stream-relative times into wall-clock times.

export interface ClosedSegment {
  /** The file name as ffmpeg wrote it (no directory). */
  file: string;
  /** Seconds on the stream's own timeline (not reset per segment). */
  startRel: number;
  endRel: number;
}

/** Splits stdout chunks into lines and yields one ClosedSegment per complete, well-formed line. */
export class SegmentListParser {
  private partial = '';

  push(chunk: string): ClosedSegment[] {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    const out: ClosedSegment[] = [];
    for (const line of lines) {
      const seg = parseLine(line.replace(/\r$/, ''));
      if (seg) out.push(seg);
    }
    return out;
  }
}

/** ffmpeg quotes a file name that holds a comma or quote ("a,b.ts"); ours never do, but read it right. */
export function parseLine(line: string): ClosedSegment | null {
  const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]+),([^,]+)$/.exec(line.trim());
  if (!m) return null;
  const file = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2];
  const startRel = Number(m[3]);
  const endRel = Number(m[4]);
  if (!file || !Number.isFinite(startRel) || !Number.isFinite(endRel) || endRel < startRel) return null;
  return { file, startRel, endRel };
}

/**
 * Maps one ffmpeg run's stream time to wall time. A segment closes when the first packet of the next
 * one arrives, so at the moment its line is read, wall time is about anchor + endRel plus delivery delay.
 * The smallest (now - endRel) seen so far is the best estimate of the anchor: delays only make it larger.
 * The first run of a camera may therefore start a little before ffmpeg was spawned: ffmpeg keeps the packets
 * it read while probing the stream, and they are footage too.
 */
export class WallClockAnchor {
  private anchorMs: number | null = null;

  constructor(private readonly notBeforeMs: number | null = null) {}

  observe(endRel: number, nowMs: number): void {
    const candidate = nowMs - endRel * 1000;
    this.anchorMs = this.anchorMs === null ? candidate : Math.min(this.anchorMs, candidate);
    // After a restart, the new run cannot start before the last footage of the previous run ended.
    if (this.notBeforeMs !== null && this.anchorMs < this.notBeforeMs) this.anchorMs = this.notBeforeMs;
  }

  get known(): boolean {
    return this.anchorMs !== null;
  }

  toWall(rel: number): number {
    if (this.anchorMs === null) throw new Error('no anchor yet: observe a closed segment first');
    return Math.round(this.anchorMs + rel * 1000);
  }
}
