// This process's copy of the camera inventory: read from the database, re-read on every camera-changed event and on a timer.
import type { CameraConfig } from '../config/schema.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../queues/event-bus.js';
import type { CameraRepo, InventoryCamera } from '../store/camera-repo.js';

export interface InventoryDeps {
  cameras: Pick<CameraRepo, 'inventory'>;
  bus: Pick<EventBus, 'subscribe'>;
  log: Logger;
  /** Re-read this often even without an event (a missed event heals), ms. */
  refreshMs: number;
}

export class CameraInventory {
  private byId = new Map<string, InventoryCamera>();
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private reading: Promise<void> | null = null;
  private again = false;

  constructor(private readonly d: InventoryDeps) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.d.bus.subscribe((e) => {
      if (e.type === 'camera-changed') void this.refresh();
    });
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.d.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.listeners.clear();
  }

  /** Re-reads the inventory; calls that arrive during a read cause one more read after it, not one each. */
  async refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        try {
          const fresh = new Map((await this.d.cameras.inventory()).map((c) => [c.config.id, c]));
          const changed =
            fresh.size !== this.byId.size || [...fresh].some(([id, c]) => this.byId.get(id)?.version !== c.version);
          this.byId = fresh;
          if (changed) for (const l of this.listeners) l();
        } catch (err) {
          this.d.log.warn(`camera inventory: cannot read it (${(err as Error).message}); keeping the last copy`);
        }
      } while (this.again);
    })().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  /** Called after a read that changed something. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  all(): InventoryCamera[] {
    return [...this.byId.values()];
  }

  enabled(): InventoryCamera[] {
    return this.all().filter((c) => c.config.enabled);
  }

  get(id: string): InventoryCamera | undefined {
    return this.byId.get(id);
  }

  config(id: string): CameraConfig | undefined {
    return this.byId.get(id)?.config;
  }

  /** The camera's district, from the copy in memory (face authorisations ask on every frame). */
  districtOf(id: string): string | undefined {
    return this.byId.get(id)?.config.district;
  }
}
