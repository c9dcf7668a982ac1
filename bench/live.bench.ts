// Live camera view: latency (a wall-clock time burnt into every frame, read back after the viewer-side
// decode) and CPU of the three ways to show a camera in a browser, plus the per-viewer cost of the one chosen.
// `npm run bench live [-- --seconds=20 --viewers=10]`. The "camera": frames made here (1280x720, 25 fps,
// moving texture), H.264 by x264 (main profile, CABAC, zerolatency, 2 s GOP, 2 Mbit/s) as MPEG-TS over UDP on 127.0.0.1, read by
// each method's ffmpeg (the same transport for all three; the RTSP session the route adds is the same for all).
// The per-viewer figures run the real LiveHub on the fixture camera over RTSP (GStreamer fixture server).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRtspFixtureServer } from '../src/ingest/rtsp-fixture-server.js';
import { hasChromium } from '../test/helpers/browser.js';
import { browserLatency } from './live-browser.js';
import { freePort } from '../src/lib/redis-server.js';
import { buildLiveArgs } from '../src/live/live-args.js';
import { LiveHub } from '../src/live/live-hub.js';
import { liveSchema } from '../src/config/live.js';
import { createLogger } from '../src/lib/logger.js';
import type { BenchContext } from './run.js';
import { numArg, percentile } from './common.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const W = 1280;
const H = 720;
const FPS = 25;
/** The stamp: 32 blocks of 40x40 px along the top, white = 1, the low 32 bits of Date.now(). */
const BITS = 32;
const BLOCK = 40;
/** Viewer-side decode size; a block is 10x10 px there. */
const DW = 320;
const DH = 180;

interface Method {
  name: string;
  /** What the browser gets: container and codec. */
  what: string;
  /** Everything after the input (the output side), given the input arguments. */
  args(input: string[]): string[];
  /** ffmpeg input format for the viewer-side decoder. */
  format: string;
}

const METHODS: Method[] = [
  {
    name: 'fmp4',
    what: 'fragmented MP4, camera H.264 copied (MSE in the browser)',
    args: (input) => [...input, ...liveOutputArgs()],
    format: 'mp4',
  },
  {
    name: 'mjpeg',
    what: 'MJPEG 640x360 at 10 fps re-encoded (multipart <img>)',
    format: 'mjpeg',
    args: (input) => [
      ...input,
      '-an',
      '-vf',
      'fps=10,scale=640:360',
      '-c:v',
      'mjpeg',
      '-q:v',
      '7',
      '-f',
      'mjpeg',
      'pipe:1',
    ],
  },
  {
    name: 'jsmpeg',
    what: 'MPEG-1 640x360 1 Mbit/s re-encoded in MPEG-TS (jsmpeg / node-rtsp-stream settings)',
    format: 'mpegts',
    args: (input) => [
      ...input,
      '-an',
      '-vf',
      'scale=640:360',
      '-c:v',
      'mpeg1video',
      '-b:v',
      '1000k',
      '-bf',
      '0',
      '-f',
      'mpegts',
      'pipe:1',
    ],
  },
];

/** The live route's own output arguments (what follows its `-i`), so the bench measures what it serves. */
function liveOutputArgs(): string[] {
  const args = buildLiveArgs({ source: 'rtsp://127.0.0.1/x', fragmentMs: 100 });
  return args.slice(args.indexOf('-i') + 2);
}

/** A textured frame moved 8 px per frame, with the time burnt into the top row of blocks. */
function frameMaker() {
  const base = Buffer.alloc(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) base[y * W + x] = ((x * 7) ^ (y * 13) ^ ((x * y) >> 5)) & 0xff;
  const chroma = Buffer.alloc((W * H) / 2, 128);
  let n = 0;
  return () => {
    const shift = (n++ * 8) % W;
    const y = Buffer.alloc(W * H);
    for (let row = 0; row < H; row++) {
      const o = row * W;
      base.copy(y, o, o + shift, o + W);
      base.copy(y, o + W - shift, o, o + shift);
    }
    const stamp = Date.now() >>> 0;
    for (let b = 0; b < BITS; b++) {
      const v = (stamp >>> b) & 1 ? 255 : 0;
      for (let row = 0; row < BLOCK; row++) y.fill(v, row * W + b * BLOCK, row * W + (b + 1) * BLOCK);
    }
    return Buffer.concat([y, chroma]);
  };
}

