// The main thread's handle on one analysis thread (analysis-worker.ts): requests and their answers, the thread's
// queue writes sent through the node's producers, its metrics replayed here, and its death reported once.
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { cameraFramesAnalysed, inferenceSeconds } from '../lib/metrics.js';
import type { QueueName } from '../queues/payloads.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { AnalysisThreadData, FromThread, ThreadMetrics, ToThread } from './analysis-messages.js';

/** A request as the caller writes it; the handle numbers it. */
export type Request = ToThread extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export interface AnalysisThreadDeps {
  /** The node's producers (fenced on a cluster node): every event a pipeline sends leaves through them. */
  queues: Pick<QueueSet, 'add'>;
  /** The thread ended without being asked to (an uncaught error, a native crash, exit()): called once. */
  onDeath: (err: Error) => void;
}

const ENTRY = new URL('./analysis-entry.mjs', import.meta.url);

export class AnalysisThread {
  private readonly worker: Worker;
  private readonly calls = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private ids = 0;
  private ending = false;
  private dead: Error | null = null;
  private readonly exited: Promise<void>;

  constructor(
    config: Config,
    readonly index: number,
    private readonly deps: AnalysisThreadDeps,
  ) {
    const workerData: AnalysisThreadData = { config, index };
    // stdout/stderr pass through to the node's own; the thread logs nothing of its own on a good day.
    this.worker = new Worker(ENTRY, { workerData, name: `vigil-analysis-${index}` });
    this.worker.on('message', (m: FromThread) => this.onMessage(m));
    // An uncaught error is reported here first, then 'exit' follows.
    this.worker.on('error', (err) => this.die(err));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        this.die(new Error(`exited with code ${code}`));
        resolve();
      }),
    );
  }

  /** Sends one request; resolves when the thread has done it, rejects with its error (or the thread's death). */
  call(request: Request, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    const id = ++this.ids;
    return new Promise<void>((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as ToThread, transfer);
    });
  }

  /** Tests only: the thread dies of an uncaught error. */
  crash(): void {
    this.worker.postMessage({ type: 'crash' } satisfies ToThread);
  }

  get alive(): boolean {
    return this.dead === null;
  }

  /** Ends the thread at once (what it holds is lost), waiting at most `ms` for it to go. */
  async terminate(ms = 2000): Promise<void> {
    this.ending = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.worker.terminate().then(() => this.exited),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  private onMessage(m: FromThread): void {
    if (m.type === 'done') {
      const call = this.calls.get(m.id);
      this.calls.delete(m.id);
      if (m.error === null) call?.resolve();
      else call?.reject(new Error(m.error));
    } else if (m.type === 'add') {
      this.deps.queues.add(m.queue as QueueName, m.payload as never, m.opts).then(
        () => this.reply(m.id, null),
        (err: Error) => this.reply(m.id, err.message),
      );
    } else {
      replayMetrics(m.metrics);
    }
  }

  private reply(id: number, error: string | null): void {
    if (this.alive) this.worker.postMessage({ type: 'added', id, error } satisfies ToThread);
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = new Error(`analysis thread ${this.index} ${this.ending ? 'stopped' : 'crashed'}: ${err.message}`);
    for (const call of this.calls.values()) call.reject(this.dead);
    this.calls.clear();
    if (!this.ending) this.deps.onDeath(this.dead);
  }
}

function replayMetrics(m: ThreadMetrics): void {
  for (const [camera, n] of Object.entries(m.framesAnalysed)) cameraFramesAnalysed.inc({ camera }, n);
  for (const [model, runs] of Object.entries(m.inferenceSeconds))
    for (const seconds of runs) inferenceSeconds.observe({ model }, seconds);
}
