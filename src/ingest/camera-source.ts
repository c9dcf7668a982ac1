// One camera's ingest: runs ffmpeg, cuts its output into Frames, restarts it when it dies or stalls, reports health.
import type { ChildProcess } from 'node:child_process';
import { spawnChild } from '../lib/children.js';
import { EventEmitter } from 'node:events';
import type { Frame } from '../domain/frame.js';
import type { CameraSourceOptions, CameraState, CameraStatus } from './camera-source-options.js';
import { buildDecodeArgs, frameBytes } from './ffmpeg-args.js';
import { StderrTail } from './stderr-tail.js';
import { FrameReader } from './frame-reader.js';
import { CameraClockReader } from './camera-clock.js';
import { cameraDecodeFps, cameraFramesDropped, cameraFramesIn, cameraOnline } from '../lib/metrics.js';

export type { CameraSourceOptions, CameraState, CameraStatus, FrameHandler } from './camera-source-options.js';

type CameraSourceEvents = {
  /** Emitted when state, restarts or lastError change (not for every frame). */
  status: [CameraStatus];
  /** The onFrame handler threw or rejected; the camera carries on. */
  frameError: [Error, Frame];
};

/** ffmpeg's file descriptor for the camera-clock output (src/ingest/camera-clock.ts). */
const CLOCK_FD = 3;
/** ffmpeg's words when the clock output (its output #1, an MP4 muxer on pipe:3) fails. */
const CLOCK_OUTPUT_FAILED = /output file #1|pipe:3|\[mp4 @/;

export class CameraSource extends EventEmitter<CameraSourceEvents> {
  private readonly opts: Required<Omit<CameraSourceOptions, 'onFrame' | 'decode'>> &
    Pick<CameraSourceOptions, 'onFrame' | 'decode'>;
  /** ffmpeg's arguments: with the camera-clock output until ffmpeg fails on it, then argsWithoutClock. */
  private args: string[];
  private readonly argsWithoutClock: string[];
  private readonly reader: FrameReader;
  private state: CameraState = 'stopped';
  private running = false;
  private child: ChildProcess | null = null;
  /** The camera's clock from ffmpeg's second output (RTSP only), stamped on each frame. */
  private readonly clock = new CameraClockReader();
  private childExited: Promise<void> = Promise.resolve();
  private framesThisRun = 0;
  private stallReason: string | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private failuresInRow = 0;
  private seq = 0;
  private restarts = 0;
  private dropped = 0;
  private lastFrameAt: number | null = null;
  private lastError: string | null = null;
  private readonly frameTimes: number[] = [];
  private readonly stderr: StderrTail;
  private handlerRunning: Promise<void> | null = null;
  private pending: Frame | null = null;
  private lastEmitted = '';

  constructor(options: CameraSourceOptions) {
    super();
    this.opts = {
      stallTimeoutMs: 10_000,
      startTimeoutMs: 15_000,
      backoffBaseMs: 1000,
      backoffMaxMs: 10_000,
      ffmpegPath: 'ffmpeg',
      stderrLines: 20,
      fpsWindowMs: 5000,
      cameraClock: true,
      ...options,
    };
    // Built once: a bad URL or size throws here, at configuration time, not inside a restart loop.
    const decode = { source: options.url, fps: options.fps, width: options.width, height: options.height };
    this.argsWithoutClock = buildDecodeArgs({ ...decode, ...options.decode });
    this.args =
      options.cameraClock === false
        ? this.argsWithoutClock
        : buildDecodeArgs({ ...decode, ...options.decode, clockFd: CLOCK_FD });
    this.reader = new FrameReader(frameBytes(options.width, options.height));
    this.stderr = new StderrTail(this.opts.stderrLines);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.failuresInRow = 0;
    this.setState('starting');
    this.spawnDecoder();
  }

