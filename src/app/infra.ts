// Opens what every role needs: Redis (given or a private child), the database (migrated), and the repositories.
import path from 'node:path';
import { Redis } from 'ioredis';
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../lib/logger.js';
import { startLocalRedis, type LocalRedis } from '../lib/redis-server.js';
import { AlertRepo } from '../store/alert-repo.js';
import { AssignmentRepo } from '../store/assignment-repo.js';
import { AuditRepo } from '../store/audit-repo.js';
import { AuthorisationRepo } from '../store/authorisation-repo.js';
import { CameraRepo } from '../store/camera-repo.js';
import { openDb, type Db } from '../store/db.js';
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
  close(): Promise<void>;
}

export function dataDirOf(loaded: LoadedConfig): string {
  return path.resolve(loaded.root, loaded.env.dataDir ?? loaded.config.dataDir);
}

export async function openInfra(loaded: LoadedConfig, log: Logger): Promise<Infra> {
  const dataDir = dataDirOf(loaded);
  let local: LocalRedis | null = null;
  let redisUrl = loaded.env.redisUrl;
  if (!redisUrl) {
    local = await startLocalRedis(path.join(dataDir, 'redis'));
    redisUrl = local.url;
    log.info(`started redis-server at ${redisUrl} (data in ${path.join(dataDir, 'redis')})`);
  }
  // BullMQ workers need maxRetriesPerRequest: null on their connections.
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const db = await openDb({ url: loaded.env.databaseUrl, dataDir });
  const applied = await migrate(db);
  if (applied.length) log.info(`database migrations applied: ${applied.join(', ')}`);
  log.info(`database: ${db.kind === 'pglite' ? `embedded PGlite in ${path.join(dataDir, 'db')}` : 'PostgreSQL (DATABASE_URL)'}`);
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
    async close() {
      await db.close().catch(() => {});
      redis.disconnect();
      await local?.stop();
    },
  };
}
