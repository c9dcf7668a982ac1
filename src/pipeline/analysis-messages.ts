// The messages between the node's main thread and its analysis threads (analysis-worker.ts): frames go in as moved
// buffers, queue writes and metrics come out; the main thread keeps the queues, fencing, event bus and metrics.
import type { JobsOptions } from 'bullmq';
import type { CameraConfig, Config } from '../config/schema.js';

/** What a thread gets when it starts (structured clone). */
export interface AnalysisThreadData {
  config: Config;
  /** Thread number in the pool, for its log lines. */
  index: number;
}

/** Which models a thread loads before its first camera (each thread loads its own sessions once). */
export interface ModelNeeds {
  plates: boolean;
  objects: boolean;
  faces: boolean;
}

export type ToThread =
  | { type: 'load'; id: number; needs: ModelNeeds }
  | { type: 'open'; id: number; camera: CameraConfig; faces: boolean }
  | {
      type: 'frame';
      id: number;
      cameraId: string;
      seq: number;
      capturedAt: number;
      width: number;
      height: number;
      /** The decoded RGB bytes, transferred (the main thread's copy is detached, nothing is cloned). */
      data: ArrayBuffer;
      /** The face gate's answer for this frame, asked on the main thread where the authorisations live. */
      facesCovered: boolean;
    }
  | { type: 'close'; id: number; cameraId: string; facesCovered: boolean }
  | { type: 'added'; id: number; error: string | null }
  /** Tests only: the thread dies of an uncaught error, as a native crash or a bug would take it. */
  | { type: 'crash' };

/** Inference timings and analysed-frame counts taken in the thread, replayed into the main thread's metrics. */
export interface ThreadMetrics {
  framesAnalysed: Record<string, number>;
  inferenceSeconds: Record<string, number[]>;
}

export type FromThread =
  | { type: 'done'; id: number; error: string | null }
  | { type: 'add'; id: number; queue: string; payload: unknown; opts: JobsOptions }
  | { type: 'metrics'; metrics: ThreadMetrics };