  /** Stops ffmpeg and waits for it to exit and for a running onFrame handler to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    this.pending = null;
    this.setState('stopped');
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 3000);
      await this.childExited;
      clearTimeout(force);
    }
    await this.handlerRunning;
  }

  status(): CameraStatus {
    return {
      cameraId: this.opts.cameraId,
      state: this.state,
      lastFrameAt: this.lastFrameAt,
      fps: this.measuredFps(Date.now()),
      restarts: this.restarts,
      dropped: this.dropped,
      lastError: this.lastError,
    };
  }

  private spawnDecoder(): void {
    this.reader.reset();
    this.framesThisRun = 0;
    this.stallReason = null;
    this.stderr.reset();
    this.clock.reset(Date.now());
    const child = spawnChild(this.opts.ffmpegPath, this.args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    this.child = child;
    // Always drained, even when nobody needs the clock: a full pipe would stall ffmpeg's decoded output too.
    child.stdio[CLOCK_FD]?.on('data', (chunk: Buffer) => {
      if (this.child === child) this.clock.push(chunk, Date.now());
    });
    let settled = false;
    this.childExited = new Promise((resolve) => {
      const finish = (reason: string) => {
        if (settled) return;
        settled = true;
        resolve();
        this.onDecoderGone(child, reason);
      };
      child.once('close', (code, signal) => {
        // Code 0 from a live source means the server ended the stream (RTSP servers close on shutdown).
        finish(
          signal
            ? `ffmpeg killed by ${signal}`
            : code === 0
              ? 'stream ended (ffmpeg exited with code 0)'
              : `ffmpeg exited with code ${code}`,
        );
      });
      // Only a failed spawn (ENOENT, EACCES) matters here; 'close' may not follow it. Listening with
      // `on`, not `once`: a second unhandled 'error' (a failed kill) would throw.
      child.on('error', (err) => {
        if (child.pid === undefined) finish(`cannot run ${this.opts.ffmpegPath}: ${err.message}`);
      });
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      // Output still in the pipe after stop() or a stall kill must not flip the state back to online.
      if (this.child !== child || !this.running || this.stallReason) return;
      for (const data of this.reader.push(chunk)) this.onDecoded(data);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.stderr.push(text));
    this.armWatchdog(this.opts.startTimeoutMs);
  }

  private onDecoded(data: Buffer): void {
    const now = Date.now();
    const { cameraId, width, height } = this.opts;
    const frame: Frame = { cameraId, seq: this.seq++, capturedAt: now, data, width, height };
    if (this.clock.offsetMs !== null) frame.clockOffsetMs = this.clock.offsetMs;
    this.lastFrameAt = now;
    this.frameTimes.push(now);
    while (this.frameTimes.length && this.frameTimes[0] <= now - this.opts.fpsWindowMs) this.frameTimes.shift();
    cameraFramesIn.inc({ camera: cameraId });
    cameraDecodeFps.set({ camera: cameraId }, this.measuredFps(now));
    if (this.framesThisRun++ === 0) {
      this.failuresInRow = 0;
      this.lastError = null;
      this.setState('online');
      this.armWatchdog(this.opts.stallTimeoutMs);
    } else {
      this.watchdog?.refresh();
    }
    this.deliver(frame);
  }

  private deliver(frame: Frame): void {
    if (!this.opts.onFrame) return;
    if (this.handlerRunning) {
      if (this.pending) {
        this.dropped++;
        cameraFramesDropped.inc({ camera: this.opts.cameraId });
      }
      this.pending = frame;
      return;
    }
    let result: void | Promise<void>;
    try {
      result = this.opts.onFrame(frame);
    } catch (err) {
      this.reportHandlerError(err, frame);
      return;
    }
    if (!(result instanceof Promise)) return;
    this.handlerRunning = result
      .catch((err: unknown) => this.reportHandlerError(err, frame))
      .finally(() => {
        this.handlerRunning = null;
        const next = this.pending;
        this.pending = null;
        if (next && this.running) this.deliver(next);
      });
  }

  private reportHandlerError(err: unknown, frame: Frame): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.listenerCount('frameError')) this.emit('frameError', error, frame);
    else console.error(`camera ${this.opts.cameraId}: onFrame failed on frame ${frame.seq}: ${error.message}`);
  }

  private onDecoderGone(child: ChildProcess, exitReason: string): void {
    if (this.child !== child) return;
    this.child = null;
    this.clearTimers();
    if (!this.running) return;
    const reason = this.stallReason ?? exitReason;
    const detail = this.stderr.last();
    this.lastError = detail ? `${reason}: ${detail}` : reason;
    // The clock output must never cost the camera its picture: if ffmpeg failed on it, run without it from now.
    if (
      !this.framesThisRun &&
      this.args !== this.argsWithoutClock &&
      this.stderr.lines().some((l) => CLOCK_OUTPUT_FAILED.test(l))
    ) {
      this.args = this.argsWithoutClock;
      this.lastError += ' (ffmpeg failed on the camera-clock output: it runs without it, clock drift is not judged)';
    }
    this.setState('offline');
    const delay = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** this.failuresInRow);
    this.failuresInRow++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.running) return;
      this.restarts++;
      this.emitStatusIfChanged();
      this.spawnDecoder();
    }, delay);
  }

  private armWatchdog(ms: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      const child = this.child;
      if (!child) return;
      this.stallReason = this.framesThisRun
        ? `no frame for ${this.opts.stallTimeoutMs} ms`
        : `no first frame within ${ms} ms`;
      // SIGKILL: a stalled ffmpeg may sit in a blocking read for its whole socket timeout after SIGTERM.
      child.kill('SIGKILL');
    }, ms);
  }

  private clearTimers(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.watchdog = null;
    this.restartTimer = null;
  }

  private measuredFps(now: number): number {
    const recent = this.frameTimes.filter((t) => t > now - this.opts.fpsWindowMs);
    if (recent.length < 2) return 0;
    // Over the span up to now, not to the last frame, so a camera that went quiet reads as slowing down.
    return Math.round(((recent.length - 1) * 1000 * 10) / (now - recent[0])) / 10;
  }

  private setState(state: CameraState): void {
    this.state = state;
    cameraOnline.set({ camera: this.opts.cameraId }, state === 'online' ? 1 : 0);
    // The fps gauge moves only with frames: a camera that stopped must not keep showing its last rate.
    if (state !== 'online') cameraDecodeFps.set({ camera: this.opts.cameraId }, 0);
    this.emitStatusIfChanged();
  }

  private emitStatusIfChanged(): void {
    const key = `${this.state}|${this.restarts}|${this.lastError}`;
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    this.emit('status', this.status());
  }
}
