// Video patrol tours on the page: a wall of live views (1, 4 or 9) that cycles through the plan's cameras every
// dwell; each page shown is reported to the tour log; the operator holds the wall, marks a camera (the frame on
// screen as a JPEG, with a note) and raises the mark as an incident in one action; the shift's open items.
import { api } from './api.js';
import { $, fill, fmtTime, h } from './dom.js';
import { currentLang, onLang } from './i18n.js';
import { loadIncidentTypes, typeAndSeverity } from './incident-types.js';
import { cameraById, state } from './store.js';

const words = {
  zh: {
    tours: '视频巡逻',
    tour: '巡逻方案',
    start: '开始巡逻',
    stop: '停止',
    hold: '定格',
    resume: '继续',
    mark: '标记',
    note: '所见情况',
    raise: '一键报警',
    severity: '等级',
    type: '类型',
    raised: '已报警',
    sentTo: '派往',
    handover: '交接班',
    handTo: '接班人',
    openItems: '待交接',
    noOpen: '无待交接事项',
    log: '巡逻记录',
    coverage: '覆盖率',
    offline: '离线',
    page: '页',
    marked: '已标记',
  },
  en: {
    tours: 'Tours',
    tour: 'Tour',
    start: 'Start tour',
    stop: 'Stop',
    hold: 'Hold',
    resume: 'Resume',
    mark: 'Mark',
    note: 'What you see',
    raise: 'Raise incident',
    severity: 'Severity',
    type: 'Type',
    raised: 'Raised',
    sentTo: 'sent to',
    handover: 'Hand over',
    handTo: 'Next operator',
    openItems: 'Open items',
    noOpen: 'Nothing open',
    log: 'Tour log',
    coverage: 'coverage',
    offline: 'offline',
    page: 'page',
    marked: 'marked',
  },
};
const w = (k) => words[currentLang()][k] ?? k;
const run = {
  plans: [],
  plan: null,
  page: 0,
  timer: null,
  held: false,
  shownAt: 0,
  tiles: new Map(),
  marks: new Map(),
  open: null,
  log: null,
  error: '',
};
const mayTour = () => state.role === 'admin' || state.role === 'operator';

/** The cameras of the page on the wall now. */
function pageCameras() {
  const per = run.plan.layout;
  const cams = run.plan.cameras;
  const pages = Math.max(1, Math.ceil(cams.length / per));
  const start = (run.page % pages) * per;
  return cams.slice(start, start + per);
}

/** Files what the wall showed since shownAt (one span per camera on it). */
async function reportShown(paused = false) {
  if (!run.plan || !run.shownAt) return;
  const startedAt = new Date(run.shownAt).toISOString();
  const endedAt = new Date().toISOString();
  run.shownAt = Date.now();
  const views = pageCameras().map((cameraId) => ({ cameraId, startedAt, endedAt, paused }));
  await api(`/tours/${run.plan.id}/views`, { method: 'POST', body: { views } }).catch(
    (err) => (run.error = err.message),
  );
}

async function showPage() {
  for (const tile of run.tiles.values()) tile.img?.removeAttribute('src'); // ends each multipart request
  run.tiles.clear();
  run.shownAt = Date.now();
  render();
  for (const cameraId of pageCameras()) void openTile(cameraId);
}

async function openTile(cameraId) {
  const tile = { cameraId, state: 'connecting', img: null };
  run.tiles.set(cameraId, tile);
  try {
    const { url } = await api('/media-urls', {
      method: 'POST',
      body: { path: `/api/v1/cameras/${encodeURIComponent(cameraId)}/live?format=mjpeg` },
    });
    if (run.tiles.get(cameraId) !== tile) return;
    const img = h('img', { class: 'tour-live', alt: cameraId });
    // A multipart (MJPEG) picture may not fire load per frame: the first decoded frame gives it a size.
    const seen = setInterval(() => {
      if (run.tiles.get(cameraId) !== tile) return clearInterval(seen);
      if (img.naturalWidth > 0) {
        clearInterval(seen);
        setTileState(cameraId, 'playing');
      }
    }, 250);
    img.addEventListener('error', () => {
      clearInterval(seen);
      setTileState(cameraId, 'offline');
    });
    tile.img = img;
    img.src = url;
    const box = $(`.tour-tile[data-camera="${cameraId}"] .tour-view`);
    if (box) fill(box, img);
  } catch {
    setTileState(cameraId, 'offline');
  }
}

function setTileState(cameraId, s) {
  const tile = run.tiles.get(cameraId);
  if (!tile) return;
  tile.state = s;
  const el = $(`.tour-tile[data-camera="${cameraId}"]`);
  if (el) el.dataset.state = s;
}

