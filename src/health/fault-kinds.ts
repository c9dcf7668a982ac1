// The fault kinds live in the domain (store, config, API and health share them); re-exported for src/health.
export {
  FAULT_KINDS,
  FAULT_MEANING,
  FRAME_FAULT_KINDS,
  type FaultKind,
  type FrameFaultKind,
} from '../domain/fault-kinds.js';
