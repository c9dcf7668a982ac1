// Incident types in config: bare names (severity 1) or with a default severity; unknown keys and repeats refused.
import { describe, expect, it } from 'vitest';
import { incidentsSchema } from './incidents.js';

describe('incidents config: types', () => {
  it('reads bare names and named types with a default severity', () => {
    const cfg = incidentsSchema.parse({ types: ['noise', { name: 'arson', defaultSeverity: 4 }] });
    expect(cfg.types).toEqual([
      { name: 'noise', defaultSeverity: 1 },
      { name: 'arson', defaultSeverity: 4 },
    ]);
  });

  it('defaults to the built-in list, robbery at severity 3', () => {
    expect(incidentsSchema.parse({}).types.find((t) => t.name === 'robbery')).toEqual({
      name: 'robbery',
      defaultSeverity: 3,
    });
  });

  it('refuses a repeated type, a bad severity and an unknown key', () => {
    expect(() => incidentsSchema.parse({ types: ['noise', { name: 'noise' }] })).toThrow(/once/);
    expect(() => incidentsSchema.parse({ types: [{ name: 'arson', defaultSeverity: 9 }] })).toThrow();
    expect(() => incidentsSchema.parse({ types: [{ name: 'arson', severity: 2 }] })).toThrow();
  });
});
