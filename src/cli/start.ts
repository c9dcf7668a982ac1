// `vigil start`: runs a node until SIGINT/SIGTERM (or a fault it cannot run on), printing the URLs
// and the demo tokens; owns the process-wide parts: signals, the child pid file, the exit deadline.
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import type { Logger } from '../lib/logger.js';
import { children, reapLeftovers } from '../lib/children.js';
import { dataDirOf } from '../app/infra.js';
import { ROLES, startNode, type NodeRole, type Running } from '../app/start.js';
import { takeOption } from './args.js';

/** After the first stop signal the node exits within this, finished or not. */
const EXIT_DEADLINE_MS = 10_000;
/** A repeat of the stop signal sooner than this is the same Ctrl-C (npm forwards the terminal's SIGINT), not a second one. */
const REPEAT_MS = 1000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function runStart(loaded: LoadedConfig, args: string[], log: Logger): Promise<number> {
  const roles = parseRoles(args);
  log.info(`config: ${loaded.file}`);
  // What a SIGKILLed run of this data directory left (redis-server, RTSP server, ffmpeg) holds its ports and files.
  const runDir = path.join(dataDirOf(loaded), 'run');
  await reapLeftovers(runDir, log);
  children.persistTo(runDir);
  // Listening before start-up: a Ctrl-C while the node starts stops it once it has started, with nothing orphaned.
  const stopRequest = listenForStop(log);
  let stopAsked = false;
  void stopRequest.then(() => (stopAsked = true));
  const node = await startNode(loaded, log, { roles });
  if (!stopAsked) printBanner(node);

  const reason = await Promise.race([stopRequest, node.infra.fatal]);
  const failed = reason instanceof Error;
  if (failed) log.error(`stopping: ${reason.message}`);
  else
    log.info(`stopping (${reason}): cameras, API, workers, queues, database, then Redis; Ctrl-C again to exit at once`);
  const deadline = setTimeout(() => {
    log.error(`shutdown not finished after ${EXIT_DEADLINE_MS / 1000} s; exiting (children are killed on exit)`);
    process.exit(1);
  }, EXIT_DEADLINE_MS);
  deadline.unref();
  await node.stop();
  clearTimeout(deadline);
  log.info('stopped');
  return failed ? 1 : 0;
}

function parseRoles(args: string[]): NodeRole[] | undefined {
  const rolesArg = takeOption(args, '--roles');
  if (args.length)
    throw new ConfigError(
      `start: unknown argument ${args[0]}; usage: vigil start [--config FILE] [--roles ${ROLES.join(',')}]`,
    );
  if (rolesArg === undefined) return undefined;
  const roles = rolesArg
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length || !roles.length)
    throw new ConfigError(
      `--roles: unknown role ${unknown.join(', ') || '(none given)'}; expected some of ${ROLES.join(', ')}`,
    );
  return roles as NodeRole[];
}

/** What listenForStop needs of the process; tests pass an EventEmitter and a recording exit. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/** Resolves with the first stop signal; a second one (not the same Ctrl-C forwarded) exits at once with 130. */
export function listenForStop(
  log: Logger,
  source: SignalSource = process,
  repeatMs = REPEAT_MS,
): Promise<NodeJS.Signals> {
  let firstAt: number | null = null;
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (firstAt === null) {
        firstAt = Date.now();
        resolve(signal);
        return;
      }
      if (Date.now() - firstAt < repeatMs) return;
      log.warn(`${signal} again: exiting now, without finishing the shutdown`);
      source.exit(130);
    };
    for (const s of STOP_SIGNALS) source.on(s, onSignal);
  });
}

function printBanner(node: Running): void {
  const lines = ['', 'Vigil is running.'];
  if (node.url)
    lines.push(
      `  command room:  ${node.url}/`,
      `  API:           ${node.url}/api/v1  (OpenAPI: ${node.url}/api/v1/openapi.json)`,
    );
  if (node.demo?.tokens.length) {
    lines.push('  demo tokens (new at every start; use as "Authorization: Bearer <token>"):');
    for (const t of node.demo.tokens) lines.push(`    ${t.role.padEnd(12)} ${t.name.padEnd(24)} ${t.token}`);
    if (node.url) {
      const unit = node.demo.tokens.find((t) => t.role === 'unit');
      if (unit)
        lines.push(
          `  watch a unit's stream:  curl -N -H "Authorization: Bearer ${unit.token}" ${node.url}/api/v1/stream`,
        );
    }
  }
  lines.push('  stop with Ctrl-C', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}
