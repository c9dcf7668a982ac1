// Job: store a plate-read event, close interception orders it answers, look the plate up in the hotlist index, queue one alert job per match.
import type { FenceGuard } from '../cluster/fence-guard.js';
import { fitsDescription } from '../matching/hotlist-description.js';
import type { HotlistIndex, MatchOptions } from '../matching/hotlist-index.js';
import { queuePlateAlert } from '../queues/alert-producer.js';
import type { QueueSet } from '../queues/queue-set.js';
import type { NewPlateRead } from '../domain/plate-read.js';
import type { PlateReadEvent } from '../queues/payloads.js';
import type { PlateReadRepo } from '../store/plate-read-repo.js';
import type { InterceptionService } from '../services/interception-service.js';

export interface MatchDeps {
  plateReads: PlateReadRepo;
  hotlist: HotlistIndex;
  matchOptions: MatchOptions;
  queues: QueueSet;
  /** Closes open interception orders when the plate is read at a checkpoint; left out, nothing is closed. */
  interceptions?: Pick<InterceptionService, 'onPlateRead'>;
  /** Refuses a read from a camera lease older than the camera's current one (src/cluster/fence-guard.ts); left out, none is refused. */
  fence?: Pick<FenceGuard, 'check'>;
}

/** The pass a plate-read event describes, as the store takes it. */
export function plateReadOf(e: PlateReadEvent): NewPlateRead {
  return {
    id: e.eventId,
    cameraId: e.cameraId,
    plate: e.plate,
    confidence: e.confidence,
    format: e.format,
    firstSeen: new Date(e.firstSeen),
    lastSeen: new Date(e.lastSeen),
    capturedAt: new Date(e.capturedAt),
    readCount: e.readCount,
    box: e.box,
    motion: e.motion ?? null,
    crop: e.cropJpeg ? Buffer.from(e.cropJpeg, 'base64') : null,
    plateColour: e.plateColour ?? null,
    vehicleType: e.vehicleType ?? null,
    vehicleColour: e.vehicleColour ?? null,
  };
}

export async function matchPlateRead(event: PlateReadEvent, deps: MatchDeps): Promise<void> {
  // Before any write: a node that stalled past its lease must not write as the camera's owner.
  await deps.fence?.check(event.cameraId, event.fence);
  // What the pass holds, not just this event: an update that left out a colour keeps the one stored before.
  const { stored } = await deps.plateReads.upsert(plateReadOf(event));
  await deps.interceptions?.onPlateRead(event);
  for (const m of deps.hotlist.lookup(event.plate, deps.matchOptions)) {
    if (!fitsDescription(m.entry, stored)) continue;
    const match = {
      level: m.level,
      ocrSubstitutions: m.ocrSubstitutions,
      otherDifferences: m.otherDifferences,
      provinceDiffers: m.provinceDiffers,
    };
    await queuePlateAlert(
      deps.queues,
      {
        plateReadId: event.eventId,
        hotlistId: m.entry.id,
        cameraId: event.cameraId,
        plate: event.plate,
        priority: m.entry.priority,
        match,
        capturedAt: event.capturedAt,
      },
      event.readCount,
    );
  }
}
