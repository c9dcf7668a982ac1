// `vigil users create|list|reset-password|unlock`: in a stopped node's database, or through the running
// node's API (never both: node-or-db.ts picks one). create and reset-password print a one-time password.
import os from 'node:os';
import type { AccountsConfig } from '../config/accounts.js';
import { accountsSchema } from '../config/accounts.js';
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { AccountsContext } from '../accounts/accounts-context.js';
import { createUser, resetPassword, unlockUser, userCreateSchema, type UserCreate } from '../accounts/user-admin.js';
import { toUserView, type UserView } from '../accounts/views.js';
import { takeOption } from './args.js';
import { NodeApiError, nodeOrDb, type AdminTarget } from './node-or-db.js';

const USAGE =
  'vigil users create --role ROLE [--role ROLE...] [--name "Display Name"] [--subject ID] [--district D...] [--camera C...] USERNAME';

function takeAll(args: string[], name: string): string[] {
  const out: string[] = [];
  for (let v = takeOption(args, name); v !== undefined; v = takeOption(args, name)) out.push(v);
  return out;
}

function parseCreate(args: string[]): UserCreate {
  const roles = takeAll(args, '--role');
  const displayName = takeOption(args, '--name');
  const subject = takeOption(args, '--subject');
  const districts = takeAll(args, '--district');
  const cameras = takeAll(args, '--camera');
  const [username, ...rest] = args;
  if (!username || rest.length) throw new ConfigError(`usage: ${USAGE}`);
  if (!roles.length) throw new ConfigError(`--role is required (one or more of the roles): ${USAGE}`);
  const raw = {
    username,
    displayName: displayName ?? username,
    roles,
    subject,
    scope: districts.length || cameras.length ? { districts, cameras } : null,
  };
  const parsed = userCreateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? 'username');
    throw new ConfigError(
      `${field === 'username' ? 'USERNAME' : `--${field === 'displayName' ? 'name' : field}`}: ${issue.message}`,
    );
  }
  return parsed.data;
}

const quote = (s: string) => (/^[\w.:@/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const cliActor = () => ({ name: `cli:${os.userInfo().username}`, role: 'admin' });

export async function runUsers(
  loaded: LoadedConfig,
  sub: string,
  args: string[],
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  // The command as the user would retype it (for the message that says how to go through the node).
  const example = ['vigil', 'users', sub, ...args.map(quote)].join(' ');
  const input = sub === 'create' ? parseCreate(args) : null;
  const username = sub === 'create' ? input!.username : args[0];
  if (sub !== 'list' && !username) throw new ConfigError(`usage: vigil users ${sub} USERNAME`);
  const target = await nodeOrDb(loaded, example);
  try {
    if (target.kind === 'node') err.write(`(through the running node at ${target.api.url})\n`);
    return await run(target, sub, input, username, out, accountsOf(loaded));
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

const accountsOf = (loaded: LoadedConfig): AccountsConfig => loaded.config.accounts ?? accountsSchema.parse({});

async function run(
  target: AdminTarget,
  sub: string,
  input: UserCreate | null,
  username: string | undefined,
  out: NodeJS.WritableStream,
  cfg: AccountsConfig,
): Promise<number> {
  const printPassword = (user: UserView, password: string) => {
    out.write(`${password}\n`);
    process.stderr.write(
      `one-time password of ${user.username} (${user.roles.join(', ')}): shown once; it must be changed at the first sign-in\n`,
    );
    return 0;
  };
  if (target.kind === 'node') {
    const api = target.api;
    const find = async () => {
      const { users } = await api.call<{ users: UserView[] }>('GET', '/users');
      const u = users.find((x) => x.username === username!.toLowerCase());
      if (!u) throw new NodeApiError(404, `no user ${username}`);
      return u;
    };
    if (sub === 'create') {
      const made = await api.call<{ user: UserView; oneTimePassword: string }>('POST', '/users', input);
      return printPassword(made.user, made.oneTimePassword);
    }
    if (sub === 'list') return list((await api.call<{ users: UserView[] }>('GET', '/users')).users, out);
    const u = await find();
    if (sub === 'reset-password') {
      const reset = await api.call<{ user: UserView; oneTimePassword: string }>(
        'POST',
        `/users/${u.id}/password-reset`,
      );
      return printPassword(reset.user, reset.oneTimePassword);
    }
    if (sub === 'unlock') {
      await api.call('POST', `/users/${u.id}/unlock`);
      return 0;
    }
    throw new ConfigError(`unknown: vigil users ${sub}`);
  }
  const ctx = new AccountsContext(target.db, cfg);
  if (sub === 'create') {
    const made = await createUser(ctx, input!, cliActor());
    return printPassword(toUserView(made.user, new Date()), made.oneTimePassword);
  }
  if (sub === 'list')
    return list(
      (await ctx.users.list()).map((u) => toUserView(u, new Date())),
      out,
    );
  const user = await ctx.users.byUsername(username!);
  if (!user) throw new ConfigError(`no user ${username}`);
  if (sub === 'reset-password') {
    const reset = await resetPassword(ctx, user.id, cliActor());
    return printPassword(toUserView(reset.user, new Date()), reset.oneTimePassword);
  }
  if (sub === 'unlock') {
    await unlockUser(ctx, user.id, cliActor());
    return 0;
  }
  throw new ConfigError(`unknown: vigil users ${sub}`);
}

function list(users: UserView[], out: NodeJS.WritableStream): number {
  for (const u of users) {
    const flags = [
      u.disabledAt ? 'disabled' : '',
      u.lockedUntil ? `locked until ${u.lockedUntil}` : '',
      u.mustChangePassword ? 'first password' : '',
      u.totpEnabled ? 'totp' : '',
    ].filter(Boolean);
    out.write(
      `${u.username.padEnd(20)} ${u.roles.join(',').padEnd(24)} ${u.displayName}${flags.length ? `  (${flags.join(', ')})` : ''}\n`,
    );
  }
  return 0;
}
