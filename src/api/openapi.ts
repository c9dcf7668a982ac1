// The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.
type Op = { summary: string; roles: string; query?: string[]; body?: string; form?: string };

const ops: Record<string, Record<string, Op>> = {
  '/admin/audit': { get: { summary: 'Audit log entries', roles: 'admin', query: ['after', 'action', 'limit'] } },
  '/admin/audit/verify': { get: { summary: 'Re-compute the audit hash chain', roles: 'admin' } },
  '/admin/jobs/failed': { get: { summary: 'Failed queue jobs with their reasons', roles: 'admin' } },
};

const schemas = {
  Reason: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(ops)) {
    paths[path] = Object.fromEntries(
      Object.entries(methods).map(([method, op]) => [
        method,
        {
          summary: op.summary,
          description: `Roles: ${op.roles}`,
          parameters: (op.query ?? []).map((q) => ({ name: q.split(' ')[0], in: 'query', schema: { type: 'string' }, description: q })),
          ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } } } } : {}),
          ...(op.form ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { $ref: `#/components/schemas/${op.form}` } } } } } : {}),
          responses: { '200': { description: 'OK' }, '400': { description: 'Invalid input: {error, details}' }, '401': { description: 'No or bad token' }, '403': { description: 'Role not allowed' } },
        },
      ]),
    );
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Vigil API', version: '1' },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    paths,
  };
}
