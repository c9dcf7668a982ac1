// An assignment: an alert offered to one patrol unit, and its states from the offer to the end; and an alert's wait for a free unit.

export const ASSIGNMENT_STATES = ['offered', 'acknowledged', 'arrived', 'timed_out', 'resolved'] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];
/** The states an assignment moves to after its offer. */
export type AssignmentMove = Exclude<AssignmentState, 'offered'>;

/**
 * The one owner of assignment transitions: to each state, the states it may be reached from. A unit
 * acknowledges an offer, arrives (with or without acknowledging first), and resolves once it acknowledged
 * or arrived; an offer nobody answered times out.
 */
export const ASSIGNMENT_TRANSITIONS: Readonly<Record<AssignmentMove, readonly AssignmentState[]>> = {
  acknowledged: ['offered'],
  arrived: ['offered', 'acknowledged'],
  timed_out: ['offered'],
  resolved: ['acknowledged', 'arrived'],
};

/** States in which the unit still answers for the alert (its lane is taken; a dismissal stands it down). */
export const ENGAGED_STATES: ReadonlySet<AssignmentState> = new Set(['offered', 'acknowledged', 'arrived']);

/** States in which the offer is still open to the unit (replayed when its stream reconnects). */
export const OPEN_STATES: readonly AssignmentState[] = ['offered', 'acknowledged'];

export function canMove(from: AssignmentState, to: AssignmentMove): boolean {
  return ASSIGNMENT_TRANSITIONS[to].includes(from);
}

export interface Assignment {
  id: string;
  alertId: string;
  unitId: string;
  /** The offer's number for the alert: 1 first, n+1 after a time-out or for another lane of the round. */
  attempt: number;
  state: AssignmentState;
  distanceM: number;
  etaS: number;
  offeredAt: Date;
  acknowledgedAt: Date | null;
  arrivedAt: Date | null;
  timedOutAt: Date | null;
}

/** An alert waiting for a free unit; ended when offered or dismissed. */
export interface DispatchWait {
  id: string;
  alertId: string;
  attempt: number;
  since: Date;
  endedAt: Date | null;
  outcome: 'offered' | 'dismissed' | null;
  unitId: string | null;
  waitedS: number | null;
}

/** An open wait with what matching it to a unit needs: priority, the camera's position, the units already tried. */
export interface WaitingAlert extends DispatchWait {
  priority: number;
  lat: number;
  lon: number;
  tried: string[];
}

export type DeliveryChannel = 'sse' | 'webhook' | 'mqtt';

/** One delivery of an alert to a recipient (unit:<id>, checkpoint:<id>) on one channel. */
export interface Delivery {
  recipient: string;
  channel: string;
  deliveredAt: Date;
  detail: string | null;
}
