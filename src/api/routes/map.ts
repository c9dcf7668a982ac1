// The map's offline base (streets and district outlines) for the command-room page.
import { Hono } from 'hono';
import type { BaseMap } from '../../web/base-map.js';
import type { ApiEnv } from '../deps.js';
import { baseMapView } from '../../views/map.js';

/** Every signed-in role may draw the map; the base holds no operational data. */
export function mapRoutes(base: () => BaseMap) {
  return new Hono<ApiEnv>().get('/base', (c) => {
    c.header('cache-control', 'private, max-age=3600');
    return c.json(baseMapView(base()));
  });
}
