// `npm run bench camera-health`: the image diagnostics over real footage with faults applied by ffmpeg:
// share of faults found, time to find them, false faults per camera-hour on clean clips, cost per camera.
// Options: --size=WxH (analysis size, default 1280x720), --clips=N (first N clips), --clip=text (clips whose name has it),
// --only=a,b (scenarios), --clean-seconds=N (length of the clean and night clips, default 120: longer loops
// of the same footage give more clean camera-hours for the false-fault rate),
// --clean-hours=N (N camera-hours of clean cameras: every clip framed as each of CLEAN_VARIANTS, decoded once and
// replayed on the sample clock through clouds or dusk into night; every fault they raise is a false one),
// --trace (every sample's measures on stderr, for tuning thresholds).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { healthSchema, thresholdsFor } from '../src/config/health.js';
import { CameraHealthMonitor } from '../src/health/monitor.js';
import { buildDecodeArgs, frameBytes } from '../src/ingest/ffmpeg-args.js';
import { FrameReader } from '../src/ingest/frame-reader.js';
import { cleanCameras } from './camera-health-clean.js';
import { CLIP_SECONDS, FAULT_FROM, FAULT_TO, makeClip, SCENARIOS, type Scenario } from './camera-health-clips.js';
import type { BenchContext } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FPS = 5;
/** Sample clock: noon (04:00 UTC) or 23:00 (15:00 UTC) in Shenzhen, where the bench camera stands. */
const NOON = Date.UTC(2026, 5, 21, 4, 0, 0);
const NIGHT = Date.UTC(2026, 5, 21, 15, 0, 0);
const CAMERA = { lat: 22.5431, lon: 114.0579 };

interface RunResult {
  clip: string;
  scenario: string;
  expect: string | null;
  /** Length of the clip, seconds. */
  seconds: number;
  /** Seconds from the fault's start to its raise; null when not found. */
  detectS: number | null;
  /** Seconds from the fault's end to its clearing; null when it never cleared in the clip. */
  clearS: number | null;
  /** Faults raised that were not the expected one (kind@seconds into the clip). */
  others: string[];
  monitorMs: number;
  /** The monitor's CPU time (process.cpuUsage: not inflated when other work preempts it), ms. */
  monitorCpuMs: number;
  frames: number;
}

function clips(ctx: BenchContext): string[] {
  const dirs = [path.join(here, '../fixtures/media'), ...(ctx.dataDir ? [path.join(ctx.dataDir, 'video')] : [])];
  return dirs.filter(existsSync).flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.mp4'))
      .map((f) => path.join(d, f)),
  );
}

const THRESHOLDS = thresholdsFor(healthSchema.parse({}), undefined);

function newMonitor(): CameraHealthMonitor {
  return new CameraHealthMonitor({
    ...CAMERA,
    thresholds: THRESHOLDS,
    sampleEverySeconds: 1,
    learnSeconds: 30,
    adaptSeconds: 3600,
  });
}

/** Decodes a clip as the camera worker would (fps filter, scale, rgb24) and runs the monitor over it. */
async function diagnose(
  file: string,
  s: Scenario,
  width: number,
  height: number,
  trace: boolean,
): Promise<Omit<RunResult, 'clip' | 'scenario' | 'expect' | 'seconds'>> {
  const monitor = newMonitor();
  const t0 = s.night ? NIGHT : NOON;
  const args = buildDecodeArgs({ source: file, fps: FPS, width, height, realtime: false, loop: false });
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const reader = new FrameReader(frameBytes(width, height));
  let n = 0,
    monitorMs = 0,
    monitorCpuUs = 0,
    detectS: number | null = null,
    clearS: number | null = null;
  const others: string[] = [];
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    for (const data of reader.push(chunk)) {
      const at = t0 + (n++ * 1000) / FPS;
      const started = performance.now();
      const cpu = process.cpuUsage();
      const tick = monitor.onFrame({ data, width, height }, at);
      const used = process.cpuUsage(cpu);
      monitorMs += performance.now() - started;
      monitorCpuUs += used.user + used.system;
      if (tick && trace) traceTick(s.name, (at - t0) / 1000, tick);
      for (const tr of tick?.transitions ?? []) {
        const sec = (tr.at - t0) / 1000;
        if (tr.status.kind === s.expect && tr.change === 'raised' && detectS === null && sec >= FAULT_FROM)
          detectS = sec - FAULT_FROM;
        else if (tr.status.kind === s.expect && tr.change === 'cleared' && sec >= FAULT_TO) clearS = sec - FAULT_TO;
        else if (tr.change === 'raised') others.push(`${tr.status.kind}@${sec.toFixed(0)}`);
      }
    }
  }
  return { detectS, clearS, others, monitorMs, monitorCpuMs: monitorCpuUs / 1000, frames: n };
}

function traceTick(name: string, sec: number, tick: NonNullable<ReturnType<CameraHealthMonitor['onFrame']>>): void {
  const c = tick.conditions;
  const m = tick.measures;
  const v = (k: keyof typeof c) => `${k}=${c[k].value}${c[k].present ? '!' : ''}`;
  const cells = [
    v('black'),
    v('overexposed'),
    v('frozen'),
    v('blurred'),
    v('covered'),
    v('moved'),
    v('colour'),
    v('noise'),
    v('framerate'),
  ];
  process.stderr.write(
    `${name} t=${sec.toFixed(0)} std=${m.exposure.std.toFixed(1)} sharp=${m.sharpness.toFixed(0)} noise=${m.noise?.toFixed(2)} chroma=${m.colour.chroma.toFixed(1)} struct=${m.structure?.toFixed(2)} ${cells.join(' ')}\n`,
  );
}

