// The live alert feed: loading, merging live events, the list, selection and keyboard shortcuts (j/k/c/d).
import { api } from './api.js';
import { $, beep, fill, fmtTime, h } from './dom.js';
import { t, tv } from './i18n.js';
import { alertList, applyAssignment, canDispose, emit, mergeAlert, state, unitById } from './store.js';

/** Priorities at or above this (1 is highest) sound when they first arrive. */
const SOUND_AT_PRIORITY = 2;

/** Fetches one alert's detail (evidence, assignments) and merges it. */
export async function refreshAlert(id) {
  const full = await api(`/alerts/${id}`);
  mergeAlert(full);
  emit('alerts');
  return full;
}

/**
 * Open (candidate) alerts the feed has not loaded: the list shows a page, the badge counts them all
 * from the server's total (older ones beyond the page stay counted until the next load).
 */
let openBeyondPage = 0;

/** Initial list (and after a reconnect); details, with assignments, follow in the background. */
export async function loadAlerts() {
  const [{ alerts }, open] = await Promise.all([api('/alerts?limit=50'), api('/alerts?status=candidate&limit=1')]);
  for (const a of alerts) mergeAlert(a);
  const loadedOpen = alertList().filter((a) => a.status === 'candidate').length;
  openBeyondPage = Math.max(0, (open.total ?? loadedOpen) - loadedOpen);
  if (!state.selectedId && alerts.length) state.selectedId = alerts[0].id;
  emit('alerts');
  emit('selection');
  void detailsInBackground(alerts.map((a) => a.id));
}

async function detailsInBackground(ids, concurrency = 4) {
  const queue = [...ids];
  const worker = async () => {
    while (queue.length) await refreshAlert(queue.shift()).catch(() => {});
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** An `alert` event: a new hit, or a disposition by someone (maybe on another screen). */
export async function onAlertEvent(e) {
  const isNew = !state.alerts.has(e.alertId);
  // New alerts carry the whole view: show it at once, fetch assignments after.
  if (isNew && e.data?.plate) {
    mergeAlert(e.data);
    emit('alerts');
  }
  const full = await refreshAlert(e.alertId).catch(() => null);
  if (isNew && !state.selectedId) select(e.alertId);
  if (isNew && full && full.priority <= SOUND_AT_PRIORITY && full.status === 'candidate') beep();
}

export async function onAssignmentEvent(e) {
  applyAssignment(e);
  emit('alerts');
  await refreshAlert(e.alertId).catch(() => {});
}

export function select(id) {
  state.selectedId = id;
  emit('selection');
  renderFeed();
  document.getElementById(`a-${id}`)?.scrollIntoView({ block: 'nearest' });
}

/** The unit sent for an alert and its state: the latest attempt that has a unit. */
export function latestAssignment(alert) {
  const rows = alert.assignments ?? [];
  return rows.length ? rows.reduce((a, b) => ((b.attempt ?? 0) >= (a.attempt ?? 0) ? b : a)) : null;
}

export function unitName(unitId) {
  return unitId ? (unitById(unitId)?.callsign ?? unitId) : '—';
}

function feedItem(a) {
  const asg = latestAssignment(a);
  return h(
    'li',
    {
      id: `a-${a.id}`,
      class: `alert p${a.priority} ${a.status}${a.id === state.selectedId ? ' selected' : ''}`,
      'aria-selected': a.id === state.selectedId ? 'true' : 'false',
      dataset: { id: a.id, status: a.status },
      onclick: () => select(a.id),
    },
    h('span', { class: 'prio' }, `P${a.priority}`),
    // A face candidate is named by its subject (it has no plate).
    h('span', { class: 'plate' }, a.kind === 'face' ? `${t('subject')}: ${a.subject?.name ?? '?'}` : a.plate),
    h('span', { class: `chip st-${a.status}` }, tv('st', a.status)),
    h(
      'span',
      { class: 'meta' },
      a.listing ? tv('cat', a.listing.category) : a.subject ? tv('subj', a.subject.category) : '',
      ' · ',
      a.camera?.name ?? '',
      ' · ',
      fmtTime(a.capturedAt, state.timezone, false),
    ),
    asg
      ? h(
          'span',
          { class: `chip as-${asg.state}`, dataset: { unit: asg.unitId } },
          `${unitName(asg.unitId)} ${tv('as', asg.state)}`,
        )
      : null,
  );
}

export function renderFeed() {
  const list = alertList();
  fill($('#alerts'), list.length ? list.map(feedItem) : h('li', { class: 'empty' }, t('noAlerts')));
  $('#alert-count').textContent = String(openBeyondPage + list.filter((a) => a.status === 'candidate').length);
}

/** j/k move, c/d open the confirm/dismiss form for the selected alert; typing in a field is left alone. */
export function bindKeys(openDisposition) {
  document.addEventListener('keydown', (ev) => {
    if (ev.target.closest?.('input, textarea, select') || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const list = alertList();
    if (!list.length) return;
    const i = Math.max(
      0,
      list.findIndex((a) => a.id === state.selectedId),
    );
    if (ev.key === 'j') select(list[Math.min(i + 1, list.length - 1)].id);
    else if (ev.key === 'k') select(list[Math.max(i - 1, 0)].id);
    else if ((ev.key === 'c' || ev.key === 'd') && canDispose() && state.selectedId)
      openDisposition(ev.key === 'c' ? 'confirm' : 'dismiss');
    else return;
    ev.preventDefault();
  });
}
