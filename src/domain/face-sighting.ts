// A face seen by a camera under an authorisation: kept with its alert when it matched, until its expiry when not.
import type { Box } from './frame.js';

export interface FaceSighting {
  id: string;
  cameraId: string;
  authorisationId: string;
  firstSeen: Date;
  lastSeen: Date;
  box: Box;
  quality: number;
  frames: number;
  matched: boolean;
  /** When the purge removes it; null keeps it (matched, with its alert). */
  expiresAt: Date | null;
  hasCrop: boolean;
}
