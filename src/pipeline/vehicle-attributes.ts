// What the camera path adds to a plate read and a vehicle sighting: the plate's colour from its rectified crop,
// the vehicle's type from the detector's class of the vehicle box around the plate, and its colour from that box.
import type { Box, RgbImage } from '../domain/frame.js';
import { classifyPlateColour } from '../vision/plate-colour.js';
import { classifyVehicleColour } from '../vision/vehicle-colour.js';

/** The detector's classes that are vehicles with plates (bicycles have none). */
export const VEHICLE_LABELS: ReadonlySet<string> = new Set(['car', 'truck', 'bus', 'motorcycle']);

/** A vehicle the detector found (a live track's class and box, frame pixels). */
export interface VehicleBox {
  label: string;
  box: Box;
}

/** As the plate-read payload carries them; a field left out keeps what the pass stored (or stays unclassified). */
export interface ReadAttributes {
  plateColour?: string;
  vehicleType?: string;
  vehicleColour?: string;
}

/** The smallest vehicle box holding the plate's centre: the vehicle that carries the plate. */
export function vehicleAround(plate: Box, vehicles: readonly VehicleBox[]): VehicleBox | null {
  const cx = (plate[0] + plate[2]) / 2;
  const cy = (plate[1] + plate[3]) / 2;
  let best: VehicleBox | null = null;
  let bestArea = Infinity;
  for (const v of vehicles) {
    if (!VEHICLE_LABELS.has(v.label)) continue;
    const [x1, y1, x2, y2] = v.box;
    if (cx < x1 || cx > x2 || cy < y1 || cy > y2) continue;
    const area = (x2 - x1) * (y2 - y1);
    if (area < bestArea) [best, bestArea] = [v, area];
  }
  return best;
}

/**
 * The attributes of one plate read. `update`: the pass was sent before, so an 'unknown' is left out
 * rather than overwriting a colour an earlier frame of the pass did tell.
 */
export function readAttributes(
  read: { crop: RgbImage; text: string },
  frame: RgbImage,
  vehicle: VehicleBox | null,
  update: boolean,
): ReadAttributes {
  const out: ReadAttributes = {};
  const keep = (key: keyof ReadAttributes, value: string) => {
    if (!(update && value === 'unknown')) out[key] = value;
  };
  keep('plateColour', classifyPlateColour(read.crop, read.text).colour);
  if (vehicle) {
    out.vehicleType = vehicle.label;
    keep('vehicleColour', classifyVehicleColour(frame, vehicle.box).colour);
  }
  return out;
}

/** A sighting's vehicle colour from its best shot; undefined for people, bicycles and tracks without a crop. */
export function sightingColour(label: string, crop: RgbImage | undefined): string | undefined {
  if (!crop || !VEHICLE_LABELS.has(label)) return undefined;
  return classifyVehicleColour(crop).colour;
}
