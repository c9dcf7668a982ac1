// One camera's recorder: ffmpeg copies the stream into segments, each closed segment is filed and indexed,
// a watchdog restarts ffmpeg with backoff, and storage faults are reported without touching the index.
import type { ChildProcess } from 'node:child_process';
import { spawnChild } from '../lib/children.js';
import { EventEmitter } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ToolPaths } from './probe.js';
import { buildRecordArgs } from './recording-args.js';
import type { PendingSegment, SegmentFiler } from './segment-filer.js';
import { SegmentListParser, WallClockAnchor, type ClosedSegment } from './segment-list.js';
import { StorageError, type RecordingStorage, type StorageFaultKind } from './storage.js';

export type RecorderState = 'stopped' | 'starting' | 'recording' | 'offline' | 'faulted';

export interface RecorderStatus {
  cameraId: string;
  state: RecorderState;
  restarts: number;
  /** Segments handed on (indexed, or to the events-only filter) since start. */
  segments: number;
  lastSegmentEndAt: number | null;
  lastError: string | null;
}

/** Something an operator must fix; the recording service publishes it as an operator alert. */
export interface RecordingFault {
  cameraId: string;
  /** 'segment': one segment was set aside (bad times, unreadable, refused by the index); recording goes on. */
  kind: StorageFaultKind | 'index' | 'segment';
  message: string;
  at: number;
}

export interface RecorderOptions {
  cameraId: string;
  source: string;
  segmentSeconds: number;
  storage: RecordingStorage;
  filer: SegmentFiler;
  /** Where closed segments go: commit them (continuous) or an events-only filter. */
  accept(p: PendingSegment): Promise<void>;
  /** Restart when the open segment file has not grown for this long. Default 20 000 ms. */
  stallMs?: number;
  /** Allowance for connecting and probing before the first bytes. Default 20 000 ms. */
  startTimeoutMs?: number;
  /** First restart delay, doubling per failure in a row, up to backoffMaxMs. Defaults 1000 and 10 000 ms. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  tools?: ToolPaths;
}

interface Run {
  id: string;
  child: ChildProcess;
  anchor: WallClockAnchor;
  lastEndMs: number | null;
  listed: Set<string>;
  stderr: string[];
  /** A storage or index fault stopped this run; its restart keeps the faulted state until a segment files. */
  faulted: boolean;
  work: Promise<void>;
  exited: Promise<void>;
}

let runCounter = 0;

export class Recorder extends EventEmitter<{ status: [RecorderStatus]; fault: [RecordingFault] }> {
  private running = false;
  private run: Run | null = null;
  private state: RecorderState = 'stopped';
  private restarts = 0;
  private segments = 0;
  private failuresInRow = 0;
  private lastSegmentEndAt: number | null = null;
  private lastError: string | null = null;
  /** The fault last published; the same one again (a retry meeting it) is not published twice. */
  private lastFault: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private launching: Promise<void> = Promise.resolve();

  constructor(private readonly o: RecorderOptions) {
    super();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setState('starting');
    this.launching = this.launch();
  }

  /** Stops ffmpeg gracefully (it closes and lists its open segment), then files what it left. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.launching;
    const run = this.run;
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGTERM');
      const force = setTimeout(() => run.child.kill('SIGKILL'), 5000);
      await run.exited;
      clearTimeout(force);
    }
    this.setState('stopped');
  }

  status(): RecorderStatus {
    const { cameraId } = this.o;
    return {
      cameraId,
      state: this.state,
      restarts: this.restarts,
      segments: this.segments,
      lastSegmentEndAt: this.lastSegmentEndAt,
      lastError: this.lastError,
    };
  }

  /** The ffmpeg process id while one runs (benchmarks read its CPU time). */
  get pid(): number | null {
    return this.run?.child.pid ?? null;
  }

  private async launch(): Promise<void> {
    const dir = this.o.storage.incomingDir(this.o.cameraId);
    try {
      await this.o.storage.ensureWritable(dir);
      // Files a previous process or run left: file them before new ones arrive, oldest first.
      for (const p of await this.o.filer.leftovers(this.o.cameraId, null, this.o.tools)) {
        await this.o.accept(p);
        this.lastSegmentEndAt = Math.max(this.lastSegmentEndAt ?? 0, p.endMs);
      }
    } catch (err) {
      this.fail(err, null);
      return;
    }
    if (!this.running) return;
    this.spawnRun(dir);
  }

