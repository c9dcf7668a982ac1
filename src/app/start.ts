// `vigil start`: boots the roles of one node (api, pipeline workers, cameras) and stops them cleanly.
import { ConfigError, type LoadedConfig } from '../config/load.js';
import { createApp } from '../api/app.js';
import { mqttChannel, webhookChannel, type OfferChannel } from '../dispatch/offer-channel.js';
import { travelModelFor } from '../dispatch/travel-model.js';
import { startPatrol } from '../incidents/wiring.js';
import { UnitPositionsMqtt } from '../dispatch/unit-positions-mqtt.js';
import { CameraStatusStore } from '../ingest/camera-status-store.js';
import { retimeEscalations } from '../jobs/escalate-alert.js';
import { jobHandlers } from '../jobs/handlers.js';
import { positionSink } from '../dispatch/unit-availability.js';
import { scheduleWaitingSweep } from '../queues/dispatch-producer.js';
import { DutyRepo } from '../duty/duty-repo.js';
import { DutyState } from '../duty/duty-state.js';
import type { Logger } from '../lib/logger.js';
import { ShutdownStack } from '../lib/shutdown.js';
import { HotlistIndex } from '../matching/hotlist-index.js';
import type { CameraWorkers } from '../pipeline/camera-workers.js';
import type { FaceWatchDeps } from '../pipeline/face-watch.js';
import { EventBus } from '../queues/event-bus.js';
import { startHealth } from '../health/wiring.js';
import { startPatrolPlans } from '../plans/wiring.js';
import { QueueSet } from '../queues/queue-set.js';
import { startWorkers } from '../queues/worker-set.js';
import { AlertService } from '../services/alert-service.js';
import { InterceptionService } from '../services/interception-service.js';
import { InterceptionRepo } from '../store/interception-repo.js';
import { FaceAuthorisationService } from '../services/face-authorisation-service.js';
import { FaceWatchlistService } from '../services/face-watchlist-service.js';
import { HotlistService } from '../services/hotlist-service.js';
import { RecordingService } from '../recording/recording-service.js';
import { openCluster } from '../cluster/wiring.js';
import { startDemo, type DemoHandle } from './demo.js';
import { defaultNodeId, startObservability, watchLeases, watchWorkers, type Observability } from './observability.js';
import { openInfra, type Infra } from './infra.js';
import { startFaces } from './start-faces.js';
import { startApi } from './start-api.js';

export const ROLES = ['api', 'pipeline', 'cameras'] as const;
export type NodeRole = (typeof ROLES)[number];

export interface StartOptions {
  roles?: NodeRole[];
  /** Redis key prefix for queues; tests use a fresh one. */
  queuePrefix?: string;
  /** Overrides the configured port (0 picks a free one). */
  port?: number;
}

export interface Running {
  infra: Infra;
  url: string | null;
  /** The API's Hono app (null without the api role): tests call app.request() on it, no port needed. */
  app: ReturnType<typeof createApp> | null;
  demo: DemoHandle | null;
  queues: QueueSet;
  bus: EventBus;
  hotlistIndex: HotlistIndex;
  faceWatchlist: FaceWatchlistService;
  faceAuthorisations: FaceAuthorisationService;
  /** The live duty level (normal, enhanced, wartime). */
  duty: DutyState;
  cameras: CameraWorkers | null;
  /** Readiness checks, the fail-fast Redis connection and the metrics server (observability.ts). */
  observability: Observability;
  stop(): Promise<void>;
}

