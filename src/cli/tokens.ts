// `vigil tokens create` and `vigil audit verify`: in a stopped node's database, or through the running node's API.
import os from 'node:os';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { createToken, tokenCreateSchema, type TokenCreate } from '../services/token-admin.js';
import { AuditRepo } from '../store/audit-repo.js';
import { TokenRepo } from '../store/token-repo.js';
import { takeFlag, takeOption } from './args.js';
import { NodeApiError, nodeOrDb } from './node-or-db.js';

interface VerifyResult {
  entries: number;
  brokenAt: number | null;
}

/**
 * With the node stopped (or DATABASE_URL set) these open the database themselves; while the node runs
 * (it holds the embedded database) they go through its API as VIGIL_TOKEN, so the node sees the token at once.
 */
export async function runTokens(
  loaded: LoadedConfig,
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const verify = takeFlag(args, '--verify-audit');
  const input = verify ? null : parseCreate(args);
  const target = await nodeOrDb(loaded, input ? exampleOf(input) : 'vigil audit verify');
  try {
    if (target.kind === 'node') {
      err.write(`(through the running node at ${target.api.url})\n`);
      if (verify) return printVerify(await target.api.call<VerifyResult>('GET', '/admin/audit/verify'), out);
      const made = await target.api.call<{ token: string }>('POST', '/admin/tokens', input);
      out.write(`${made.token}\n`);
      return 0;
    }
    if (verify) return printVerify(await new AuditRepo(target.db).verify(), out);
    const { token } = await createToken(new TokenRepo(target.db), input as TokenCreate, {
      name: `cli:${os.userInfo().username}`,
      role: 'admin',
    });
    out.write(`${token}\n`);
    return 0;
  } catch (e) {
    if (e instanceof NodeApiError) {
      err.write(`vigil: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    if (target.kind === 'database') await target.db.close();
  }
}

function parseCreate(args: string[]): TokenCreate {
  const raw = {
    role: takeOption(args, '--role'),
    name: takeOption(args, '--name'),
    subject: takeOption(args, '--subject'),
  };
  const parsed = tokenCreateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = `--${String(issue.path[0] ?? 'role')}`;
    throw new ConfigError(
      raw[issue.path[0] as keyof typeof raw] === undefined && flag !== '--subject'
        ? `${flag} is required (${issue.message})`
        : `${flag}: ${issue.message}`,
    );
  }
  return parsed.data;
}

const quote = (s: string) => (/^[\w.:@/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const exampleOf = (i: TokenCreate) =>
  `vigil tokens create --role ${i.role} --name ${quote(i.name)}${i.subject ? ` --subject ${quote(i.subject)}` : ''}`;

function printVerify(result: VerifyResult, out: NodeJS.WritableStream): number {
  out.write(`${JSON.stringify(result)}\n`);
  return result.brokenAt === null ? 0 : 1;
}
