// Incidents on the command-room page: the open ones with each unit's leg (offered, acknowledged, arrived) against
// its 1-3-5 target, live from the stream; a form to raise one from a call, at a location (a camera's, or lat/lon).
import { api } from './api.js';
import { $, fill, fmtTime, h } from './dom.js';
import { currentLang, onLang } from './i18n.js';
import { loadIncidentTypes, typeAndSeverity } from './incident-types.js';
import { addMapOverlay, onMapPick, renderMap } from './map.js';
import { state } from './store.js';

const words = {
  zh: {
    incidents: '警情',
    raiseCall: '接报警情',
    type: '类型',
    severity: '等级',
    at: '地点',
    camera: '摄像机',
    lat: '纬度',
    lon: '经度',
    description: '情况',
    raise: '派警',
    pickHint: '在地图上点选地点',
    close: '结案',
    none: '无未结警情',
    target: '目标',
    within: '达标',
    late: '超时',
  },
  en: {
    incidents: 'Incidents',
    raiseCall: 'Call-in incident',
    type: 'Type',
    severity: 'Severity',
    at: 'Location',
    camera: 'Camera',
    lat: 'Lat',
    lon: 'Lon',
    description: 'What happened',
    raise: 'Dispatch',
    pickHint: 'or click the place on the map',
    close: 'Close',
    none: 'No open incidents',
    target: 'target',
    within: 'within',
    late: 'late',
  },
};
const w = (k) => words[currentLang()][k] ?? k;
const incidents = new Map();
let error = '';
/** The call's location as clicked on the map while the form is open (kept across redraws of the panel). */
let picked = null;
let formOpen = false;
const mayRaise = () => state.role === 'admin' || state.role === 'operator';

/** An `incident` event: raised, a leg answered or replaced, closed. */
export function onIncidentEvent(e) {
  if (e.data?.status === 'open') incidents.set(e.incidentId, e.data);
  else incidents.delete(e.incidentId);
  renderIncidents();
}

export async function loadIncidents() {
  if (!mayRaise()) return;
  await loadIncidentTypes();
  const { incidents: open } = await api('/incidents?status=open');
  incidents.clear();
  for (const i of open) incidents.set(i.id, i);
  renderIncidents();
}

async function raise(form) {
  const f = new FormData(form);
  const cameraId = f.get('camera');
  const cam = state.cameras.find((c) => c.id === cameraId);
  const lat = Number(f.get('lat') || cam?.lat);
  const lon = Number(f.get('lon') || cam?.lon);
  try {
    const made = await api('/incidents', {
      method: 'POST',
      body: {
        source: 'call',
        type: f.get('type'),
        severity: Number(f.get('severity')),
        lat,
        lon,
        ...(f.get('description') ? { description: String(f.get('description')) } : {}),
      },
    });
    incidents.set(made.id, made);
    error = '';
    picked = null;
    form.reset();
    renderMap();
  } catch (err) {
    error = err.message;
  }
  renderIncidents();
}

async function closeIncident(id) {
  try {
    await api(`/incidents/${id}/close`, { method: 'POST', body: { note: 'closed from the command room' } });
    incidents.delete(id);
  } catch (err) {
    error = err.message;
  }
  renderIncidents();
}

function legChip(l) {
  const verdict =
    l.withinTarget === true
      ? w('within')
      : l.withinTarget === false
        ? w('late')
        : `${w('target')} ${l.targetS / 60} min`;
  return h(
    'li',
    { class: `chip as-${l.state}`, dataset: { unit: l.unitId, state: l.state, kind: l.kind } },
    `${l.callsign} (${l.grid}${l.kind === 'post' ? ' · post' : ''}) ${l.state} · ${verdict}`,
  );
}

function incidentEl(i) {
  return h(
    'li',
    { class: 'incident', id: `inc-${i.id}`, dataset: { severity: i.severity, source: i.source } },
    h(
      'header',
      {},
      h('b', {}, `S${i.severity} ${i.type}`),
      ` · ${i.cameraName ?? `${i.lat.toFixed(4)}, ${i.lon.toFixed(4)}`} · ${fmtTime(i.createdAt, state.timezone)}`,
    ),
    i.description ? h('p', {}, i.description) : null,
    h('ul', { class: 'legs' }, i.legs.map(legChip)),
    i.interceptionOrderIds.length ? h('p', { class: 'muted' }, `⛔ ${i.interceptionOrderIds.length}`) : null,
    h('button', { type: 'button', class: 'inc-close', onclick: () => void closeIncident(i.id) }, w('close')),
  );
}

export function renderIncidents() {
  const panel = $('#incidents-panel');
  if (!panel) return;
  const form = h(
    'form',
    { id: 'incident-form', class: 'incident-form', onsubmit: (ev) => (ev.preventDefault(), void raise(ev.target)) },
    typeAndSeverity(w('severity'), { type: { 'aria-label': w('type') }, severity: { 'aria-label': w('severity') } }),
    h(
      'select',
      { name: 'camera', 'aria-label': w('camera') },
      h('option', { value: '' }, `${w('at')}: ${w('lat')}/${w('lon')}`),
      state.cameras.map((c) => h('option', { value: c.id }, c.name)),
    ),
    h('input', {
      name: 'lat',
      placeholder: w('lat'),
      inputmode: 'decimal',
      size: 8,
      value: picked?.lat.toFixed(6) ?? '',
    }),
    h('input', {
      name: 'lon',
      placeholder: w('lon'),
      inputmode: 'decimal',
      size: 8,
      value: picked?.lon.toFixed(6) ?? '',
    }),
    h('span', { class: 'muted' }, w('pickHint')),
    h('input', { name: 'description', placeholder: w('description'), maxlength: 2000 }),
    h('button', { type: 'submit' }, w('raise')),
  );
  const list = [...incidents.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  fill(
    panel,
    h('h2', {}, w('incidents'), ' ', h('span', { class: 'count' }, String(list.length))),
    h(
      'details',
      { open: formOpen || undefined, ontoggle: (ev) => (formOpen = ev.target.open) },
      h('summary', {}, w('raiseCall')),
      form,
    ),
    error ? h('p', { class: 'error', role: 'alert' }, error) : null,
    h('ol', { id: 'incidents' }, list.length ? list.map(incidentEl) : h('li', { class: 'empty' }, w('none'))),
  );
}

/** The panel, first in the side column; drawn here so index.html needs no change. */
export async function mountIncidents() {
  if (!mayRaise() || $('#incidents-panel')) return;
  $('#console aside').prepend(h('section', { id: 'incidents-panel', class: 'panel incidents' }));
  onLang(renderIncidents);
  // A click on the map while the call form is open places the call there (and not at a camera).
  onMapPick((place) => {
    if (!formOpen) return;
    picked = place;
    const form = $('#incident-form');
    if (form) {
      form.elements.camera.value = '';
      form.elements.lat.value = place.lat.toFixed(6);
      form.elements.lon.value = place.lon.toFixed(6);
    }
    renderMap();
  });
  addMapOverlay({
    points: () => (picked ? [picked] : []),
    draw: (proj) => {
      if (!picked) return [];
      const { x, y } = proj.xy(picked);
      return [h('circle', { class: 'picked', id: 'picked-place', cx: x, cy: y, r: 6 })];
    },
  });
  await loadIncidents();
}
