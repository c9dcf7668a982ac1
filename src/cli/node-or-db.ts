// Where a CLI admin command runs: in the database itself when no node holds it, else through the running
// node's API, so a running node sees every change (the embedded database admits one process: db-lock.ts).
import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { dataDirOf } from '../app/infra.js';
import { DbLockedError, type LockHolder } from '../store/db-lock.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';

/** A non-2xx answer from the node, with the node's own message. */
export class NodeApiError extends Error {
  override name = 'NodeApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface NodeApi {
  readonly url: string;
  /** Calls /api/v1<pathname> as VIGIL_TOKEN; resolves the JSON body of a 2xx answer, else throws NodeApiError. */
  call<T>(method: 'GET' | 'POST' | 'DELETE', pathname: string, body?: unknown): Promise<T>;
}

export type AdminTarget =
  /** Migrated and ready; the caller closes it. */
  | { kind: 'database'; db: Db }
  /** The running node; `holder` when it was found through the embedded database's lock. */
  | { kind: 'node'; api: NodeApi; holder: LockHolder | null };

/**
 * Chooses, in this order: VIGIL_URL when set (the operator named the node: never write a local database
 * nobody reads); PostgreSQL when DATABASE_URL is set (every node reads it at once); the embedded database
 * when no process holds it; else the node holding it, at the API URL its lock records. `example` is the
 * command as the user would retype it, for the message that says what to do.
 */
export async function nodeOrDb(loaded: LoadedConfig, example: string): Promise<AdminTarget> {
  const { env } = loaded;
  if (env.apiUrl)
    return {
      kind: 'node',
      api: nodeApi(env.apiUrl, requireToken(env.apiToken, example, null, env.apiUrl)),
      holder: null,
    };
  let db: Db;
  try {
    db = await openDb({ url: env.databaseUrl, dataDir: dataDirOf(loaded) });
  } catch (err) {
    if (!(err instanceof DbLockedError)) throw err;
    const url = err.holder.apiUrl ? reachable(err.holder.apiUrl) : null;
    if (!url) {
      throw new ConfigError(
        `${err.message}; it has published no API address yet (still starting, or no api role): set VIGIL_URL to its API and VIGIL_TOKEN to an admin token`,
      );
    }
    return { kind: 'node', api: nodeApi(url, requireToken(env.apiToken, example, err, url)), holder: err.holder };
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { kind: 'database', db };
}

function requireToken(token: string | undefined, example: string, locked: DbLockedError | null, url: string): string {
  if (token) return token;
  const who = locked
    ? `the node running as pid ${locked.holder.pid} (since ${locked.holder.startedAt}) holds the embedded database ${locked.dir}, so this must go through its API at ${url}`
    : `VIGIL_URL names the node ${url}, so this goes through its API`;
  throw new ConfigError(
    `${who}, as an admin: set VIGIL_TOKEN to an admin token and run it again:\n` +
      `  VIGIL_TOKEN=<admin token> ${example}\n` +
      (locked
        ? 'No admin token yet? Stop the node, run the command again (it then opens the database itself), and start the node.'
        : 'Or unset VIGIL_URL to open the local database of a stopped node.'),
  );
}

/** A node listening on every address (0.0.0.0, ::) answers on loopback. */
function reachable(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]' || u.hostname === '::') u.hostname = '127.0.0.1';
  return u.origin;
}

export function nodeApi(baseUrl: string, token: string): NodeApi {
  const url = baseUrl.replace(/\/+$/, '');
  return {
    url,
    async call<T>(method: 'GET' | 'POST' | 'DELETE', pathname: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${url}/api/v1${pathname}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new NodeApiError(
          0,
          `cannot reach the node at ${url} (${cause?.code ?? cause?.message ?? (err as Error).message}): is it running? (VIGIL_URL sets its address)`,
        );
      }
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      if (res.ok) return parsed as T;
      const said = (parsed as { error?: string } | null)?.error ?? (text.slice(0, 200) || res.statusText);
      if (res.status === 401)
        throw new NodeApiError(
          401,
          `the node at ${url} does not know VIGIL_TOKEN (${said}): use a live admin token of that node`,
        );
      if (res.status === 403) throw new NodeApiError(403, `VIGIL_TOKEN is not an admin token (${said})`);
      throw new NodeApiError(res.status, `the node at ${url} refused (${res.status}): ${said}`);
    },
  };
}
