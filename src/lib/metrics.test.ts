// The registry and the Grafana dashboard agree: every metric the dashboard queries is declared, and names follow Prometheus rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from './metrics.js';

const dashboard = readFileSync(new URL('../../ops/grafana/vigil.json', import.meta.url), 'utf8');

describe('metrics registry', () => {
  it('declares every vigil_ metric the dashboard queries', () => {
    const queried = new Set(
      [...dashboard.matchAll(/\bvigil_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')),
    );
    const declared = new Set(registry.getMetricsAsArray().map((m) => m.name));
    expect([...queried].filter((n) => !declared.has(n))).toEqual([]);
    expect(queried.size).toBeGreaterThan(10);
  });

  it('names counters *_total and time histograms *_seconds, each with help text', () => {
    for (const m of registry.getMetricsAsArray().filter((x) => x.name.startsWith('vigil_'))) {
      const { type, help } = m as unknown as { type: string; help: string };
      if (type === 'counter') expect(m.name).toMatch(/_total$/);
      if (type === 'histogram') expect(m.name).toMatch(/_seconds$/);
      expect(help.length).toBeGreaterThan(5);
    }
  });

  it('is valid JSON with a Prometheus datasource variable', () => {
    const d = JSON.parse(dashboard) as { templating: { list: { name: string; query: unknown }[] } };
    expect(d.templating.list.find((v) => v.name === 'datasource')?.query).toBe('prometheus');
  });
});
