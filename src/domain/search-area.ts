// Where and which way: a search area (circle or box on the map) and a direction of travel (compass degrees).

/** A circle (centre and radius in metres) or a box (south-west to north-east corners, degrees). */
export type SearchArea =
  | { kind: 'circle'; lat: number; lon: number; radiusM: number }
  | { kind: 'box'; south: number; west: number; north: number; east: number };

/** Compass degrees (0 = north, 90 = east) and how far either side of them still counts. */
export interface DirectionFilter {
  degrees: number;
  toleranceDeg: number;
}

export const COMPASS_POINTS: Readonly<Record<string, number>> = {
  N: 0,
  NE: 45,
  E: 90,
  SE: 135,
  S: 180,
  SW: 225,
  W: 270,
  NW: 315,
};

const POINT_NAMES = Object.keys(COMPASS_POINTS);

/** The nearest of the eight compass points to a bearing in degrees (null stays null). */
export const compassOf = (deg: number | null): string | null =>
  deg === null ? null : POINT_NAMES[Math.round((((deg % 360) + 360) % 360) / 45) % 8];

/** `N`, `ne`, ... or degrees `0`-`360`; null when it is neither. */
export function parseCompass(text: string): number | null {
  const point = COMPASS_POINTS[text.trim().toUpperCase()];
  if (point !== undefined) return point;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 360 ? n % 360 : null;
}
