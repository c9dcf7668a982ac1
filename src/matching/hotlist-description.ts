// Whether a read fits a hotlist entry's plate colour and vehicle description: what the read says must not contradict it.
import type { HotlistEntry } from '../domain/hotlist.js';
import type { VehicleDescription } from '../domain/vehicle-attributes.js';

const KEYS = ['plateColour', 'vehicleType', 'vehicleColour'] as const;

const says = (v: string | null | undefined): v is string => typeof v === 'string' && v !== '' && v !== 'unknown';

/**
 * An entry's colour or type is met by a read of that value, and by a read that does not tell (null, absent,
 * 'unknown': a camera without a detector, a dirty plate); only a read that tells another value fails it.
 * Matching on what is known keeps a listed vehicle from slipping past a camera that cannot classify it.
 */
export function fitsDescription(
  entry: Pick<HotlistEntry, 'plateColour' | 'vehicleType' | 'vehicleColour'>,
  read: VehicleDescription,
): boolean {
  for (const key of KEYS) {
    const listed = entry[key];
    const seen = read[key];
    if (listed && says(seen) && seen !== listed) return false;
  }
  return true;
}

/** The entry narrows its plate or pattern by colour or description. */
export function isDescribed(entry: Pick<HotlistEntry, 'plateColour' | 'vehicleType' | 'vehicleColour'>): boolean {
  return KEYS.some((k) => Boolean(entry[k]));
}
