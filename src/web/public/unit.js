// A patrol unit's screen (the officer's phone): its offers with evidence, reason and target, distance and a
// navigation link from the phone's own position, answers (acknowledge, arrived, resolved) that wait in an
// outbox while the connection is lost, the offer list kept across reloads, vibration and a tone on a new offer.
import { api, imageUrl } from './api.js';
import { $, beep, fill, fmtTime, h } from './dom.js';
import { currentLang, t, tv } from './i18n.js';
import { emit, state } from './store.js';
import { loadUnits } from './status.js';
import { enqueue, isNetworkError, keepFlushing, pending } from './unit-outbox.js';
import { metresBetween, position, startPositionReporting } from './unit-position.js';

const ANSWERS = [
  { path: 'ack', label: 'ack', to: 'acknowledged', from: ['offered'] },
  { path: 'arrived', label: 'arrived', to: 'arrived', from: ['acknowledged'] },
  { path: 'resolved', label: 'resolved', to: 'resolved', from: ['acknowledged', 'arrived'] },
];
const OPEN = ['offered', 'acknowledged', 'arrived'];
/** Offers kept on the phone: the open ones and the last few closed, so a reload offline still shows them. */
const KEEP = 20;
const VIBRATE = [300, 120, 300, 120, 600];

const words = {
  zh: {
    queued: '离线：已保存，恢复连接后发送',
    offline: '离线',
    navigate: '导航',
    osm: '地图网页',
    you: '你的位置',
    accuracy: '精度',
    sent: '已上报',
    noFix: '尚未定位',
    fromYou: '距你',
    newOffer: '新任务',
  },
  en: {
    queued: 'Offline: saved, sent when the connection is back',
    offline: 'offline',
    navigate: 'Navigate',
    osm: 'map (web)',
    you: 'Your position',
    accuracy: 'accuracy',
    sent: 'reported',
    noFix: 'no fix yet',
    fromYou: 'from you',
    newOffer: 'New dispatch',
  },
};
const w = (k) => words[currentLang()]?.[k] ?? words.en[k];

const crops = new Map();
const errors = new Map(); // alertId -> last error message
const storeKey = () => `vigil-unit-offers-${state.subject}`;

function save() {
  const list = [...state.offers.values()].sort((x, y) => y.at - x.at);
  const kept = [...list.filter((o) => OPEN.includes(o.state)), ...list.filter((o) => !OPEN.includes(o.state))].slice(
    0,
    KEEP,
  );
  localStorage.setItem(storeKey(), JSON.stringify(kept));
}

function restore() {
  try {
    for (const o of JSON.parse(localStorage.getItem(storeKey()) || '[]'))
      if (!state.offers.has(o.alertId)) state.offers.set(o.alertId, o);
  } catch {
    // a damaged copy: the stream's replay brings the open offers back
  }
  // An answer still in the outbox is what the officer last did: show it so.
  for (const q of pending()) {
    const o = state.offers.get(q.alertId);
    if (o) Object.assign(o, { state: ANSWERS.find((a) => a.path === q.path)?.to ?? o.state, queued: true });
  }
}

/** A new offer calls for attention: vibration and two tones (WebAudio, no sound files). */
function alarm() {
  try {
    navigator.vibrate?.(VIBRATE);
  } catch {
    // vibration refused (no gesture yet, or no motor): the tone and the screen remain
  }
  beep();
}

/** An `offer` event (live or replayed on connect). */
export function onOffer(e) {
  const d = e.data ?? {};
  const prev = state.offers.get(e.alertId);
  state.offers.set(e.alertId, {
    ...prev,
    ...d,
    alertId: e.alertId,
    at: prev?.at ?? e.at,
    state: prev?.queued ? prev.state : (d.state ?? prev?.state ?? 'offered'),
    queued: prev?.queued ?? false,
  });
  if (!prev && (d.state ?? 'offered') === 'offered') alarm();
  save();
  emit('offers');
  if (!prev) void loadUnits().catch(() => {});
}

