// `vigil tokens create` and `vigil audit verify`: direct database commands for administrators.
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { dataDirOf } from '../app/infra.js';
import { AuditRepo } from '../store/audit-repo.js';
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { ROLES, TokenRepo, type Role } from '../store/token-repo.js';
import { takeFlag, takeOption } from './args.js';

/**
 * With the embedded database these run while the node is stopped (PGlite is one process);
 * with DATABASE_URL, at any time.
 */
export async function runTokens(loaded: LoadedConfig, args: string[], out: NodeJS.WritableStream): Promise<number> {
  const verify = takeFlag(args, '--verify-audit');
  const role = takeOption(args, '--role');
  const name = takeOption(args, '--name');
  const subject = takeOption(args, '--subject') ?? null;
  if (!verify && (!role || !ROLES.includes(role as Role))) throw new ConfigError(`--role: expected one of ${ROLES.join(', ')}`);
  if (!verify && !name) throw new ConfigError('--name: say who or what the token is for');
  const db = await openDb({ url: loaded.env.databaseUrl, dataDir: dataDirOf(loaded) });
  try {
    await migrate(db);
    const audit = new AuditRepo(db);
    if (verify) {
      const result = await audit.verify();
      out.write(`${JSON.stringify(result)}\n`);
      return result.brokenAt === null ? 0 : 1;
    }
    const { token, principal } = await new TokenRepo(db).create(name as string, role as Role, subject);
    await audit.append({ actor: 'cli', role: 'admin', action: 'token.create', target: principal.tokenId, details: { name, role, subject } });
    out.write(`${token}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
