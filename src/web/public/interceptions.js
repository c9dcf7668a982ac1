// Checkpoint interception orders on the page: the command room orders, follows acknowledgements and sees the loop
// close; a checkpoint account sees the orders sent to it (plate, photo, reason, direction) and acknowledges them.
import { api, imageUrl } from './api.js';
import { $, beep, fill, fmtTime, h } from './dom.js';
import { t, tv } from './i18n.js';
import { emit, state } from './store.js';

const orders = new Map(); // id -> order as GET /interceptions/:id describes it
const photos = new Map(); // crop URL -> Promise<object URL>
const errors = new Map(); // order id or alert id -> last error message
let closedNotice = null; // the latest closed order, shown to the command room until dismissed
const SHOW_ENDED = 5;

export const seesInterceptions = () => ['operator', 'admin', 'checkpoint'].includes(state.role);
const canOrder = () => state.role === 'operator' || state.role === 'admin';
const isCheckpoint = () => state.role === 'checkpoint';

/** Shows the panel to the roles that have orders and loads them; again after a reconnection. */
export async function mountInterceptions() {
  if (!seesInterceptions()) return;
  $('#interceptions-panel').hidden = false;
  await loadInterceptions();
}

export async function loadInterceptions() {
  if (!seesInterceptions()) return;
  const res = await api('/interceptions?limit=100');
  orders.clear();
  for (const o of res.orders) orders.set(o.id, o);
  emit('interceptions');
}

/** An `interception` event: ordered, acknowledged, closed or cancelled. */
export function onInterceptionEvent(e) {
  const o = e.data;
  if (!o?.id) return;
  orders.set(o.id, o);
  if (e.state === 'ordered' && isCheckpoint()) beep();
  if (e.state === 'closed' && canOrder()) {
    closedNotice = o;
    beep();
  }
  emit('interceptions');
}

function photo(url, plate) {
  if (!url) return h('div', { class: 'crop none' }, t('noCrop'));
  const img = h('img', { class: 'crop', alt: plate });
  if (!photos.has(url)) photos.set(url, imageUrl(url));
  photos.get(url).then(
    (src) => (img.src = src),
    () => img.replaceWith(h('div', { class: 'crop none' }, t('noCrop'))),
  );
  return img;
}

async function act(key, work) {
  try {
    const o = await work();
    orders.set(o.id, o);
    errors.delete(key);
  } catch (err) {
    errors.set(key, err.message);
  }
  emit('interceptions');
}

const acknowledge = (id) => act(id, () => api(`/interceptions/${id}/ack`, { method: 'POST' }));
const order = (alertId) => act(alertId, () => api('/interceptions', { method: 'POST', body: { alertId } }));

function direction(o) {
  return o.hit?.direction ? `${tv('dir', o.hit.direction)} (${Math.round(o.hit.headingDeg)}°)` : t('dirUnknown');
}

function targetChips(o) {
  return h(
    'ul',
    { class: 'ic-targets' },
    o.targets.map((x) =>
      h(
        'li',
        {
          class: `chip ${x.acknowledgedAt ? 'as-acknowledged' : 'as-offered'}`,
          dataset: { camera: x.cameraId, acked: x.acknowledgedAt ? 'yes' : 'no' },
        },
        x.name,
        x.distanceM != null ? ` · ${(x.distanceM / 1000).toFixed(1)} km` : '',
        ` · ${x.acknowledgedAt ? `${t('icAcked')} ${x.acknowledgedBy}` : t('icWaiting')}`,
      ),
    ),
  );
}

function mine(o) {
  return o.targets.find((x) => x.cameraId === state.subject);
}

