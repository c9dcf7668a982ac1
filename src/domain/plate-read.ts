// Plate reads: one record per vehicle pass, as stored and searched (the queue's event becomes a NewPlateRead at the job).

/** The plate's box grew (approaching the camera) or shrank (receding) over the pass. */
export type PlateMotion = 'approaching' | 'receding';

/** A version of a pass to store: a later version of the same pass (same id) replaces the earlier one. */
export interface NewPlateRead {
  id: string;
  cameraId: string;
  plate: string;
  confidence: number;
  format: string;
  firstSeen: Date;
  lastSeen: Date;
  /** Capture time of the frame behind this version of the read. */
  capturedAt: Date;
  readCount: number;
  box: number[];
  motion: PlateMotion | null;
  /** JPEG of the best plate crop; null keeps the crop stored before. */
  crop: Uint8Array | null;
}

export interface PlateRead extends Omit<NewPlateRead, 'crop'> {
  hasCrop: boolean;
  /** Compass degrees of travel; null when the camera has no heading or the motion is unknown. */
  direction: number | null;
}

export type PlateMatchMode = 'exact' | 'fuzzy' | 'partial';
