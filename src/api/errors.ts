// The API's one error shape, {error, details?}, and the one place errors become HTTP statuses (onError);
// plus the edge helpers routes use: zod bodies and queries that name each bad field, and id path params.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { AppError, BadInputError, NotFoundError, type FieldIssue } from '../lib/errors.js';
import { checkJson } from './input-guard.js';

const STATUS: Record<AppError['kind'], ContentfulStatusCode> = {
  bad_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unprocessable: 422,
  limited: 429,
  unavailable: 503,
};

/** A 400 with a message (and optional per-field details). Kept for call sites that build their own message. */
export function badRequest(message: string, details?: FieldIssue[]): BadInputError {
  return new BadInputError(message, details);
}

export function notFound(what: string): NotFoundError {
  return new NotFoundError(`${what} not found`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string | undefined): v is string => v !== undefined && UUID.test(v);

/** A path parameter that must be a UUID: anything else names nothing, so it is a 404 (not a database error). */
export function uuidParam(c: Context, name: string, what: string): string {
  const value = c.req.param(name);
  if (!isUuid(value)) throw new NotFoundError(`${what} ${value ?? ''} not found (ids are UUIDs)`.replace('  ', ' '));
  return value;
}

/** Parses a JSON body against a schema; a wrong shape is a 400 listing `path: problem` per field. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw badRequest('the body must be JSON (Content-Type: application/json)');
  }
  // The guard checks JSON sent as JSON; this also covers JSON sent under another Content-Type.
  checkJson(raw, 'body');
  return parseOr400(schema, raw, 'body');
}

export function issuesOf(error: z.ZodError, where: string): FieldIssue[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : where, message: i.message }));
}

export function parseOr400<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = issuesOf(result.error, where);
    throw new BadInputError(`invalid ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
  }
  return result.data;
}

export interface ErrorLog {
  error(m: string): void;
}

/** Every error a route throws ends here: vocabulary errors get their status, anything else is a logged 500. */
export function onError(err: Error, c: Context, log: ErrorLog): Response {
  if (err instanceof AppError) {
    const headers: Record<string, string> = err.kind === 'unauthenticated' ? { 'WWW-Authenticate': 'Bearer' } : {};
    // A rate limit says when to come back (RFC 9110 Retry-After, in seconds).
    if (err.kind === 'limited' && typeof err.extra?.retryAfterS === 'number')
      headers['Retry-After'] = String(err.extra.retryAfterS);
    return c.json(
      { ...err.extra, error: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
      STATUS[err.kind],
      headers,
    );
  }
  if (err instanceof z.ZodError) {
    const issues = issuesOf(err, 'input');
    return c.json(
      {
        error: `invalid input: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        details: issues.map((i) => `${i.field}: ${i.message}`),
      },
      400,
    );
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own middleware (none is used today) answers with plain text: rewrap it in the API's shape.
    return c.json({ error: err.message || `HTTP ${err.status}` }, err.status as ContentfulStatusCode);
  }
  const cause = err.cause instanceof Error ? `\ncaused by: ${err.cause.stack ?? err.cause.message}` : '';
  log.error(`${c.req.method} ${c.req.path}: ${err.stack ?? err.message}${cause}`);
  return c.json(
    { error: 'internal error: the request was not completed; it is logged on the server (say when it happened)' },
    500,
  );
}
