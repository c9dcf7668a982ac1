// Footage search panel: investigators look up plate reads (exact, OCR-equivalent, partial) with a stated purpose or
// case, page through the results, see each read's crop, and play the footage around it through a signed URL.
import { api, imageUrl } from './api.js';
import { $, fill, fmtTime, h } from './dom.js';
import { onLang, t } from './i18n.js';
import { footageVideo } from './footage.js';
import { cameraById, state } from './store.js';

const PAGE = 50;
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
const view = { rows: [], next: null, query: null, error: '', searched: false };
const maySearch = () => ['admin', 'operator', 'investigator'].includes(state.role);

/** Minutes the zone is ahead of UTC at instant ms (Intl only; no library). */
function zoneOffsetMin(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return Math.round((wall - ms) / 60_000);
}

/**
 * A datetime-local value ("2026-11-24T08:30") read as wall time in the command room's zone (state.timezone), as ISO UTC.
 * An unknown zone name falls back to the browser's local time.
 */
export function zonedIso(local, timeZone) {
  if (!local) return undefined;
  const [d, tm] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [hh, mi, ss = 0] = tm.split(':').map(Number);
  const asUtc = Date.UTC(y, mo - 1, da, hh, mi, ss);
  try {
    let ms = asUtc - zoneOffsetMin(asUtc, timeZone) * 60_000;
    ms = asUtc - zoneOffsetMin(ms, timeZone) * 60_000; // second pass settles a DST change between guess and answer
    return new Date(ms).toISOString();
  } catch {
    return new Date(local).toISOString();
  }
}

const compass = (deg) => (deg === null || deg === undefined ? '—' : t(`dir_${COMPASS[Math.round(deg / 45) % 8]}`));

function field(id, label, input) {
  return h('label', { for: id }, h('span', {}, label), input);
}

/** The form; values survive a re-draw (language change) because they are read back from the old inputs. */
function form() {
  const old = (id) => $(`#${id}`)?.value ?? '';
  const input = (id, attrs = {}) => h('input', { id, name: id, value: old(id), ...attrs });
  const mode = h(
    'select',
    { id: 'search-mode', name: 'match' },
    ...['exact', 'fuzzy', 'partial'].map((m) =>
      h('option', { value: m, selected: (old('search-mode') || 'exact') === m }, t(`searchMode_${m}`)),
    ),
  );
  const el = h(
    'form',
    { id: 'search-form', class: 'search-form', autocomplete: 'off' },
    field(
      'search-plate',
      t('plate'),
      input('search-plate', { size: 12, maxlength: 16, placeholder: '粤B4E7K2 / B?E7* ' }),
    ),
    field('search-mode', t('searchMode'), mode),
    field(
      'search-from',
      `${t('searchFrom')} (${state.timezone})`,
      input('search-from', { type: 'datetime-local', step: 1 }),
    ),
    field('search-to', `${t('searchTo')} (${state.timezone})`, input('search-to', { type: 'datetime-local', step: 1 })),
    field('search-purpose', t('searchPurpose'), input('search-purpose', { size: 28, maxlength: 500 })),
    field('search-case', t('searchCase'), input('search-case', { size: 12, maxlength: 100 })),
    h('button', { type: 'submit' }, t('search')),
  );
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void search(queryFromForm(), 0);
  });
  return el;
}

function queryFromForm() {
  const v = (id) => $(`#${id}`).value.trim();
  const q = { match: v('search-mode'), limit: String(PAGE) };
  const pairs = [
    ['plate', v('search-plate')],
    ['from', zonedIso(v('search-from'), state.timezone)],
    ['to', zonedIso(v('search-to'), state.timezone)],
    ['purpose', v('search-purpose')],
    ['case', v('search-case')],
  ];
  for (const [k, x] of pairs) if (x) q[k] = x;
  return q;
}

async function search(query, offset) {
  try {
    const out = await api(`/plate-reads?${new URLSearchParams({ ...query, offset: String(offset) })}`);
    view.rows = offset === 0 ? out.reads : [...view.rows, ...out.reads];
    view.next = out.nextOffset;
    view.query = query;
    view.error = '';
  } catch (err) {
    view.error = err.message; // the API's own 400 text says what to fix (e.g. the missing purpose)
    if (offset === 0) Object.assign(view, { rows: [], next: null });
  }
  view.searched = true;
  renderResults();
}

function thumb(r) {
  if (!r.thumbnailUrl) return h('span', { class: 'muted' }, t('noCrop'));
  const img = h('img', { class: 'search-thumb', alt: r.plate });
  imageUrl(r.thumbnailUrl).then(
    (u) => (img.src = u),
    () => img.replaceWith(h('span', { class: 'muted' }, t('noCrop'))),
  );
  return img;
}

function row(r) {
  const cam = cameraById(r.cameraId);
  return h(
    'tr',
    { dataset: { read: r.id } },
    h('td', {}, thumb(r)),
    h('td', { class: 'plate' }, r.plate),
    h('td', {}, `${Math.round(r.confidence * 100)}%`),
    h('td', {}, cam?.name ?? r.cameraId),
    h('td', {}, fmtTime(r.capturedAt, state.timezone)),
    h('td', {}, compass(r.direction)),
    h('td', {}, h('button', { type: 'button', class: 'search-play', onclick: () => void play(r) }, t('play'))),
  );
}

function renderResults() {
  const box = $('#search-results');
  if (!box) return;
  const head = h(
    'tr',
    {},
    ...['searchCrop', 'plate', 'score', 'camera', 'time', 'icDirection', 'footage'].map((k) => h('th', {}, t(k))),
  );
  fill(
    box,
    view.error ? h('p', { class: 'error', role: 'alert' }, view.error) : null,
    view.rows.length
      ? h('table', { class: 'search-table' }, h('thead', {}, head), h('tbody', {}, view.rows.map(row)))
      : view.searched && !view.error
        ? h('p', { class: 'empty' }, t('searchNone'))
        : null,
    view.next !== null && view.next !== undefined
      ? h(
          'button',
          { type: 'button', class: 'search-more', onclick: () => void search(view.query, view.next) },
          t('searchMore'),
        )
      : null,
  );
}

/** The footage around one read: its footageUrl already carries the purpose or case, so only signing is needed. */
async function play(r) {
  const el = $('#search-player');
  el.hidden = false;
  const title = h('h3', {}, `${t('footage')} · ${r.plate} · ${cameraById(r.cameraId)?.name ?? r.cameraId}`);
  const close = h('button', { type: 'button', onclick: () => ((el.hidden = true), fill(el)) }, t('close'));
  try {
    fill(el, title, await footageVideo(r.footageUrl), close);
  } catch (err) {
    fill(el, title, h('p', { class: 'error' }, err.message), close);
  }
}

export function renderSearch() {
  const box = $('#search-panel');
  if (!box) return;
  box.hidden = !maySearch();
  if (box.hidden) return;
  fill(
    box,
    h('h2', {}, t('footageSearch')),
    form(),
    h('div', { id: 'search-results' }),
    h('div', { id: 'search-player', class: 'footage', hidden: true }),
  );
  renderResults();
}

let mounted = false;

/** Shows the panel to admin, operator and investigator; nothing is fetched until a search. */
export async function mountSearch() {
  if (!mounted) onLang(renderSearch);
  mounted = true;
  renderSearch();
}
