// Shared body of the process entry points: load the config, run the given roles until a signal.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, readEnvironment } from '../src/config/load.js';
import { runStart } from '../src/cli/start.js';
import { createLogger } from '../src/lib/logger.js';
import type { NodeRole } from '../src/app/start.js';

const defaultConfig = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../config/default.yaml');

export async function runRoles(roles: NodeRole[]): Promise<void> {
  const env = readEnvironment();
  try {
    const code = await runStart(
      loadConfig(env.configFile ?? defaultConfig, env),
      ['--roles', roles.join(',')],
      createLogger(roles.join('+')),
    );
    process.exit(code);
  } catch (err) {
    // Faults the operator can fix (config, a taken port) read as one line; anything else keeps its stack.
    const known = err instanceof ConfigError || (err as Error).name === 'StartupError';
    process.stderr.write(`vigil: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
