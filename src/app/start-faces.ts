// The face watchlist and authorisations of a node: started on every role (matching, enrolment and search
// all read them), the analyzer loaded only when first needed.
import type { CameraInventory } from '../cluster/inventory.js';
import type { LoadedConfig } from '../config/load.js';
import type { DutyState } from '../duty/duty-state.js';
import type { Logger } from '../lib/logger.js';
import type { ShutdownStack } from '../lib/shutdown.js';
import type { EventBus } from '../queues/event-bus.js';
import { FaceAuthorisationService } from '../services/face-authorisation-service.js';
import { FaceWatchlistService } from '../services/face-watchlist-service.js';
import type { Infra } from './infra.js';

/** The face watchlist (gallery rebuilt from the enrolled photos) and the authorisations that gate live matching. */
export async function startFaces(
  loaded: LoadedConfig,
  log: Logger,
  infra: Infra,
  stack: ShutdownStack,
  duty: DutyState,
  inventory: CameraInventory,
  bus: EventBus,
) {
  const { config } = loaded;
  const { repos } = infra;
  const flog = log.child('faces');
  // Imported when first needed, so an API-only process loads no ONNX code until someone enrols or searches.
  const loadAnalyzer = async () =>
    (await import('../vision/face-chip.js')).createChipAnalyzer({
      model: config.faces.embedder,
      threads: config.vision.threads,
    });
  const watchlist = new FaceWatchlistService(repos.subjects, repos.audit, bus, config.faces, flog, loadAnalyzer, () =>
    duty.current(),
  );
  stack.push('face watchlist', () => watchlist.stop());
  const loadedGallery = await watchlist.start();
  flog.info(`face watchlist: ${loadedGallery.subjects} subjects, ${loadedGallery.photos} photos in the gallery`);
  // From the inventory's copy in memory: cameras added through the API are covered by district at once.
  const authorisations = new FaceAuthorisationService(
    repos.authorisationRepo,
    repos.subjects,
    repos.audit,
    (id) => inventory.districtOf(id),
    flog,
  );
  stack.push('face authorisations', async () => authorisations.stop());
  return { watchlist, authorisations };
}
