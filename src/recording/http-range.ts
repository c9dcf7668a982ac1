// Serves a file over HTTP with single byte-range requests (RFC 9110): 200 whole, 206 with Content-Range,
// 416 when the range lies outside the file, so video players can seek in segments and clips.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

export type RangeResult =
  { kind: 'whole' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * Parses a Range header for a file of `size` bytes. Only one range is served: a multi-range request gets
 * the whole file (allowed by the RFC), which players never ask for anyway.
 */
export function parseRange(header: string | undefined, size: number): RangeResult {
  if (!header) return { kind: 'whole' };
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  let start: number;
  let end: number;
  if (m[1] === '') {
    // Suffix range: the last N bytes.
    const n = Number(m[2]);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return { kind: 'whole' };
  }
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

export interface FileResponseOptions {
  contentType: string;
  /** Suggested download name (Content-Disposition: attachment). */
  downloadName?: string;
  headers?: Record<string, string>;
}

export async function fileResponse(
  file: string,
  rangeHeader: string | undefined,
  o: FileResponseOptions,
): Promise<Response> {
  const { size } = await stat(file);
  const headers: Record<string, string> = {
    'content-type': o.contentType,
    'accept-ranges': 'bytes',
    // Evidence: no shared caches.
    'cache-control': 'private, no-store',
    ...o.headers,
  };
  if (o.downloadName)
    headers['content-disposition'] = `attachment; filename="${o.downloadName.replace(/[^\w.-]/g, '_')}"`;
  const range = parseRange(rangeHeader, size);
  if (range.kind === 'unsatisfiable') {
    // The one error shape even here: the player gets the size in content-range, a person the reason.
    const error = `the range ${rangeHeader} lies outside the file of ${size} bytes: ask for bytes 0-${Math.max(0, size - 1)}`;
    const { 'content-disposition': _unused, ...rest } = headers;
    return new Response(JSON.stringify({ error }), {
      status: 416,
      headers: { ...rest, 'content-type': 'application/json', 'content-range': `bytes */${size}` },
    });
  }
  const [start, end, status] = range.kind === 'partial' ? [range.start, range.end, 206] : [0, size - 1, 200];
  if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${size}`;
  headers['content-length'] = String(size === 0 ? 0 : end - start + 1);
  const body =
    size === 0 ? null : (Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status, headers });
}
