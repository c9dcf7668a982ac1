// One camera's live view in one format: one ffmpeg (fMP4 copy, or MJPEG), shared by every viewer of that camera.
import type { ChildProcess } from 'node:child_process';
import { spawnChild } from '../lib/children.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../lib/logger.js';
import type { LiveConfig } from '../config/live.js';
import type { Fragment } from './fmp4.js';
import type { LiveFormat } from './formats.js';

/** The camera gave no picture: its message says why (ffmpeg's last error or the timeout). */
export class CameraOffline extends Error {
  override name = 'CameraOffline';
}

export interface LiveViewer {
  /** header (fMP4 init segment), the units since the last keyframe, then live units; ends when the stream ends. */
  body: ReadableStream<Uint8Array>;
  /** e.g. avc1.4d401f, for MediaSource.isTypeSupported / addSourceBuffer; 'mjpeg' for MJPEG. */
  codec: string;
  /** Which ffmpeg run serves this viewer (the same for every viewer of a camera while it runs). */
  sessionId: string;
}

interface Viewer {
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Fell behind: wait for the next keyframe instead of queuing more. */
  skipping: boolean;
}

export interface LiveStreamOptions {
  cameraId: string;
  source: string;
  format: LiveFormat;
  config: LiveConfig;
  log: Logger;
  ffmpegPath?: string;
  /** Called once when the stream has ended (ffmpeg gone or stopped), so the hub forgets it. */
  onEnd(): void;
}

export class LiveStream {
  readonly sessionId = randomUUID();
  readonly startedAt = new Date();
  private readonly viewers = new Set<Viewer>();
  private readonly child: ChildProcess;
  private readonly ready: Promise<Buffer>;
  private gop: Buffer[] = [];
  private codec = '';
  private stopTimer: NodeJS.Timeout | null = null;
  private ended = false;
  private lastError = '';

  constructor(private readonly o: LiveStreamOptions) {
    const args = o.format.args(o.source, o.config);
    this.child = spawnChild(o.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.ready = this.watch();
    // A refusal before any viewer waits on it must not become an unhandled rejection.
    this.ready.catch(() => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Adds a viewer once the camera's init segment is known; CameraOffline when it never comes. */
  async join(): Promise<LiveViewer> {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    const init = await this.ready;
    if (this.ended)
      throw new CameraOffline(`the live stream of ${this.o.cameraId} ended: ${this.lastError || 'no more picture'}`);
    let viewer: Viewer | null = null;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          viewer = { controller, skipping: false };
          if (init.length) controller.enqueue(new Uint8Array(init));
          for (const f of this.gop) controller.enqueue(new Uint8Array(f));
          this.viewers.add(viewer);
        },
        cancel: () => {
          if (viewer) this.leave(viewer);
        },
      },
      { highWaterMark: this.o.config.viewerBufferBytes, size: (chunk: Uint8Array) => chunk.byteLength },
    );
    return { body, codec: this.codec, sessionId: this.sessionId };
  }

  /** Ends every viewer's response and the ffmpeg process. */
  stop(reason = 'stopped'): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.lastError ||= reason;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    this.finish();
  }

  private leave(viewer: Viewer): void {
    this.viewers.delete(viewer);
    if (this.viewers.size || this.ended) return;
    this.stopTimer = setTimeout(() => this.stop('no viewers left'), this.o.config.stopAfterMs);
  }

  private watch(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        reject(new CameraOffline(`camera ${this.o.cameraId} is offline: ${why}`));
        this.stop(why);
      };
      const timer = setTimeout(
        () =>
          fail(`no picture within ${this.o.config.startTimeoutMs} ms${this.lastError ? ` (${this.lastError})` : ''}`),
        this.o.config.startTimeoutMs,
      );
      const splitter = this.o.format.splitter({
        header: (header, codec) => {
          clearTimeout(timer);
          this.codec = codec;
          resolve(header);
        },
        unit: (f) => this.broadcast(f),
      });
      this.child.stdout?.on('data', (chunk: Buffer) => {
        try {
          splitter.push(chunk);
        } catch (err) {
          this.o.log.warn(`live ${this.o.cameraId}: ${(err as Error).message}`);
          this.stop((err as Error).message);
        }
      });
      this.child.stderr?.setEncoding('utf8');
      this.child.stderr?.on(
        'data',
        (text: string) => (this.lastError = text.trim().split('\n').pop()?.slice(0, 300) ?? this.lastError),
      );
      this.child.once('error', (err) => fail(`cannot run ffmpeg: ${err.message}`));
      this.child.once('close', (code) => {
        clearTimeout(timer);
        fail(this.lastError || `ffmpeg exited with code ${code}`);
      });
    });
  }

  private broadcast(f: Fragment): void {
    if (f.keyframe) this.gop = [];
    this.gop.push(f.bytes);
    for (const v of this.viewers) {
      if (v.skipping && !f.keyframe) continue;
      // A viewer whose connection does not keep up skips to the next keyframe: queues stay bounded.
      if ((v.controller.desiredSize ?? 0) <= 0) {
        v.skipping = true;
        continue;
      }
      v.skipping = false;
      v.controller.enqueue(new Uint8Array(f.bytes));
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    for (const v of this.viewers) {
      try {
        v.controller.close();
      } catch {
        // already closed by its client
      }
    }
    this.viewers.clear();
    this.o.onEnd();
  }
}
