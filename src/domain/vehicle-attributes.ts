// Vigil's words for a plate's colour and a vehicle's type and colour: what reads, sightings, searches and hotlist entries use.
import { z } from 'zod';

export const PLATE_COLOURS = ['blue', 'yellow', 'green', 'white', 'black'] as const;
/** The detector's vehicle classes (COCO); ANPR cameras' types are folded onto them. */
export const VEHICLE_TYPES = ['car', 'truck', 'bus', 'motorcycle'] as const;
export const VEHICLE_COLOURS = ['white', 'black', 'grey', 'silver', 'red', 'blue', 'yellow', 'green', 'brown'] as const;

export type PlateColourName = (typeof PLATE_COLOURS)[number];
export type VehicleTypeName = (typeof VEHICLE_TYPES)[number];
export type VehicleColourName = (typeof VEHICLE_COLOURS)[number];

/** 'unknown' (classified without a clear answer) is a value too: a search may ask for it. */
const oneOf = <const T extends readonly string[]>(name: string, values: T) => {
  const all = [...values, 'unknown'] as const;
  return z.enum(all, { error: `${name}: expected one of ${all.join(', ')}` });
};

export const plateColourFilter = oneOf('plateColour', PLATE_COLOURS);
export const vehicleTypeFilter = oneOf('vehicleType', VEHICLE_TYPES);
export const vehicleColourFilter = oneOf('vehicleColour', VEHICLE_COLOURS);

/** Listed values (a hotlist entry's description): never 'unknown', which describes no vehicle. */
export const plateColourField = z.enum(PLATE_COLOURS, { error: `expected one of ${PLATE_COLOURS.join(', ')}` });
export const vehicleTypeField = z.enum(VEHICLE_TYPES, { error: `expected one of ${VEHICLE_TYPES.join(', ')}` });
export const vehicleColourField = z.enum(VEHICLE_COLOURS, { error: `expected one of ${VEHICLE_COLOURS.join(', ')}` });

/** What a read (or a listing) says of the plate's colour and the vehicle; null, absent or 'unknown': it does not say. */
export interface VehicleDescription {
  plateColour?: string | null;
  vehicleType?: string | null;
  vehicleColour?: string | null;
}
