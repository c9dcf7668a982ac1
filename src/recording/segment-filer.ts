// Moves closed segment files from a camera's incoming area to their dated place and indexes them, recovers
// files a crashed or killed ffmpeg left behind, and sets aside a segment that cannot be indexed (bad times,
// empty or unreadable file, a row the index refuses) so one bad segment never stops a camera's recording.
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/** A segment moved out of the way: where it is now and why. */
export interface SetAsideSegment {
  cameraId: string;
  /** Its file in the camera's quarantine folder, or null when there was no file to move. */
  file: string | null;
  startMs: number;
  endMs: number;
  reason: string;
}

export interface SegmentFilerOptions {
  tools?: ToolPaths;
  /** Told once per segment set aside (the recording service logs and publishes it). */
  onSetAside?: (s: SetAsideSegment) => void;
}

const PENDING = /^pending-(\d+)-(\d+)\.ts$/;
/** Shorter than this (a fraction of one frame), a file holds no picture anyone can use. */
const MIN_FOOTAGE_SECONDS = 0.1;

export function pendingName(startMs: number, endMs: number): string {
  return `pending-${startMs}-${endMs}.ts`;
}

export function parsePendingName(name: string): { startMs: number; endMs: number } | null {
  const m = PENDING.exec(name);
  return m ? { startMs: Number(m[1]), endMs: Number(m[2]) } : null;
}

/**
 * A fault of this one segment, which a retry would meet again: a row the database refuses by its checks
 * or types (SQLSTATE classes 22 and 23). Anything else (a database that is down, a full disk) is the
 * system's, and the segment is kept pending to be indexed once it is back.
 */
export function isSegmentFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}

const missing = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'ENOENT';

export class SegmentFiler {
  constructor(
    private readonly storage: RecordingStorage,
    private readonly index: SegmentIndex,
    private readonly opts: SegmentFilerOptions = {},
  ) {}

  /** Where a camera's set-aside segments go (beside its dated folders, on the same disk, never indexed). */
  quarantineDir(cameraId: string): string {
    return this.storage.quarantineDir(cameraId);
  }

  /**
   * Renames a just-closed ffmpeg file to its pending name (same directory, atomic). When the stream's
   * clock gives it no span (one frame left as a stream ends, or a clock estimate that moved back), its
   * own duration does; a file with none is set aside (null).
   */
  async markClosed(
    cameraId: string,
    ffmpegFile: string,
    startMs: number,
    endMs: number,
  ): Promise<PendingSegment | null> {
    const dir = this.storage.incomingDir(cameraId);
    const from = path.join(dir, ffmpegFile);
    if (!(endMs > startMs)) {
      const fixed = await this.spanOf(from, startMs);
      if (typeof fixed === 'string') return this.setAside({ cameraId, file: from, startMs, endMs }, fixed);
      endMs = fixed;
    }
    const file = path.join(dir, pendingName(startMs, endMs));
    try {
      await rename(from, file);
    } catch (err) {
      if (missing(err))
        return this.setAside({ cameraId, file: from, startMs, endMs }, 'ffmpeg listed it, but the file is not there');
      throw storageErrorOf(err, dir);
    }
    return { cameraId, file, startMs, endMs };
  }

  /**
   * Moves the file to camera/date/time.ts and inserts its row; returns null when the segment was set aside
   * instead. When the insert fails for a reason of the system (database down) the file goes back to its
   * pending name and the error is thrown, so the next start (or retry) indexes it.
   */
  async commit(p: PendingSegment): Promise<Segment | null> {
    const checked = await this.check(p);
    if (!checked) return null;
    p = checked.p;
    let rel = this.storage.segmentRelPath(p.cameraId, p.startMs);
    // rename() replaces silently: never let a segment starting in the same millisecond overwrite another.
    for (let n = 1; await exists(this.storage.abs(rel)); n++)
      rel = this.storage.segmentRelPath(p.cameraId, p.startMs, `${n}.ts`);
    const abs = this.storage.abs(rel);
    try {
      await mkdir(path.dirname(abs), { recursive: true });
      await rename(p.file, abs);
    } catch (err) {
      throw storageErrorOf(err, path.dirname(abs));
    }
    try {
      return await this.index.insert({
        cameraId: p.cameraId,
        startAt: new Date(p.startMs),
        endAt: new Date(p.endMs),
        path: rel,
        bytes: checked.bytes,
      });
    } catch (err) {
      await rename(abs, p.file).catch(() => {});
      if (isSegmentFault(err)) return this.setAside(p, `the index refused its row: ${(err as Error).message}`);
      throw err;
    }
  }

  async discard(p: PendingSegment): Promise<void> {
    await rm(p.file, { force: true });
  }