function orderCard(o) {
  const me = mine(o);
  const ackable = isCheckpoint() && o.status === 'open' && me && !me.acknowledgedAt;
  return h(
    'li',
    {
      class: `ic ic-${o.status}`,
      id: `ic-${o.id}`,
      dataset: { status: o.status, plate: o.plate, acked: me?.acknowledgedAt ? 'yes' : 'no' },
    },
    h(
      'header',
      {},
      h('span', { class: 'plate big' }, o.plate),
      h('span', { class: `chip ic-st-${o.status}` }, tv('ic', o.status)),
      o.lapsed ? h('span', { class: 'chip' }, t('icLapsed')) : null,
    ),
    h(
      'div',
      { class: 'evidence' },
      photo(o.photoUrl, o.plate),
      h(
        'dl',
        {},
        h('dt', {}, t('icReason')),
        h('dd', { class: 'ic-reason' }, o.reason),
        h('dt', {}, t('icSeenAt')),
        h('dd', {}, `${o.hit?.name ?? '—'} · ${fmtTime(o.hit?.at, state.timezone)}`),
        h('dt', {}, t('icDirection')),
        h('dd', { class: 'ic-direction' }, direction(o)),
        me?.expectedAt
          ? [h('dt', {}, t('icExpected')), h('dd', {}, fmtTime(me.expectedAt, state.timezone, false))]
          : null,
        h('dt', {}, t('icOrderedBy')),
        h('dd', {}, `${o.orderedBy} · ${fmtTime(o.createdAt, state.timezone)}`),
      ),
    ),
    canOrder() ? targetChips(o) : null,
    o.closed
      ? h(
          'p',
          { class: 'ic-closed-line' },
          `${t('icClosedAt')} ${o.closed.name} · ${fmtTime(o.closed.at, state.timezone)}`,
        )
      : null,
    o.cancelled ? h('p', { class: 'muted' }, `${t('icCancelled')} ${o.cancelled.by}: ${o.cancelled.reason}`) : null,
    ackable
      ? h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'ic-ack', onclick: () => acknowledge(o.id) }, t('icAck')),
        )
      : null,
    errors.has(o.id) ? h('p', { class: 'error', role: 'alert' }, errors.get(o.id)) : null,
  );
}

function noticeBox() {
  if (!closedNotice || !canOrder()) return null;
  const o = closedNotice;
  return h(
    'div',
    { class: 'ic-notice', role: 'status', dataset: { order: o.id } },
    h('b', {}, t('icLoopClosed')),
    ` ${o.plate} · ${o.closed?.name ?? ''} · ${fmtTime(o.closed?.at, state.timezone)}`,
    h(
      'button',
      { type: 'button', class: 'ic-notice-close', onclick: () => ((closedNotice = null), emit('interceptions')) },
      '×',
    ),
  );
}

export function renderInterceptions() {
  if (!seesInterceptions()) return;
  const all = [...orders.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  const open = all.filter((o) => o.status === 'open');
  const ended = all.filter((o) => o.status !== 'open').slice(0, SHOW_ENDED);
  $('#ic-count').textContent = String(open.length);
  fill($('#ic-notice'), noticeBox());
  fill(
    $('#interceptions'),
    open.length || ended.length ? [...open, ...ended].map(orderCard) : h('li', { class: 'empty' }, t('icNone')),
  );
}

/** The alert detail's interception line: the open order's state, or a button to order one (command room, plate hits). */
export function interceptAction(alert) {
  if (!canOrder() || alert.kind === 'face' || alert.status === 'dismissed') return null;
  const o = [...orders.values()].find((x) => x.alertId === alert.id && x.status === 'open');
  const error = errors.has(alert.id) ? h('p', { class: 'error', role: 'alert' }, errors.get(alert.id)) : null;
  if (o) {
    const acked = o.targets.filter((x) => x.acknowledgedAt).length;
    return h(
      'div',
      { class: 'ic-line', dataset: { order: o.id } },
      h('b', {}, t('icOrdered')),
      ` ${acked}/${o.targets.length} ${t('icAckedCount')}`,
      targetChips(o),
    );
  }
  return h(
    'div',
    { class: 'ic-line' },
    h('button', { type: 'button', class: 'ic-order', onclick: () => order(alert.id) }, t('icOrder')),
    error,
  );
}
