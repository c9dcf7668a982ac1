// Camera-health panel: each of the four rates per day against the 95% line (small inline SVG), the open
// work orders with their evidence picture; and the fault badges the status wall shows on a camera tile.
import { api, imageUrl } from './api.js';
import { $, fmtTime, h } from './dom.js';
import { state } from './store.js';

const READERS = ['admin', 'operator', 'maintenance'];
const RATES = [
  ['registration', 'Registration'],
  ['online', 'Online'],
  ['imageIntact', 'Image intact'],
  ['location', 'Location'],
];
const SVG = 'http://www.w3.org/2000/svg';
const view = { rows: [], target: 0.95, orders: [], images: new Map() };

const svg = (tag, attrs = {}) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/** One rate over the days as a line, with the target as a dashed line; under target in red. */
function chart(name, label, days) {
  const w = 180,
    hgt = 60,
    pad = 4;
  const box = svg('svg', {
    viewBox: `0 0 ${w} ${hgt}`,
    width: w,
    height: hgt,
    class: 'rate-chart',
    role: 'img',
    'aria-label': label,
  });
  const y = (v) => pad + ((1 - v) * (hgt - 2 * pad)) / 0.3; // 70%..100% fills the height
  const clampY = (v) => Math.min(hgt - pad, Math.max(pad, y(v)));
  box.append(svg('line', { x1: 0, x2: w, y1: clampY(view.target), y2: clampY(view.target), class: 'target' }));
  const pts = days.map((d, i) => ({
    x: days.length > 1 ? pad + (i * (w - 2 * pad)) / (days.length - 1) : w / 2,
    v: d[name],
  }));
  const known = pts.filter((p) => p.v !== null);
  if (known.length)
    box.append(svg('polyline', { points: known.map((p) => `${p.x},${clampY(p.v)}`).join(' '), class: 'rate' }));
  for (const p of known)
    box.append(svg('circle', { cx: p.x, cy: clampY(p.v), r: 2.5, class: p.v < view.target ? 'below' : 'above' }));
  const last = known.at(-1)?.v;
  return h(
    'figure',
    { class: 'rate-fig', dataset: { rate: name } },
    box,
    h('figcaption', {}, `${label} ${last == null ? '—' : `${(last * 100).toFixed(1)}%`}`),
  );
}

function orderItem(o) {
  const img = h('img', { class: 'evidence', alt: `${o.kind} on ${o.cameraId}` });
  const src = view.images.get(o.faultId);
  if (src) img.src = src;
  return h(
    'li',
    { class: `wo wo-${o.status}`, dataset: { order: o.id } },
    img,
    h(
      'div',
      {},
      h('strong', {}, `${o.cameraId}: ${o.kind}`),
      ` · ${o.status} · ${fmtTime(o.openedAt, state.timezone)}`,
    ),
  );
}

export function renderHealth() {
  const box = $('#health-panel');
  if (!box || box.hidden) return;
  // The district rows, one per day, oldest first.
  const days = view.rows.filter((r) => r.period === 'day' && r.grid === null);
  const byDay = new Map();
  for (const r of days) byDay.set(r.start, [...(byDay.get(r.start) ?? []), r]);
  const merged = [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, rs]) => {
      const avg = (k) => {
        const v = rs.map((r) => r[k]).filter((x) => x !== null);
        return v.length ? v.reduce((s, x) => s + x, 0) / v.length : null;
      };
      return Object.fromEntries(RATES.map(([k]) => [k, avg(k)]));
    });
  box.replaceChildren(
    h('h2', {}, 'Camera health'),
    h('div', { class: 'rates' }, ...RATES.map(([k, label]) => chart(k, label, merged))),
    h('h3', {}, `Work orders open: ${view.orders.length}`),
    h('ul', { class: 'work-orders' }, ...view.orders.map(orderItem)),
  );
}

async function load() {
  const [report, orders] = await Promise.all([
    api('/reports/camera-health'),
    api('/work-orders?status=active&limit=20'),
  ]);
  view.rows = report.rows;
  view.target = report.target;
  view.orders = orders.workOrders;
  renderHealth();
  for (const o of view.orders) {
    if (view.images.has(o.faultId)) continue;
    view.images.set(o.faultId, null);
    const url = await imageUrl(`/cameras/${o.cameraId}/health/faults/${o.faultId}/evidence.jpg`).catch(() => null);
    if (url) view.images.set(o.faultId, url);
  }
  renderHealth();
}

/** Shows the panel to the roles that see camera health, and loads it. */
export async function mountHealth() {
  const box = $('#health-panel');
  if (!box || !READERS.includes(state.role)) return;
  box.hidden = false;
  await load();
}

/** A `camera-health` or `work-order` event: re-read the panel (faults on tiles come with the camera poll). */
export function onHealthEvent() {
  if (READERS.includes(state.role)) void load().catch(() => {});
}

/** The faults of a camera tile: kind and since, or nothing when its picture is intact. */
export function faultBadges(c) {
  const faults = c.diagnostics && typeof c.diagnostics === 'object' ? c.diagnostics.faults : [];
  if (!faults.length) return null;
  return h(
    'div',
    { class: 'faults' },
    ...faults.map((f) =>
      h('span', { class: `fault fault-${f.kind}`, title: f.detail }, `${f.kind} · ${fmtTime(f.since, state.timezone)}`),
    ),
  );
}
