// Job: store a sighting when its track ends (after the camera's lease fence check).
import type { FenceGuard } from '../cluster/fence-guard.js';
import type { NewSighting } from '../domain/sighting.js';
import type { Payload } from '../queues/payloads.js';
import type { SightingRepo } from '../store/sighting-repo.js';

export interface StoreSightingDeps {
  sightings: Pick<SightingRepo, 'insert'>;
  /** Refuses a sighting from a camera lease older than the camera's current one; left out, none is refused. */
  fence?: Pick<FenceGuard, 'check'>;
}

/** The sighting a queue payload describes, as the store takes it. */
export function sightingOf(p: Payload<'sightings'>): NewSighting {
  return {
    id: p.id,
    cameraId: p.cameraId,
    label: p.label,
    firstSeen: new Date(p.firstSeen),
    lastSeen: new Date(p.lastSeen),
    box: p.box,
    score: p.score,
    plate: p.plate ?? null,
    crop: p.cropJpeg ? Buffer.from(p.cropJpeg, 'base64') : null,
    vehicleColour: p.vehicleColour ?? null,
  };
}

export async function storeSighting(p: Payload<'sightings'>, deps: StoreSightingDeps): Promise<void> {
  await deps.fence?.check(p.cameraId, p.fence);
  await deps.sightings.insert(sightingOf(p));
}
