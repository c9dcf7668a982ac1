// Every Prometheus metric of a Vigil process, declared in one registry; instrumented code imports the metric objects.
// Labels stay bounded: camera, model, queue, role, node and check names, never alert, unit or job ids.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
// Process CPU, memory, event-loop lag and GC (prom-client's standard `process_*` and `nodejs_*` names).
collectDefaultMetrics({ register: registry });

const registers = [registry];

/** Frames ffmpeg delivered (decoded), per camera. */
export const cameraFramesIn = new Counter({
  name: 'vigil_camera_frames_total',
  help: 'Frames decoded from the camera',
  labelNames: ['camera'] as const,
  registers,
});

/**
 * Frames the camera's pipeline took and finished, those its motion gate or checkpoint trigger let pass without a
 * model run included (a camera keeping up shows its fps here); how often models ran is vigil_inference_seconds_count.
 */
export const cameraFramesAnalysed = new Counter({
  name: 'vigil_camera_frames_analysed_total',
  help: 'Frames the camera pipeline took and finished, including frames its motion gate or trigger passed without inference (model runs: vigil_inference_seconds_count)',
  labelNames: ['camera'] as const,
  registers,
});

/** Frames replaced by a newer one while analysis was busy (the pipeline sees the present, not a backlog). */
export const cameraFramesDropped = new Counter({
  name: 'vigil_camera_frames_dropped_total',
  help: 'Frames dropped because analysis was still busy',
  labelNames: ['camera'] as const,
  registers,
});

/** Decoded frames per second over the camera's fps window; 0 when the camera is offline or stopped. */
export const cameraDecodeFps = new Gauge({
  name: 'vigil_camera_decode_fps',
  help: 'Frames per second decoded from the camera',
  labelNames: ['camera'] as const,
  registers,
});

/** 1 while frames flow, else 0 (starting, offline, stopped). */
export const cameraOnline = new Gauge({
  name: 'vigil_camera_online',
  help: 'Whether the camera delivers frames (1) or not (0)',
  labelNames: ['camera'] as const,
  registers,
});

/** One ONNX session.run, by model file name (e.g. ch_PP-OCRv4_rec_infer). */
export const inferenceSeconds = new Histogram({
  name: 'vigil_inference_seconds',
  help: 'ONNX inference time per run',
  labelNames: ['model'] as const,
  buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
  registers,
});

/** From when a job could first run (added, or its delay passed) to when a worker took it. */
export const queueWaitSeconds = new Histogram({
  name: 'vigil_queue_wait_seconds',
  help: 'Time a job waited in its queue before a worker took it',
  labelNames: ['queue'] as const,
  buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers,
});

/** Job attempts that threw (each retry counts). */
export const queueJobsFailed = new Counter({
  name: 'vigil_queue_job_failures_total',
  help: 'Job attempts that failed',
  labelNames: ['queue'] as const,
  registers,
});

/** One row of queue counts, as BullMQ's getJobCounts gives them. */
export interface QueueCount {
  queue: string;
  state: 'waiting' | 'active' | 'delayed' | 'failed';
  count: number;
}

let queueCountsSource: (() => Promise<QueueCount[]>) | null = null;

/** Where queue depths come from at each scrape (processes with the pipeline role); null stops reporting them. */
export function reportQueueCounts(source: (() => Promise<QueueCount[]>) | null): void {
  queueCountsSource = source;
}

/** Jobs per queue and state, read from Redis at each scrape; absent while Redis does not answer. */
export const queueJobs = new Gauge({
  name: 'vigil_queue_jobs',
  help: 'Jobs in each queue by state (waiting, active, delayed, failed)',
  labelNames: ['queue', 'state'] as const,
  registers,
  async collect() {
    this.reset();
    const counts = queueCountsSource ? await queueCountsSource().catch(() => []) : [];
    for (const c of counts) this.set({ queue: c.queue, state: c.state }, c.count);
  },
});

/** Capture of the frame that raised the alert to its first offer to a unit. */
export const alertOfferLatencySeconds = new Histogram({
  name: 'vigil_alert_offer_latency_seconds',
  help: 'From frame capture to the first offer of the alert to a unit',
  labelNames: ['kind'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30, 60, 300],
  registers,
});

/** From an offer to the unit's acknowledgement. */
export const alertAckSeconds = new Histogram({
  name: 'vigil_alert_ack_seconds',
  help: 'From an offer to the unit acknowledging it',
  buckets: [1, 5, 10, 20, 30, 60, 120, 300, 600],
  registers,
});

/** Open SSE streams of this API process, by the viewer's role. */
export const sseClients = new Gauge({
  name: 'vigil_sse_clients',
  help: 'Open SSE streams',
  labelNames: ['role'] as const,
  registers,
});

/** ioredis reconnection attempts, by connection (main: queues and workers; bounded: API reads and probes). */
export const redisReconnects = new Counter({
  name: 'vigil_redis_reconnects_total',
  help: 'Redis reconnection attempts',
  labelNames: ['connection'] as const,
  registers,
});

/** Camera leases a node holds; set by the node that holds them (src/cluster). */
export const cameraLeases = new Gauge({
  name: 'vigil_camera_leases',
  help: 'Camera leases held by the node',
  labelNames: ['node'] as const,
  registers,
});

/** 1 when the readiness check passed at its last run, else 0 (runs at each /readyz and each scrape). */
export const readinessCheck = new Gauge({
  name: 'vigil_readiness_check',
  help: 'Readiness check result (1 ok, 0 failing)',
  labelNames: ['check'] as const,
  registers,
});

/** Always 1; its labels say which node and roles this process is. */
export const nodeInfo = new Gauge({
  name: 'vigil_node_info',
  help: 'The node this process is',
  labelNames: ['node', 'roles', 'version'] as const,
  registers,
});
