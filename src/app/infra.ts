// Opens what every role needs: Redis (given or a private child), the database (migrated), and the repositories.
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../lib/logger.js';
import { startLocalRedis, type LocalRedis } from '../lib/redis-server.js';
import { createRedis, RedisOutage, WatchedRedis } from '../lib/redis-watch.js';
import { describeSentinels, sentinelOptions } from '../lib/redis-sentinel.js';
import { AlertRepo } from '../store/alert-repo.js';
import { AssignmentRepo } from '../store/assignment-repo.js';
import { AuditRepo } from '../store/audit-repo.js';
import { AuthorisationRepo } from '../store/authorisation-repo.js';
import { CameraRepo } from '../store/camera-repo.js';
import { openDb, type Db } from '../store/db.js';
import { refuseIfHeld } from '../store/db-lock.js';
import { FaceSightingRepo } from '../store/face-sighting-repo.js';
import { HotlistRepo } from '../store/hotlist-repo.js';
import { migrate } from '../store/migrate.js';
import { PlateReadRepo } from '../store/plate-read-repo.js';
import { SightingRepo } from '../store/sighting-repo.js';
import { SegmentRepo } from '../store/segment-repo.js';
import { ExportRepo } from '../store/export-repo.js';
import { CaseRepo } from '../store/case-repo.js';
import { SubjectRepo } from '../store/subject-repo.js';
import { TokenRepo } from '../store/token-repo.js';
import { UnitRepo } from '../store/unit-repo.js';
import { ReportRepo } from '../reports/report-repo.js';

export interface Repos {
  tokens: TokenRepo;
  audit: AuditRepo;
  cameras: CameraRepo;
  hotlistRepo: HotlistRepo;
  plateReads: PlateReadRepo;
  sightings: SightingRepo;
  segments: SegmentRepo;
  exports: ExportRepo;
  cases: CaseRepo;
  alerts: AlertRepo;
  assignments: AssignmentRepo;
  units: UnitRepo;
  subjects: SubjectRepo;
  authorisationRepo: AuthorisationRepo;
  faceSightings: FaceSightingRepo;
  reports: ReportRepo;
}

export interface Infra {
  dataDir: string;
  redis: Redis;
  redisUrl: string;
  db: Db;
  repos: Repos;
  /** Settles only if something the node cannot run without failed for good (the private redis-server could not be restarted). */
  fatal: Promise<Error>;
  close(): Promise<void>;
}

export function dataDirOf(loaded: LoadedConfig): string {
  return path.resolve(loaded.root, loaded.env.dataDir ?? loaded.config.dataDir);
}

export async function openInfra(loaded: LoadedConfig, log: Logger): Promise<Infra> {
  const dataDir = dataDirOf(loaded);
  let local: LocalRedis | null = null;
  const sentinel = loaded.env.redisSentinel;
  let redisUrl = loaded.env.redisUrl ?? (sentinel ? describeSentinels(sentinel) : undefined);
  let giveUp: (err: Error) => void = () => {};
  const fatal = new Promise<Error>((resolve) => (giveUp = resolve));
  // A node already running on this data directory holds its database: refuse before starting a second redis-server on its files.
  if (!loaded.env.databaseUrl) refuseIfHeld(path.join(dataDir, 'db'));
  if (!redisUrl) {
    local = await startLocalRedis(path.join(dataDir, 'redis'), { log: log.child('redis-server'), onGiveUp: giveUp });
    redisUrl = local.url;
    log.info(`started redis-server at ${redisUrl} (data in ${path.join(dataDir, 'redis')})`);
  }
  // BullMQ workers need maxRetriesPerRequest: null on their connections.
  // Through Sentinel, the options travel with every duplicate() (ours and BullMQ's), so all follow a failover.
  const redis: WatchedRedis = sentinel
    ? new WatchedRedis(
        sentinelOptions(sentinel),
        { maxRetriesPerRequest: null },
        new RedisOutage(describeSentinels(sentinel), log.child('redis')),
      )
    : createRedis(redisUrl, { maxRetriesPerRequest: null }, log.child('redis'));
  let db: Db;
  try {
    db = await openDb({ url: loaded.env.databaseUrl, dataDir });
  } catch (err) {
    // Nothing else is running yet: stop what this started, so a refused start leaves no redis-server behind.
    redis.disconnect();
    await local?.stop();
    throw err;
  }
  const applied = await migrate(db);
  if (applied.length) log.info(`database migrations applied: ${applied.join(', ')}`);
  log.info(
    `database: ${db.kind === 'pglite' ? `embedded PGlite in ${path.join(dataDir, 'db')}` : 'PostgreSQL (DATABASE_URL)'}`,
  );
  const repos: Repos = {
    tokens: new TokenRepo(db),
    audit: new AuditRepo(db),
    cameras: new CameraRepo(db),
    hotlistRepo: new HotlistRepo(db),
    plateReads: new PlateReadRepo(db),
    sightings: new SightingRepo(db),
    segments: new SegmentRepo(db),
    exports: new ExportRepo(db),
    cases: new CaseRepo(db),
    alerts: new AlertRepo(db),
    assignments: new AssignmentRepo(db),
    units: new UnitRepo(db),
    subjects: new SubjectRepo(db),
    authorisationRepo: new AuthorisationRepo(db),
    faceSightings: new FaceSightingRepo(db),
    reports: new ReportRepo(db),
  };
  return {
    dataDir,
    redis,
    redisUrl,
    db,
    repos,
    fatal,
    async close() {
      await db.close().catch(() => {});
      redis.disconnect();
      // Stopping it ourselves is not an outage: no "unreachable" line from clients still closing.
      if (local) redis.outage.silence();
      await local?.stop();
    },
  };
}
