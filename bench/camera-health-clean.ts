// The camera-health bench's long clean runs: each clean camera (a framing of a clip) is decoded once and its frames replayed for hours.
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { getTimes } from 'suncalc';
import { FINE_WIDTH } from '../src/health/sample.js';
import { sunElevationDeg } from '../src/health/night.js';
import type { CameraHealthMonitor } from '../src/health/monitor.js';
import { buildDecodeArgs, frameBytes } from '../src/ingest/ffmpeg-args.js';
import { FrameReader } from '../src/ingest/frame-reader.js';

/** One clean camera: how it frames the footage (ffmpeg, before the H.264 encode) and how its light changes. */
export interface CleanVariant {
  name: string;
  /** Crop and flip as this camera frames the scene, and sensor noise (before the encode). */
  filter: string;
  /** H.264 quality (higher: more compression, more blocking). */
  crf: number;
  /** 'clouds': daylight from 08:00 with slow brightness drift; 'dusk': from 2 h before sunset into the night. */
  light: 'clouds' | 'dusk';
}

const crop = (share: number, x: number, y: number) =>
  `crop=w=iw*${share}:h=ih*${share}:x=iw*${((1 - share) * x).toFixed(3)}:y=ih*${((1 - share) * y).toFixed(3)}`;

export const CLEAN_VARIANTS: CleanVariant[] = [
  { name: 'centre', filter: crop(0.8, 0.5, 0.5), crf: 23, light: 'clouds' },
  { name: 'top-left-mirrored', filter: `${crop(0.7, 0, 0)},hflip`, crf: 28, light: 'dusk' },
  { name: 'bottom-right-noisy', filter: `${crop(0.9, 1, 1)},noise=alls=8:allf=t`, crf: 23, light: 'clouds' },
  { name: 'wide-compressed', filter: `${crop(0.95, 0.3, 0.7)},noise=alls=4:allf=t`, crf: 35, light: 'dusk' },
  {
    name: 'tight-mirrored-noisy',
    filter: `${crop(0.6, 0.6, 0.2)},hflip,noise=alls=12:allf=t`,
    crf: 30,
    light: 'clouds',
  },
];

/** Writes the variant's clip: the source looped to at least `minSeconds`, framed, H.264 at the variant's quality. */
export async function encodeVariant(source: string, v: CleanVariant, out: string, minSeconds: number): Promise<void> {
  await promisify(execFile)(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', source, '-t', String(minSeconds), '-an']
      .concat(['-vf', `${v.filter},scale=768:432,format=yuv420p`, '-c:v', 'libx264', '-preset', 'ultrafast'])
      .concat(['-crf', String(v.crf), '-g', '20', out]),
    { maxBuffer: 1 << 20 },
  );
}

/** What the monitor reads of each decoded frame: the fingerprint's pixels always, the sampler's every fifth. */
export interface DecodedLoop {
  frames: number;
  width: number;
  height: number;
  fingerprintAt: Uint32Array;
  sampleAt: Uint32Array;
  fingerprints: Uint8Array[];
  samples: Uint8Array[];
}

/** Byte offsets of the pixels frameFingerprint and sampleFrame read (same arithmetic as src/health/sample.ts). */
function readOffsets(width: number, height: number): { fingerprintAt: Uint32Array; sampleAt: Uint32Array } {
  const total = width * height;
  const fpStep = Math.max(1, Math.floor(total / 1009));
  const fp: number[] = [];
  for (let p = 0; p < total; p += fpStep) fp.push(p * 3);
  const step = Math.max(1, Math.floor(width / FINE_WIDTH));
  const half = step >> 1;
  const s: number[] = [];
  for (let y = 0; y < Math.floor(height / step); y++)
    for (let x = 0; x < Math.floor(width / step); x++)
      for (const [dx, dy] of [
        [0, 0],
        [half, 0],
        [0, half],
        [half, half],
      ])
        s.push(((y * step + dy) * width + x * step + dx) * 3);
  return { fingerprintAt: Uint32Array.from(fp), sampleAt: Uint32Array.from(new Set(s)) };
}

