// The page's state (who is signed in, alerts and their assignments, cameras, units, offers) and change events.
export const state = {
  role: null,
  subject: null,
  timezone: 'Asia/Shanghai',
  /** id -> alert as GET /alerts/:id describes it (plus `assignments` once fetched). */
  alerts: new Map(),
  selectedId: null,
  cameras: [],
  units: [],
  /** alertId -> the unit's offer (unit accounts only): the offer event's data plus `state`. */
  offers: new Map(),
};

export const canDispose = () => state.role === 'operator' || state.role === 'admin';
export const seesUnits = () => state.role !== 'investigator';
export const seesCameras = () => state.role !== 'unit';

/** Alerts newest first (by capture time). */
export function alertList() {
  return [...state.alerts.values()].sort((a, b) => Date.parse(b.capturedAt) - Date.parse(a.capturedAt));
}

export function unitById(id) {
  return state.units.find((u) => u.id === id);
}

export function cameraById(id) {
  return state.cameras.find((c) => c.id === id);
}

/** Merges what is known of an alert; a later partial update never drops fields already known. */
export function mergeAlert(alert) {
  const prev = state.alerts.get(alert.id) ?? {};
  const next = { ...prev, ...alert };
  if (!alert.assignments && prev.assignments) next.assignments = prev.assignments;
  state.alerts.set(alert.id, next);
  return next;
}

/** An `assignment` event: update the unit's row at once, before the alert's detail is fetched again. */
export function applyAssignment(e) {
  const alert = state.alerts.get(e.alertId);
  if (!alert) return;
  const rows = [...(alert.assignments ?? [])];
  const i = rows.findIndex((r) => r.unitId === e.unitId);
  if (i >= 0) rows[i] = { ...rows[i], state: e.state };
  else rows.push({ unitId: e.unitId, state: e.state, attempt: rows.length + 1 });
  alert.assignments = rows;
}

const listeners = new Map();

/** what: 'alerts' | 'selection' | 'cameras' | 'units' | 'offers' */
export function on(what, fn) {
  if (!listeners.has(what)) listeners.set(what, []);
  listeners.get(what).push(fn);
}

export function emit(what) {
  for (const fn of listeners.get(what) ?? []) fn();
}
