// The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.
type Op = { summary: string; roles: string; query?: string[]; body?: string; form?: string };

const ops: Record<string, Record<string, Op>> = {
  '/reports/response-times': { get: { summary: 'Per grid (camera grid, else district) and shift (reports.shifts, server.timezone), with totals: dispatched alerts, p50/p90 seconds from alert to acknowledgement and to arrival, share arriving within 1, 3 and 5 minutes; default the last 7 days, at most 366', roles: 'admin, operator, investigator', query: ['from', 'to'] } },
  '/reports/heat': { get: { summary: 'Counts of alerts or plate reads by grid and hour of day (0-23, server.timezone): grids, counts[grid][hour], total, max', roles: 'admin, operator, investigator', query: ['from', 'to', 'kind (alerts|reads)'] } },
  '/duty': {
    get: { summary: 'The duty level in force (normal, enhanced, wartime), its policy, since when and by whom; canSwitch says whether the caller may switch it', roles: 'any' },
    put: { summary: 'Switch the duty level at once for every process {level, reason}; audited (duty.switched) and announced on the stream (duty event)', roles: 'duty.switchRoles (default admin)', body: 'DutySwitch' },
  },
  '/duty/history': { get: { summary: 'Duty level switches, newest first', roles: 'admin, operator', query: ['limit'] } },
  '/interceptions': {
    get: { summary: 'Interception orders, newest first, with targets and acknowledgements (a checkpoint sees those sent to it)', roles: 'admin, operator, checkpoint', query: ['status (open|closed|cancelled)', 'limit'] },
    post: { summary: 'Order checkpoints to stop a vehicle, from a plate alert or a plate; targets ahead along the heading, within the radius, or named; audited (interception.ordered), sent live', roles: 'admin, operator', body: 'InterceptionOrder' },
  },
  '/interceptions/{id}': { get: { summary: 'One order: plate, photo URL, reason, hit camera, time and direction of travel, targets, how it ended', roles: 'admin, operator, checkpoint (targeted)' } },
  '/interceptions/{id}/ack': { post: { summary: 'A checkpoint acknowledges the order (a checkpoint not ordered: 403); operators name the checkpoint they answer for; audited', roles: 'checkpoint (targeted), operator, admin', body: 'InterceptionAck' } },
  '/interceptions/{id}/cancel': { post: { summary: 'Cancel an open order with a reason; audited', roles: 'admin, operator', body: 'Reason' } },
  '/admin/audit': { get: { summary: 'Audit log entries', roles: 'admin', query: ['after', 'action', 'limit'] } },
  '/admin/audit/verify': { get: { summary: 'Re-compute the audit hash chain', roles: 'admin' } },
  '/admin/jobs/failed': { get: { summary: 'Failed queue jobs with their reasons', roles: 'admin' } },
};

const schemas = {
  DutySwitch: {
    type: 'object',
    required: ['level', 'reason'],
    description: 'The level changes alert thresholds, units per hit, escalation timeouts, confirmations and which checkpoints see plate hits (config duty.<level>).',
    properties: { level: { enum: ['normal', 'enhanced', 'wartime'] }, reason: { type: 'string', minLength: 3 } },
  },
  Reason: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
  InterceptionOrder: {
    type: 'object',
    description: 'Either alertId (a plate alert: plate, photo and hit from it; reason defaults to its hotlist reason) or plate with a reason (placed by its latest read; without one, name cameraIds).',
    properties: { alertId: { type: 'string', format: 'uuid' }, plate: { type: 'string' }, reason: { type: 'string', minLength: 3 }, cameraIds: { type: 'array', items: { type: 'string' }, description: 'checkpoint cameras to order instead of the chosen ones' } },
  },
  InterceptionAck: { type: 'object', properties: { cameraId: { type: 'string', description: 'the checkpoint acknowledged for (operators and admins); a checkpoint account may leave the body empty' } } },
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
