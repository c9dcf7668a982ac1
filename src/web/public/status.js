// The camera status wall (state, fps, last frame age, restarts) and the unit list (type, status, stale fixes), refreshed and live.
import { api } from './api.js';
import { $, ago, fill, fmtTime, h } from './dom.js';
import { t, tv } from './i18n.js';
import { emit, seesCameras, seesUnits, state } from './store.js';
import { faultBadges } from './health.js';

export async function loadCameras() {
  if (!seesCameras()) return;
  state.cameras = (await api('/cameras')).cameras;
  emit('cameras');
}

export async function loadUnits() {
  if (!seesUnits()) return;
  state.units = (await api('/units')).units;
  emit('units');
}

/** A `camera-status` event: the worker's new state, without waiting for the next poll. */
export function onCameraStatus(e) {
  const cam = state.cameras.find((c) => c.id === e.cameraId);
  if (!cam) return;
  cam.status = { ...cam.status, ...e.data, reportedAt: e.at };
  emit('cameras');
}

function cameraTile(c) {
  const s = c.status ?? { state: 'unknown' };
  return h(
    'li',
    { class: `tile cs-${s.state}`, dataset: { camera: c.id, state: s.state } },
    h('div', { class: 'name' }, c.name),
    h(
      'div',
      { class: 'state' },
      h('span', { class: 'dot' }),
      tv('cs', s.state),
      c.kind === 'checkpoint' && c.checkpointLevel ? ` · L${c.checkpointLevel}` : '',
    ),
    h(
      'div',
      { class: 'figures' },
      h('span', { title: t('fps') }, `${s.fps != null ? Number(s.fps).toFixed(1) : '—'} ${t('fps')}`),
      h('span', { class: 'age', dataset: { at: s.lastFrameAt ?? '' } }, `${t('lastFrame')} ${ago(s.lastFrameAt)}`),
      h('span', {}, `${t('restarts')} ${s.restarts ?? 0}`),
    ),
    s.lastError && s.state !== 'online'
      ? h('div', { class: 'err', title: s.lastError }, s.lastError.slice(0, 80))
      : null,
    faultBadges(c),
  );
}

export function renderCameras() {
  const box = $('#cameras');
  if (!seesCameras()) return void fill(box);
  const online = state.cameras.filter((c) => c.status?.state === 'online').length;
  $('#camera-count').textContent = `${online}/${state.cameras.length}`;
  fill(box, state.cameras.map(cameraTile));
}

/** Type, status and the age of the last fix; a stale fix (older than dispatch.staleAfterSeconds) is flagged, as dispatch skips it. */
function unitItem(u) {
  const age = u.positionAgeS == null ? '' : ` (${ago(Date.now() - u.positionAgeS * 1000)})`;
  return h(
    'li',
    {
      class: `unit-row us-${u.status}${u.stale ? ' stale' : ''}`,
      dataset: { unit: u.id, status: u.status, type: u.type, stale: u.stale ? 'true' : 'false' },
    },
    h('span', { class: 'dot' }),
    h('b', {}, u.callsign),
    ` ${tv('ut', u.type)} · `,
    h('span', { class: 'ustatus' }, tv('us', u.status)),
    h(
      'span',
      { class: 'muted' },
      u.positionAt ? ` · ${t('position')} ${fmtTime(u.positionAt, state.timezone, false)}${age}` : ` · ${t('noFix')}`,
    ),
    u.stale ? h('span', { class: 'stale-tag', title: t('staleHint') }, ` ${t('stale')}`) : null,
  );
}

export function renderUnits() {
  const box = $('#units');
  if (!seesUnits()) return void fill(box);
  fill(box, state.units.map(unitItem));
}

/** Last-frame ages move every second without a request. */
export function tickAges() {
  for (const el of document.querySelectorAll('#cameras .age')) {
    el.textContent = `${t('lastFrame')} ${ago(Number(el.dataset.at) || 0)}`;
  }
}
