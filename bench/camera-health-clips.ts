// The camera-health benchmark's faulty clips: real footage, looped to a fixed length, with one fault
// applied by ffmpeg filters in the middle (FAULT_FROM..FAULT_TO seconds) and encoded as a camera would.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FaultKind } from '../src/health/fault-kinds.js';

const run = promisify(execFile);

/** Clip length, and the fault's window inside it (seconds): 45 s of healthy picture teach the baseline. */
export const CLIP_SECONDS = 120;
export const FAULT_FROM = 45;
export const FAULT_TO = 105;

export interface Scenario {
  name: string;
  /** The fault that must be found; null: a clean clip on which every raised fault is a false one. */
  expect: FaultKind | null;
  /** Video filter chain, given the source's frame rate. */
  filter: (fps: number) => string;
  /** Keep the source's timestamps as they are (dropped frames leave gaps). */
  vfr?: boolean;
  /** Sample times at local night (23:00 at the camera) instead of noon. */
  night?: boolean;
}

const on = `enable='between(t,${FAULT_FROM},${FAULT_TO})'`;
const cover = (share: number) =>
  `drawbox=x=0:y=ih*${(1 - share).toFixed(2)}:w=iw:h=ih*${share.toFixed(2)}:color=0x5a5a50:t=fill:${on}`;

export const SCENARIOS: Scenario[] = [
  { name: 'clean', expect: null, filter: () => 'null' },
  { name: 'night-grey', expect: null, filter: () => 'hue=s=0,eq=brightness=-0.1', night: true },
  {
    name: 'frozen',
    expect: 'frozen',
    filter: (fr) =>
      `loop=loop=${Math.round((FAULT_TO - FAULT_FROM) * fr)}:size=1:start=${Math.round(FAULT_FROM * fr)},setpts=N/(${fr}*TB)`,
  },
  { name: 'black', expect: 'black', filter: () => `fade=t=out:st=${FAULT_FROM}:d=2:${on}` },
  { name: 'overexposed', expect: 'overexposed', filter: () => `eq=brightness=0.6:${on}` },
  { name: 'washed-out', expect: 'overexposed', filter: () => `eq=brightness=0.45:contrast=0.3:${on}` },
  { name: 'blur-2', expect: 'blurred', filter: () => `gblur=sigma=2:${on}` },
  { name: 'blur-4', expect: 'blurred', filter: () => `gblur=sigma=4:${on}` },
  { name: 'blur-8', expect: 'blurred', filter: () => `gblur=sigma=8:${on}` },
  { name: 'covered-30', expect: 'covered', filter: () => cover(0.3) },
  { name: 'covered-60', expect: 'covered', filter: () => cover(0.6) },
  { name: 'covered-100', expect: 'covered', filter: () => cover(1) },
  // The clean clips are cropped the same way, so only the shift differs: 10% of the width and height.
  {
    name: 'moved',
    expect: 'moved',
    filter: () =>
      `crop=w=iw*0.8:h=ih*0.8:x='if(between(t,${FAULT_FROM},${FAULT_TO}),iw*0.2,iw*0.1)':y='if(between(t,${FAULT_FROM},${FAULT_TO}),0,ih*0.1)'`,
  },
  { name: 'desaturated', expect: 'colour', filter: () => `hue=s=0:${on}` },
  { name: 'colour-cast', expect: 'colour', filter: () => `colorchannelmixer=rr=1:gg=0.55:bb=0.45:${on}` },
  { name: 'noise', expect: 'noise', filter: () => `noise=alls=40:allf=t:${on}` },
  {
    name: 'low-fps',
    expect: 'framerate',
    filter: () => `select='if(between(t,${FAULT_FROM},${FAULT_TO}),not(mod(n,6)),1)'`,
    vfr: true,
  },
  {
    name: 'irregular-fps',
    expect: 'framerate',
    filter: () => `select='if(between(t,${FAULT_FROM},${FAULT_TO}),lt(mod(t,4),1),1)'`,
    vfr: true,
  },
];

export async function frameRateOf(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=r_frame_rate',
    '-of',
    'csv=p=0',
    file,
  ]);
  const [n, d] = stdout.trim().split('/').map(Number);
  return n / (d || 1);
}

/**
 * Writes the scenario's clip (H.264 as a camera would send it); the clean ones get the moved scenario's crop.
 * `seconds`: the clip's length (a clean clip may loop its source longer, for more clean camera-hours).
 */
export async function makeClip(source: string, s: Scenario, out: string, seconds = CLIP_SECONDS): Promise<void> {
  const fr = await frameRateOf(source);
  const base = s.name === 'moved' ? '' : 'crop=w=iw*0.8:h=ih*0.8:x=iw*0.1:y=ih*0.1,';
  const filter = `${base}${s.filter(fr)},scale=768:432,format=yuv420p`;
  await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-stream_loop',
      '-1',
      '-i',
      source,
      '-t',
      String(seconds),
      '-an',
      '-vf',
      filter,
      ...(s.vfr ? ['-fps_mode', 'vfr'] : []),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '23',
      '-g',
      String(Math.round(fr * 2)),
      out,
    ],
    { maxBuffer: 1 << 20 },
  );
}
