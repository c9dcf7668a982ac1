// The command room's live duty level: held in the database, cached in every process, switched (audited) at run time.
import { DUTY_LEVELS, type DutyChange, type DutyLevel } from '../domain/duty.js';
import { BadInputError, ConflictError, ForbiddenError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { Principal } from '../store/token-repo.js';
import type { DutyRepo } from './duty-repo.js';
import { policyFor, type DutyPolicy, type PolicyConfig } from './policy.js';

export interface DutyStatus {
  level: DutyLevel;
  policy: DutyPolicy;
  /** When the level was switched to; null while the configured initial level stands. */
  since: string | null;
  by: string | null;
  role: string | null;
  reason: string | null;
  previous: DutyLevel | null;
}

/** What jobs and services read of the level: the current one and a level's policy, both from the cache. */
export type DutyReader = Pick<DutyState, 'current' | 'policy'>;

export interface DutyStateDeps {
  repo: DutyRepo;
  audit: AuditRepo;
  /** The live stream's 'duty' event, and the 'duty-changed' notice the deployment's other processes apply. */
  bus: EventBus;
  config: PolicyConfig;
  log: Logger;
}

export class DutyState {
  private change: DutyChange | null = null;
  private unsubscribe: (() => void)[] = [];
  private readonly listeners = new Set<(s: DutyStatus) => void>();

  constructor(private readonly deps: DutyStateDeps) {}

  /** Follows other processes' switches, then reads the level in force; re-reads it after every reconnection (messages sent meanwhile are lost). */
  async start(): Promise<DutyStatus> {
    this.unsubscribe.push(await this.deps.bus.onNotice('duty-changed', (change) => this.apply(change)));
    this.unsubscribe.push(
      this.deps.bus.onGap(
        () => void this.refresh().catch((err: Error) => this.deps.log.warn(`duty level refresh: ${err.message}`)),
      ),
    );
    await this.refresh();
    return this.status();
  }

  async stop(): Promise<void> {
    this.listeners.clear();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** The level in force, from this process's cache: no I/O, safe on every hot path. */
  current(): DutyLevel {
    return this.change?.level ?? this.deps.config.duty.initial;
  }

  policy(level: DutyLevel = this.current()): DutyPolicy {
    return policyFor(this.deps.config, level);
  }

  status(): DutyStatus {
    const c = this.change;
    return {
      level: this.current(),
      policy: this.policy(),
      since: c?.at ?? null,
      by: c?.changedBy ?? null,
      role: c?.role ?? null,
      reason: c?.reason ?? null,
      previous: c?.previous ?? null,
    };
  }

  canSwitch(role: string): boolean {
    return (this.deps.config.duty.switchRoles as string[]).includes(role);
  }

  /** Throws ForbiddenError when the role may not switch. */
  checkRole(role: string): void {
    if (!this.canSwitch(role))
      throw new ForbiddenError(
        `role ${role} may not switch the duty level; duty.switchRoles allows ${this.deps.config.duty.switchRoles.join(', ')}`,
      );
  }

  /** Called in every process after its level changed (its own switch or another's). */
  onChange(listener: (s: DutyStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async history(limit?: number): Promise<DutyChange[]> {
    return this.deps.repo.history(limit);
  }

  /**
   * Switches the level for every process at once: recorded, applied here, published to the other
   * processes, audited, and announced on the live stream.
   */
  async switch(level: DutyLevel, reason: string, by: Principal): Promise<DutyStatus> {
    this.checkRole(by.role);
    const why = reason.trim();
    if (why.length < 3) throw BadInputError.field('reason', 'give a reason for the switch (at least 3 characters)');
    if (!(DUTY_LEVELS as readonly string[]).includes(level))
      throw BadInputError.field('level', `must be one of ${DUTY_LEVELS.join(', ')}`);
    if (level === this.current()) throw new ConflictError(`the duty level is already ${level}`);
    const policy = { ...this.policy(level) };
    // The switch and its audit entry commit together; this process and the others apply it after the commit.
    const change = await this.deps.repo.db.tx(async (t) => {
      const made = await this.deps.repo
        .on(t)
        .record({ level, changedBy: by.name, role: by.role, reason: why }, this.deps.config.duty.initial);
      await this.deps.audit.on(t).append({
        actor: by.name,
        role: by.role,
        action: 'duty.switched',
        target: level,
        details: { level, previous: made.previous, reason: why, policy },
      });
      return made;
    });
    this.apply(change);
    if ((await this.deps.bus.notify('duty-changed', change)) === 'kept')
      this.deps.log.warn(`duty level ${level}: Redis unreachable; other processes hear of it when it answers`);
    const status = this.status();
    await this.deps.bus.publish({
      type: 'duty',
      level,
      previous: change.previous,
      at: Date.now(),
      data: { ...status },
    });
    return status;
  }

  private async refresh(): Promise<void> {
    const latest = await this.deps.repo.latest();
    if (latest) this.apply(latest);
  }

  /** Keeps the newest change seen (ids only grow), so late or repeated messages change nothing. */
  private apply(change: DutyChange): void {
    if (this.change && change.id <= this.change.id) return;
    const before = this.current();
    this.change = change;
    if (change.level !== before)
      this.deps.log.info(`duty level: ${before} -> ${change.level} (${change.changedBy}: ${change.reason})`);
    const status = this.status();
    for (const l of this.listeners) {
      try {
        l(status);
      } catch (err) {
        this.deps.log.warn(`duty level listener: ${(err as Error).message}`);
      }
    }
  }
}