const pick = (data: Buffer, at: Uint32Array): Uint8Array => {
  const out = new Uint8Array(at.length * 3);
  for (let i = 0; i < at.length; i++) out.set(data.subarray(at[i], at[i] + 3), i * 3);
  return out;
};

/** Decodes a clip as the camera worker would and keeps what the monitor reads, trimmed to whole samples. */
export async function decodeLoop(file: string, fps: number, width: number, height: number): Promise<DecodedLoop> {
  const { fingerprintAt, sampleAt } = readOffsets(width, height);
  const perSample = Math.round(fps);
  const args = buildDecodeArgs({ source: file, fps, width, height, realtime: false, loop: false });
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const reader = new FrameReader(frameBytes(width, height));
  const fingerprints: Uint8Array[] = [];
  const samples: Uint8Array[] = [];
  for await (const chunk of child.stdout as AsyncIterable<Buffer>)
    for (const data of reader.push(chunk)) {
      if (fingerprints.length % perSample === 0) samples.push(pick(data, sampleAt));
      fingerprints.push(pick(data, fingerprintAt));
    }
  const frames = Math.floor(fingerprints.length / perSample) * perSample;
  return {
    frames,
    width,
    height,
    fingerprintAt,
    sampleAt,
    fingerprints,
    samples: samples.slice(0, frames / perSample),
  };
}

/** The light at a moment: gain on every channel, and grey when the camera has switched to IR. */
export type Light = (at: number) => { gain: number; grey: boolean };

/** Clouds: two slow swells (7 and 23 min) of +-12% each. */
export const cloudLight: Light = (at) => ({
  gain: 1 + 0.12 * Math.sin((2 * Math.PI * at) / 420_000) + 0.12 * Math.sin((2 * Math.PI * at) / 1_380_000 + 1),
  grey: false,
});

/**
 * Dusk at the camera: the picture dims with the sun (auto exposure keeps it above 45%), and the camera switches
 * to its IR grey once the sun is 1 deg below the monitor's night threshold (a real camera switches on its own light sensor).
 */
export function duskLight(lat: number, lon: number, nightBelowDeg: number): Light {
  return (at) => {
    const e = sunElevationDeg(at, lat, lon);
    if (e < nightBelowDeg - 1) return { gain: 0.6, grey: true };
    return { gain: Math.min(1, Math.max(0.45, (e + 6) / 16)), grey: false };
  };
}

function write(buf: Buffer, at: Uint32Array, px: Uint8Array, gain: number, grey: boolean): void {
  for (let i = 0; i < at.length; i++) {
    const o = at[i];
    let r = px[i * 3] * gain,
      g = px[i * 3 + 1] * gain,
      b = px[i * 3 + 2] * gain;
    if (grey) r = g = b = 0.299 * r + 0.587 * g + 0.114 * b;
    buf[o] = r > 255 ? 255 : r;
    buf[o + 1] = g > 255 ? 255 : g;
    buf[o + 2] = b > 255 ? 255 : b;
  }
}

export interface CleanRun {
  seconds: number;
  /** Every fault raised (all false): kind and seconds into the run, with the loop's seconds where it happened. */
  falseFaults: { kind: string; atS: number; loopS: number }[];
  cpuMs: number;
  frames: number;
}

