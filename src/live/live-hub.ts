// The live streams of one API process: started on a camera's first viewer, shared, stopped after its last.
import type { Logger } from '../lib/logger.js';
import type { LiveConfig } from './config.js';
import { LiveStream, type LiveViewer } from './live-stream.js';

/** The camera already has as many viewers as configured. */
export class TooManyViewers extends Error {
  override name = 'TooManyViewers';
}

export interface LiveStreamInfo {
  camera: string;
  sessionId: string;
  pid: number | null;
  viewers: number;
  startedAt: string;
}

export class LiveHub {
  private readonly streams = new Map<string, LiveStream>();
  /** Viewers between asking and getting their stream, counted against the limit too. */
  private readonly joining = new Map<string, number>();

  constructor(
    readonly config: LiveConfig,
    private readonly log: Logger,
    private readonly ffmpegPath = 'ffmpeg',
  ) {}

  /** Joins (or starts) the camera's stream. Throws TooManyViewers, or CameraOffline when no picture comes. */
  async join(cameraId: string, source: string): Promise<LiveViewer> {
    const stream = this.streamOf(cameraId, source);
    const waiting = this.joining.get(cameraId) ?? 0;
    if (stream.viewerCount + waiting >= this.config.maxViewersPerCamera) {
      throw new TooManyViewers(`camera ${cameraId} already has ${this.config.maxViewersPerCamera} live viewers (live.maxViewersPerCamera); try again when one leaves`);
    }
    this.joining.set(cameraId, waiting + 1);
    try {
      return await stream.join();
    } finally {
      const left = (this.joining.get(cameraId) ?? 1) - 1;
      if (left) this.joining.set(cameraId, left);
      else this.joining.delete(cameraId);
    }
  }

  list(): LiveStreamInfo[] {
    return [...this.streams.entries()].map(([camera, s]) => ({
      camera, sessionId: s.sessionId, pid: s.pid ?? null, viewers: s.viewerCount, startedAt: s.startedAt.toISOString(),
    }));
  }

  /** Ends every stream (at shutdown). */
  stop(): void {
    for (const s of this.streams.values()) s.stop('server stopping');
  }

  private streamOf(cameraId: string, source: string): LiveStream {
    const running = this.streams.get(cameraId);
    if (running && !running.isEnded) return running;
    const stream: LiveStream = new LiveStream({
      cameraId, source, config: this.config, log: this.log, ffmpegPath: this.ffmpegPath,
      onEnd: () => {
        if (this.streams.get(cameraId) === stream) this.streams.delete(cameraId);
        this.log.info(`live ${cameraId}: stream ${stream.sessionId} ended`);
      },
    });
    this.streams.set(cameraId, stream);
    this.log.info(`live ${cameraId}: started ffmpeg ${stream.pid ?? '?'} (session ${stream.sessionId})`);
    return stream;
  }
}
