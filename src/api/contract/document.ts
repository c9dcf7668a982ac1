// The OpenAPI 3.1 document, made from the RouteDocs with zod's own JSON Schema output (z.toJSONSchema),
// so the schemas a route parses and answers with are the ones the document shows. Every route has its RouteDoc
// (test/contract.int.test.ts fails on one that has none).
import { z } from 'zod';
import { routeDocs } from './index.js';
import { errorBody, type RouteDoc } from './route-doc.js';

const ERROR_TEXT: Record<number, string> = {
  400: 'Bad input: the body says which field and what to fix',
  401: 'No credentials, or credentials nobody issued',
  403: 'The role or scope may not do this',
  404: 'Not found (ids that are not ids are 404s too)',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  422: 'Understood but cannot be done',
  429: 'Over a limit',
  503: 'A dependency is down (Redis, database)',
};

type Io = 'input' | 'output';
const jsonSchema = (schema: z.ZodType, io: Io) =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const s = jsonSchema(field as z.ZodType, 'input') as { description?: string };
    const required = where === 'path' || !(field as z.ZodType).safeParse(undefined).success;
    return { name, in: where, required, ...(s.description ? { description: s.description } : {}), schema: s };
  });
}

function operation(doc: RouteDoc) {
  const roles = doc.roles === 'any' ? 'any authenticated caller' : doc.roles.join(', ');
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    const type = r.contentType ?? 'application/json';
    responses[status] = {
      description: r.description,
      ...(r.schema || type !== 'application/json'
        ? { content: { [type]: r.schema ? { schema: jsonSchema(r.schema, 'output') } : {} } }
        : {}),
    };
  }
  for (const status of [401, ...(doc.roles === 'any' ? [] : [403]), ...(doc.errors ?? [])]) {
    responses[String(status)] ??= {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const body = doc.body && {
    required: true,
    ...(doc.body.description ? { description: doc.body.description } : {}),
    content: {
      [doc.body.contentType ?? 'application/json']: doc.body.schema
        ? { schema: jsonSchema(doc.body.schema, 'input') }
        : {},
    },
  };
  return {
    summary: doc.summary,
    description: [
      doc.description,
      `Roles: ${roles}.`,
      doc.signedMedia ? 'Also opens with a signed media URL (POST /media-urls).' : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags: doc.tags,
    parameters: [...parameters(doc.params, 'path'), ...parameters(doc.query, 'query')],
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of routeDocs) {
    const entry = (paths[doc.path] = { ...paths[doc.path] });
    entry[doc.method] = operation(doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil API',
      version: '1',
      description: 'Every answer is camelCase JSON; errors are {error, details?}. Interactive docs at /api/v1/docs.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token (devices, integrations)' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'vigil_session',
          description: 'A signed-in browser; writes also carry X-CSRF-Token',
        },
      },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
    paths,
  };
}

/** The RouteDoc a real request answers to, for tests that check answers against the document. */
export function docFor(method: string, path: string): RouteDoc | undefined {
  const m = method.toLowerCase();
  return matchers().find((x) => x.doc.method === m && x.pattern.test(path))?.doc;
}

// Built on first use (the group files fill routeDocs at import), fixed paths before templated ones
// so that '/exports/mine' is never taken for '/exports/{id}'.
let compiled: { doc: RouteDoc; pattern: RegExp }[] | undefined;
function matchers() {
  compiled ??= routeDocs
    .map((doc) => ({
      doc,
      pattern: new RegExp(`^${doc.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      templated: doc.path.includes('{'),
    }))
    .sort((a, b) => Number(a.templated) - Number(b.templated));
  return compiled;
}