  /**
   * Moves a segment to the camera's quarantine folder with a note of why (file.ts.json), so no restart
   * finds it again and a person can look at it; tells onSetAside. Returns null for the callers' convenience.
   */
  async setAside(s: Omit<SetAsideSegment, 'reason' | 'file'> & { file: string }, reason: string): Promise<null> {
    const dir = this.quarantineDir(s.cameraId);
    let target: string | null = path.join(dir, `${s.startMs}-${s.endMs}-${path.basename(s.file)}`);
    try {
      await mkdir(dir, { recursive: true });
      for (let n = 1; await exists(target); n++)
        target = path.join(dir, `${s.startMs}-${s.endMs}-${n}-${path.basename(s.file)}`);
      await rename(s.file, target);
    } catch (err) {
      if (!missing(err)) throw storageErrorOf(err, dir);
      target = null;
    }
    const note = {
      cameraId: s.cameraId,
      startAt: new Date(s.startMs).toISOString(),
      endAt: new Date(s.endMs).toISOString(),
      reason,
      setAsideAt: new Date().toISOString(),
    };
    if (target) await writeFile(`${target}.json`, `${JSON.stringify(note, null, 2)}\n`).catch(() => {});
    this.opts.onSetAside?.({ cameraId: s.cameraId, file: target, startMs: s.startMs, endMs: s.endMs, reason });
    return null;
  }

  /**
   * Files in the incoming area that no running ffmpeg owns: pending segments (times in the name) and
   * open segments of a run that ended without closing them (times from ffprobe and the file's mtime,
   * which is when its last packet was written). Files of `activeRun` are left alone; empty ones removed.
   */
  async leftovers(
    cameraId: string,
    activeRun: string | null,
    tools: ToolPaths = this.opts.tools ?? {},
  ): Promise<PendingSegment[]> {
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

  /**
   * Turns an unclosed segment into a pending one; `startMs` when the run's clock knows where it began.
   * An empty file or one under a frame (ffmpeg killed just as it opened a segment, at every restart) is
   * removed: it holds no picture. One that ffprobe cannot read may still hold footage: it is set aside.
   */
  async recoverOpenFile(
    cameraId: string,
    file: string,
    startMs: number | null,
    tools: ToolPaths = this.opts.tools ?? {},
  ): Promise<PendingSegment | null> {
    let info: { size: number; mtimeMs: number };
    try {
      info = await stat(file);
    } catch {
      return null;
    }
    if (info.size === 0) {
      await rm(file, { force: true });
      return null;
    }
    const at = startMs ?? Math.round(info.mtimeMs);
    let duration: number;
    try {
      duration = (await probeTimes(file, tools)).durationSeconds;
    } catch (err) {
      return this.setAside(
        { cameraId, file, startMs: at, endMs: at },
        `ffprobe cannot read it: ${(err as Error).message}`,
      );
    }
    if (!(duration >= MIN_FOOTAGE_SECONDS)) {
      await rm(file, { force: true });
      return null;
    }
    const start = startMs ?? Math.round(info.mtimeMs - duration * 1000);
    const end = start + Math.round(duration * 1000);
    const target = path.join(path.dirname(file), pendingName(start, end));
    await rename(file, target);
    return { cameraId, file: target, startMs: start, endMs: end };
  }

  /** What commit needs known before it moves anything: a span, a file with bytes. Sets aside what fails. */
  private async check(p: PendingSegment): Promise<{ p: PendingSegment; bytes: number } | null> {
    let bytes: number;
    try {
      bytes = (await stat(p.file)).size;
    } catch (err) {
      if (missing(err)) return this.setAside(p, 'its pending file is not there');
      throw err;
    }
    if (bytes === 0) return this.setAside(p, 'the file is empty');
    if (p.endMs > p.startMs) return { p, bytes };
    // A pending file named before this check existed (or by another tool): repair its span from the file.
    const fixed = await this.spanOf(p.file, p.startMs);
    if (typeof fixed === 'string') return this.setAside(p, fixed);
    const file = path.join(path.dirname(p.file), pendingName(p.startMs, fixed));
    await rename(p.file, file);
    return { p: { ...p, file, endMs: fixed }, bytes };
  }

  /** The end of a segment that starts at startMs, from the file's own duration; a string says why there is none. */
  private async spanOf(file: string, startMs: number): Promise<number | string> {
    try {
      const { durationSeconds } = await probeTimes(file, this.opts.tools);
      if (durationSeconds > 0) return startMs + Math.max(1, Math.round(durationSeconds * 1000));
      return `its end is not after its start, and the file has no duration (${durationSeconds} s)`;
    } catch (err) {
      return `its end is not after its start, and ffprobe cannot read it: ${(err as Error).message}`;
    }
  }
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );
