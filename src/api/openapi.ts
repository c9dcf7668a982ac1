// The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.
type Op = { summary: string; roles: string; query?: string[]; body?: string };

const ops: Record<string, Record<string, Op>> = {
  '/cameras': { get: { summary: 'Cameras with live status (online, last frame, fps, restarts)', roles: 'admin, operator, investigator, checkpoint' } },
  '/hotlist': {
    get: { summary: 'List live hotlist entries', roles: 'admin, operator, investigator, checkpoint', query: ['plate', 'category', 'include_inactive', 'limit', 'offset'] },
    post: { summary: 'Add an entry (plate or pattern, category, reason, source, priority, expires_at, why)', roles: 'admin, operator', body: 'HotlistCreate' },
  },
  '/hotlist/{id}': {
    get: { summary: 'One entry', roles: 'admin, operator, investigator, checkpoint' },
    patch: { summary: 'Change category, reason, source, priority, expiry or active (with why)', roles: 'admin, operator', body: 'HotlistPatch' },
    delete: { summary: 'Deactivate an entry (?why=...)', roles: 'admin, operator', query: ['why'] },
  },
  '/hotlist/import': { post: { summary: 'Import a CSV (text/csv body, ?why=...); returns imported count and per-row errors', roles: 'admin, operator', query: ['why'] } },
  '/plate-reads': {
    get: { summary: 'Search plate reads; purpose required and audited', roles: 'admin, operator, investigator', query: ['plate', 'match (exact|fuzzy|partial)', 'camera', 'from', 'to', 'limit', 'offset', 'purpose'] },
  },
  '/sightings': {
    get: { summary: 'Search tracked people and vehicles; purpose required and audited', roles: 'admin, operator, investigator', query: ['label', 'camera', 'plate', 'from', 'to', 'limit', 'offset', 'purpose'] },
  },
  '/plate-reads/{id}/crop.jpg': { get: { summary: 'The best plate crop of a read (JPEG)', roles: 'any' } },
  '/alerts': { get: { summary: 'Alerts, newest first (a checkpoint sees its own)', roles: 'admin, operator, investigator, checkpoint', query: ['status', 'since', 'limit'] } },
  '/alerts/{id}': { get: { summary: 'Alert with evidence, assignments and deliveries', roles: 'admin, operator, investigator, checkpoint, unit' } },
  '/alerts/{id}/disposition': { post: { summary: 'Confirm or dismiss a candidate hit with a reason', roles: 'admin, operator', body: 'Disposition' } },
  '/units': { get: { summary: 'Units with status and last position', roles: 'admin, operator, checkpoint, unit' } },
  '/units/{id}/position': { post: { summary: 'Report a position {lat, lon, at?}', roles: 'unit (own), admin', body: 'Position' } },
  '/units/{id}/alerts/{alertId}/ack': { post: { summary: 'Acknowledge an offered alert (on the way)', roles: 'unit (own), operator, admin' } },
  '/units/{id}/alerts/{alertId}/arrived': { post: { summary: 'Arrived at the target', roles: 'unit (own), operator, admin' } },
  '/units/{id}/alerts/{alertId}/resolved': { post: { summary: 'Resolved', roles: 'unit (own), operator, admin' } },
  '/stream': { get: { summary: 'Server-sent events: alert, offer, assignment, camera-status (filtered by role); ?access_token= allowed', roles: 'any' } },
  '/admin/audit': { get: { summary: 'Audit log entries', roles: 'admin', query: ['after', 'action', 'limit'] } },
  '/admin/audit/verify': { get: { summary: 'Re-compute the audit hash chain', roles: 'admin' } },
  '/admin/jobs/failed': { get: { summary: 'Failed queue jobs with their reasons', roles: 'admin' } },
};

const schemas = {
  HotlistCreate: {
    type: 'object',
    required: ['category', 'reason', 'source', 'expires_at', 'why'],
    properties: {
      plate: { type: 'string' },
      pattern: { type: 'string', description: '? one character, * any run' },
      category: { enum: ['stolen_vehicle', 'wanted', 'suspect_vehicle', 'missing_person', 'fake_plate', 'other'] },
      reason: { type: 'string' },
      source: { type: 'string' },
      priority: { type: 'integer', minimum: 1, maximum: 5 },
      expires_at: { type: 'string', format: 'date-time' },
      why: { type: 'string' },
    },
  },
  HotlistPatch: { type: 'object', required: ['why'], properties: { category: { type: 'string' }, reason: { type: 'string' }, source: { type: 'string' }, priority: { type: 'integer' }, expires_at: { type: 'string' }, active: { type: 'boolean' }, why: { type: 'string' } } },
  Disposition: { type: 'object', required: ['verdict', 'reason'], properties: { verdict: { enum: ['confirm', 'dismiss'] }, reason: { type: 'string' } } },
  Position: { type: 'object', required: ['lat', 'lon'], properties: { lat: { type: 'number' }, lon: { type: 'number' }, at: { type: 'string', format: 'date-time' } } },
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
