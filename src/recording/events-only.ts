// Events-only recording: a closed segment waits until alerts about its time could have arrived, then is
// kept (indexed) when an alert on its camera falls within eventSeconds of it, and deleted otherwise.
import type { PendingSegment } from './segment-filer.js';

export interface EventsOnlyOptions {
  eventSeconds: number;
  /**
   * Extra wait for analysis to raise an alert about the last seconds of a segment (plate reading,
   * matching, queueing). Default 15 000 ms, several times the pipeline's usual latency.
   */
  graceMs?: number;
  alertNear(cameraId: string, from: Date, to: Date): Promise<boolean>;
  keep(p: PendingSegment): Promise<void>;
  drop(p: PendingSegment): Promise<void>;
  onError(err: Error, p: PendingSegment): void;
  now?: () => number;
}

export class EventsOnlyFilter {
  private readonly waiting = new Map<PendingSegment, NodeJS.Timeout>();
  private readonly graceMs: number;

  constructor(private readonly opts: EventsOnlyOptions) {
    this.graceMs = opts.graceMs ?? 15_000;
  }

  /** Schedules the decision for when alerts about the segment's last second plus eventSeconds are in. */
  add(p: PendingSegment): void {
    const now = (this.opts.now ?? Date.now)();
    const decideAt = p.endMs + this.opts.eventSeconds * 1000 + this.graceMs;
    const timer = setTimeout(() => void this.decide(p), Math.max(0, decideAt - now));
    this.waiting.set(p, timer);
  }

  get pending(): number {
    return this.waiting.size;
  }

  /** Decides every waiting segment now with what is known (on stop); alerts still in flight are missed. */
  async flush(): Promise<void> {
    const all = [...this.waiting.keys()];
    await Promise.all(all.map((p) => this.decide(p)));
  }

  private async decide(p: PendingSegment): Promise<void> {
    const timer = this.waiting.get(p);
    if (!timer) return;
    clearTimeout(timer);
    this.waiting.delete(p);
    const margin = this.opts.eventSeconds * 1000;
    try {
      const near = await this.opts.alertNear(p.cameraId, new Date(p.startMs - margin), new Date(p.endMs + margin));
      await (near ? this.opts.keep(p) : this.opts.drop(p));
    } catch (err) {
      // The file stays pending in the incoming area; the next start decides it again.
      this.opts.onError(err instanceof Error ? err : new Error(String(err)), p);
    }
  }
}
