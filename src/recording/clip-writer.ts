// Writes one camera's footage between two times as one MP4 by stream copy (concat demuxer, cut at
// keyframes), reporting progress, and returns what an export manifest records about the file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import type { Segment } from '../store/segment-repo.js';
import { ffconcatList, planClip, type ClipPlan, type PlanSegment } from './clip-plan.js';
import { keyframeTimes, probeTimes, runTool, type ToolPaths } from './probe.js';
import { buildConcatArgs } from './recording-args.js';
import type { RecordingStorage } from './storage.js';

export interface ClipRequest {
  segments: Segment[];
  fromMs: number;
  toMs: number;
  out: string;
  storage: RecordingStorage;
  /** Fraction of this clip written, 0..1, as ffmpeg reports it (about twice a second). */
  onProgress?: (fraction: number) => void;
  metadata?: Record<string, string>;
  tools?: ToolPaths;
}

export interface ClipResult {
  file: string;
  bytes: number;
  sha256: string;
  /** Duration of the written MP4 as ffprobe reads it. */
  durationSeconds: number;
  plan: ClipPlan;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Probes the segments the plan needs: the media start of each, and keyframes of the two ends. */
export async function planFromIndex(
  segments: Segment[],
  fromMs: number,
  toMs: number,
  storage: RecordingStorage,
  tools: ToolPaths = {},
): Promise<ClipPlan> {
  const chosen = segments.filter((s) => s.startAt.getTime() < toMs && s.endAt.getTime() > fromMs);
  const probed: PlanSegment[] = [];
  for (const [i, s] of chosen.entries()) {
    const file = storage.abs(s.path);
    const ends = i === 0 || i === chosen.length - 1;
    // Segments in the middle are copied whole: their media start is not needed, so they are not probed.
    const mediaStart = ends ? (await probeTimes(file, tools)).startTime : 0;
    probed.push({
      id: s.id,
      file,
      startMs: s.startAt.getTime(),
      endMs: s.endAt.getTime(),
      mediaStart,
      keyframes: ends ? await keyframeTimes(file, tools) : undefined,
    });
  }
  return planClip(probed, fromMs, toMs);
}

export async function writeClip(r: ClipRequest): Promise<ClipResult> {
  const plan = await planFromIndex(r.segments, r.fromMs, r.toMs, r.storage, r.tools);
  const listFile = `${r.out}.ffconcat`;
  await writeFile(listFile, ffconcatList(plan));
  const total = plan.durationSeconds;
  let partial = '';
  try {
    await runTool(
      r.tools?.ffmpeg ?? 'ffmpeg',
      buildConcatArgs({
        listFile,
        out: r.out,
        metadata: { creation_time: new Date(plan.startMs).toISOString(), ...r.metadata },
      }),
      (text) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          const us = /^out_time_us=(\d+)/.exec(line)?.[1];
          if (us && total > 0) r.onProgress?.(Math.min(1, Number(us) / 1e6 / total));
        }
      },
    );
  } finally {
    await rm(listFile, { force: true });
  }
  r.onProgress?.(1);
  const [{ size }, sha256, times] = await Promise.all([stat(r.out), sha256File(r.out), probeTimes(r.out, r.tools)]);
  return { file: r.out, bytes: size, sha256, durationSeconds: times.durationSeconds, plan };
}