/** The camera: frames from this process at 25 fps into x264, MPEG-TS over UDP. */
function startCamera(udpPort: number): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      `${W}x${H}`,
      '-r',
      String(FPS),
      '-i',
      'pipe:0',
      '-c:v',
      'libx264',
      '-preset',
      'superfast',
      '-profile:v',
      'main',
      '-tune',
      'zerolatency',
      '-g',
      String(FPS * 2),
      '-b:v',
      '2M',
      '-maxrate',
      '2M',
      '-bufsize',
      '1M',
      '-f',
      'mpegts',
      `udp://127.0.0.1:${udpPort}?pkt_size=1316`,
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
  const make = frameMaker();
  const started = Date.now();
  let sent = 0;
  const timer = setInterval(() => {
    // Catch up on the schedule (timers drift); never queue more than a frame behind.
    while (sent < ((Date.now() - started) * FPS) / 1000 && child.stdin?.writableLength === 0) {
      child.stdin.write(make());
      sent++;
    }
  }, 5);
  return {
    child,
    stop: async () => {
      clearInterval(timer);
      child.stdin?.end();
      await end(child);
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

/** Reads the stamp of each decoded gray frame: (now - stamp) in ms. */
function readStamps(decoder: ChildProcess, onLatency: (ms: number) => void) {
  const size = DW * DH;
  const bw = DW / (W / BLOCK);
  const mid = Math.floor((BLOCK * DH) / H / 2);
  let buf = Buffer.alloc(0);
  decoder.stdout?.on('data', (chunk: Buffer) => {
    const now = Date.now() >>> 0;
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= size) {
      let stamp = 0;
      for (let b = 0; b < BITS; b++) if (buf[mid * DW + Math.floor(b * bw + bw / 2)] > 127) stamp |= 1 << b;
      const ms = (now - (stamp >>> 0)) >>> 0;
      if (ms < 60_000) onLatency(ms); // a misread stamp gives nonsense, not a latency
      buf = buf.subarray(size);
    }
  });
}

const udpInput = (udpPort: number) => [
  '-hide_banner',
  '-nostdin',
  '-loglevel',
  'error',
  '-fflags',
  'nobuffer',
  '-flags',
  'low_delay',
  '-i',
  `udp://127.0.0.1:${udpPort}?fifo_size=1000000&overrun_nonfatal=1`,
];

async function measure(m: Method, udpPort: number, seconds: number) {
  const server = spawn('ffmpeg', m.args(udpInput(udpPort)), { stdio: ['ignore', 'pipe', 'inherit'] });
  const decoder = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-fflags',
      'nobuffer',
      '-flags',
      'low_delay',
      '-probesize',
      '32768',
      '-analyzeduration',
      '0',
      '-f',
      m.format,
      '-i',
      'pipe:0',
      '-vf',
      `scale=${DW}:${DH}`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      'pipe:1',
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let bytes = 0;
  server.stdout?.on('data', (c: Buffer) => {
    bytes += c.length;
    decoder.stdin?.write(c);
  });
  decoder.stdin?.on('error', () => {});
  const latencies: number[] = [];
  let recording = false;
  readStamps(decoder, (ms) => recording && latencies.push(ms));
  await sleep(4000); // connect, probe, first keyframe
  recording = true;
  const [cpu0, bytes0, at0] = [cpuSeconds(server.pid as number), bytes, Date.now()];
  await sleep(seconds * 1000);
  const elapsed = (Date.now() - at0) / 1000;
  const cpu = (cpuSeconds(server.pid as number) - cpu0) / elapsed;
  recording = false;
  await Promise.all([end(server), end(decoder)]);
  return {
    what: m.what,
    latencyMs: latencies.length
      ? { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) }
      : null,
    framesDecodedPerS: +(latencies.length / elapsed).toFixed(1),
    serverCpuCoreShare: +cpu.toFixed(3),
    bytesPerSPerViewer: Math.round((bytes - bytes0) / elapsed),
  };
}

/** The chosen method through the real LiveHub: Node's cost per extra viewer (ffmpeg shared). */
async function perViewer(src: string, viewers: number, seconds: number) {
  const hub = new LiveHub(
    liveSchema.parse({ maxViewersPerCamera: viewers, stopAfterMs: 0 }),
    createLogger('bench', true),
  );
  const readers = await Promise.all(Array.from({ length: viewers }, () => hub.join('bench', src)));
  const drains = readers.map(async (v) => {
    const r = v.body.getReader();
    while (!(await r.read()).done);
  });
  await sleep(2000);
  const pid = hub.list()[0].pid as number;
  const [node0, ff0, at0] = [process.cpuUsage(), cpuSeconds(pid), Date.now()];
  await sleep(seconds * 1000);
  const elapsed = (Date.now() - at0) / 1000;
  const node = process.cpuUsage(node0);
  const result = {
    viewers,
    ffmpegCpuCoreShare: +((cpuSeconds(pid) - ff0) / elapsed).toFixed(3),
    nodeCpuCoreSharePerViewer: +((node.user + node.system) / 1e6 / elapsed / viewers).toFixed(4),
  };
  hub.stop();
  await Promise.all(drains);
  return result;
}

/** SIGTERM, then SIGKILL: an ffmpeg blocked on a UDP read may never see the first. */
async function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('close', r));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 2000);
  await gone;
  clearTimeout(force);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function live(ctx: BenchContext) {
  const seconds = numArg(ctx.args, 'seconds', 20);
  const viewers = numArg(ctx.args, 'viewers', 10);
  const udpPort = await freePort();
  const camera = startCamera(udpPort);
  const methods: Record<string, unknown> = {};
  let inChromium: unknown = 'skipped: no chromium';
  try {
    for (const m of METHODS) methods[m.name] = await measure(m, udpPort, seconds);
    if (hasChromium)
      inChromium = await browserLatency(
        [...udpInput(udpPort), ...liveOutputArgs()],
        { width: W, height: H, bits: BITS, block: BLOCK },
        seconds,
      );
  } finally {
    await camera.stop();
  }
  const fixture = await startRtspFixtureServer({
    streams: [{ mount: 'checkpoint', file: path.join(projectRoot, 'fixtures/media/checkpoint.mp4') }],
  });
  try {
    const src = fixture.url('checkpoint');
    return {
      camera: {
        width: W,
        height: H,
        fps: FPS,
        codec: 'H.264 main (x264 superfast zerolatency, GOP 2 s, 2 Mbit/s)',
        transport: 'MPEG-TS over UDP, 127.0.0.1',
      },
      how: 'latency = time a frame is decoded on the viewer side - time burnt into it when it was made (before encoding); CPU from /proc of the method ffmpeg',
      seconds,
      methods,
      chosen: 'fmp4',
      fmp4GlassToGlassInChromium: inChromium,
      fmp4PerViewer: {
        camera: 'fixtures/media/checkpoint.mp4 over RTSP (1280x720, 10 fps)',
        runs: [await perViewer(src, 1, seconds / 2), await perViewer(src, viewers, seconds / 2)],
      },
    };
  } finally {
    await fixture.stop();
  }
}