/** Replays the loop (its seam: the recording restarting) to one monitor for `seconds` from `t0`, under `light`. */
export function replay(
  loop: DecodedLoop,
  monitor: CameraHealthMonitor,
  opts: { t0: number; seconds: number; fps: number; light: Light },
): CleanRun {
  const buf = Buffer.alloc(frameBytes(loop.width, loop.height));
  const perSample = Math.round(opts.fps);
  const total = Math.round(opts.seconds * opts.fps);
  const falseFaults: CleanRun['falseFaults'] = [];
  let cpuUs = 0;
  let light = opts.light(opts.t0);
  for (let n = 0; n < total; n++) {
    const k = n % loop.frames;
    const at = opts.t0 + (n * 1000) / opts.fps;
    if (n % perSample === 0) light = opts.light(at);
    write(buf, loop.fingerprintAt, loop.fingerprints[k], light.gain, light.grey);
    if (k % perSample === 0) write(buf, loop.sampleAt, loop.samples[k / perSample], light.gain, light.grey);
    const cpu = process.cpuUsage();
    const tick = monitor.onFrame({ data: buf, width: loop.width, height: loop.height }, at);
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    for (const tr of tick?.transitions ?? [])
      if (tr.change === 'raised')
        falseFaults.push({
          kind: tr.status.kind,
          atS: Math.round((tr.at - opts.t0) / 1000),
          loopS: Number((k / opts.fps).toFixed(1)),
        });
  }
  return { seconds: opts.seconds, falseFaults, cpuMs: cpuUs / 1000, frames: total };
}

async function durationOf(file: string): Promise<number> {
  const { stdout } = await promisify(execFile)('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration',
    '-of',
    'csv=p=0',
    file,
  ]);
  return Number(stdout.trim());
}

export interface CleanOptions {
  hours: number;
  fps: number;
  width: number;
  height: number;
  tmp: string;
  camera: { lat: number; lon: number };
  nightBelowDeg: number;
  newMonitor: () => CameraHealthMonitor;
}

/** Every clip as every clean camera, the hours shared evenly: false faults per 100 camera-hours, each one named. */
export async function cleanCameras(sources: string[], o: CleanOptions) {
  const day = Date.UTC(2026, 5, 21);
  const morning = day; // 08:00 in Shenzhen
  const sunset = getTimes(new Date(day + 12 * 3600_000), o.camera.lat, o.camera.lon).sunset as Date | null;
  const dusk = (sunset?.getTime() ?? day + 11 * 3600_000) - 2 * 3600_000;
  const each = (o.hours * 3600) / Math.max(1, sources.length * CLEAN_VARIANTS.length);
  const cameras: { clip: string; variant: string; loopSeconds: number; falseFaults: CleanRun['falseFaults'] }[] = [];
  let seconds = 0,
    cpuMs = 0,
    frames = 0;
  for (const source of sources) {
    const d = await durationOf(source);
    for (const v of CLEAN_VARIANTS) {
      const file = path.join(o.tmp, `clean-${v.name}.mp4`);
      await encodeVariant(source, v, file, Math.ceil(30 / d) * d);
      const loop = await decodeLoop(file, o.fps, o.width, o.height);
      const light = v.light === 'clouds' ? cloudLight : duskLight(o.camera.lat, o.camera.lon, o.nightBelowDeg);
      const r = replay(loop, o.newMonitor(), {
        t0: v.light === 'clouds' ? morning : dusk,
        seconds: each,
        fps: o.fps,
        light,
      });
      seconds += r.seconds;
      cpuMs += r.cpuMs;
      frames += r.frames;
      const clip = path.basename(source);
      cameras.push({ clip, variant: v.name, loopSeconds: loop.frames / o.fps, falseFaults: r.falseFaults });
      const ff = r.falseFaults.map((f) => `${f.kind}@${f.atS}s(loop ${f.loopS}s)`).join(' ');
      process.stderr.write(`  clean ${clip} ${v.name}: ${(r.seconds / 3600).toFixed(2)} h ${ff}\n`);
    }
  }
  const hours = seconds / 3600;
  const all = cameras.flatMap((c) => c.falseFaults.map((f) => ({ clip: c.clip, variant: c.variant, ...f })));
  const perKind: Record<string, number> = {};
  for (const f of all) perKind[f.kind] = (perKind[f.kind] ?? 0) + 1;
  return {
    cameras: cameras.length,
    cameraHours: Number(hours.toFixed(2)),
    falseFaults: all.length,
    falseFaultsPer100CameraHours: Number(((all.length / Math.max(1e-9, hours)) * 100).toFixed(2)),
    perKind,
    list: all,
    coreSharePerCameraCpu: Number((((cpuMs / Math.max(1, frames)) * o.fps) / 1000).toFixed(5)),
  };
}
