// The phone reports its own position: the browser's geolocation (watchPosition), sent to
// POST /units/:id/position with its accuracy every REPORT_EVERY_MS while signed in and on duty, and at once
// after a move of MOVE_M or more. Positions from MQTT or other API clients keep working beside it.
import { api } from './api.js';
import { state, unitById } from './store.js';

export const REPORT_EVERY_MS = 10_000;
/** A move this far reports early (at most every MIN_GAP_MS), so the map and dispatch follow a car. */
const MOVE_M = 25;
const MIN_GAP_MS = 2000;

/** Metres between two points (haversine). */
export function metresBetween(a, b) {
  const R = 6_371_000;
  const rad = (d) => (d * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** The latest fix and what happened to the last report, for the screen. */
export const position = { fix: null, sentAt: 0, sent: null, error: null, listeners: [] };
const changed = () => position.listeners.forEach((fn) => fn());

const onDuty = () => unitById(state.subject)?.status !== 'off_duty';

async function report() {
  const f = position.fix;
  if (!f || !onDuty() || !navigator.onLine) return;
  position.sentAt = Date.now();
  try {
    const body = { lat: f.lat, lon: f.lon, accuracyM: f.accuracyM, at: new Date(f.at).toISOString() };
    if (f.heading != null && Number.isFinite(f.heading)) body.heading = f.heading % 360;
    if (f.speedKmh != null && Number.isFinite(f.speedKmh)) body.speedKmh = Math.min(f.speedKmh, 400);
    await api(`/units/${encodeURIComponent(state.subject)}/position`, { method: 'POST', body });
    position.sent = f;
    position.error = null;
  } catch (err) {
    position.error = err.message;
  }
  changed();
}

/** Starts watching the phone's position (the browser asks for permission once). */
export function startPositionReporting() {
  if (!('geolocation' in navigator)) {
    position.error = 'no geolocation in this browser';
    return changed();
  }
  navigator.geolocation.watchPosition(
    (p) => {
      const c = p.coords;
      position.fix = {
        lat: c.latitude,
        lon: c.longitude,
        accuracyM: Math.round(c.accuracy),
        heading: c.heading,
        speedKmh: c.speed == null ? null : c.speed * 3.6,
        at: p.timestamp,
      };
      position.error = null;
      const moved = !position.sent || metresBetween(position.sent, position.fix) >= MOVE_M;
      if (moved && Date.now() - position.sentAt >= MIN_GAP_MS) void report();
      else changed();
    },
    (err) => {
      position.error = err.message || 'position unavailable';
      changed();
    },
    { enableHighAccuracy: true, maximumAge: 5000, timeout: 30_000 },
  );
  setInterval(() => void report(), REPORT_EVERY_MS);
}
