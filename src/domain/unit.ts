// A patrol unit (car, motorbike, foot, post): its status and its last reported position.

export type UnitType = 'car' | 'motorbike' | 'foot' | 'post';
export const UNIT_STATUSES = ['available', 'assigned', 'en_route', 'on_scene', 'off_duty'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export interface Unit {
  id: string;
  callsign: string;
  type: UnitType;
  homeGrid: string;
  status: UnitStatus;
  /** The last fix; all null before the first report. */
  lat: number | null;
  lon: number | null;
  positionAt: Date | null;
  /** Degrees from north and km/h, when the unit's device reports them (MQTT). */
  heading: number | null;
  speedKmh: number | null;
  /** How far off the last fix may be, metres, when the device said (a phone's browser does). */
  accuracyM: number | null;
  /** The district the unit answers to: its own (config), or that of the cameras in its home grid; null when neither is known. */
  district: string | null;
}

/** One reported fix of a unit's history. */
export interface UnitFix {
  lat: number;
  lon: number;
  at: Date;
  heading: number | null;
  speedKmh: number | null;
}

/** A unit's status after each answer to its offer: the one map from assignment answers to unit statuses. */
export const STATUS_AFTER: Readonly<Record<'acknowledged' | 'arrived' | 'resolved', UnitStatus>> = {
  acknowledged: 'en_route',
  arrived: 'on_scene',
  resolved: 'available',
};
