// The Hono application: health, OpenAPI, the command-room page, and the authenticated /api/v1 routes.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authenticate } from './auth.js';
import type { ApiDeps, ApiEnv } from './deps.js';
import { onError } from './errors.js';
import { healthRoutes, redisUnreachableAnswer, refuseChangesWithoutRedis, type HealthDeps } from './health.js';
import { forwarded } from './forwarded.js';
import { inputGuard } from './input-guard.js';
import { TrustedProxies } from '../lib/client-address.js';
import { snakeCaseAliases } from './aliases.js';
import { TooLargeError } from '../lib/errors.js';
import { openApiDocument } from './contract/document.js';
import { docsPageRoutes } from './contract/docs-page.js';
import { adminRoutes } from './routes/admin.js';
import { alertRoutes } from './routes/alerts.js';
import { authorisationRoutes } from './routes/authorisations.js';
import { cameraRoutes } from './routes/cameras.js';
import { dutyRoutes } from './routes/duty.js';
import type { FaceApiDeps } from './routes/face-deps.js';
import { faceSearchRoutes } from './routes/face-search.js';
import { hotlistRoutes } from './routes/hotlist.js';
import { liveRoutes } from './routes/live.js';
import { nodeRoutes, type ClusterApiDeps } from './routes/nodes.js';
import { mediaUrlRoutes } from './routes/media-urls.js';
import { interceptionRoutes } from './routes/interceptions.js';
import { incidentRoutes } from './routes/incidents.js';
import { tourRoutes } from './routes/tours.js';
import { anprRoutes } from './routes/anpr.js';
import { plateReadRoutes } from './routes/plate-reads.js';
import { reportRoutes } from './routes/reports.js';
import { mapRoutes } from './routes/map.js';
import { sightingRoutes } from './routes/sightings.js';
import { footageRoutes } from './routes/footage.js';
import { caseGrantRoutes } from './routes/case-grants.js';
import { sessionRoutes, signInRoutes } from './routes/session.js';
import { userRoutes } from './routes/users.js';
import { Accounts } from '../accounts/accounts.js';
import { accountsSchema } from '../config/accounts.js';
import { streamRoutes } from './routes/stream.js';
import { subjectRoutes } from './routes/subjects.js';
import { unitRoutes } from './routes/units.js';
import { webRoutes } from '../web/routes.js';
import { cameraHealthRoutes, type HealthApiDeps } from './routes/camera-health.js';
import { cameraHealthReportRoutes } from './routes/camera-health-report.js';
import { workOrderRoutes } from './routes/work-orders.js';
import { patrolPlanRoutes } from './routes/patrol-plans.js';
import { situationReportRoutes } from './routes/situation-reports.js';

/** The face routes are mounted when their services are given (tests of other parts may leave them out). */
export function createApp(
  deps: ApiDeps & Partial<FaceApiDeps> & HealthDeps & Partial<ClusterApiDeps> & Partial<HealthApiDeps>,
) {
  const accounts = deps.accounts ?? new Accounts(deps.tokens.db, deps.config.accounts ?? accountsSchema.parse({}));
  const api = new Hono<ApiEnv>()
    .use(forwarded(new TrustedProxies(deps.config.server.trustedProxies)))
    .use(
      bodyLimit({
        maxSize: deps.config.server.maxBodyBytes,
        onError: () => {
          throw new TooLargeError(
            `the body is larger than ${deps.config.server.maxBodyBytes} bytes (server.maxBodyBytes): send less`,
          );
        },
      }),
    )
    // Signing in needs no credentials: these routes answer before authentication, their input checked first.
    .use('/session/*', inputGuard())
    .route('/session', signInRoutes({ ...deps, accounts }))
    // Everything else: who is asking first (401 before any 400; no body is parsed for a stranger), then the input.
    .use(authenticate(deps.tokens, deps.media, accounts))
    .use(inputGuard())
    .use(snakeCaseAliases(deps.log))
    .use(refuseChangesWithoutRedis(deps.redisReady))
    .route('/cameras', cameraRoutes(deps))
    .route('/hotlist', hotlistRoutes(deps))
    .route('/plate-reads', plateReadRoutes(deps))
    .route('/sightings', sightingRoutes(deps))
    .route('/alerts', alertRoutes(deps))
    .route('/units', unitRoutes(deps))
    .route('/stream', streamRoutes(deps))
    .route('/anpr', anprRoutes(deps))
    .route('/session', sessionRoutes({ ...deps, accounts }))
    .route('/users', userRoutes({ accounts }))
    .route('/duty', dutyRoutes(deps))
    .route('/admin', adminRoutes({ ...deps, accounts }))
    .route('/', footageRoutes(deps))
    .route('/cases', caseGrantRoutes(deps));
  if (deps.nodes) api.route('/nodes', nodeRoutes({ nodes: deps.nodes }));
  if (deps.live) api.route('/', liveRoutes({ ...deps, live: deps.live }));
  if (deps.media) api.route('/media-urls', mediaUrlRoutes({ ...deps, media: deps.media }));
  if (deps.interceptions)
    api.route('/interceptions', interceptionRoutes({ ...deps, interceptions: deps.interceptions }));
  if (deps.incidents) api.route('/incidents', incidentRoutes({ incidents: deps.incidents }));
  if (deps.tours) api.route('/tours', tourRoutes({ tours: deps.tours }));
  if (deps.reports) api.route('/reports', reportRoutes({ ...deps, reports: deps.reports }));
  const { healthRepo, cameraHealth, workOrders } = deps;
  if (healthRepo && cameraHealth && workOrders) {
    api
      .route('/cameras', cameraHealthRoutes({ ...deps, healthRepo, cameraHealth, workOrders }))
      .route('/work-orders', workOrderRoutes({ ...deps, workOrders }));
    api.route(
      '/reports/camera-health',
      cameraHealthReportRoutes({ healthRepo, health: deps.config.health, timezone: deps.config.server.timezone }),
    );
  }
  if (deps.plans)
    api.route(
      '/patrol-plans',
      patrolPlanRoutes({
        plans: deps.plans,
        shifts: deps.config.reports.shifts,
        timezone: deps.config.server.timezone,
      }),
    );
  if (deps.situation) api.route('/situation-reports', situationReportRoutes({ situation: deps.situation }));
  api.route('/map', mapRoutes(deps.baseMap ?? (() => ({ roads: [], outlines: [], dropped: 0 }))));
  const { faceWatchlist, faceAuthorisations, faceSearch, subjects, authorisationRepo, faceSightings } = deps;
  if (faceWatchlist && faceAuthorisations && faceSearch && subjects && authorisationRepo && faceSightings) {
    const faceDeps = {
      ...deps,
      faceWatchlist,
      faceAuthorisations,
      faceSearch,
      subjects,
      authorisationRepo,
      faceSightings,
    };
    api
      .route('/subjects', subjectRoutes(faceDeps))
      .route('/authorisations', authorisationRoutes(faceDeps))
      .route('/faces', faceSearchRoutes(faceDeps));
  }

  const app = new Hono()
    .route('/', healthRoutes(deps.readiness))
    .get('/api/v1/openapi.json', (c) => c.json(openApiDocument()))
    .route('/api/v1/docs', docsPageRoutes())
    .route('/api/v1', api)
    .route('/', webRoutes());
  app.onError((err, c) => redisUnreachableAnswer(err, c) ?? onError(err, c, deps.log));
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
