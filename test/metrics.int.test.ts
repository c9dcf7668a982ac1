// Integration: after a real alert (fixture RTSP camera -> ffmpeg -> ONNX plates -> queues -> offer -> ack),
// /metrics on the node's own port serves valid Prometheus text with every metric the README names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/lib/redis-server.js';
import { startTestNode, type TestNode } from './helpers/node.js';
import { SseClient } from './helpers/sse.js';

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\\\.|[^"\\\\])*",?)*\\}`;
const VALUE = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|NaN|[-+]Inf)';
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? ${VALUE}(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

/** Checks the text exposition format line by line; returns each family's type. */
function parseExposition(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = TYPE.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (HELP.test(line)) continue;
    expect(line, 'a sample line in Prometheus text format').toMatch(SAMPLE);
  }
  return types;
}

/** The value of one sample, e.g. sample(text, 'vigil_sse_clients{role="unit"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics after a real alert', () => {
  let t: TestNode;

  beforeAll(async () => {
    const rtspPort = await freePort();
    t = await startTestNode(
      'metrics',
      `
metrics: { port: 0 }
plates: { fuseWindowSeconds: 3 }
cameras:
  - id: gate-1
    name: Gate
    source: rtsp://127.0.0.1:${rtspPort}/checkpoint
    kind: checkpoint
    checkpointLevel: 1
    lat: 22.5431
    lon: 114.0579
    district: futian
    analysis: { plates: true, fps: 5, width: 1280, height: 720, roi: { x: 0.1, y: 0.0, width: 0.8, height: 1.0 } }
units:
  - { id: car-11, callsign: C11, type: car, homeGrid: g1 }
demo:
  enabled: true
  rtspPort: ${rtspPort}
  streams: [{ mount: checkpoint, file: fixtures/media/checkpoint.mp4 }]
  hotlist: [{ plate: 粤B4E7K2, category: stolen_vehicle, reason: stolen (test), priority: 1 }]
  positions:
    - { unit: car-11, lat: 22.5485, lon: 114.0579 }
`,
    );
  });
  afterAll(async () => t?.stop());

  it('serves every named metric with the alert, the camera, the queues and the stream counted', async () => {
    const unitToken = t.node.demo?.tokens.find((x) => x.name === 'unit-car-11')?.token as string;
    const unit = new SseClient(`${t.url}/api/v1/stream`, unitToken);
    await unit.ready;
    const offer = await unit.waitFor((e) => e.event === 'offer', 90_000, 'offer for the listed plate');
    const alertId = offer.data.alertId as string;
    const ack = await t.api(`/units/car-11/alerts/${alertId}/ack`, unitToken, { method: 'POST' });
    expect(ack.status).toBe(200);

    const metricsUrl = t.node.observability.metricsUrl as string;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${metricsUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const types = parseExposition(text);

    expect(
      Object.fromEntries(
        [
          'vigil_camera_frames_total',
          'vigil_camera_frames_analysed_total',
          'vigil_camera_frames_dropped_total',
          'vigil_redis_reconnects_total',
          'vigil_queue_job_failures_total',
        ].map((n) => [n, types.get(n)]),
      ),
    ).toEqual({
      vigil_camera_frames_total: 'counter',
      vigil_camera_frames_analysed_total: 'counter',
      vigil_camera_frames_dropped_total: 'counter',
      vigil_redis_reconnects_total: 'counter',
      vigil_queue_job_failures_total: 'counter',
    });
    for (const g of [
      'vigil_camera_decode_fps',
      'vigil_camera_online',
      'vigil_queue_jobs',
      'vigil_sse_clients',
      'vigil_camera_leases',
      'vigil_readiness_check',
      'vigil_node_info',
    ])
      expect(types.get(g), g).toBe('gauge');
    for (const h of [
      'vigil_inference_seconds',
      'vigil_queue_wait_seconds',
      'vigil_alert_offer_latency_seconds',
      'vigil_alert_ack_seconds',
    ])
      expect(types.get(h), h).toBe('histogram');

    expect(sample(text, 'vigil_camera_frames_total{camera="gate-1"}')).toBeGreaterThan(0);
    expect(sample(text, 'vigil_camera_frames_analysed_total{camera="gate-1"}')).toBeGreaterThan(0);
    expect(sample(text, 'vigil_camera_online{camera="gate-1"}')).toBe(1);
    expect(text).toMatch(/^vigil_inference_seconds_count\{model="ch_PP-OCRv4_rec_infer"\} [1-9]/m);
    expect(sample(text, 'vigil_queue_wait_seconds_count{queue="plate-reads"}')).toBeGreaterThan(0);
    expect(sample(text, 'vigil_queue_wait_seconds_count{queue="dispatch"}')).toBeGreaterThan(0);
    expect(sample(text, 'vigil_alert_offer_latency_seconds_count{kind="plate"}')).toBe(1);
    expect(sample(text, 'vigil_alert_ack_seconds_count')).toBe(1);
    expect(sample(text, 'vigil_sse_clients{role="unit"}')).toBe(1);
    expect(sample(text, 'vigil_queue_jobs{queue="plate-reads",state="waiting"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'vigil_readiness_check{check="redis"}')).toBe(1);
    expect(text).toMatch(/^vigil_node_info\{node="[^"]+",roles="api,pipeline,cameras",version="\d+\.\d+\.\d+"\} 1$/m);
    // No alert, unit or job ids as labels: every label value of ours is a camera, model, queue, role, node or check.
    expect(text).not.toContain(alertId);
    unit.close();
  });
});
