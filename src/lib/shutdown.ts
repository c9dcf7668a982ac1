// Undo in reverse: each part registers how to stop it as it starts, so a failed start-up
// stops what already runs and a normal shutdown stops everything in the right order, each step bounded.
import type { Logger } from './logger.js';

/** A start-up failure the operator can fix (port taken, missing secret): printed without a stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** A step's bound when push() names none: 3 s. */
export const DEFAULT_STEP_TIMEOUT_MS = 3000;
/** The whole run's bound by default: 8 s, so a node stops within 10 s of SIGTERM with time to exit. */
export const DEFAULT_SHUTDOWN_BUDGET_MS = 8000;
/** What each step still gets once the budget is spent: the last steps (database, Redis) must run. */
const MIN_STEP_MS = 250;

export interface StepOptions {
  /** How long this step may take before it is logged as overdue and the next step runs. Default 3 000 ms. */
  timeoutMs?: number;
  /** Time kept for this step out of the run's budget: the steps before it are cut short to leave it. Default 0. */
  reserveMs?: number;
}

export interface RunOptions {
  /** Bound of the whole run; a step gets no more than what is left of it, less what later steps reserve (at least 250 ms). Default 8 000 ms. */
  budgetMs?: number;
}

export interface StepReport {
  name: string;
  ms: number;
  outcome: 'done' | 'failed' | 'timed out';
}

interface Step {
  name: string;
  run: () => Promise<void> | void;
  timeoutMs: number;
  reserveMs: number;
}

export class ShutdownStack {
  private readonly steps: Step[] = [];
  private running: Promise<StepReport[]> | null = null;

  push(name: string, run: () => Promise<void> | void, opts: StepOptions = {}): void {
    this.steps.push({
      name,
      run,
      timeoutMs: opts.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
      reserveMs: opts.reserveMs ?? 0,
    });
  }

  /**
   * Runs every step, newest first; a failing step is logged and the others still run; a step past its
   * timeout is logged and left behind. A second call waits for the first run (a shutdown never starts twice).
   */
  async run(log: Logger, opts: RunOptions = {}): Promise<void> {
    await this.report(log, opts);
  }

  /** run(), resolving to what each step did and how long it took. */
  report(log: Logger, opts: RunOptions = {}): Promise<StepReport[]> {
    this.running ??= this.runSteps(log, opts.budgetMs ?? DEFAULT_SHUTDOWN_BUDGET_MS);
    return this.running;
  }

  private async runSteps(log: Logger, budgetMs: number): Promise<StepReport[]> {
    const deadline = Date.now() + budgetMs;
    const reports: StepReport[] = [];
    const order = this.steps.splice(0).reverse();
    let reservedAfter = order.reduce((sum, s) => sum + s.reserveMs, 0);
    for (const step of order) {
      reservedAfter -= step.reserveMs;
      const limit = Math.min(step.timeoutMs, Math.max(MIN_STEP_MS, deadline - Date.now() - reservedAfter));
      reports.push(await runBounded(step, limit, log));
    }
    // Steps pushed while stopping (a part that finished starting late) are stopped too.
    if (this.steps.length) reports.push(...(await this.runSteps(log, Math.max(MIN_STEP_MS, deadline - Date.now()))));
    return reports;
  }
}

async function runBounded(step: Step, limitMs: number, log: Logger): Promise<StepReport> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), limitMs);
  });
  const work = (async () => {
    await step.run();
    return 'done' as const;
  })();
  try {
    const outcome = await Promise.race([work, overdue]);
    if (outcome === 'timed out') {
      // Still running; its later failure is not worth an unhandled rejection.
      work.catch(() => {});
      log.warn(`stopping ${step.name}: not done after ${limitMs} ms; going on without it`);
    }
    return { name: step.name, ms: Date.now() - started, outcome };
  } catch (err) {
    log.warn(`stopping ${step.name}: ${(err as Error).message}`);
    return { name: step.name, ms: Date.now() - started, outcome: 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
