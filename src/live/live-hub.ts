// The live streams of one API process: started on a camera's first viewer, shared, stopped after its last.
import type { Logger } from '../lib/logger.js';
import type { LiveConfig } from '../config/live.js';
import { FORMATS, LIVE_FORMATS, type LiveFormatName } from './formats.js';
import { LiveStream, type LiveViewer } from './live-stream.js';

/** The camera already has as many viewers as configured. */
export class TooManyViewers extends Error {
  override name = 'TooManyViewers';
}

export interface LiveStreamInfo {
  camera: string;
  format: LiveFormatName;
  sessionId: string;
  pid: number | null;
  viewers: number;
  startedAt: string;
}

const LIVE_KEYS = (cameraId: string) => LIVE_FORMATS.map((f) => `${cameraId}/${f}`);

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
  async join(cameraId: string, source: string, format: LiveFormatName = 'fmp4'): Promise<LiveViewer> {
    // The limit is per camera, whatever the format each viewer takes.
    const watching = LIVE_KEYS(cameraId).reduce((n, key) => n + (this.streams.get(key)?.viewerCount ?? 0), 0);
    const waiting = this.joining.get(cameraId) ?? 0;
    if (watching + waiting >= this.config.maxViewersPerCamera) {
      throw new TooManyViewers(
        `camera ${cameraId} already has ${this.config.maxViewersPerCamera} live viewers (live.maxViewersPerCamera); try again when one leaves`,
      );
    }
    const stream = this.streamOf(cameraId, source, format);
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
    return [...this.streams.entries()].map(([key, s]) => ({
      camera: key.split('/')[0],
      format: key.split('/')[1] as LiveFormatName,
      sessionId: s.sessionId,
      pid: s.pid ?? null,
      viewers: s.viewerCount,
      startedAt: s.startedAt.toISOString(),
    }));
  }

  /** Ends every stream (at shutdown). */
  stop(): void {
    for (const s of this.streams.values()) s.stop('server stopping');
  }

  private streamOf(cameraId: string, source: string, format: LiveFormatName): LiveStream {
    const key = `${cameraId}/${format}`;
    const running = this.streams.get(key);
    if (running && !running.isEnded) return running;
    const stream: LiveStream = new LiveStream({
      cameraId,
      source,
      format: FORMATS[format],
      config: this.config,
      log: this.log,
      ffmpegPath: this.ffmpegPath,
      onEnd: () => {
        if (this.streams.get(key) === stream) this.streams.delete(key);
        this.log.info(`live ${key}: stream ${stream.sessionId} ended`);
      },
    });
    this.streams.set(key, stream);
    this.log.info(`live ${key}: started ffmpeg ${stream.pid ?? '?'} (session ${stream.sessionId})`);
    return stream;
  }
}
