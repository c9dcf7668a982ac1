// Files an existing video as a camera's recording (segmented by stream copy at a given wall start): for
// footage handed in from elsewhere, and for tests and benchmarks that need hours of segments in seconds.
import path from 'node:path';
import type { Segment } from '../store/segment-repo.js';
import { runTool, type ToolPaths } from './probe.js';
import { SegmentListParser, type ClosedSegment } from './segment-list.js';
import type { SegmentFiler } from './segment-filer.js';
import type { RecordingStorage } from './storage.js';

export interface ImportOptions {
  file: string;
  cameraId: string;
  /** Wall time of the file's first frame. */
  startMs: number;
  segmentSeconds: number;
  /** Play the file this many times in a row (a 10 s fixture x 60 = 10 minutes). Default 1. */
  repeat?: number;
  storage: RecordingStorage;
  filer: SegmentFiler;
  tools?: ToolPaths;
}

/** The segments indexed, oldest first; any the filer set aside are left out (its onSetAside hears of them). */
export async function importFootage(o: ImportOptions): Promise<Segment[]> {
  const dir = o.storage.incomingDir(o.cameraId);
  await o.storage.ensureWritable(dir);
  const run = `i${Date.now().toString(36)}`;
  const closed: ClosedSegment[] = [];
  const parser = new SegmentListParser();
  await runTool(
    o.tools?.ffmpeg ?? 'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
      ...['-stream_loop', String((o.repeat ?? 1) - 1), '-i', o.file],
      ...[
        '-map',
        '0:v:0',
        '-c',
        'copy',
        '-f',
        'segment',
        '-segment_format',
        'mpegts',
        '-segment_time',
        String(o.segmentSeconds),
      ],
      ...['-reset_timestamps', '1', '-segment_list', 'pipe:1', '-segment_list_type', 'csv'],
      path.join(dir, `${run}-%06d.ts`),
    ],
    (text) => closed.push(...parser.push(text)),
  );
  // One bad segment is set aside by the filer (which says so); the rest of the file is still imported.
  const segments: Segment[] = [];
  let lastEndMs = -Infinity;
  for (const c of closed) {
    const startMs = Math.max(o.startMs + Math.round(c.startRel * 1000), lastEndMs);
    const pending = await o.filer.markClosed(o.cameraId, c.file, startMs, o.startMs + Math.round(c.endRel * 1000));
    const segment = pending && (await o.filer.commit(pending));
    if (!segment) continue;
    lastEndMs = segment.endAt.getTime();
    segments.push(segment);
  }
  return segments;
}
