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
  /** blue, yellow, green, white, black or unknown; null: not classified (null keeps what was stored). */
  plateColour?: string | null;
  /** The detector's class of the vehicle around the plate (car, bus, truck, motorcycle), or the camera's. */
  vehicleType?: string | null;
  /** white, black, grey, silver, red, blue, yellow, green, brown or unknown. */
  vehicleColour?: string | null;
}

export interface PlateRead extends Omit<NewPlateRead, 'crop' | 'plateColour' | 'vehicleType' | 'vehicleColour'> {
  plateColour: string | null;
  vehicleType: string | null;
  vehicleColour: string | null;
  hasCrop: boolean;
  /** Compass degrees of travel; null when the camera has no heading or the motion is unknown. */
  direction: number | null;
}

export type PlateMatchMode = 'exact' | 'fuzzy' | 'partial';
