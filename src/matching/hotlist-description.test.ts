// Unit: the hotlist's plate colour and vehicle description rule, and the entry schema that admits them.
import { describe, expect, it } from 'vitest';
import { HotlistEntryInputSchema } from '../domain/hotlist.js';
import { fitsDescription, isDescribed } from './hotlist-description.js';

const base = {
  category: 'wanted',
  reason: 'robbery',
  source: 'case 1',
  addedBy: 'op',
  expiresAt: '2030-01-01T00:00:00Z',
};

describe('fitsDescription', () => {
  it('a plate with a colour matches reads of that colour or of no known colour, never another colour', () => {
    const entry = { plateColour: 'yellow' as const };
    expect(fitsDescription(entry, { plateColour: 'yellow' })).toBe(true);
    expect(fitsDescription(entry, { plateColour: 'unknown' })).toBe(true);
    expect(fitsDescription(entry, { plateColour: null })).toBe(true);
    expect(fitsDescription(entry, {})).toBe(true);
    expect(fitsDescription(entry, { plateColour: 'blue' })).toBe(false);
  });

  it('a vehicle description fails only on a read that tells another type or colour', () => {
    const entry = { vehicleType: 'truck' as const, vehicleColour: 'red' as const };
    expect(fitsDescription(entry, { vehicleType: 'truck', vehicleColour: 'red', plateColour: 'blue' })).toBe(true);
    expect(fitsDescription(entry, { vehicleType: 'truck', vehicleColour: null })).toBe(true);
    expect(fitsDescription(entry, { vehicleType: 'car', vehicleColour: 'red' })).toBe(false);
    expect(fitsDescription(entry, { vehicleType: 'truck', vehicleColour: 'white' })).toBe(false);
    expect(fitsDescription({}, { vehicleType: 'car', vehicleColour: 'white', plateColour: 'green' })).toBe(true);
    expect([isDescribed(entry), isDescribed({})]).toEqual([true, false]);
  });
});

describe('hotlist entry schema', () => {
  it('takes a plate colour on a plate or a pattern, and a vehicle description on a pattern only', () => {
    expect(HotlistEntryInputSchema.parse({ ...base, plate: '粤B12345', plateColour: 'yellow' }).plateColour).toBe(
      'yellow',
    );
    const described = HotlistEntryInputSchema.parse({
      ...base,
      pattern: '粤B*45',
      vehicleType: 'truck',
      vehicleColour: 'red',
    });
    expect([described.vehicleType, described.vehicleColour]).toEqual(['truck', 'red']);
    const onPlate = HotlistEntryInputSchema.safeParse({ ...base, plate: '粤B12345', vehicleColour: 'red' });
    expect(onPlate.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/goes with a pattern/)]);
  });

  it('refuses words outside the vocabulary, and unknown as a listed value, naming the allowed ones', () => {
    const bad = HotlistEntryInputSchema.safeParse({
      ...base,
      pattern: '粤B*45',
      plateColour: 'unknown',
      vehicleType: 'sedan',
      vehicleColour: 'purple',
    });
    expect(bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'plateColour: expected one of blue, yellow, green, white, black',
      'vehicleType: expected one of car, truck, bus, motorcycle',
      'vehicleColour: expected one of white, black, grey, silver, red, blue, yellow, green, brown',
    ]);
  });
});
