// Cameras inside a search area: what turns "plate reads near here" into a camera filter the indexes serve.
import { EARTH_RADIUS_M } from '../domain/geo.js';
import type { SearchArea } from '../domain/search-area.js';
import type { Db } from './db.js';

/** Ids of the cameras whose position lies in the area (haversine for circles; boxes may cross 180°). */
export async function camerasInArea(db: Db, area: SearchArea): Promise<string[]> {
  if (area.kind === 'circle') {
    const rows = await db.query<{ id: string }>(
      `select id from cameras
       where 2 * ${EARTH_RADIUS_M} * asin(least(1, sqrt(power(sin(radians(lat - $1) / 2), 2)
             + cos(radians($1)) * cos(radians(lat)) * power(sin(radians(lon - $2) / 2), 2)))) <= $3
       order by id`,
      [area.lat, area.lon, area.radiusM],
    );
    return rows.map((r) => r.id);
  }
  const rows = await db.query<{ id: string }>(
    `select id from cameras where lat between $1 and $2
       and (case when $3::float8 <= $4::float8 then lon between $3 and $4 else lon >= $3 or lon <= $4 end)
     order by id`,
    [area.south, area.north, area.west, area.east],
  );
  return rows.map((r) => r.id);
}

/**
 * The cameras both filters allow: the area's, within the named ones when both are given. An empty list
 * of named cameras allows none (a scoped searcher with no camera in reach), never all.
 */
export async function narrowCameras(
  db: Db,
  cameraIds: string[] | undefined,
  area: SearchArea | undefined,
): Promise<string[] | undefined> {
  if (!area) return cameraIds;
  const inside = await camerasInArea(db, area);
  return cameraIds ? inside.filter((id) => cameraIds.includes(id)) : inside;
}
