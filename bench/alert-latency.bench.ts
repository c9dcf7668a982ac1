// Alert latency: from a frame's capture time (ffmpeg output) to the offer arriving on the nearest
// unit's SSE stream, over the whole real path (RTSP fixture, ffmpeg, ONNX plate reading, BullMQ, API).
// Args: --hits=N (default 100), --minutes=M (give up after, default 15).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { startNode } from '../src/app/start.js';
import { createLogger } from '../src/lib/logger.js';
import { freePort } from '../src/lib/redis-server.js';
import { SseClient } from '../test/helpers/sse.js';
import { freshPrefix, testRedisUrl } from '../test/helpers/redis.js';
import type { BenchContext } from './run.js';
import { checkpointNodeYaml, numArg, percentile } from './common.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function alertLatency(ctx: BenchContext) {
  const wanted = numArg(ctx.args, 'hits', 100);
  const minutes = numArg(ctx.args, 'minutes', 15);
  const rtspPort = await freePort();
  const yaml = checkpointNodeYaml(rtspPort, { streams: true, hotlist: ['粤B4E7K2', '京A12345'] });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const node = await startNode(
    { file: 'bench.yaml', root, config: parseConfig(yaml), env: { redisUrl: await testRedisUrl(), dataDir } },
    createLogger('bench', true),
    { port: 0, queuePrefix: freshPrefix('bench') },
  );
  const latencies: number[] = [];
  const clients: SseClient[] = [];
  const stops: (() => void)[] = [];
  try {
    const tokens = node.demo?.tokens ?? [];
    let done: () => void = () => {};
    const finished = new Promise<void>((r) => (done = r));
    // The command room's view, to say why hits stop coming if they do.
    const operator = new SseClient(
      `${node.url}/api/v1/stream`,
      tokens.find((t) => t.role === 'operator')?.token as string,
    );
    await operator.ready;
    clients.push(operator);
    void (async () => {
      for (let seen = 0; ;) {
        const e = await operator
          .waitFor(
            (x) =>
              x.event === 'assignment' &&
              operator.events.indexOf(x) >= seen &&
              x.data.state !== 'offered' &&
              x.data.state !== 'acknowledged' &&
              x.data.state !== 'resolved',
            minutes * 60_000,
          )
          .catch(() => null);
        if (!e) return;
        seen = operator.events.indexOf(e) + 1;
        process.stderr.write(`  assignment ${String(e.data.alertId).slice(0, 8)} ${e.data.unitId}: ${e.data.state}\n`);
      }
    })();
    for (const unit of ['u1', 'u2']) {
      const token = tokens.find((t) => t.subject === unit)?.token as string;
      const client = new SseClient(`${node.url}/api/v1/stream`, token);
      await client.ready;
      clients.push(client);
      // Report the position as a patrol car does: positions older than staleAfterSeconds are not used.
      const position = () =>
        fetch(`${node.url}/api/v1/units/${unit}/position`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(unit === 'u1' ? { lat: 22.545, lon: 114.058 } : { lat: 22.55, lon: 114.07 }),
        });
      const reporter = setInterval(() => void position(), 30_000);
      stops.push(() => clearInterval(reporter));
      // Answer every offer at once, so the unit is available for the next pass.
      void (async () => {
        for (let seen = 0; latencies.length < wanted;) {
          const offer = await client
            .waitFor((e) => e.event === 'offer' && client.events.indexOf(e) >= seen, minutes * 60_000)
            .catch(() => null);
          if (!offer) return;
          seen = client.events.indexOf(offer) + 1;
          latencies.push(offer.receivedAt - (offer.data.capturedAt as number));
          process.stderr.write(`  hit ${latencies.length}: ${latencies.at(-1)} ms\n`);
          const alertId = offer.data.alertId as string;
          for (const step of ['ack', 'resolved']) {
            await fetch(`${node.url}/api/v1/units/${unit}/alerts/${alertId}/${step}`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}` },
            });
          }
          if (latencies.length >= wanted) done();
        }
      })();
    }
    await Promise.race([finished, new Promise((r) => setTimeout(r, minutes * 60_000))]);
  } finally {
    stops.forEach((stop) => stop());
    clients.forEach((c) => c.close());
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    what: 'frame capture (ffmpeg output) to offer received on the unit SSE stream, whole real path, 1 checkpoint camera at 5 fps 1280x720',
    hits: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: Math.max(...latencies),
  };
}