function summarise(results: RunResult[], width: number, height: number) {
  const faulty = results.filter((r) => r.expect);
  const clean = results.filter((r) => !r.expect);
  const byScenario: Record<
    string,
    { found: string; detectS: (number | null)[]; clearedAfterS: (number | null)[]; others: string[] }
  > = {};
  for (const r of results) {
    const e = (byScenario[r.scenario] ??= { found: '', detectS: [], clearedAfterS: [], others: [] });
    e.detectS.push(r.detectS);
    e.clearedAfterS.push(r.clearS);
    e.others.push(...r.others.map((o) => `${path.basename(r.clip)}:${o}`));
  }
  for (const [name, e] of Object.entries(byScenario)) {
    const expect = results.find((r) => r.scenario === name)?.expect;
    e.found = expect ? `${e.detectS.filter((d) => d !== null).length}/${e.detectS.length}` : '-';
  }
  const found = faulty.filter((r) => r.detectS !== null);
  const detect = found.map((r) => r.detectS as number).sort((a, b) => a - b);
  // Clean time: whole clean clips, plus the healthy part of every faulty clip before its fault.
  const cleanHours = (clean.reduce((n, r) => n + r.seconds, 0) + faulty.length * FAULT_FROM) / 3600;
  const falseFaults =
    clean.reduce((n, r) => n + r.others.length, 0) +
    faulty.reduce((n, r) => n + r.others.filter((o) => Number(o.split('@')[1]) < FAULT_FROM).length, 0);
  const frames = results.reduce((n, r) => n + r.frames, 0);
  const ms = results.reduce((n, r) => n + r.monitorMs, 0);
  const cpuMs = results.reduce((n, r) => n + r.monitorCpuMs, 0);
  return {
    analysis: {
      width,
      height,
      fps: FPS,
      clipSeconds: CLIP_SECONDS,
      cleanClipSeconds: clean[0]?.seconds ?? CLIP_SECONDS,
      faultSeconds: [FAULT_FROM, FAULT_TO],
    },
    faultsFound: `${found.length}/${faulty.length}`,
    foundShare: Number((found.length / Math.max(1, faulty.length)).toFixed(3)),
    detectSeconds: {
      median: detect[detect.length >> 1] ?? null,
      max: detect[detect.length - 1] ?? null,
      within60s: detect.filter((d) => d <= 60).length,
    },
    falseFaults,
    cleanCameraHours: Number(cleanHours.toFixed(3)),
    falseFaultsPerCameraHour: Number((falseFaults / Math.max(1e-9, cleanHours)).toFixed(3)),
    costPerFrameMs: Number((ms / Math.max(1, frames)).toFixed(3)),
    // The monitor's time per second of video at the analysis rate, as a share of one core.
    coreSharePerCamera: Number((((ms / Math.max(1, frames)) * FPS) / 1000).toFixed(5)),
    // The same from CPU time (user + system of this process while the monitor ran).
    coreSharePerCameraCpu: Number((((cpuMs / Math.max(1, frames)) * FPS) / 1000).toFixed(5)),
    byScenario,
  };
}

export default async function cameraHealthBench(ctx: BenchContext) {
  const [width, height] = (ctx.args.find((a) => a.startsWith('--size='))?.slice(7) ?? '1280x720')
    .split('x')
    .map(Number);
  const only = ctx.args
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',');
  const maxClips = Number(ctx.args.find((a) => a.startsWith('--clips='))?.slice(8) ?? Infinity);
  const named = ctx.args.find((a) => a.startsWith('--clip='))?.slice(7);
  const cleanSeconds = Number(ctx.args.find((a) => a.startsWith('--clean-seconds='))?.slice(16) ?? CLIP_SECONDS);
  const sources = clips(ctx)
    .filter((c) => !named || path.basename(c).includes(named))
    .slice(0, maxClips);
  const cleanHours = Number(ctx.args.find((a) => a.startsWith('--clean-hours='))?.slice(14) ?? 0);
  const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.name));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-health-bench-'));
  const results: RunResult[] = [];
  let cleanCameraRuns: Awaited<ReturnType<typeof cleanCameras>> | null = null;
  try {
    if (cleanHours > 0)
      cleanCameraRuns = await cleanCameras(sources, {
        hours: cleanHours,
        fps: FPS,
        width,
        height,
        tmp,
        camera: CAMERA,
        nightBelowDeg: THRESHOLDS.colour.nightSunBelowDeg,
        newMonitor,
      });
    for (const source of sources) {
      for (const s of scenarios) {
        const clip = path.join(tmp, `${s.name}.mp4`);
        const seconds = s.expect ? CLIP_SECONDS : cleanSeconds;
        await makeClip(source, s, clip, seconds);
        const r = await diagnose(clip, s, width, height, ctx.args.includes('--trace'));
        results.push({ clip: source, scenario: s.name, expect: s.expect, seconds, ...r });
        process.stderr.write(`  ${path.basename(source)} ${s.name}: ${r.detectS ?? '-'} ${r.others.join(' ')}\n`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return {
    clips: sources.map((s) => path.basename(s)),
    ...summarise(results, width, height),
    cleanCameras: cleanCameraRuns,
  };
}
