// A unit's answers (acknowledge, arrived, resolved) that could not be sent: kept in localStorage and sent, in
// order, when the connection is back. A refusal from the server (409: already answered, stood down) ends
// the queued answer with its message; only a lost connection keeps it waiting.
import { api } from './api.js';

const KEY = 'vigil-unit-outbox';
const RETRY_MS = 5000;

const read = () => {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '[]');
  } catch {
    return [];
  }
};
const write = (items) => localStorage.setItem(KEY, JSON.stringify(items));

/** A fetch that never reached the server (offline, DNS, reset), as opposed to an answer from it. */
export const isNetworkError = (err) => !err?.status;

/** The answers still waiting, oldest first: { unitId, alertId, path, at, incidentId?, legId? }. */
export const pending = () => read();

export function enqueue(item) {
  const items = read().filter((x) => !(x.alertId === item.alertId && x.path === item.path));
  items.push({ ...item, at: Date.now() });
  write(items);
}

let flushing = null;

/** Where a queued answer goes: an incident offer's leg, else the unit's assignment for the alert. */
const endpoint = (item) =>
  item.incidentId && item.legId
    ? `/incidents/${item.incidentId}/legs/${item.legId}/${item.path}`
    : `/units/${encodeURIComponent(item.unitId)}/alerts/${item.alertId}/${item.path}`;

/**
 * Sends what waits, oldest first; stops at the first lost connection. onSent(item, row) after each
 * answer the server took, onRefused(item, err) after each it refused.
 */
export function flush({ onSent, onRefused }) {
  flushing ??= (async () => {
    try {
      for (const item of read()) {
        try {
          const row = await api(endpoint(item), { method: 'POST' });
          write(read().filter((x) => !(x.alertId === item.alertId && x.path === item.path)));
          onSent(item, row);
        } catch (err) {
          if (isNetworkError(err)) return;
          write(read().filter((x) => !(x.alertId === item.alertId && x.path === item.path)));
          onRefused(item, err);
        }
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/** Sends on reconnection (the browser's online event) and every few seconds while anything waits. */
export function keepFlushing(handlers) {
  const go = () => (read().length ? void flush(handlers) : undefined);
  window.addEventListener('online', go);
  setInterval(go, RETRY_MS);
  go();
}
