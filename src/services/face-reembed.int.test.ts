// Integration (PGlite, a private redis-server, the real face models): a photo enrolled under an older embedding
// stamp (the box chip's) matches nothing until a starting watchlist embeds it again from its stored image; the
// process that did it and another one already running then both match it.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facesSchema } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import { startLocalRedis, type LocalRedis } from '../lib/redis-server.js';
import { createRedis } from '../lib/redis-watch.js';
import { EventBus } from '../queues/event-bus.js';
import { AuditRepo } from '../store/audit-repo.js';
import { openDb, type Db } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { SubjectRepo } from '../store/subject-repo.js';
import type { Principal } from '../store/token-repo.js';
import { embeddingModel } from '../vision/chip-alignment.js';
import { createChipAnalyzer, type ChipAnalyzer } from '../vision/face-chip.js';
import { decodeImage } from '../vision/image.js';
import { resolveSource } from '../vision/models/manifest.js';
import { FaceWatchlistService } from './face-watchlist-service.js';

const lines: string[] = [];
const log: Logger = {
  info: (m: string) => void lines.push(m),
  warn: (m: string) => void lines.push(m),
  error: (m: string) => void lines.push(m),
  child: () => log,
} as Logger;

const admin: Principal = {
  tokenId: 't',
  name: 'duty.officer',
  role: 'admin',
  subject: null,
  personId: 'p',
  scope: null,
};
const PHOTO = resolveSource({ npm: '@vladmandic/human/assets/screenshot-faceid.jpg' });

async function until(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('enrolled photos of an older embedding stamp', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-face-reembed-'));
  let redis: LocalRedis;
  let db: Db;
  let analyzer: ChipAnalyzer;
  const closers: (() => Promise<unknown> | void)[] = [];
  const config = facesSchema.parse({ score: 'cosine' });

  /** One process: its own Redis connection, bus and watchlist over the shared database. */
  const process_ = async () => {
    const main = createRedis(redis.url, { maxRetriesPerRequest: null }, log);
    const bus = new EventBus(main, 'reembed');
    const service = new FaceWatchlistService(
      new SubjectRepo(db),
      new AuditRepo(db),
      bus,
      config,
      log,
      async () => analyzer,
    );
    const started = await service.start();
    closers.push(
      () => service.stop(),
      () => bus.close(),
      () => main.disconnect(),
    );
    return { service, started };
  };

  beforeAll(async () => {
    redis = await startLocalRedis(dir);
    db = await openDb({ url: 'memory://' });
    await migrate(db);
    analyzer = await createChipAnalyzer();
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
    await redis?.stop();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are embedded again at start, and then match in this process and in one already running', async () => {
    const bytes = readFileSync(PHOTO);
    const [probe] = await analyzer.faces(await decodeImage(bytes));
    expect(analyzer.model).toBe(embeddingModel('faceapi-recognition'));
    expect(analyzer.model).not.toBe('faceapi-recognition');

    const a = await process_();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const { subject } = await a.service.create(
      { name: 'Subject', category: 'suspect', reason: 'warrant', expiresAt },
      [{ bytes, source: 'custody photo', name: 'faceid.jpg' }],
      admin,
      'listing',
    );
    const matched = async (s: FaceWatchlistService) =>
      (await s.match(probe.embedding, analyzer.model, null)).some((h) => h.subjectId === subject!.id);
    expect(await matched(a.service)).toBe(true);

    // What a photo enrolled before the landmark chip holds: the box chip's embedding, stamped with the embedder alone.
    const boxChip = await createChipAnalyzer({ landmarks: null });
    expect(boxChip.model).toBe('faceapi-recognition');
    const [old] = await boxChip.faces(await decodeImage(bytes));
    await db.query(`update subject_photos set model = $1, embedding = $2`, [boxChip.model, Array.from(old.embedding)]);
    await a.service.resync();
    expect(await matched(a.service)).toBe(false);

    const b = await process_();
    expect(b.started.staleModel).toBe(1);
    expect(await b.service.reembedded()).toEqual({ reembedded: 1, refused: 0, subjects: [subject!.id] });
    const [row] = await db.query<{ model: string; embedding: number[] }>('select model, embedding from subject_photos');
    expect(row.model).toBe(analyzer.model);
    const cosine = row.embedding.reduce((s, v, i) => s + v * probe.embedding[i], 0);
    expect(cosine).toBeGreaterThan(0.999);
    expect(await matched(b.service)).toBe(true);
    await until('the running process matching the photo again', () => matched(a.service));
    expect(lines.some((l) => /1 photos were enrolled with another model/.test(l))).toBe(true);
  });
});
