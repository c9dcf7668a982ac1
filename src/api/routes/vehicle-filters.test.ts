// Unit: the plate-read and sighting searches take plateColour, vehicleType and vehicleColour, and a 400 lists the allowed values.
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../lib/errors.js';
import { parseOr400 } from '../errors.js';
import { plateReadSearchQuery } from './plate-reads.js';
import { sightingSearchQuery } from './sightings.js';

const why = { purpose: 'test' };

describe('attribute filters on the searches', () => {
  it('takes the vocabulary on plate reads, unknown included', () => {
    const q = parseOr400(
      plateReadSearchQuery,
      { ...why, plateColour: 'yellow', vehicleType: 'truck', vehicleColour: 'unknown' },
      'query',
    );
    expect([q.plateColour, q.vehicleType, q.vehicleColour]).toEqual(['yellow', 'truck', 'unknown']);
  });

  it('refuses another word with a 400 naming the allowed values', () => {
    const refused = (schema: typeof plateReadSearchQuery | typeof sightingSearchQuery, raw: object) => {
      try {
        parseOr400(schema, { ...why, ...raw }, 'query');
      } catch (err) {
        expect(err).toBeInstanceOf(BadInputError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused(plateReadSearchQuery, { plateColour: 'purple' })).toMatch(
      /plateColour: expected one of blue, yellow, green, white, black, unknown/,
    );
    expect(refused(plateReadSearchQuery, { vehicleType: 'sedan' })).toMatch(/car, truck, bus, motorcycle/);
    expect(refused(sightingSearchQuery, { vehicleColour: 'Red' })).toMatch(/white, black, grey, silver, red/);
    expect(refused(sightingSearchQuery, { vehicleType: 'unknown' })).toMatch(/vehicleType/);
    expect(refused(sightingSearchQuery, { plateColour: 'blue' })).toMatch(/plateColour/);
  });
});
