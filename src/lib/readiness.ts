// Readiness: named checks any part of a node registers (database, Redis, workers, leases), run together, each bounded by a timeout.
import { readinessCheck } from './metrics.js';

/** One thing a node needs to do its work; check() resolves when it is fine and throws saying why not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** How long the check took (or until it timed out), ms. */
  ms: number;
  /** Why it failed. */
  error?: string;
}

export interface ReadinessReport {
  ok: boolean;
  checks: CheckResult[];
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(
    /** A check that has not answered in this long fails as timed out. Default 2000 ms. */
    private readonly timeoutMs = 2000,
  ) {}

  /** Adds (or replaces, by name) a check; the returned function removes it again. */
  register(check: ReadinessCheck): () => void {
    this.checks.set(check.name, check);
    return () => {
      if (this.checks.get(check.name) === check) this.checks.delete(check.name);
      readinessCheck.remove({ check: check.name });
    };
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  /** Runs every check at once; never takes much longer than the timeout, whatever a check does. */
  async run(): Promise<ReadinessReport> {
    const checks = await Promise.all([...this.checks.values()].map((c) => this.runOne(c)));
    for (const c of checks) readinessCheck.set({ check: c.name }, c.ok ? 1 : 0);
    return { ok: checks.every((c) => c.ok), checks };
  }

  private async runOne(check: ReadinessCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      // A check that throws synchronously is a failure like any other.
      await Promise.race([Promise.resolve().then(() => check.check()), timedOut]);
      return { name: check.name, ok: true, ms: elapsed(started) };
    } catch (err) {
      return {
        name: check.name,
        ok: false,
        ms: elapsed(started),
        error: err instanceof Error ? err.message : String(err),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
