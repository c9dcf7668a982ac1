// `vigil footage export CAMERA[,CAMERA...] FROM TO OUT.mp4 --purpose TEXT | --case NUMBER`: asks the running
// API for a clip export, shows its progress, downloads the file(s) and the manifest, and checks each sha256.
// `vigil footage search ...` is in footage-search.ts.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Environment } from '../config/load.js';
import { sha256File } from '../recording/clip-writer.js';
import { footageSearchCli } from './footage-search.js';

const USAGE = `usage: vigil footage export CAMERA[,CAMERA...] FROM TO OUT.mp4 (--purpose TEXT | --case NUMBER) [--url URL]
  FROM, TO: ISO times with a zone, e.g. 2026-11-24T10:00:00+08:00
  several cameras: OUT names a directory that gets one CAMERA.mp4 each
  the clip is cut at keyframes (no re-encoding): it may start up to one keyframe interval before FROM and end after TO
  needs VIGIL_TOKEN (investigator, operator or admin) and VIGIL_URL (default http://127.0.0.1:8080)`;

interface ExportView {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  error: string | null;
  files: { name: string; cameraId: string; bytes: number; sha256: string; durationSeconds: number; url: string }[];
  manifest?: { files?: { camera: string; covers: { from: string; to: string }; gaps: unknown[] }[] } | null;
}

interface Parsed {
  cameras: string[];
  from: string;
  to: string;
  out: string;
  purpose?: string;
  case?: string;
  url: string;
}

export async function footageCli(
  args: string[],
  env: Environment,
  out: NodeJS.WritableStream,
  pollMs = 500,
): Promise<number> {
  if (args[0] === 'search') return footageSearchCli(args.slice(1), env, out);
  const parsed = parse(args, env);
  if (typeof parsed === 'string') {
    out.write(`${parsed ? `${parsed}\n` : ''}${USAGE}\n`);
    return 2;
  }
  if (!env.apiToken) {
    out.write('set VIGIL_TOKEN to an investigator, operator or admin token\n');
    return 2;
  }
  const api = async (pathname: string, init: RequestInit = {}) => {
    const res = await fetch(`${parsed.url}/api/v1${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${env.apiToken}`, 'content-type': 'application/json', ...init.headers },
    });
    return {
      res,
      body: res.headers.get('content-type')?.includes('json')
        ? ((await res.json()) as ExportView & { error?: string })
        : null,
    };
  };

  const created = await api('/exports', {
    method: 'POST',
    body: JSON.stringify({
      cameras: parsed.cameras,
      from: parsed.from,
      to: parsed.to,
      purpose: parsed.purpose,
      case: parsed.case,
    }),
  });
  if (created.res.status !== 202 || !created.body) {
    out.write(`export refused: ${created.body?.error ?? `HTTP ${created.res.status}`}\n`);
    return 1;
  }
  const bar = progressBar(out);
  let view = created.body;
  for (;;) {
    bar(view.progress, view.status);
    if (view.status === 'done' || view.status === 'failed') break;
    await new Promise((r) => setTimeout(r, pollMs));
    const next = await api(`/exports/${view.id}`);
    if (!next.body || next.res.status !== 200) {
      out.write(`\nexport ${view.id}: ${next.body?.error ?? `HTTP ${next.res.status}`}\n`);
      return 1;
    }
    view = next.body;
  }
  out.write('\n');
  if (view.status === 'failed') {
    out.write(`export ${view.id} failed: ${view.error}\n`);
    return 1;
  }
  return download(view, parsed, env.apiToken, out);
}

async function download(view: ExportView, p: Parsed, token: string, out: NodeJS.WritableStream): Promise<number> {
  const several = p.cameras.length > 1;
  if (several) await mkdir(p.out, { recursive: true });
  const target = (name: string) =>
    several ? path.join(p.out, name) : name === 'manifest.json' ? `${p.out}.manifest.json` : p.out;
  let bad = 0;
  for (const f of [
    ...view.files,
    { name: 'manifest.json', url: `/api/v1/exports/${view.id}/files/manifest.json`, sha256: null },
  ]) {
    const res = await fetch(new URL(f.url, p.url), { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok || !res.body) {
      out.write(`download ${f.name}: HTTP ${res.status}\n`);
      bad++;
      continue;
    }
    const file = target(f.name);
    await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(file));
    if (f.sha256 && (await sha256File(file)) !== f.sha256) {
      out.write(`${file}: sha256 does not match the manifest\n`);
      bad++;
    }
  }
  for (const f of view.files) {
    const entry = view.manifest?.files?.find((m) => m.camera === f.cameraId);
    const covers = entry ? `, covers ${entry.covers.from} .. ${entry.covers.to}` : '';
    const gaps = entry?.gaps.length ? `, ${entry.gaps.length} gap(s) without recording` : '';
    out.write(
      `${target(f.name)}: ${f.durationSeconds.toFixed(1)} s, ${f.bytes} bytes${covers}${gaps}, sha256 ${f.sha256}\n`,
    );
  }
  out.write(`export ${view.id}; manifest ${target('manifest.json')}\n`);
  return bad ? 1 : 0;
}

/** A bar redrawn in place on a terminal; on a pipe or file, one line per 10% so logs stay short. */
function progressBar(out: NodeJS.WritableStream): (fraction: number, status: string) => void {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  let lastStep = -1;
  return (fraction, status) => {
    const pct = Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
    const filled = Math.round(pct / 5);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(20 - filled)}] ${String(pct).padStart(3)}% ${status}`;
    if (tty) out.write(`\r${line}`);
    else if (Math.floor(pct / 10) !== lastStep || status === 'done' || status === 'failed') {
      lastStep = Math.floor(pct / 10);
      out.write(`${line}\n`);
    }
  };
}

function parse(args: string[], env: Environment): Parsed | string {
  const rest = [...args];
  if (rest[0] !== 'export') return rest.length ? `unknown footage command ${rest[0]}` : '';
  rest.shift();
  const opts: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--purpose' || a === '--case' || a === '--url') {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) return `${a} needs a value`;
      opts[a.slice(2)] = v;
    } else if (a.startsWith('--')) return `unknown option ${a}`;
    else positional.push(a);
  }
  if (positional.length !== 4) return 'give CAMERA FROM TO OUT';
  const [cameras, from, to, out] = positional;
  for (const [name, value] of [
    ['FROM', from],
    ['TO', to],
  ]) {
    if (!/(Z|[+-]\d\d:\d\d)$/i.test(value) || Number.isNaN(Date.parse(value)))
      return `${name}: give an ISO time with a zone, e.g. 2026-11-24T10:00:00+08:00 (got ${value})`;
  }
  if (!opts.purpose && !opts.case) return 'say why: --purpose TEXT or --case NUMBER (it goes to the audit log)';
  return {
    cameras: cameras.split(',').filter(Boolean),
    from,
    to,
    out,
    purpose: opts.purpose,
    case: opts.case,
    url: opts.url ?? env.apiUrl ?? 'http://127.0.0.1:8080',
  };
}