/** The unit's stream carries offers only; the offers' later states (timed out, stood down) come from the alerts. */
export async function refreshOffers() {
  for (const [alertId, offer] of state.offers) {
    if (offer.queued) continue;
    try {
      const full = await api(`/alerts/${alertId}`);
      const mine = (full.assignments ?? []).filter((a) => a.unitId === state.subject).at(-1);
      state.offers.set(alertId, {
        ...offer,
        alert: { ...offer.alert, status: full.status },
        state: mine?.state ?? offer.state,
      });
    } catch {
      // gone, no longer ours, or offline: keep what we know
    }
  }
  save();
  emit('offers');
}

async function answer(alertId, x) {
  const offer = state.offers.get(alertId);
  // An incident offer's answer is queued for its leg (the incident endpoint), not the unit's alert endpoint.
  const item =
    offer.kind === 'incident'
      ? { unitId: state.subject, alertId, path: x.path, incidentId: offer.incidentId, legId: offer.legId }
      : { unitId: state.subject, alertId, path: x.path };
  errors.delete(alertId);
  if (!navigator.onLine) {
    enqueue(item);
    Object.assign(offer, { state: x.to, queued: true });
  } else {
    try {
      // An incident offer (src/incidents) is answered on its leg; an alert's on the unit's assignment.
      const row =
        offer.kind === 'incident'
          ? (await api(`/incidents/${offer.incidentId}/legs/${offer.legId}/${x.path}`, { method: 'POST' })).legs.find(
              (l) => l.id === offer.legId,
            )
          : await api(`/units/${encodeURIComponent(state.subject)}/alerts/${alertId}/${x.path}`, { method: 'POST' });
      Object.assign(offer, { state: row.state, queued: false });
    } catch (err) {
      if (isNetworkError(err)) {
        enqueue(item);
        Object.assign(offer, { state: x.to, queued: true });
      } else errors.set(alertId, err.message);
    }
  }
  save();
  emit('offers');
  void loadUnits().catch(() => {});
}

const outboxHandlers = {
  onSent: (item, row) => {
    const o = state.offers.get(item.alertId);
    // An incident leg's answer comes back as the incident: its leg carries the state.
    const next = item.legId ? (row.legs?.find((l) => l.id === item.legId)?.state ?? o?.state) : row.state;
    if (o) Object.assign(o, { state: next, queued: pending().some((q) => q.alertId === item.alertId) });
    save();
    emit('offers');
    void loadUnits().catch(() => {});
  },
  onRefused: (item, err) => {
    const o = state.offers.get(item.alertId);
    if (o) o.queued = false;
    errors.set(item.alertId, err.message);
    void refreshOffers();
  },
};

function crop(alert) {
  const img = h('img', { class: 'crop', alt: alert.plate ?? '' });
  if (!crops.has(alert.id)) crops.set(alert.id, imageUrl(alert.cropUrl));
  crops.get(alert.id).then(
    (url) => (img.src = url),
    () => img.remove(),
  );
  return img;
}

