// Undo in reverse: each part registers how to stop it as it starts, so a failed start-up
// stops what already runs and a normal shutdown stops everything in the right order.
import type { Logger } from './logger.js';

/** A start-up failure the operator can fix (port taken, missing secret): printed without a stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export class ShutdownStack {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];

  push(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** Runs every step, newest first; a failing step is logged and the others still run. */
  async run(log: Logger): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (err) {
        log.warn(`stopping ${step.name}: ${(err as Error).message}`);
      }
    }
  }
}
