// Playback of a time range: the range's segments remuxed (stream copy) into one MP4 that browsers play and
// seek with range requests, built once per range and kept for an hour (retention prunes the cache).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Segment } from '../store/segment-repo.js';
import { writeClip } from './clip-writer.js';
import type { ToolPaths } from './probe.js';
import type { RecordingStorage } from './storage.js';

export interface PlayableClip {
  file: string;
  /** What the clip covers after cutting at keyframes. */
  startMs: number;
  endMs: number;
}

export class PlayCache {
  private readonly building = new Map<string, Promise<PlayableClip>>();

  constructor(
    private readonly storage: RecordingStorage,
    private readonly tools: ToolPaths = {},
  ) {}

  /** The MP4 for these segments and range, built now or reused; the key covers the segment ids, so new footage makes a new clip. */
  async get(cameraId: string, segments: Segment[], fromMs: number, toMs: number): Promise<PlayableClip> {
    const key = createHash('sha256')
      .update(JSON.stringify([cameraId, fromMs, toMs, segments.map((s) => [s.id, s.bytes])]))
      .digest('hex')
      .slice(0, 32);
    const file = path.join(this.storage.cacheDir, `${key}.mp4`);
    const meta = `${file}.json`;
    // The side file is written after the MP4 is complete, so its presence means the clip is whole.
    const existing = await readFile(meta, 'utf8').catch(() => null);
    // Retention may have pruned the MP4 and not yet its side file.
    if (existing && (await stat(file).catch(() => null)))
      return { file, ...(JSON.parse(existing) as { startMs: number; endMs: number }) };
    let build = this.building.get(key);
    if (!build) {
      build = this.build(file, meta, segments, fromMs, toMs).finally(() => this.building.delete(key));
      this.building.set(key, build);
    }
    return build;
  }

  private async build(
    file: string,
    meta: string,
    segments: Segment[],
    fromMs: number,
    toMs: number,
  ): Promise<PlayableClip> {
    await mkdir(this.storage.cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.part`;
    try {
      const clip = await writeClip({ segments, fromMs, toMs, out: tmp, storage: this.storage, tools: this.tools });
      await rename(tmp, file);
      const times = { startMs: clip.plan.startMs, endMs: clip.plan.endMs };
      await writeFile(meta, JSON.stringify(times));
      return { file, ...times };
    } finally {
      await rm(tmp, { force: true });
    }
  }
}
