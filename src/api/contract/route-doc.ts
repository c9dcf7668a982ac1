// What the API promises, route by route: the request and response schemas the OpenAPI document is made from.
// Each group of routes lists its RouteDocs in its own file (index.ts gathers them); routes parse with the
// same request schemas and answer views that satisfy the same response schemas, so the document cannot drift.
import { z } from 'zod';
import type { Role } from '../../store/token-repo.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseDoc {
  description: string;
  /** The body's schema; none for an empty body or a binary one. */
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

export interface RouteDoc {
  method: Method;
  /** The path under /api/v1 in OpenAPI form: '/alerts/{id}'. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Who may call it; 'any' is any authenticated principal. */
  roles: readonly Role[] | 'any';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema?: z.ZodType; contentType?: string; description?: string };
  /** Success statuses with their bodies; the error statuses listed in `errors` share errorBody. */
  responses: Record<number, ResponseDoc>;
  errors?: number[];
  /** GET also opens with a signed media URL (see /media-urls). */
  signedMedia?: boolean;
}

/** The one error body every 4xx and 5xx answers with. */
export const errorBody = z
  .object({
    error: z.string().describe('What went wrong and what to fix'),
    details: z.unknown().optional().describe('Per-field problems (`field: message`) or other machine-readable detail'),
  })
  .passthrough();

/** A page of a list: the items under `key`, the total that match, and the next page's offset (null at the end). */
export function pageOf<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({
    [key]: z.array(item),
    total: z.number().int().describe('Rows that match (counted up to 10,000)'),
    limit: z.number().int(),
    offset: z.number().int(),
    nextOffset: z.number().int().nullable(),
  } as { [P in K]: z.ZodArray<T> } & {
    total: z.ZodNumber;
    limit: z.ZodNumber;
    offset: z.ZodNumber;
    nextOffset: z.ZodNullable<z.ZodNumber>;
  });
}

export const isoTime = z.string().describe('ISO 8601 time, UTC');
export const idParams = z.object({ id: z.string().describe('UUID') });
