// Where footage lives on disk: segment layout by camera and UTC date, the incoming area, exports, the play cache.
import { constants } from 'node:fs';
import { access, mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';

export type StorageFaultKind = 'unwritable' | 'disk-full';

/** The recording disk cannot take footage: the message says which directory and what to fix. */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly kind: StorageFaultKind,
    message: string,
  ) {
    super(message);
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Turns a filesystem error into a StorageError the operator can act on; other errors pass through. */
export function storageErrorOf(err: unknown, dir: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new StorageError(
      'disk-full',
      `recording disk full at ${dir} (${code}): free space or lower recording.retention limits`,
    );
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOTDIR' || code === 'EEXIST') {
    return new StorageError(
      'unwritable',
      `recording directory ${dir} is not writable (${code}): check that it exists, is a directory and that Vigil may write there`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

export class RecordingStorage {
  readonly root: string;
  readonly exportsRoot: string;

  constructor(root: string, exportsRoot: string) {
    this.root = path.resolve(root);
    this.exportsRoot = path.resolve(exportsRoot);
  }

  /** Where ffmpeg writes segments while they are open; closed ones move to their dated place. */
  incomingDir(cameraId: string): string {
    return path.join(this.root, cameraId, '.incoming');
  }

  /** Remuxed play ranges, rebuilt on demand and removed after an hour by retention. */
  /** Segments set aside (bad rows, short or empty files), with a note of why; pruned by retention. */
  quarantineDir(cameraId: string): string {
    return path.join(this.root, cameraId, 'quarantine');
  }

  get cacheDir(): string {
    return path.join(this.root, '.play-cache');
  }

  /**
   * The final place of a segment, relative to the root: camera/YYYY-MM-DD/HHMMSS.mmm.ts in UTC, named by
   * its wall-clock start to the millisecond (ffmpeg's own strftime names have 1 s resolution and collide
   * when ffmpeg flushes its probe buffer as a short first segment).
   */
  segmentRelPath(cameraId: string, startMs: number, ext = 'ts'): string {
    const d = new Date(startMs);
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
    return path.join(cameraId, day, `${time}.${ext}`);
  }

  abs(relPath: string): string {
    const full = path.resolve(this.root, relPath);
    // Index rows hold relative paths; refuse anything that would escape the root.
    if (!full.startsWith(this.root + path.sep)) throw new Error(`segment path ${relPath} is outside ${this.root}`);
    return full;
  }

  exportDir(exportId: string): string {
    return path.join(this.exportsRoot, exportId);
  }

  /** Creates dir and proves a file can be written there; throws StorageError otherwise. */
  async ensureWritable(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
      const probe = path.join(dir, `.write-test-${process.pid}`);
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
      await access(dir, constants.W_OK);
    } catch (err) {
      throw storageErrorOf(err, dir);
    }
  }

  /** Free bytes for unprivileged writers on the recording disk; null when the root does not exist yet. */
  async freeBytes(): Promise<number | null> {
    try {
      const s = await statfs(this.root);
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  }
}