  private spawnRun(dir: string): void {
    const id = `r${Date.now().toString(36)}${(runCounter++).toString(36)}`;
    const args = buildRecordArgs({
      source: this.o.source,
      segmentSeconds: this.o.segmentSeconds,
      outPattern: path.join(dir, `${id}-%06d.ts`),
    });
    const child = spawnChild(this.o.tools?.ffmpeg ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = {
      id,
      child,
      anchor: new WallClockAnchor(this.lastSegmentEndAt),
      lastEndMs: null,
      listed: new Set(),
      stderr: [],
      faulted: false,
      work: Promise.resolve(),
      exited: Promise.resolve(),
    };
    this.run = run;
    const parser = new SegmentListParser();
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (text: string) => {
      const now = Date.now();
      for (const seg of parser.push(text)) {
        run.anchor.observe(seg.endRel, now);
        run.listed.add(seg.file);
        run.work = run.work.then(() => this.closed(run, seg));
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      for (const line of text.split(/[\r\n]+/)) if (line.trim()) run.stderr.push(line.slice(0, 500));
      run.stderr.splice(0, Math.max(0, run.stderr.length - 20));
    });
    run.exited = new Promise((resolve) => {
      let done = false;
      const finish = (reason: string) => {
        if (done) return;
        done = true;
        void this.ended(run, reason).finally(resolve);
      };
      child.once('close', (code, signal) =>
        finish(signal ? `ffmpeg killed by ${signal}` : `ffmpeg exited with code ${code}`),
      );
      child.on('error', (err) => {
        if (child.pid === undefined) finish(`cannot run ffmpeg: ${err.message}`);
      });
    });
    this.armWatchdog(run);
  }

  /** Times are taken here, in order, so a span the filer repaired (from the file's duration) moves the next start. */
  private async closed(run: Run, seg: ClosedSegment): Promise<void> {
    try {
      const startMs = Math.max(run.anchor.toWall(seg.startRel), run.lastEndMs ?? -Infinity);
      const pending = await this.o.filer.markClosed(this.o.cameraId, seg.file, startMs, run.anchor.toWall(seg.endRel));
      // Set aside (the filer has said why): the run goes on with the next segment.
      if (!pending) return;
      run.lastEndMs = pending.endMs;
      await this.o.accept(pending);
      this.segments++;
      this.lastSegmentEndAt = pending.endMs;
      this.failuresInRow = 0;
      this.lastFault = null;
      if (this.state !== 'recording' || this.lastError) {
        this.lastError = null;
        this.setState('recording');
      }
    } catch (err) {
      this.fail(err, run);
    }
  }

  private async ended(run: Run, reason: string): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    await run.work;
    // The segment open when ffmpeg died was never listed: recover it, continuing the run's clock.
    const dir = this.o.storage.incomingDir(this.o.cameraId);
    const names = (await readdir(dir).catch(() => [] as string[]))
      .filter((n) => n.startsWith(`${run.id}-`) && !run.listed.has(n))
      .sort();
    for (const name of names) {
      try {
        const p = await this.o.filer.recoverOpenFile(
          this.o.cameraId,
          path.join(dir, name),
          run.lastEndMs,
          this.o.tools,
        );
        if (!p) continue;
        await this.o.accept(p);
        this.segments++;
        run.lastEndMs = this.lastSegmentEndAt = p.endMs;
      } catch (err) {
        this.fail(err, run);
      }
    }
    if (this.run === run) this.run = null;
    if (!this.running) return;
    const detail = run.stderr.at(-1);
    if (detail && /No space left on device/i.test(detail))
      this.fail(new StorageError('disk-full', `recording disk full for camera ${this.o.cameraId}: ${detail}`), null);
    else if (detail && /Permission denied|Read-only file system/i.test(detail))
      this.fail(
        new StorageError('unwritable', `cannot write recordings of camera ${this.o.cameraId}: ${detail}`),
        null,
      );
    else {
      if (!run.faulted) {
        this.lastError = detail ? `${reason}: ${detail}` : reason;
        this.setState('offline');
      }
      this.scheduleRestart();
    }
  }

  /** Storage and index faults are published; the recorder keeps retrying, and the index is never touched. */
  private fail(err: unknown, run: Run | null): void {
    const error = err instanceof Error ? err : new Error(String(err));
    const kind: RecordingFault['kind'] = error instanceof StorageError ? error.kind : 'index';
    this.lastError = error.message;
    this.setState('faulted');
    if (this.lastFault !== `${kind} ${error.message}`) {
      this.lastFault = `${kind} ${error.message}`;
      this.emit('fault', { cameraId: this.o.cameraId, kind, message: error.message, at: Date.now() });
    }
    if (run) {
      run.faulted = true;
      // A run that cannot file its segments would only pile them up: stop it; the restart retries.
      run.child.kill('SIGTERM');
    } else if (this.running && !this.run) {
      this.scheduleRestart();
    }
  }

  private scheduleRestart(): void {
    if (this.timer || !this.running) return;
    const delay = Math.min(this.o.backoffMaxMs ?? 10_000, (this.o.backoffBaseMs ?? 1000) * 2 ** this.failuresInRow);
    this.failuresInRow++;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.running) return;
      this.restarts++;
      this.setState('starting');
      this.launching = this.launch();
    }, delay);
  }

  /** Kills a run whose newest segment file stops growing (a stream that stalls without closing its socket). */
  private armWatchdog(run: Run): void {
    const stallMs = this.o.stallMs ?? 20_000;
    const startMs = this.o.startTimeoutMs ?? 20_000;
    const spawnedAt = Date.now();
    let lastSize = -1;
    let grewAt = spawnedAt;
    const dir = this.o.storage.incomingDir(this.o.cameraId);
    this.watchdog = setInterval(
      () => {
        void (async () => {
          const names = (await readdir(dir).catch(() => [] as string[]))
            .filter((n) => n.startsWith(`${run.id}-`))
            .sort();
          const newest = names.at(-1);
          const size = newest
            ? await stat(path.join(dir, newest)).then(
                (s) => s.size,
                () => -1,
              )
            : -1;
          const now = Date.now();
          if (size !== lastSize) {
            lastSize = size;
            grewAt = now;
          }
          const limit = lastSize < 0 ? startMs : stallMs;
          if (now - (lastSize < 0 ? spawnedAt : grewAt) > limit && this.run === run) {
            run.stderr.push(lastSize < 0 ? `no footage within ${startMs} ms` : `no footage for ${stallMs} ms`);
            run.child.kill('SIGKILL');
          }
        })();
      },
      Math.min(2000, stallMs / 2),
    );
  }

  private setState(state: RecorderState): void {
    this.state = state;
    this.emit('status', this.status());
  }
}
