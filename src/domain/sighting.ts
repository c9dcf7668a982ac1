// Sightings: a tracked person or vehicle, stored when its track ends, searched by class, camera, area and time.

export interface NewSighting {
  id: string;
  cameraId: string;
  /** The detector's class: person, car, truck, bus, motorcycle, ... */
  label: string;
  firstSeen: Date;
  lastSeen: Date;
  box: number[];
  score: number;
  /** The plate read on the track, if any. */
  plate: string | null;
  /** JPEG of the track's best shot. */
  crop: Uint8Array | null;
  /** Vehicles: the body's palette colour (or unknown); null for people and unclassified tracks. */
  vehicleColour?: string | null;
}

export interface Sighting extends Omit<NewSighting, 'crop' | 'vehicleColour'> {
  vehicleColour: string | null;
  hasCrop: boolean;
}
