// Moves closed segment files from a camera's incoming area to their dated place and indexes them, and
// recovers files a crashed or killed ffmpeg left behind, so footage on disk is never missing from the index.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { NewSegment, Segment } from '../store/segment-repo.js';
import { probeTimes, type ToolPaths } from './probe.js';
import { storageErrorOf, type RecordingStorage } from './storage.js';

/** A closed segment waiting in the incoming area; its name carries its wall times, so a restart keeps them. */
export interface PendingSegment {
  cameraId: string;
  /** Absolute path inside the camera's incoming directory. */
  file: string;
  startMs: number;
  endMs: number;
}

export interface SegmentIndex {
  insert(s: NewSegment): Promise<Segment>;
}

const PENDING = /^pending-(\d+)-(\d+)\.ts$/;

export function pendingName(startMs: number, endMs: number): string {
  return `pending-${startMs}-${endMs}.ts`;
}

export function parsePendingName(name: string): { startMs: number; endMs: number } | null {
  const m = PENDING.exec(name);
  return m ? { startMs: Number(m[1]), endMs: Number(m[2]) } : null;
}

export class SegmentFiler {
  constructor(
    private readonly storage: RecordingStorage,
    private readonly index: SegmentIndex,
  ) {}

  /** Renames a just-closed ffmpeg file to its pending name (same directory, atomic). */
  async markClosed(cameraId: string, ffmpegFile: string, startMs: number, endMs: number): Promise<PendingSegment> {
    const dir = this.storage.incomingDir(cameraId);
    const file = path.join(dir, pendingName(startMs, endMs));
    try {
      await rename(path.join(dir, ffmpegFile), file);
    } catch (err) {
      throw storageErrorOf(err, dir);
    }
    return { cameraId, file, startMs, endMs };
  }

  /**
   * Moves the file to camera/date/time.ts and inserts its row. When the insert fails (database down)
   * the file goes back to its pending name, so the next start (or retry) indexes it.
   */
  async commit(p: PendingSegment): Promise<Segment> {
    let rel = this.storage.segmentRelPath(p.cameraId, p.startMs);
    // rename() replaces silently: never let a segment starting in the same millisecond overwrite another.
    for (let n = 1; await stat(this.storage.abs(rel)).then(() => true, () => false); n++) rel = this.storage.segmentRelPath(p.cameraId, p.startMs, `${n}.ts`);
    const abs = this.storage.abs(rel);
    try {
      await mkdir(path.dirname(abs), { recursive: true });
      await rename(p.file, abs);
    } catch (err) {
      throw storageErrorOf(err, path.dirname(abs));
    }
    const { size } = await stat(abs);
    try {
      return await this.index.insert({ cameraId: p.cameraId, startAt: new Date(p.startMs), endAt: new Date(p.endMs), path: rel, bytes: size });
    } catch (err) {
      await rename(abs, p.file).catch(() => {});
      throw err;
    }
  }

  async discard(p: PendingSegment): Promise<void> {
    await rm(p.file, { force: true });
  }

  /**
   * Files in the incoming area that no running ffmpeg owns: pending segments (times in the name) and
   * open segments of a run that ended without closing them (times from ffprobe and the file's mtime,
   * which is when its last packet was written). Files of `activeRun` are left alone; empty ones removed.
   */
  async leftovers(cameraId: string, activeRun: string | null, tools: ToolPaths = {}): Promise<PendingSegment[]> {
    const dir = this.storage.incomingDir(cameraId);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return [];
    }
    const found: PendingSegment[] = [];
    for (const name of names) {
      const pending = parsePendingName(name);
      if (pending) {
        found.push({ cameraId, file: path.join(dir, name), ...pending });
        continue;
      }
      if (!/^r[0-9a-z]+-\d{6}\.ts$/.test(name) || (activeRun && name.startsWith(`${activeRun}-`))) continue;
      const recovered = await this.recoverOpenFile(cameraId, path.join(dir, name), null, tools);
      if (recovered) found.push(recovered);
    }
    return found;
  }

  /** Turns an unclosed segment into a pending one; `startMs` when the run's clock knows where it began. */
  async recoverOpenFile(cameraId: string, file: string, startMs: number | null, tools: ToolPaths = {}): Promise<PendingSegment | null> {
    let duration = 0;
    let mtimeMs = 0;
    try {
      mtimeMs = (await stat(file)).mtimeMs;
      duration = (await probeTimes(file, tools)).durationSeconds;
    } catch {
      duration = 0;
    }
    // Under a frame of footage (or unreadable): nothing worth keeping.
    if (!(duration >= 0.1)) {
      await rm(file, { force: true });
      return null;
    }
    const start = startMs ?? Math.round(mtimeMs - duration * 1000);
    const end = start + Math.round(duration * 1000);
    const target = path.join(path.dirname(file), pendingName(start, end));
    await rename(file, target);
    return { cameraId, file: target, startMs: start, endMs: end };
  }
}
