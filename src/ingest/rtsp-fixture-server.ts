// Runs scripts/rtsp-server.py (GStreamer) to serve fixture videos over RTSP, looping, for tests and the demo.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnChild } from '../lib/children.js';

export interface RtspFixtureStream {
  /** Mount path such as `/checkpoint`; the leading slash may be left out. */
  mount: string;
  /** MP4 file with an H.264 video track. */
  file: string;
}

export interface RtspFixtureServerOptions {
  /** TCP port on 127.0.0.1; when left out the server binds a free one itself (no race with other tests). */
  port?: number;
  streams: RtspFixtureStream[];
  /** Interpreter that has Debian's python3-gi. Default /usr/bin/python3 (a venv's python would lack gi). */
  python?: string;
  /** How long to wait for the server's "ready" line. Default 20 000 ms. */
  readyTimeoutMs?: number;
  /** Seconds the served cameras' clock runs ahead of this host's (negative: behind), in RTCP sender reports. Default 0. */
  clockOffsetSeconds?: number;
}

export interface RtspFixtureServer {
  readonly port: number;
  /** rtsp://127.0.0.1:PORT/mount for one of the served mounts. */
  url(mount: string): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. Safe to call twice. */
  stop(): Promise<void>;
}

/** The server could not start: missing packages, a bad file, a taken port, or no ready line in time. */
export class RtspFixtureServerError extends Error {
  override name = 'RtspFixtureServerError';
}

export const RTSP_SERVER_PACKAGES = [
  'gir1.2-gst-rtsp-server-1.0',
  'python3-gi',
  'gstreamer1.0-plugins-base',
  'gstreamer1.0-plugins-good',
  'gstreamer1.0-plugins-bad',
];
const INSTALL_HINT = `install: sudo apt-get install -y ${RTSP_SERVER_PACKAGES.join(' ')} (or run: bash scripts/setup.sh --test)`;
const SCRIPT = fileURLToPath(new URL('../../scripts/rtsp-server.py', import.meta.url));
/** rtsp-server.py's exit code for missing GStreamer bindings or plugins; its stderr names them. */
const EXIT_MISSING_PACKAGES = 3;

function normalizeMount(mount: string): string {
  return mount.startsWith('/') ? mount : `/${mount}`;
}

export async function startRtspFixtureServer(opts: RtspFixtureServerOptions): Promise<RtspFixtureServer> {
  if (!opts.streams.length) throw new RtspFixtureServerError('startRtspFixtureServer needs at least one stream');
  const python = opts.python ?? '/usr/bin/python3';
  if (!existsSync(python))
    throw new RtspFixtureServerError(
      `${python} not found; the RTSP fixture server needs Debian's python3 with GStreamer; ${INSTALL_HINT}`,
    );
  const mounts = opts.streams.map((s) => normalizeMount(s.mount));
  const args = [SCRIPT, '--port', String(opts.port ?? 0), '--address', '127.0.0.1'];
  opts.streams.forEach((s, i) => args.push('--file', s.file, '--mount', mounts[i]));
  if (opts.clockOffsetSeconds) args.push('--clock-offset', String(opts.clockOffsetSeconds));

  // In the child registry: killed when this process exits, reaped at the next start after a SIGKILL.
  const child = spawnChild(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  // Kept short: only the reason it failed to start matters; GStreamer's later warnings are drained and dropped.
  child.stderr?.on('data', (text: string) => (stderr = (stderr + text).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let port: number;
  try {
    port = await waitForReady(child, () => stderr, opts.readyTimeoutMs ?? 20_000);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }

  let stopping: Promise<void> | null = null;
  return {
    port,
    url(mount: string): string {
      const m = normalizeMount(mount);
      if (!mounts.includes(m))
        throw new RtspFixtureServerError(`no mount ${m} on this server (it serves ${mounts.join(', ')})`);
      return `rtsp://127.0.0.1:${port}${m}`;
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function waitForReady(child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => fail(`no "ready" line within ${timeoutMs} ms; stderr: ${stderr().trim() || '(empty)'}`),
      timeoutMs,
    );
    const onData = (text: string) => {
      stdout += text;
      const port = /^ready port=(\d+)/m.exec(stdout)?.[1];
      if (port) done(() => resolve(Number(port)));
    };
    const onClose = (code: number | null) => {
      const detail = stderr().trim() || '(no output)';
      if (code === EXIT_MISSING_PACKAGES) fail(`GStreamer RTSP server packages missing: ${detail}`);
      else fail(`RTSP fixture server exited with code ${code} before it was ready: ${detail}`);
    };
    const onError = (err: Error) => fail(`cannot run the RTSP fixture server: ${err.message}; ${INSTALL_HINT}`);
    const done = (settle: () => void) => {
      clearTimeout(timer);
      child.removeListener('close', onClose);
      child.removeListener('error', onError);
      // Keep draining stdout so the server never blocks on a full pipe.
      child.stdout?.removeListener('data', onData);
      child.stdout?.resume();
      settle();
    };
    const fail = (message: string) => done(() => reject(new RtspFixtureServerError(message)));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', onData);
    child.once('close', onClose);
    child.once('error', onError);
  });
}