/** geo: opens the phone's own map app (offline maps work there); the OSM page is the fallback with a connection. */
function navigation(target) {
  if (!target) return null;
  const { lat, lon } = target;
  const label = encodeURIComponent(target.name ?? '');
  return h(
    'div',
    { class: 'nav' },
    h('a', { class: 'navigate', href: `geo:${lat},${lon}?q=${lat},${lon}(${label})` }, `➤ ${w('navigate')}`),
    h(
      'a',
      {
        class: 'osm',
        href: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`,
        target: '_blank',
        rel: 'noopener',
      },
      w('osm'),
    ),
  );
}

function distanceText(o) {
  const target = o.target;
  if (target && position.fix) {
    const m = metresBetween(position.fix, target);
    return `${m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`} ${w('fromYou')}`;
  }
  return o.distanceM != null
    ? `${(o.distanceM / 1000).toFixed(1)} km · ${t('eta')} ${Math.round((o.etaS ?? 0) / 60)} min`
    : '—';
}

function offerCard(o) {
  const a = o.alert ?? {};
  const l = a.listing;
  const open = OPEN.includes(o.state);
  const reason = l?.reason ?? a.subject?.reason ?? null;
  const category = l ? tv('cat', l.category) : a.subject ? tv('cat', a.subject.category) : '—';
  return h(
    'li',
    {
      class: `offer as-${o.state}${o.queued ? ' queued' : ''}`,
      id: `o-${o.alertId}`,
      dataset: { alert: o.alertId, state: o.state, queued: o.queued ? 'yes' : 'no' },
    },
    h(
      'header',
      {},
      h('span', { class: 'prio' }, `P${a.priority ?? '?'}`),
      h('span', { class: 'plate big' }, a.plate || a.subject?.name || ''),
      h('span', { class: `chip as-${o.state}` }, tv('as', o.state)),
    ),
    h('p', { class: 'notice' }, a.status === 'confirmed' ? t('confirmedNotice') : t('candidateNotice')),
    reason ? h('p', { class: 'offer-reason' }, reason) : null,
    h(
      'div',
      { class: 'evidence' },
      a.cropUrl ? crop(a) : null,
      h(
        'dl',
        {},
        h('dt', {}, t('category')),
        h('dd', {}, category),
        h('dt', {}, t('target')),
        h('dd', {}, o.target?.name ?? a.camera?.name ?? '—'),
        h('dt', {}, t('distance')),
        h('dd', { class: 'distance' }, distanceText(o)),
        h('dt', {}, t('time')),
        h('dd', {}, fmtTime(a.capturedAt, state.timezone)),
      ),
    ),
    navigation(o.target),
    open
      ? h(
          'div',
          { class: 'actions' },
          ANSWERS.filter((x) => o.kind !== 'incident' || x.path !== 'resolved').map((x) =>
            h(
              'button',
              {
                type: 'button',
                class: x.path,
                disabled: !x.from.includes(o.state),
                onclick: () => answer(o.alertId, x),
              },
              t(x.label),
            ),
          ),
        )
      : null,
    o.queued ? h('p', { class: 'queued-note', role: 'status' }, w('queued')) : null,
    errors.has(o.alertId) ? h('p', { class: 'error', role: 'alert' }, errors.get(o.alertId)) : null,
  );
}

function renderFix() {
  const el = $('#unit-fix');
  if (!el) return;
  const f = position.fix;
  const parts = [h('strong', {}, `${w('you')}: `)];
  if (!f) parts.push(position.error ?? w('noFix'));
  else {
    parts.push(`${f.lat.toFixed(5)}, ${f.lon.toFixed(5)} · ${w('accuracy')} ±${f.accuracyM} m`);
    if (position.sent)
      parts.push(` · ${w('sent')} ${fmtTime(new Date(position.sentAt).toISOString(), state.timezone, false)}`);
    if (position.error) parts.push(h('span', { class: 'error' }, ` ${position.error}`));
  }
  if (!navigator.onLine) parts.push(h('span', { class: 'offline-tag' }, ` · ${w('offline')}`));
  fill(el, parts);
  el.dataset.fix = f ? 'yes' : 'no';
}

export function renderOffers() {
  const list = [...state.offers.values()].sort(
    (x, y) => Number(OPEN.includes(y.state)) - Number(OPEN.includes(x.state)) || y.at - x.at,
  );
  fill($('#offers'), list.length ? list.map(offerCard) : h('li', { class: 'empty' }, t('noOffers')));
  renderFix();
}

/** The unit account's start: restore the kept offers, send queued answers on reconnection, report the phone's position. */
export function mountUnit() {
  const panel = $('#offers-panel');
  if (panel && !$('#unit-fix'))
    panel.insertBefore(h('p', { id: 'unit-fix', class: 'unit-fix', 'aria-live': 'polite' }), $('#offers'));
  restore();
  position.listeners.push(renderOffers);
  window.addEventListener('online', renderOffers);
  window.addEventListener('offline', renderOffers);
  keepFlushing(outboxHandlers);
  startPositionReporting();
  emit('offers');
}

/** Installable and loadable without a connection: the service worker keeps the page's files (never API answers). */
export function registerServiceWorker() {
  if ('serviceWorker' in navigator && window.isSecureContext)
    void navigator.serviceWorker.register('/sw.js').catch(() => {});
}
