// What GET /map/base answers: the map's offline base as [lon, lat] lines.
import { z } from 'zod';
import type { BaseMap } from '../web/base-map.js';

const line = z.array(z.array(z.number()).describe('[lon, lat]'));

export const baseMapSchema = z.object({
  roads: z.array(line).describe('Road-graph streets'),
  outlines: z.array(line).describe('District outlines'),
  dropped: z.number().int().describe('Lines left out to stay within map.maxPoints (the shortest first)'),
});

export const baseMapView = (m: BaseMap): z.infer<typeof baseMapSchema> => ({
  roads: m.roads,
  outlines: m.outlines,
  dropped: m.dropped,
});
