// `vigil start`: runs a node until SIGINT/SIGTERM, printing the URLs and the demo tokens.
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import type { Logger } from '../lib/logger.js';
import { ROLES, startNode, type NodeRole } from '../app/start.js';
import { takeOption } from './args.js';

export async function runStart(loaded: LoadedConfig, args: string[], log: Logger): Promise<number> {
  const rolesArg = takeOption(args, '--roles');
  const roles = rolesArg?.split(',').map((r) => r.trim()) as NodeRole[] | undefined;
  const unknown = roles?.filter((r) => !ROLES.includes(r));
  if (unknown?.length) throw new ConfigError(`--roles: unknown role ${unknown.join(', ')}; expected some of ${ROLES.join(', ')}`);
  log.info(`config: ${loaded.file}`);
  const node = await startNode(loaded, log, { roles });
  const lines = ['', 'Vigil is running.'];
  if (node.url) lines.push(`  command room:  ${node.url}/`, `  API:           ${node.url}/api/v1  (OpenAPI: ${node.url}/api/v1/openapi.json)`);
  if (node.demo) {
    lines.push('  demo tokens (new at every start; use as "Authorization: Bearer <token>"):');
    for (const t of node.demo.tokens) lines.push(`    ${t.role.padEnd(12)} ${t.name.padEnd(24)} ${t.token}`);
    if (node.url) {
      const unit = node.demo.tokens.find((t) => t.role === 'unit');
      if (unit) lines.push(`  watch a unit's stream:  curl -N -H "Authorization: Bearer ${unit.token}" ${node.url}/api/v1/stream`);
    }
  }
  lines.push('  stop with Ctrl-C', '');
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping: cameras, API, workers, queues, database');
  await node.stop();
  return 0;
}
