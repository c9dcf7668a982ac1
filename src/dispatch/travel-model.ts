// Picks the travel model the node dispatches with: over the configured road graph, else the straight line.
import path from 'node:path';
import type { RoadsConfig } from '../config/roads.js';
import type { Logger } from '../lib/logger.js';
import { loadRoadGraph } from './road-graph.js';
import { roadTravelModel } from './road-search.js';
import { straightLineModel, type TravelModel } from './travel.js';

/** Loads and checks the graph once at start (a bad file stops start-up with the feature index). */
export function travelModelFor(roads: RoadsConfig, root: string, log: Logger): TravelModel {
  if (!roads.graph) return straightLineModel(roads.straightLineSpeedsKmh);
  const file = path.resolve(root, roads.graph);
  const started = Date.now();
  const graph = loadRoadGraph(file, roads.defaultSpeedKmh);
  log.info(`road graph ${file}: ${graph.nodeCount} nodes, ${graph.edgeCount} edges in ${Date.now() - started} ms`);
  return roadTravelModel(graph, roads);
}
