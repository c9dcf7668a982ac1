// Runs ffprobe on recorded files: start time and duration, keyframe times; and runs a short ffmpeg to completion.
import { spawnChild } from '../lib/children.js';
import { buildFormatProbeArgs, buildKeyframeProbeArgs } from './recording-args.js';

export interface ToolPaths {
  ffmpeg?: string;
  ffprobe?: string;
}

/** Probes of one file take well under a second; one that hangs (a damaged file, a stuck disk) must not hold a recorder. */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * Runs a tool to its end; resolves stdout, rejects with its last stderr line on a non-zero exit.
 * `timeoutMs` (default none) kills it and rejects once it has run that long.
 */
export function runTool(
  cmd: string,
  args: string[],
  onStdout?: (text: string) => void,
  timeoutMs?: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? null
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (t: string) => {
      if (onStdout) onStdout(t);
      else out += t;
    });
    child.stderr.on('data', (t: string) => (err = (err + t).slice(-4000)));
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) reject(new Error(`${cmd} did not finish within ${timeoutMs} ms`));
      else if (code === 0) resolve(out);
      else reject(new Error(`${cmd} failed (${signal ?? `exit ${code}`}): ${err.trim().split('\n').at(-1) ?? ''}`));
    });
  });
}

export interface MediaTimes {
  /** pts of the first packet, seconds (MPEG-TS files start near 1.4 s, not 0). */
  startTime: number;
  durationSeconds: number;
}

export async function probeTimes(file: string, tools: ToolPaths = {}): Promise<MediaTimes> {
  const out = await runTool(tools.ffprobe ?? 'ffprobe', buildFormatProbeArgs(file), undefined, PROBE_TIMEOUT_MS);
  const format = (JSON.parse(out) as { format?: { start_time?: string; duration?: string } }).format ?? {};
  const startTime = Number(format.start_time ?? 0);
  const durationSeconds = Number(format.duration ?? NaN);
  if (!Number.isFinite(durationSeconds)) throw new Error(`ffprobe found no duration in ${file}`);
  return { startTime: Number.isFinite(startTime) ? startTime : 0, durationSeconds };
}

/** Keyframe times of the first video stream, ascending; demux only, no decoding. */
export async function keyframeTimes(file: string, tools: ToolPaths = {}): Promise<number[]> {
  const out = await runTool(tools.ffprobe ?? 'ffprobe', buildKeyframeProbeArgs(file), undefined, PROBE_TIMEOUT_MS);
  const times: number[] = [];
  for (const line of out.split('\n')) {
    const [pts, flags] = line.trim().split(',');
    if (flags?.includes('K') && pts !== 'N/A' && pts !== undefined) times.push(Number(pts));
  }
  return times.sort((a, b) => a - b);
}

let version: Promise<string> | null = null;
/** `ffmpeg version ...` first line, for export manifests (which tool made the file). */
export function ffmpegVersion(tools: ToolPaths = {}): Promise<string> {
  version ??= runTool(tools.ffmpeg ?? 'ffmpeg', ['-hide_banner', '-version']).then(
    (t) => t.split('\n')[0].trim(),
    () => 'unknown',
  );
  return version;
}
