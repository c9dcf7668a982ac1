// Reports panel: a grid x hour heat table of alerts or plate reads, and the 1-3-5 response table per grid and shift.
import { api } from './api.js';
import { $, fill, h } from './dom.js';
import { onLang, t } from './i18n.js';
import { state } from './store.js';

const RANGES = { '24h': 1, '7d': 7, '30d': 30 };
const view = { range: '7d', kind: 'alerts', heat: null, response: null, error: '' };
const mayRead = () => ['admin', 'operator', 'investigator'].includes(state.role);

/** Empty cells stay dark; the rest run from amber (few) to red (the busiest cell). */
function heatColour(count, max) {
  if (!count || !max) return '';
  const f = Math.min(1, count / max);
  return `hsl(${Math.round(45 - 45 * f)}, 90%, ${Math.round(22 + 26 * f)}%)`;
}

const secs = (x) =>
  x === null || x === undefined ? '—' : x < 120 ? `${Math.round(x)} s` : `${(x / 60).toFixed(1)} min`;
const pct = (x) => (x === null || x === undefined ? '—' : `${Math.round(x * 100)}%`);
const label = (code) => (code === '*' ? t('all') : code === '-' ? t('noShift') : code);

function heatTable(r) {
  if (!r.grids.length) return h('p', { class: 'empty' }, t('noData'));
  const head = h(
    'tr',
    {},
    h('th', {}, t('grid')),
    ...Array.from({ length: 24 }, (_, hr) => h('th', {}, String(hr))),
    h('th', {}, t('total')),
  );
  const rows = r.grids.map((grid, g) =>
    h(
      'tr',
      { dataset: { grid } },
      h('th', {}, grid),
      ...r.counts[g].map((n, hr) => {
        const cell = h('td', { title: `${grid} ${hr}:00 · ${n}`, dataset: { hour: hr, count: n } }, n ? String(n) : '');
        cell.style.background = heatColour(n, r.max); // CSSOM, allowed by the page's CSP (no inline style attributes)
        return cell;
      }),
      h('td', { class: 'sum' }, String(r.counts[g].reduce((s, n) => s + n, 0))),
    ),
  );
  return h('table', { class: 'heat' }, h('thead', {}, head), h('tbody', {}, rows));
}

function shareCell(x) {
  const cls = x === null ? '' : x >= 0.9 ? 'good' : x >= 0.6 ? 'warn' : 'bad';
  return h('td', { class: `share ${cls}` }, pct(x));
}

function responseTable(r) {
  if (!r.rows.length) return h('p', { class: 'empty' }, t('noData'));
  const head = h(
    'tr',
    {},
    ...['grid', 'shift', 'dispatchedCount', 'ackP', 'arriveP', 'within1', 'within3', 'within5'].map((k) =>
      h('th', {}, t(k)),
    ),
  );
  const rows = r.rows.map((x) =>
    h(
      'tr',
      { class: x.grid === '*' || x.shift === '*' ? 'subtotal' : '', dataset: { grid: x.grid, shift: x.shift } },
      h('td', {}, label(x.grid)),
      h('td', {}, label(x.shift)),
      h('td', {}, String(x.dispatched)),
      h('td', {}, `${secs(x.ackS.p50)} / ${secs(x.ackS.p90)}`),
      h('td', {}, `${secs(x.arrivalS.p50)} / ${secs(x.arrivalS.p90)}`),
      shareCell(x.within['1m']),
      shareCell(x.within['3m']),
      shareCell(x.within['5m']),
    ),
  );
  return h('table', { class: 'response' }, h('thead', {}, head), h('tbody', {}, rows));
}

function controls() {
  const select = (value, options, onchange) =>
    h(
      'select',
      { onchange: (ev) => onchange(ev.target.value) },
      ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
    );
  return h(
    'div',
    { class: 'report-controls' },
    h(
      'label',
      {},
      `${t('period')} `,
      select(
        view.range,
        Object.keys(RANGES).map((k) => [k, t(`last${k}`)]),
        (v) => ((view.range = v), void load()),
      ),
    ),
    h(
      'label',
      {},
      `${t('heat')} `,
      select(
        view.kind,
        [
          ['alerts', t('heatAlerts')],
          ['reads', t('heatReads')],
        ],
        (v) => ((view.kind = v), void load()),
      ),
    ),
    h('button', { type: 'button', onclick: () => void load() }, t('refresh')),
  );
}

export function renderHeat() {
  const box = $('#reports-panel');
  if (!box) return;
  box.hidden = !mayRead();
  if (box.hidden) return;
  fill(
    box,
    h('h2', {}, t('reports')),
    controls(),
    view.error ? h('p', { class: 'error' }, view.error) : null,
    h('h3', {}, `${t('heat')} · ${t(view.kind === 'alerts' ? 'heatAlerts' : 'heatReads')} (${state.timezone})`),
    view.heat ? heatTable(view.heat) : h('p', { class: 'empty' }, '…'),
    h('h3', {}, t('response135')),
    view.response ? responseTable(view.response) : h('p', { class: 'empty' }, '…'),
  );
}

async function load() {
  const to = new Date();
  const from = new Date(to.getTime() - RANGES[view.range] * 24 * 3600_000);
  const q = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  try {
    [view.heat, view.response] = await Promise.all([
      api(`/reports/heat?${q}&kind=${view.kind}`),
      api(`/reports/response-times?${q}`),
    ]);
    view.error = '';
  } catch (err) {
    view.error = err.message;
  }
  renderHeat();
}

let mounted = false;

/** Shows the panel to roles that may read reports and loads it; re-drawn on language change. */
export async function mountHeat() {
  if (!mounted) onLang(renderHeat);
  mounted = true;
  renderHeat();
  if (mayRead()) await load();
}
