// The consumer side of fencing: a camera event from a lease older than the camera's current one is refused, not written.
import { UnrecoverableError } from 'bullmq';
import type { Fence } from '../queues/payloads.js';
import type { LeaseStore } from './lease-store.js';

/** A write from a node that lost the camera's lease (it stalled past it, and another node took the camera over). */
export class StaleFenceError extends UnrecoverableError {
  override name = 'StaleFenceError';
  constructor(
    readonly cameraId: string,
    readonly fence: Fence,
    readonly current: number,
  ) {
    super(
      `stale fencing token: camera ${cameraId} event from node ${fence.nodeId} with token ${fence.token}, but the camera's current token is ${current}; refused`,
    );
  }
}

export class FenceGuard {
  /** Refused writes since start, by camera (for logs and metrics). */
  readonly refused = new Map<string, number>();

  constructor(private readonly leases: Pick<LeaseStore, 'currentToken'>) {}

  /**
   * Throws StaleFenceError (failed without retry: a retry would be as stale) when a newer lease exists.
   * An event without a fence comes from a producer outside the leases (tests, tools) and passes.
   */
  async check(cameraId: string, fence: Fence | undefined): Promise<void> {
    if (!fence) return;
    const current = await this.leases.currentToken(cameraId);
    if (fence.token >= current) return;
    this.refused.set(cameraId, (this.refused.get(cameraId) ?? 0) + 1);
    throw new StaleFenceError(cameraId, fence, current);
  }
}
