// What a situation report holds (its stored JSON, the API's view, and what the page, PDF and CSV show).
export type Period = 'day' | 'week';

export interface Targets {
  '1m': number | null;
  '3m': number | null;
  '5m': number | null;
}

/** Responses against the 1-3-5 minute targets: how many, how many arrived, share (and count) within each. */
export interface ResponseSummary {
  count: number;
  arrived: number;
  within: Targets;
  withinCount: { '1m': number; '3m': number; '5m': number };
  arriveP50S: number | null;
  arriveP90S: number | null;
}

export interface GridResponse extends ResponseSummary {
  grid: string;
}

export interface HotCell {
  grid: string;
  hour: number;
  /** Incidents and hits in the cell this period. */
  count: number;
  /** The same cell over the previous period of the same length. */
  previous: number;
  change: number;
}

export interface ShiftCoverage {
  date: string;
  shift: string;
  grids: { grid: string; lineShare: number | null; pointsReached: number; points: number }[];
  /** Points not reached in the shift. */
  missed: string[];
}

export interface SituationData {
  district: string;
  period: Period;
  startDate: string;
  from: string;
  to: string;
  timezone: string;
  totals: { incidents: number; hits: number; plateHits: number; interceptions: number };
  /** counts[g][h]: grid grids[g], local hour h. */
  byGridHour: { grids: string[]; incidents: number[][]; hits: number[][] };
  incidentsBySeverity: { severity: number; count: number }[];
  response: {
    incidents: ResponseSummary;
    alerts: ResponseSummary;
    incidentsByGrid: GridResponse[];
    alertsByGrid: GridResponse[];
  };
  coverage: {
    hasPlan: boolean;
    shifts: ShiftCoverage[];
    /** Over every shift of the period: mean line share, points reached of points due. */
    grids: { grid: string; lineShare: number | null; pointsReached: number; pointsDue: number }[];
  };
  cameraHealth: {
    target: number | null;
    rows: {
      grid: string | null;
      cameras: number;
      registration: number | null;
      online: number | null;
      imageIntact: number | null;
      location: number | null;
    }[];
  };
  plates: {
    hits: number;
    distinctPlates: number;
    confirmed: number;
    dismissed: number;
    byCategory: { category: string; hits: number }[];
  };
  interceptions: { ordered: number; closed: number; cancelled: number; open: number; closeP50S: number | null };
  hotCells: HotCell[];
  previous: { from: string; to: string; incidents: number; hits: number };
}