export async function startNode(loaded: LoadedConfig, log: Logger, opts: StartOptions = {}): Promise<Running> {
  const roles = new Set(opts.roles ?? ROLES);
  if (roles.size < ROLES.length && !loaded.env.databaseUrl) {
    throw new ConfigError(
      'the embedded database (PGlite) serves one process: run every role in one process, or set DATABASE_URL to PostgreSQL to split roles',
    );
  }
  if (roles.size < ROLES.length && !loaded.env.redisUrl && !loaded.env.redisSentinel) {
    throw new ConfigError(
      'a private redis-server serves one process: set REDIS_URL to one Redis for every process to split roles',
    );
  }
  // Every node of one system shares the prefix (queues, events, leases): VIGIL_QUEUE_PREFIX for processes a test or supervisor starts.
  opts = { ...opts, queuePrefix: opts.queuePrefix ?? loaded.env.queuePrefix };
  const stack = new ShutdownStack();
  const infra = await openInfra(loaded, log);
  // Last to stop (everything else uses them), so it keeps time for itself out of the shutdown's budget.
  stack.push('database and redis', () => infra.close(), { timeoutMs: 6000, reserveMs: 3000 });
  try {
    const obs = await startObservability(loaded.config, infra, {
      nodeId: loaded.env.nodeId ?? loaded.config.cluster.nodeId ?? defaultNodeId(),
      roles: [...roles],
      queuePrefix: opts.queuePrefix,
      log,
    });
    stack.push('metrics and probes', () => obs.stop());
    const parts = await startParts(loaded, log.child('', { node: obs.nodeId }), roles, opts, infra, stack, obs);
    return { infra, observability: obs, ...parts, stop: () => stack.run(log) };
  } catch (err) {
    await stack.run(log);
    throw err;
  }
}

