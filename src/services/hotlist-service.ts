// Hotlist changes: stored and audited in one transaction, then applied to every process's matching index (the event bus).
import { HotlistEntryInputSchema, type HotlistEntry, type HotlistEntryInputRaw } from '../domain/hotlist.js';
import { BadInputError, ConflictError } from '../lib/errors.js';
import { parseHotlistCsv } from '../matching/hotlist-csv.js';
import type { HotlistIndex } from '../matching/hotlist-index.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { HotlistRepo } from '../store/hotlist-repo.js';
import type { Principal } from '../store/token-repo.js';

/** An import row left out because the same listing is live already. */
export interface SkippedRow {
  plate: string | null;
  pattern: string | null;
  category: string;
  existingId: string;
}

export class HotlistService {
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly repo: HotlistRepo,
    private readonly index: HotlistIndex,
    private readonly audit: AuditRepo,
    /** Tells the deployment's other processes of a change (their indexes re-read the entries). */
    private readonly bus: EventBus,
    private readonly log?: Pick<Logger, 'warn'>,
  ) {}

  /**
   * Loads every live entry into the index and follows changes made by other processes; after the bus
   * reconnects (notices sent meanwhile are lost) it reads the whole live list again.
   */
  async start(): Promise<number> {
    const entries = await this.repo.allLive();
    for (const e of entries) this.index.add(e);
    this.unsubscribe.push(await this.bus.onNotice('hotlist-changed', (n) => void this.refresh(n.ids)));
    this.unsubscribe.push(
      this.bus.onGap(() => void this.resync().catch((err: Error) => this.log?.warn(`hotlist resync: ${err.message}`))),
    );
    return entries.length;
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** The index made equal to the database's live entries: what changed while notices could not arrive. */
  async resync(): Promise<{ live: number; removed: number }> {
    const live = await this.repo.allLive();
    const keep = new Set(live.map((e) => e.id));
    let removed = 0;
    for (const id of this.index.ids()) if (!keep.has(id) && this.index.remove(id)) removed++;
    for (const e of live) this.apply(e);
    return { live: live.length, removed };
  }

  /**
   * `addedBy` is always the caller: nobody can list a plate in someone else's name. The entry and its
   * audit entry commit together; the index and the other processes learn of it only after the commit.
   * A live entry for the same plate (or pattern) and category is a ConflictError, so a retried request
   * never lists a plate twice.
   */
  async create(raw: Omit<HotlistEntryInputRaw, 'addedBy'>, by: Principal, why: string): Promise<HotlistEntry> {
    const input = HotlistEntryInputSchema.parse({ ...raw, addedBy: by.name });
    const entry = await this.repo.db.tx(async (t) => {
      const repo = this.repo.on(t);
      const existing = await repo.findLive(input);
      if (existing) {
        throw new ConflictError(
          `${existing.plate ?? existing.pattern}${describe(existing)} is already listed as ${existing.category} (entry ${existing.id}, until ${existing.expiresAt}): change that entry with PATCH /hotlist/${existing.id}`,
          { details: { existingId: existing.id } },
        );
      }
      const created = await repo.create(input);
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'hotlist.create',
        target: created.id,
        details: { entry: created, why },
      });
      return created;
    });
    await this.changed([entry]);
    return entry;
  }

  /**
   * Imports the good rows of a CSV in one transaction with its audit entry, and reports the bad ones by row.
   * A row whose plate (or pattern) and category are listed and live already is skipped and named, so a
   * retried import adds nothing twice.
   */
  async importCsv(
    text: string,
    by: Principal,
    why: string,
  ): Promise<{ imported: number; errors: { row: number; message: string }[]; skipped: SkippedRow[] }> {
    const { entries, errors } = parseHotlistCsv(text, by.name);
    const { stored, skipped } = await this.repo.db.tx(async (t) => {
      const repo = this.repo.on(t);
      const out: HotlistEntry[] = [];
      const dup: SkippedRow[] = [];
      for (const input of entries) {
        const existing = await repo.findLive(input);
        if (existing)
          dup.push({
            plate: input.plate ?? null,
            pattern: input.pattern ?? null,
            category: input.category,
            existingId: existing.id,
          });
        else out.push(await repo.create(input));
      }
      const details = { imported: out.length, rejected: errors.length, skipped: dup.length, why };
      await this.audit.on(t).append({ actor: by.name, role: by.role, action: 'hotlist.import', target: null, details });
      return { stored: out, skipped: dup };
    });
    await this.changed(stored);
    return { imported: stored.length, errors, skipped };
  }

  /** The change and its audit entry commit together, or neither does; null when there is no such entry. */
  async update(
    id: string,
    patch: Parameters<HotlistRepo['update']>[1],
    by: Principal,
    why: string,
  ): Promise<HotlistEntry | null> {
    const entry = await this.repo.db.tx(async (t) => {
      const repo = this.repo.on(t);
      const before = await repo.get(id);
      if (!before) return null;
      if (before.plate && (patch.vehicleType || patch.vehicleColour))
        throw new BadInputError(
          `entry ${id} lists a whole plate: a vehicle description goes with a pattern (list one with POST /hotlist)`,
          [{ field: patch.vehicleType ? 'vehicleType' : 'vehicleColour', message: 'only on a pattern entry' }],
        );
      const after = await repo.update(id, patch);
      if (!after) return null;
      await this.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'hotlist.update',
        target: id,
        details: { before, after, why },
      });
      return after;
    });
    if (entry) await this.changed([entry]);
    return entry;
  }

  /** Deactivates rather than deletes: alerts raised on the entry must still show why. */
  async deactivate(id: string, by: Principal, why: string): Promise<HotlistEntry | null> {
    return this.update(id, { active: false }, by, why);
  }

  /** After the commit: this process's index at once, the others' through the event bus. */
  private async changed(entries: HotlistEntry[]): Promise<void> {
    if (!entries.length) return;
    for (const e of entries) this.apply(e);
    if ((await this.bus.notify('hotlist-changed', { ids: entries.map((e) => e.id) })) === 'kept')
      this.log?.warn(`hotlist: Redis unreachable; other processes hear of ${entries.length} change(s) when it answers`);
  }

  private apply(entry: HotlistEntry): void {
    this.index.remove(entry.id);
    if (entry.active && Date.parse(entry.expiresAt) > Date.now()) this.index.add(entry);
  }

  private async refresh(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const entry = await this.repo.get(id).catch(() => null);
      if (entry) this.apply(entry);
      else this.index.remove(id);
    }
  }
}

/** " (yellow plate, red truck)" for a described entry, "" otherwise. */
function describe(e: HotlistEntry): string {
  const plate = e.plateColour ? `${e.plateColour} plate` : null;
  const vehicle = [e.vehicleColour, e.vehicleType].filter(Boolean).join(' ');
  const parts = [plate, vehicle || null].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
