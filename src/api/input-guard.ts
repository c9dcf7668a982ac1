// One check at the edge for every request: path, query and body text must be clean Unicode (no NUL bytes,
// no unpaired surrogates: PostgreSQL refuses them mid-transaction), JSON must parse, multipart must be well formed.
import type { MiddlewareHandler } from 'hono';
import { BadInputError } from '../lib/errors.js';

const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with a piece of text, or null when it may go anywhere (SQL, logs, JSON). */
export function textProblem(s: string): string | null {
  if (NUL.test(s)) return 'contains a NUL byte (\\u0000): remove it';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate: send valid Unicode';
  return null;
}

function check(field: string, value: string): void {
  const problem = textProblem(value);
  if (problem) throw BadInputError.field(field, problem);
}

/** Every string in a parsed JSON value, keys included, with its dotted path: a 400 naming the first bad one. */
export function checkJson(value: unknown, path: string, depth = 0): void {
  if (depth > 64) throw BadInputError.field(path, 'nested more than 64 levels deep');
  if (typeof value === 'string') return check(path, value);
  if (Array.isArray(value)) return value.forEach((v, i) => checkJson(v, `${path}.${i}`, depth + 1));
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      check(`${path} key`, k);
      checkJson(v, `${path}.${k}`, depth + 1);
    }
  }
}

function checkPath(pathname: string): void {
  pathname.split('/').forEach((segment, i) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw BadInputError.field(`path segment ${i}`, `'${segment}' is not valid percent-encoding`);
    }
    check(`path segment ${i}`, decoded);
  });
}

function checkQuery(url: string): void {
  const search = url.indexOf('?');
  if (search < 0) return;
  for (const pair of url.slice(search + 1).split('&')) {
    const [rawKey, rawValue = ''] = pair.split('=', 2);
    const decode = (s: string, what: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        throw BadInputError.field(what, `'${s.slice(0, 40)}' is not valid percent-encoding`);
      }
    };
    const key = decode(rawKey, 'query');
    check(`query ${key}`, key);
    check(`query ${key}`, decode(rawValue, `query ${key}`));
  }
}

async function checkBody(req: Parameters<MiddlewareHandler>[0]['req']): Promise<void> {
  const type = (req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded') {
    let form: Record<string, unknown>;
    try {
      form = await req.parseBody({ all: true });
    } catch (err) {
      throw new BadInputError(
        `the ${type} body is malformed (${(err as Error).message}): send a well-formed form with its boundary in Content-Type`,
      );
    }
    for (const [field, value] of Object.entries(form)) {
      check(`field ${field}`, field);
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string') check(`field ${field}`, v);
        else if (v instanceof File) check(`field ${field} file name`, v.name);
      }
    }
    return;
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    const text = await req.text();
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new BadInputError(`the body must be JSON (Content-Type: application/json): ${(err as Error).message}`, [
        { field: 'body', message: 'not valid JSON' },
      ]);
    }
    return checkJson(value, 'body');
  }
  if (type.startsWith('text/')) {
    const text = await req.text();
    const line = text.split('\n').findIndex((l) => textProblem(l) !== null);
    if (line >= 0) throw BadInputError.field(`body line ${line + 1}`, textProblem(text.split('\n')[line]) as string);
  }
}

/** Runs before authentication's routes: a malformed request is a 400 that names the field, never a 500. */
/** Requests already checked: the sign-in routes are checked before authentication, the rest after it. */
const checked = new WeakSet<Request>();

export function inputGuard(): MiddlewareHandler {
  return async (c, next) => {
    if (checked.has(c.req.raw)) return next();
    checked.add(c.req.raw);
    checkPath(new URL(c.req.url).pathname);
    checkQuery(c.req.url);
    if (c.req.raw.body && c.req.method !== 'GET' && c.req.method !== 'HEAD') await checkBody(c.req);
    await next();
  };
}