async function startParts(
  loaded: LoadedConfig,
  log: Logger,
  roles: Set<NodeRole>,
  opts: StartOptions,
  infra: Infra,
  stack: ShutdownStack,
  obs: Observability,
) {
  const { config, env } = loaded;
  const { repos, redis } = infra;
  // YAML cameras seed the inventory; a camera already in the database keeps what the database says (README: Several nodes).
  const imported = await repos.cameras.importMissing(config.cameras);
  if (imported.inserted.length)
    log.info(`camera inventory: ${imported.inserted.length} cameras imported from the config file`);
  await repos.units.upsertAll(config.units);

  const queues = new QueueSet(redis, opts.queuePrefix);
  const bus = new EventBus(redis, queues.prefix);
  stack.push('queues', () => queues.close());
  stack.push('event bus', () => bus.close());
  const cluster = await openCluster({
    config,
    redis,
    prefix: queues.prefix,
    cameras: repos.cameras,
    bus,
    nodeId: obs.nodeId,
    roles: [...roles],
    log,
  });
  // Pushed before the cameras, so it runs after them: the node hands its cameras back first, then leaves.
  stack.push('cluster', () => cluster.stop());
  const hotlistIndex = new HotlistIndex();
  const hotlist = new HotlistService(repos.hotlistRepo, hotlistIndex, repos.audit, bus, log.child('hotlist'));
  stack.push('hotlist', () => hotlist.stop());
  log.info(`hotlist: ${await hotlist.start()} live entries indexed`);
  const duty = new DutyState({ repo: new DutyRepo(infra.db), audit: repos.audit, bus, config, log: log.child('duty') });
  stack.push('duty level', () => duty.stop());
  log.info(`duty level: ${(await duty.start()).level}`);
  const faces = await startFaces(loaded, log, infra, stack, duty, cluster.inventory, bus);
  const alertService = new AlertService(repos.alerts, repos.assignments, repos.units, repos.audit, bus, {
    queues,
    cameras: repos.cameras,
    hotlistRepo: repos.hotlistRepo,
    subjects: repos.subjects,
    duty,
  });
  const interceptions = new InterceptionService({
    ...repos,
    orders: new InterceptionRepo(infra.db),
    bus,
    config: config.interception,
  });
  // One road model for the node: incidents and dispatch both rank units by travel time on it.
  const travel = travelModelFor(config.roads, loaded.root, log.child('roads'));
  // Incidents and video patrol tours (src/incidents, src/tours); the leg checks run where the pipeline does.
  const patrol = startPatrol({
    config,
    db: infra.db,
    redis,
    prefix: queues.prefix,
    cameras: repos.cameras,
    audit: repos.audit,
    bus,
    duty,
    worker: roles.has('pipeline'),
    webhookSecret: env.webhookSecret,
    travel,
    log: log.child('patrol'),
  });
  stack.push('incidents and tours', () => patrol.stop());
  // YAML tour plans seed the plans as YAML cameras seed the inventory: a plan already there keeps what the database says.
  const tourPlans = await patrol.tours.importMissing(config.tours.plans);
  if (tourPlans.created.length) log.info(`tour plans: ${tourPlans.created.join(', ')} created from the config file`);
  for (const s of tourPlans.skipped) log.warn(`tour plan '${s.name}' in the config file skipped: ${s.reason}`);
  const cameraStatus = new CameraStatusStore(redis, `${queues.prefix}:camera-status`);
  // Camera image diagnostics and maintenance work orders (src/health).
  const health = await startHealth({
    config,
    webhookSecret: env.webhookSecret,
    db: infra.db,
    redis,
    bus,
    prefix: queues.prefix,
    cameraStatus,
    cameras: roles.has('cameras'),
    log: log.child('health'),
    stack,
  });
  // Patrol plans and situation reports (src/plans, src/situation); their scheduled jobs run where the pipeline does.
  const patrolPlans = await startPatrolPlans({
    config,
    root: loaded.root,
    db: infra.db,
    redis,
    bus,
    prefix: queues.prefix,
    webhookSecret: env.webhookSecret,
    jobs: roles.has('pipeline'),
    log: log.child('plans'),
    stack,
  });
  // The RTSP server goes with the cameras that read it, the seeding (tokens, plates) with the API: once each when roles are split.
  const demo = config.demo.enabled
    ? await startDemo(loaded, repos, hotlist, log, { rtsp: roles.has('cameras'), seed: roles.has('api') })
    : null;
  if (demo) stack.push('demo', () => demo.stop());

  if (roles.has('pipeline')) {
    const channels: OfferChannel[] = [];
    if (config.dispatch.webhookUrl) {
      if (!env.webhookSecret)
        throw new ConfigError(
          'dispatch.webhookUrl is set but VIGIL_WEBHOOK_SECRET (or VIGIL_WEBHOOK_SECRET_FILE) is not',
        );
      channels.push(webhookChannel(config.dispatch.webhookUrl, env.webhookSecret));
    }
    if (config.dispatch.mqttUrl) channels.push(mqttChannel(config.dispatch.mqttUrl, config.dispatch.mqttTopicPrefix));
    stack.push('delivery channels', () => Promise.all(channels.map((c) => c.close())).then(() => {}));
    if (config.dispatch.mqttUrl) {
      const positions = new UnitPositionsMqtt(
        config.dispatch.mqttUrl,
        config.dispatch.mqttTopicPrefix,
        positionSink({ units: repos.units, queues, staleAfterSeconds: config.dispatch.staleAfterSeconds }),
        log.child('positions'),
      );
      await positions.start();
      stack.push('unit positions (mqtt)', () => positions.stop());
    }
    const { unmatchedSeconds, purgeEverySeconds } = config.faces.retention;
    const handlers = jobHandlers({
      repos,
      queues,
      bus,
      duty,
      channels,
      dispatchPolicy: config.dispatch,
      travel,
      hotlist: hotlistIndex,
      matchOptions: config.hotlist,
      interceptions,
      fence: cluster.fenceGuard,
      faces,
      unmatchedSeconds,
    });
    const workers = startWorkers(redis, queues.prefix, handlers, log.child('jobs'));
    watchWorkers(obs, workers);
    await scheduleWaitingSweep(queues);
    await queues
      .queue('face-purge')
      .upsertJobScheduler(
        'face-purge',
        { every: purgeEverySeconds * 1000 },
        { name: 'face-purge', data: { trigger: 'schedule' }, opts: { removeOnComplete: true } },
      );
    // Offers already out take the new level's timeout at once.
    duty.onChange(
      (s) =>
        void retimeEscalations(queues, s.policy.ackTimeoutSeconds).catch((err: Error) =>
          log.warn(`re-timing escalations: ${err.message}`),
        ),
    );
    // Drains: a job in progress finishes before its worker closes.
    stack.push('workers', () => Promise.all(workers.map((w) => w.close())).then(() => {}));
  }

  // Recording runs beside analysis, not through it: a stalled detector never costs footage.
  const recording = new RecordingService({
    config,
    dataDir: infra.dataDir,
    ...repos,
    log: log.child('recording'),
    fencing: cluster.segmentFencing,
    onFault: (f) =>
      bus.publish({
        type: 'camera-status',
        cameraId: f.cameraId,
        at: f.at,
        data: { recordingFault: f.kind, message: f.message },
      }),
  });
  stack.push('recording', () => recording.stop());
  await recording.start({
    recorders: roles.has('cameras'),
    retention: roles.has('cameras'),
    exports: roles.has('api'),
  });

  const served = roles.has('api')
    ? await startApi({
        loaded,
        log,
        port: opts.port,
        infra,
        stack,
        obs,
        cluster,
        queuePrefix: queues.prefix,
        faceWatchlist: faces.watchlist,
        services: {
          hotlist,
          alertService,
          interceptions,
          incidents: patrol.incidents,
          tours: patrol.tours,
          bus,
          recording,
          faceAuthorisations: faces.authorisations,
          duty,
          ...health.api,
          ...patrolPlans,
        },
      })
    : null;

  // Loaded only where cameras run, so API-only processes never load ffmpeg or ONNX code.
  let cameras: CameraWorkers | null = null;
  if (roles.has('cameras')) {
    const [{ CameraWorkers }, { FencedQueueSet }] = await Promise.all([
      import('../pipeline/camera-workers.js'),
      import('../cluster/fenced-queues.js'),
    ]);
    // Camera events carry the lease's fencing token; without a live lease they are not sent.
    const fenced = new FencedQueueSet(
      redis,
      queues.prefix,
      { fenceFor: (id) => cluster.node.fenceFor(id) },
      log.child('camera'),
    );
    stack.push('camera queues', () => fenced.close());
    const loadFacePath = async (): Promise<FaceWatchDeps> => {
      const { createChipAnalyzer } = await import('../vision/face-chip.js');
      await faces.authorisations.startCache();
      return {
        analyzer: await createChipAnalyzer({ model: config.faces.embedder, threads: config.vision.threads }),
        gate: faces.authorisations,
        track: config.faces.track,
      };
    };
    const workers = new CameraWorkers(config, {
      queues: fenced,
      bus,
      cameraStatus,
      health: health.service,
      log: log.child('camera'),
      loadFacePath,
      // Analysis threads load their own face models: the main thread needs only the gate.
      faceGate: async () => {
        await faces.authorisations.startCache();
        return faces.authorisations;
      },
    });
    stack.push('cameras', () => workers.stop());
    workers.start();
    await workers.preload(cluster.inventory.enabled().map((c) => c.config));
    cameras = workers;
  }
  let reportHeld: ((held: number) => void) | null = null;
  await cluster.join(cameras ? [cameras.runner(), recording.runner()] : [], {
    unwell: () => cameras?.unwell() ?? new Set(),
    onHeld: (n) => reportHeld?.(n),
  });
  // The leases readiness check and gauge (observability.ts), on nodes that hold cameras.
  if (roles.has('cameras')) reportHeld = watchLeases(obs, cluster.node);
  return {
    url: served?.url ?? null,
    app: served?.app ?? null,
    demo,
    queues,
    bus,
    hotlistIndex,
    duty,
    cameras,
    faceWatchlist: faces.watchlist,
    faceAuthorisations: faces.authorisations,
  };
}
