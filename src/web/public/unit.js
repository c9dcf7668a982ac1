// A patrol unit's screen: its offers with evidence and target, and its answers (acknowledge, arrived, resolved).
import { api, imageUrl } from './api.js';
import { $, fill, fmtTime, h } from './dom.js';
import { t, tv } from './i18n.js';
import { emit, state } from './store.js';
import { loadUnits } from './status.js';

const ANSWERS = [
  { path: 'ack', label: 'ack', from: ['offered'] },
  { path: 'arrived', label: 'arrived', from: ['acknowledged'] },
  { path: 'resolved', label: 'resolved', from: ['acknowledged', 'arrived'] },
];
const crops = new Map();
const errors = new Map(); // alertId -> last error message

/** An `offer` event (live or replayed on connect). */
export function onOffer(e) {
  const d = e.data ?? {};
  const prev = state.offers.get(e.alertId);
  state.offers.set(e.alertId, { ...d, alertId: e.alertId, at: e.at, state: prev?.state ?? d.state ?? 'offered' });
  emit('offers');
  if (!prev) void loadUnits().catch(() => {});
}

/** The unit's stream carries offers only; the offers' later states (timed out, stood down) come from the alerts. */
export async function refreshOffers() {
  for (const [alertId, offer] of state.offers) {
    try {
      const full = await api(`/alerts/${alertId}`);
      const mine = (full.assignments ?? []).filter((a) => a.unit_id === state.subject).at(-1);
      state.offers.set(alertId, { ...offer, alert: { ...offer.alert, status: full.status }, state: mine?.state ?? offer.state });
    } catch {
      // gone or no longer ours: keep what we know
    }
  }
  emit('offers');
}

async function answer(alertId, path) {
  try {
    const row = await api(`/units/${encodeURIComponent(state.subject)}/alerts/${alertId}/${path}`, { method: 'POST' });
    state.offers.get(alertId).state = row.state;
    errors.delete(alertId);
  } catch (err) {
    errors.set(alertId, err.message);
  }
  emit('offers');
  void loadUnits().catch(() => {});
}

function crop(alert) {
  const img = h('img', { class: 'crop', alt: alert.plate });
  if (!crops.has(alert.id)) crops.set(alert.id, imageUrl(alert.cropUrl));
  crops.get(alert.id).then((url) => (img.src = url), () => img.remove());
  return img;
}

function offerCard(o) {
  const a = o.alert ?? {};
  const l = a.listing;
  const open = o.state === 'offered' || o.state === 'acknowledged' || o.state === 'arrived';
  return h('li', { class: `offer as-${o.state}`, id: `o-${o.alertId}`, dataset: { alert: o.alertId, state: o.state } },
    h('header', {}, h('span', { class: 'prio' }, `P${a.priority ?? '?'}`), h('span', { class: 'plate big' }, a.plate ?? ''), h('span', { class: `chip as-${o.state}` }, tv('as', o.state))),
    h('p', { class: 'notice' }, a.status === 'confirmed' ? t('confirmedNotice') : t('candidateNotice')),
    h('div', { class: 'evidence' }, a.cropUrl ? crop(a) : null,
      h('dl', {},
        h('dt', {}, t('category')), h('dd', {}, l ? tv('cat', l.category) : '—'),
        h('dt', {}, t('reason')), h('dd', {}, l?.reason ?? '—'),
        h('dt', {}, t('target')), h('dd', {}, o.target?.name ?? a.camera?.name ?? '—'),
        h('dt', {}, t('distance')), h('dd', {}, o.distanceM != null ? `${(o.distanceM / 1000).toFixed(1)} km · ${t('eta')} ${Math.round((o.etaS ?? 0) / 60)} min` : '—'),
        h('dt', {}, t('time')), h('dd', {}, fmtTime(a.capturedAt, state.timezone)))),
    open ? h('div', { class: 'actions' }, ANSWERS.map((x) =>
      h('button', { type: 'button', class: x.path, disabled: !x.from.includes(o.state), onclick: () => answer(o.alertId, x.path) }, t(x.label)))) : null,
    errors.has(o.alertId) ? h('p', { class: 'error', role: 'alert' }, errors.get(o.alertId)) : null);
}

export function renderOffers() {
  const list = [...state.offers.values()].sort((x, y) => y.at - x.at);
  fill($('#offers'), list.length ? list.map(offerCard) : h('li', { class: 'empty' }, t('noOffers')));
}
