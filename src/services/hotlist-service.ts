// Hotlist changes: stored, audited, and applied to every process's matching index (Redis pub/sub).
import type { Redis } from 'ioredis';
import { HotlistEntryInputSchema, type HotlistEntry, type HotlistEntryInputRaw } from '../domain/hotlist.js';
import { parseHotlistCsv } from '../matching/hotlist-csv.js';
import type { HotlistIndex } from '../matching/hotlist-index.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { Principal } from '../store/token-repo.js';

const CHANNEL = 'vigil:hotlist-changed';

export class HotlistService {
  private subscriber: Redis | null = null;

  constructor(
    private readonly repo: HotlistRepo,
    private readonly index: HotlistIndex,
    private readonly audit: AuditRepo,
    private readonly redis: Redis,
  ) {}

  /** Loads every live entry into the index and follows changes made by other processes. */
  async start(): Promise<number> {
    const entries = await this.repo.allLive();
    for (const e of entries) this.index.add(e);
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_c, id: string) => void this.refresh(id));
    await this.subscriber.subscribe(CHANNEL);
    return entries.length;
  }

  async stop(): Promise<void> {
    await this.subscriber?.quit().catch(() => {});
    this.subscriber = null;
  }

  /** `added_by` is always the caller: nobody can list a plate in someone else's name. */
  async create(raw: Omit<HotlistEntryInputRaw, 'added_by'>, by: Principal, why: string): Promise<HotlistEntry> {
    const input = HotlistEntryInputSchema.parse({ ...raw, added_by: by.name });
    const entry = await this.repo.create(input);
    await this.changed(entry);
    await this.audit.append({ actor: by.name, role: by.role, action: 'hotlist.create', target: entry.id, details: { entry, why } });
    return entry;
  }

  /** Imports the good rows of a CSV in one transaction and reports the bad ones by row. */
  async importCsv(text: string, by: Principal, why: string): Promise<{ imported: number; errors: { row: number; message: string }[] }> {
    const { entries, errors } = parseHotlistCsv(text, by.name);
    const stored = entries.length ? await this.repo.createMany(entries) : [];
    for (const e of stored) this.index.add(e);
    if (stored.length) await this.redis.publish(CHANNEL, stored.map((e) => e.id).join(','));
    await this.audit.append({ actor: by.name, role: by.role, action: 'hotlist.import', target: null, details: { imported: stored.length, rejected: errors.length, why } });
    return { imported: stored.length, errors };
  }

  async update(id: string, patch: Parameters<HotlistRepo['update']>[1], by: Principal, why: string): Promise<HotlistEntry | null> {
    const before = await this.repo.get(id);
    const entry = await this.repo.update(id, patch);
    if (!entry) return null;
    await this.changed(entry);
    await this.audit.append({ actor: by.name, role: by.role, action: 'hotlist.update', target: id, details: { before, after: entry, why } });
    return entry;
  }

  /** Deactivates rather than deletes: alerts raised on the entry must still show why. */
  async deactivate(id: string, by: Principal, why: string): Promise<HotlistEntry | null> {
    return this.update(id, { active: false }, by, why);
  }

  private async changed(entry: HotlistEntry): Promise<void> {
    this.apply(entry);
    await this.redis.publish(CHANNEL, entry.id);
  }

  private apply(entry: HotlistEntry): void {
    this.index.remove(entry.id);
    if (entry.active && Date.parse(entry.expires_at) > Date.now()) this.index.add(entry);
  }

  private async refresh(ids: string): Promise<void> {
    for (const id of ids.split(',')) {
      const entry = await this.repo.get(id).catch(() => null);
      if (entry) this.apply(entry);
      else this.index.remove(id);
    }
  }
}
