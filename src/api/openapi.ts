// The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.
type Op = { summary: string; roles: string; query?: string[]; body?: string; form?: string };

const ops: Record<string, Record<string, Op>> = {
  '/footage/{camera}/play': { get: { summary: 'One MP4 of a camera between two times (HTTP range requests); purpose or case required, audited; also opens with a signed media URL', roles: 'admin, operator, investigator', query: ['from', 'to', 'purpose', 'case'] } },
  '/reports/response-times': { get: { summary: 'Per grid (camera grid, else district) and shift (reports.shifts, server.timezone), with totals: dispatched alerts, p50/p90 seconds from alert to acknowledgement and to arrival, share arriving within 1, 3 and 5 minutes; default the last 7 days, at most 366', roles: 'admin, operator, investigator', query: ['from', 'to'] } },
  '/reports/heat': { get: { summary: 'Counts of alerts or plate reads by grid and hour of day (0-23, server.timezone): grids, counts[grid][hour], total, max', roles: 'admin, operator, investigator', query: ['from', 'to', 'kind (alerts|reads)'] } },
  '/subjects': {
    get: { summary: 'Face watchlist subjects (live ones unless include_inactive)', roles: 'admin, operator, investigator', query: ['category', 'include_inactive', 'limit', 'offset'] },
    post: { summary: 'List a subject with photos (multipart); each photo must hold exactly one sharp, large enough face, else a per-photo error; 422 if none enrols', roles: 'admin, operator', form: 'SubjectEnrol' },
  },
  '/subjects/{id}': {
    get: { summary: 'One subject with its photos (source, quality, who added them)', roles: 'admin, operator, investigator' },
    patch: { summary: 'Change name, category, reason, reference, expiry or active (with why)', roles: 'admin, operator', body: 'SubjectPatch' },
    delete: { summary: 'Delete a subject: photos and embeddings go; a tombstone stays if alerts point at it (?why=...)', roles: 'admin, operator', query: ['why'] },
  },
  '/subjects/{id}/photos': { post: { summary: 'Add photos to a subject (multipart: photos, sources, why)', roles: 'admin, operator', form: 'PhotoAdd' } },
  '/subjects/{id}/photos/{photoId}': {
    get: { summary: 'An enrolled photo as uploaded', roles: 'admin, operator, investigator' },
    delete: { summary: 'Remove one photo and its embedding (?why=...)', roles: 'admin, operator', query: ['why'] },
  },
  '/authorisations': {
    get: { summary: 'Authorisations for live face matching (open ones unless include_ended)', roles: 'admin, operator, investigator', query: ['include_ended', 'limit'] },
    post: { summary: 'Authorise live face matching on cameras or districts for a time window; the watchlist is frozen at its start', roles: 'admin', body: 'AuthorisationCreate' },
  },
  '/authorisations/{id}': {
    get: { summary: 'One authorisation with its frozen watchlist (subject ids, sha256)', roles: 'admin, operator, investigator' },
    patch: { summary: 'Change reference, cameras, districts or end time; refreeze the watchlist (with why)', roles: 'admin', body: 'AuthorisationChange' },
  },
  '/authorisations/{id}/end': { post: { summary: 'End an authorisation now, with a reason', roles: 'admin', body: 'Reason' } },
  '/faces/search': { post: { summary: 'Search stored face sightings (within retention) by photo; purpose required, audited', roles: 'admin, investigator', form: 'FaceSearch' } },
  '/faces/sightings/{id}/crop.jpg': { get: { summary: 'The evidence crop of a stored face sighting (JPEG)', roles: 'admin, operator, investigator' } },
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
  SubjectEnrol: {
    type: 'object',
    required: ['name', 'category', 'reason', 'expires_at', 'why', 'photos', 'sources'],
    properties: {
      name: { type: 'string' },
      category: { enum: ['wanted_court', 'wanted_police', 'suspect', 'missing_vulnerable', 'at_risk'] },
      reason: { type: 'string' },
      reference: { type: 'string' },
      expires_at: { type: 'string', format: 'date-time' },
      why: { type: 'string' },
      photos: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'JPEG, PNG or WebP (checked by content)' },
      sources: { type: 'array', items: { type: 'string' }, description: 'where each photo came from: one for all, or one per photo' },
    },
  },
  PhotoAdd: { type: 'object', required: ['why', 'photos', 'sources'], properties: { why: { type: 'string' }, photos: { type: 'array', items: { type: 'string', format: 'binary' } }, sources: { type: 'array', items: { type: 'string' } } } },
  SubjectPatch: { type: 'object', required: ['why'], properties: { name: { type: 'string' }, category: { type: 'string' }, reason: { type: 'string' }, reference: { type: 'string' }, expires_at: { type: 'string' }, active: { type: 'boolean' }, why: { type: 'string' } } },
  AuthorisationCreate: {
    type: 'object',
    required: ['approved_by', 'legal_reference', 'starts_at', 'ends_at'],
    properties: {
      approved_by: { type: 'string' },
      legal_reference: { type: 'string' },
      cameras: { type: 'array', items: { type: 'string' } },
      districts: { type: 'array', items: { type: 'string' } },
      starts_at: { type: 'string', format: 'date-time' },
      ends_at: { type: 'string', format: 'date-time' },
    },
  },
  AuthorisationChange: { type: 'object', required: ['why'], properties: { legal_reference: { type: 'string' }, cameras: { type: 'array', items: { type: 'string' } }, districts: { type: 'array', items: { type: 'string' } }, ends_at: { type: 'string' }, refreeze: { type: 'boolean' }, why: { type: 'string' } } },
  Reason: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } },
  FaceSearch: {
    type: 'object',
    required: ['photo', 'purpose'],
    properties: { photo: { type: 'string', format: 'binary' }, purpose: { type: 'string' }, camera: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, near: { type: 'string', description: 'lat,lon,radiusM' }, box: { type: 'string', description: 'south,west,north,east' }, limit: { type: 'integer' } },
  },
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
