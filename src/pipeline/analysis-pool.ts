// The node's analysis threads: each camera runs on the least loaded one, its frames moved there (never copied, never
// through Redis); threads start as cameras need them, up to the pool's size; a thread that dies is started again with
// its models and cameras, and the node carries on.
import type { CameraConfig, Config } from '../config/schema.js';
import type { Frame } from '../domain/frame.js';
import type { Logger } from '../lib/logger.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { ModelNeeds } from './analysis-messages.js';
import { AnalysisThread } from './analysis-thread.js';
import type { FaceGate } from './face-watch.js';

export interface AnalysisPoolDeps {
  queues: Pick<QueueSet, 'add'>;
  log: Logger;
}

interface Assigned {
  camera: CameraConfig;
  /** Faces searched on this camera (its analysis asks for them and the node has a face gate). */
  faces: boolean;
  slot: number;
}

interface Slot {
  thread: AnalysisThread;
  /** Settles once the thread (a restarted one too) has its models and cameras back. */
  ready: Promise<void>;
  deaths: number;
}

/** A camera's flush may take this long at stop before its thread is ended regardless (shutdown stays bounded). */
const CLOSE_MS = 3000;
/** Restarts of a thread that keeps dying wait longer each time, up to this. */
const MAX_RESTART_DELAY_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The frame's bytes as an ArrayBuffer that can be moved: its own buffer, or (a view into a pipe chunk) a copy. */
function movable(data: Buffer): ArrayBuffer {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  if (whole && data.buffer instanceof ArrayBuffer) return data.buffer;
  return new Uint8Array(data).buffer;
}

export class AnalysisPool {
  private readonly slots: Slot[] = [];
  private readonly assigned = new Map<string, Assigned>();
  private needs: ModelNeeds = { plates: false, objects: false, faces: false };
  private stopping = false;
  /** Set once the face path is loaded on the main thread; asked per frame. */
  gate: FaceGate | null = null;

  /**
   * One thread at first; another starts when a camera comes and every running thread has one already (a node
   * with one camera holds one thread's models, not one per core).
   */
  constructor(
    private readonly config: Config,
    readonly size: number,
    private readonly deps: AnalysisPoolDeps,
  ) {
    this.slots.push({ thread: this.spawn(0), ready: Promise.resolve(), deaths: 0 });
  }

  /** Threads started so far (at most size). */
  get started(): number {
    return this.slots.length;
  }

  /** Loads models in every thread before any camera: the first thread alone (a first use may convert models), then the rest. */
  async load(needs: ModelNeeds): Promise<void> {
    this.needs = {
      plates: this.needs.plates || needs.plates,
      objects: this.needs.objects || needs.objects,
      faces: this.needs.faces || needs.faces,
    };
    const [first, ...rest] = this.slots;
    await first.thread.call({ type: 'load', needs });
    await Promise.all(rest.map((s) => s.thread.call({ type: 'load', needs })));
  }

  /** Starts analysing a camera on the least loaded thread; the answer closes exactly this opening (close). */
  async open(camera: CameraConfig, faces: boolean): Promise<object> {
    const slot = this.leastLoaded();
    const a: Assigned = { camera, faces, slot };
    this.assigned.set(camera.id, a);
    try {
      await this.slots[slot].ready;
      await this.slots[slot].thread.call({ type: 'open', camera, faces });
    } catch (err) {
      if (this.assigned.get(camera.id) === a) this.assigned.delete(camera.id);
      throw err;
    }
    return a;
  }

  /** Analyses one frame on the camera's thread; the frame's bytes move there (`frame.data` is empty afterwards). */
  async analyse(frame: Frame): Promise<void> {
    const a = this.assigned.get(frame.cameraId);
    if (!a) return;
    const slot = this.slots[a.slot];
    await slot.ready;
    const data = movable(frame.data);
    const { cameraId, seq, capturedAt, width, height } = frame;
    const facesCovered = a.faces && (this.gate?.covers(cameraId, capturedAt) ?? false);
    await slot.thread.call({ type: 'frame', cameraId, seq, capturedAt, width, height, data, facesCovered }, [data]);
  }

  /** Flushes and forgets a camera (bounded: a thread that does not answer in time loses what it held). */
  async close(cameraId: string, opened: object): Promise<void> {
    const a = this.assigned.get(cameraId);
    // Opened again since (a stop and a start while this opening loaded): the newer one stays.
    if (!a || a !== opened) return;
    this.assigned.delete(cameraId);
    const facesCovered = a.faces && (this.gate?.covers(cameraId, Date.now()) ?? false);
    const slot = this.slots[a.slot];
    const closed = slot.ready.then(() => slot.thread.call({ type: 'close', cameraId, facesCovered }));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`no flush within ${CLOSE_MS} ms`)), CLOSE_MS)),
    );
    try {
      await Promise.race([closed, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends every thread (after the cameras were closed): a bounded step of the node's shutdown. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }

  /** Cameras per thread, by thread number. */
  loads(): number[] {
    const counts = this.slots.map(() => 0);
    for (const a of this.assigned.values()) counts[a.slot]++;
    return counts;
  }

  /** Tests only: the thread analysing this camera dies of an uncaught error. */
  crashThreadOf(cameraId: string): void {
    const a = this.assigned.get(cameraId);
    if (a) this.slots[a.slot].thread.crash();
  }

  /** An idle thread, else a new one while the pool has room, else the least loaded. */
  private leastLoaded(): number {
    const counts = this.loads();
    const least = Math.min(...counts);
    if (least === 0 || this.slots.length >= this.size) return counts.indexOf(least);
    const index = this.slots.length;
    const thread = this.spawn(index);
    this.slots.push({ thread, ready: thread.call({ type: 'load', needs: this.needs }), deaths: 0 });
    return index;
  }

  private spawn(index: number): AnalysisThread {
    return new AnalysisThread(this.config, index, {
      queues: this.deps.queues,
      onDeath: (err) => this.restart(index, err),
    });
  }

  /** A dead thread is replaced: same models, same cameras (their pipelines start afresh). */
  private restart(index: number, err: Error): void {
    if (this.stopping) return;
    const slot = this.slots[index];
    const cameras = [...this.assigned.values()].filter((a) => a.slot === index);
    const names = cameras.map((a) => a.camera.id).join(', ') || 'none';
    this.deps.log.error(`${err.message}; starting it again (its cameras: ${names})`);
    const delay = Math.min(MAX_RESTART_DELAY_MS, slot.deaths++ === 0 ? 0 : 1000 * 2 ** (slot.deaths - 2));
    slot.ready = this.revive(index, cameras, delay).catch((e: Error) =>
      this.deps.log.error(`analysis thread ${index}: cannot start it again: ${e.message}`),
    );
  }

  private async revive(index: number, cameras: Assigned[], delay: number): Promise<void> {
    if (delay) await sleep(delay);
    if (this.stopping) return;
    const slot = this.slots[index];
    slot.thread = this.spawn(index);
    await slot.thread.call({ type: 'load', needs: this.needs });
    // Those it had when it died and still has (a camera opened meanwhile opens itself once this is done).
    for (const a of cameras) {
      if (this.assigned.get(a.camera.id) === a)
        await slot.thread.call({ type: 'open', camera: a.camera, faces: a.faces });
    }
    // A thread that then ran a while is healthy again: its next death restarts at once.
    setTimeout(() => {
      if (slot.thread.alive) slot.deaths = 0;
    }, 60_000).unref();
  }
}
