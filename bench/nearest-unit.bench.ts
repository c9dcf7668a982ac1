// Nearest-unit choice on a road graph: 500 units in a synthetic 10 x 10 km district (perturbed grid,
// arterials, one-way streets, footpaths), ms per decision over the graph and in a straight line.
// Args: --units=N (default 500), --decisions=N (default 300), --spacing=M (street spacing, default 125).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { syntheticDistrict } from '../fixtures/roads/district.js';
import { roadsSchema } from '../src/config/roads.js';
import { buildRoadGraph } from '../src/dispatch/road-graph.js';
import { roadTravelModel } from '../src/dispatch/road-search.js';
import {
  rankUnits,
  straightLineModel,
  type TravelModel,
  type UnitPosition,
  type UnitType,
} from '../src/dispatch/travel.js';
import type { BenchContext } from './run.js';
import { numArg, percentile, seededRandom } from './common.js';

const CENTRE = { lat: 22.5431, lon: 114.0579 };
const SIZE_M = 10_000;
const M_PER_DEG = 111_195.08;

const round = (x: number, digits = 3) => Number(x.toFixed(digits));
const summary = (ms: number[]) => ({
  p50Ms: round(percentile(ms, 50)),
  p95Ms: round(percentile(ms, 95)),
  maxMs: round(Math.max(...ms)),
});

export default async function nearestUnit(ctx: BenchContext) {
  const unitCount = numArg(ctx.args, 'units', 500);
  const decisions = numArg(ctx.args, 'decisions', 300);
  const spacingM = numArg(ctx.args, 'spacing', 125);
  const rand = seededRandom();
  const point = () => ({
    lat: CENTRE.lat + ((rand(1_000_000) / 1_000_000 - 0.5) * SIZE_M * 0.95) / M_PER_DEG,
    lon:
      CENTRE.lon +
      ((rand(1_000_000) / 1_000_000 - 0.5) * SIZE_M * 0.95) / (M_PER_DEG * Math.cos((CENTRE.lat * Math.PI) / 180)),
  });

  const geojson = syntheticDistrict({ centre: CENTRE, sizeM: SIZE_M, spacingM, arterialEvery: 8 });
  const text = JSON.stringify(geojson);
  let started = performance.now();
  const parsed: unknown = JSON.parse(text);
  const parseMs = performance.now() - started;
  started = performance.now();
  const graph = buildRoadGraph(parsed, 30);
  const buildMs = performance.now() - started;

  const roads = roadsSchema.parse({});
  const road = roadTravelModel(graph, roads);
  const straight = straightLineModel(roads.straightLineSpeedsKmh);
  const now = Date.now();
  const types: UnitType[] = ['car', 'car', 'car', 'car', 'car', 'car', 'car', 'motorbike', 'motorbike', 'foot', 'post'];
  const units: UnitPosition[] = Array.from({ length: unitCount }, (_, i) => ({
    id: `u${i}`,
    type: types[rand(types.length)],
    ...point(),
    status: 'available',
    positionAt: now,
  }));
  const carsOnly = units.map((u) => ({ ...u, type: 'car' as const }));
  const targets = Array.from({ length: decisions }, point);

  // Wall time and this process's CPU time per decision: on a shared, loaded machine the CPU time is the steadier figure.
  const time = (travel: TravelModel, pool: UnitPosition[]) => {
    const ms: number[] = [];
    const cpuMs: number[] = [];
    let fallbacks = 0;
    let differs = 0;
    for (const target of targets) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const ranked = rankUnits(target, pool, { now, staleAfterMs: 60_000, travel });
      ms.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
      fallbacks += ranked.filter((r) => r.via === 'fallback').length;
      if (
        travel === road &&
        ranked[0]?.unitId !== rankUnits(target, pool, { now, staleAfterMs: 60_000, travel: straight })[0]?.unitId
      )
        differs++;
    }
    return {
      ...summary(ms),
      cpuP50Ms: round(percentile(cpuMs, 50)),
      cpuP95Ms: round(percentile(cpuMs, 95)),
      fallbackShare: round(fallbacks / (pool.length * targets.length), 4),
      bestDiffersFromStraightLine: travel === road ? round(differs / targets.length, 3) : undefined,
    };
  };
  time(road, units.slice(0, 50)); // warm up the JIT
  return {
    loadAverage1m: round(os.loadavg()[0], 2),
    what: `rankUnits for ${unitCount} units (mixed types: ${unitCount} available, fresh) to ${decisions} random targets, one decision = one call`,
    graph: {
      streets: geojson.features.length,
      nodes: graph.nodeCount,
      edges: graph.edgeCount,
      jsonBytes: text.length,
      parseMs: round(parseMs, 1),
      buildMs: round(buildMs, 1),
    },
    roadGraph: {
      mixedTypes: time(road, units),
      carsOnly: time(road, carsOnly),
      searchesPerDecision: { mixedTypes: 3, carsOnly: 1 },
    },
    straightLine: time(straight, units),
  };
}
