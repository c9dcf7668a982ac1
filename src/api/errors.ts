// The API's one error shape: {error, details?}; zod failures become 400s that name each bad field.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { ConflictError } from '../services/alert-service.js';

export function badRequest(message: string, details?: unknown): HTTPException {
  return new HTTPException(400, { res: Response.json({ error: message, details }, { status: 400 }) });
}

export function notFound(what: string): HTTPException {
  return new HTTPException(404, { res: Response.json({ error: `${what} not found` }, { status: 404 }) });
}

/** Parses a JSON body against a schema; a wrong shape is a 400 listing `path: problem` per field. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw badRequest('the body must be JSON (Content-Type: application/json)');
  }
  return parseOr400(schema, raw, 'body');
}

export function parseOr400<S extends z.ZodType>(schema: S, raw: unknown, where: string): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const details = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : where}: ${i.message}`);
    throw badRequest(`invalid ${where}: ${details.join('; ')}`, details);
  }
  return result.data;
}

export function onError(err: Error, c: Context, log: { error(m: string): void }): Response {
  if (err instanceof HTTPException) return err.getResponse();
  if (err instanceof ConflictError) return c.json({ error: err.message }, 409);
  if (err instanceof z.ZodError) return c.json({ error: 'invalid input', details: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 400);
  log.error(`${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
  return c.json({ error: 'internal error' }, 500);
}