function tick() {
  if (run.held || !run.plan) return;
  void reportShown().then(() => {
    run.page++;
    void showPage();
  });
}

async function startTour(planId) {
  stopTour();
  run.plan = run.plans.find((p) => p.id === planId) ?? null;
  if (!run.plan) return;
  run.page = 0;
  run.held = false;
  await showPage();
  run.timer = setInterval(tick, run.plan.dwellS * 1000);
}

export function stopTour() {
  if (run.timer) clearInterval(run.timer);
  run.timer = null;
  if (run.plan) void reportShown(run.held);
  for (const tile of run.tiles.values()) tile.img?.removeAttribute('src');
  run.tiles.clear();
  run.plan = null;
  render();
}

async function toggleHold() {
  if (!run.held) await reportShown();
  else await reportShown(true);
  run.held = !run.held;
  render();
}

/** The frame on screen as base64 JPEG; null when there is none to draw (offline, or not loaded yet). */
function frameOf(img) {
  if (!img || !img.naturalWidth) return null;
  try {
    const canvas = h('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext('2d').drawImage(img, 0, 0);
    return canvas.toDataURL('image/jpeg', 0.85).split(',')[1] ?? null;
  } catch {
    return null;
  }
}

async function markCamera(cameraId, form) {
  const note = form.querySelector('textarea').value.trim();
  if (!note) return;
  const snapshot = frameOf(run.tiles.get(cameraId)?.img);
  try {
    const mark = await api('/tours/marks', {
      method: 'POST',
      body: { planId: run.plan?.id, cameraId, note, ...(snapshot ? { snapshot } : {}) },
    });
    run.marks.set(cameraId, { mark, incident: null, error: '' });
  } catch (err) {
    run.marks.set(cameraId, { mark: null, incident: null, error: err.message });
  }
  render();
}

async function raiseMark(cameraId, form) {
  const m = run.marks.get(cameraId);
  if (!m?.mark) return;
  try {
    const out = await api(`/tours/marks/${m.mark.id}/incident`, {
      method: 'POST',
      body: {
        type: form.querySelector('select[name=type]').value,
        severity: Number(form.querySelector('select[name=severity]').value),
      },
    });
    Object.assign(m, { mark: out.mark, incident: out.incident, error: '' });
  } catch (err) {
    m.error = err.message;
  }
  render();
  void loadOpen();
}

function tileEl(cameraId) {
  const cam = cameraById(cameraId);
  const tile = run.tiles.get(cameraId);
  const m = run.marks.get(cameraId);
  const markForm = h(
    'form',
    { class: 'tour-mark', onsubmit: (ev) => (ev.preventDefault(), void markCamera(cameraId, ev.target)) },
    h('textarea', { name: 'note', rows: 2, placeholder: w('note'), maxlength: 2000 }),
    h('button', { type: 'submit', class: 'mark' }, w('mark')),
  );
  const raiseForm =
    m?.mark && !m.incident
      ? h(
          'form',
          { class: 'tour-raise', onsubmit: (ev) => (ev.preventDefault(), void raiseMark(cameraId, ev.target)) },
          typeAndSeverity(w('severity')),
          h('button', { type: 'submit', class: 'raise' }, w('raise')),
        )
      : null;
  const done = m?.incident
    ? h(
        'p',
        { class: 'tour-raised', dataset: { incident: m.incident.id } },
        `${w('raised')} · ${w('sentTo')} `,
        m.incident.legs.map((l) => l.callsign).join(', ') || '—',
      )
    : null;
  return h(
    'li',
    {
      class: 'tour-tile',
      dataset: { camera: cameraId, state: tile?.state ?? 'connecting', marked: m?.mark ? 'yes' : 'no' },
    },
    h(
      'header',
      {},
      h('b', {}, cam?.name ?? cameraId),
      h('span', { class: 'tour-state' }, tile?.state === 'offline' ? w('offline') : ''),
    ),
    h('div', { class: 'tour-view' }, tile?.img ?? null),
    m?.mark ? h('p', { class: 'tour-marked' }, `${w('marked')}: ${m.mark.note}`) : markForm,
    raiseForm,
    done,
    m?.error ? h('p', { class: 'error', role: 'alert' }, m.error) : null,
  );
}

async function loadOpen() {
  run.open = await api('/tours/handover').catch(() => null);
  render();
}

async function showLog() {
  if (!run.plan) return;
  run.log = await api(`/tours/${run.plan.id}/log`).catch((err) => ({ error: err.message }));
  render();
}

async function handOver(form) {
  const toName = form.querySelector('input').value.trim();
  await api('/tours/handover', { method: 'POST', body: toName ? { toName } : {} }).catch(
    (err) => (run.error = err.message),
  );
  void loadOpen();
}

function openItemsEl() {
  const o = run.open;
  if (!o) return null;
  const items = [
    ...o.marks.map((m) =>
      h(
        'li',
        { class: 'open-mark', dataset: { mark: m.id } },
        `${fmtTime(m.createdAt, state.timezone)} · ${cameraById(m.cameraId)?.name ?? m.cameraId} · ${m.note} (${m.personName}, ${m.status})`,
      ),
    ),
    ...o.incidents.map((i) =>
      h(
        'li',
        { class: 'open-incident', dataset: { incident: i.id } },
        `${fmtTime(i.createdAt, state.timezone)} · ${i.type} S${i.severity} · ${i.legs.map((l) => `${l.callsign}:${l.state}`).join(' ')}`,
      ),
    ),
  ];
  return h(
    'section',
    { class: 'tour-open' },
    h('h3', {}, w('openItems')),
    h('ul', {}, items.length ? items : h('li', { class: 'empty' }, w('noOpen'))),
    h(
      'form',
      { class: 'tour-handover', onsubmit: (ev) => (ev.preventDefault(), void handOver(ev.target)) },
      h('input', { placeholder: w('handTo'), maxlength: 200 }),
      h('button', { type: 'submit' }, w('handover')),
    ),
  );
}

function render() {
  const panel = $('#tours-panel');
  if (!panel) return;
  const planSelect = h(
    'select',
    { id: 'tour-plan' },
    run.plans.map((p) =>
      h(
        'option',
        { value: p.id, selected: run.plan?.id === p.id },
        `${p.name} (${p.cameras.length} · ${p.layout} · ${p.dwellS}s)`,
      ),
    ),
  );
  const controls = h(
    'div',
    { class: 'tour-controls' },
    planSelect,
    run.plan
      ? h('button', { type: 'button', id: 'tour-stop', onclick: stopTour }, w('stop'))
      : h('button', { type: 'button', id: 'tour-start', onclick: () => void startTour(planSelect.value) }, w('start')),
    run.plan
      ? h(
          'button',
          { type: 'button', id: 'tour-hold', onclick: () => void toggleHold() },
          run.held ? w('resume') : w('hold'),
        )
      : null,
    run.plan ? h('button', { type: 'button', id: 'tour-log', onclick: () => void showLog() }, w('log')) : null,
    run.plan ? h('span', { class: 'count' }, `${w('page')} ${run.page + 1}`) : null,
  );
  const wall = run.plan
    ? h(
        'ol',
        {
          id: 'tour-wall',
          class: `tour-wall layout-${run.plan.layout}`,
          dataset: { page: run.page, held: run.held ? 'yes' : 'no', cameras: pageCameras().join(',') },
        },
        pageCameras().map(tileEl),
      )
    : null;
  const log =
    run.log && !run.log.error
      ? h(
          'p',
          { class: 'tour-log', dataset: { coverage: run.log.coveragePct } },
          `${w('log')} ${run.log.shift} ${run.log.date}: ${w('coverage')} ${run.log.coveragePct}% (${run.log.coveredCameras}/${run.log.plannedCameras})`,
        )
      : null;
  fill(
    panel,
    h('h2', {}, w('tours')),
    controls,
    run.error ? h('p', { class: 'error' }, run.error) : null,
    wall,
    log,
    openItemsEl(),
  );
  panel.dataset.state = run.plan ? (run.held ? 'held' : 'running') : 'idle';
}

/** A header tab that shows the tour panel in place of the alert columns; drawn here so index.html needs no change. */
export async function mountTours() {
  if (!mayTour() || $('#tours-panel')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/tours.css' }));
  const panel = h('section', { id: 'tours-panel', class: 'panel tours', hidden: true });
  $('#console').prepend(panel);
  const tab = h(
    'button',
    {
      id: 'tours-tab',
      type: 'button',
      class: 'tab',
      onclick: () => {
        panel.hidden = !panel.hidden;
        document.body.dataset.view = panel.hidden ? '' : 'tours';
        if (!panel.hidden) void loadOpen();
      },
    },
    w('tours'),
  );
  $('#signout').before(tab);
  onLang(() => ((tab.textContent = w('tours')), render()));
  [run.plans] = await Promise.all([api('/tours').then((r) => r.tours), loadIncidentTypes()]);
  render();
}
