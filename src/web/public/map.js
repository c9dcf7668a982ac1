// The map, drawn in SVG from configured coordinates (no tiles): local flat projection, scale bar, markers.
import { api } from './api.js';
import { $, fill, h } from './dom.js';
import { t, tv } from './i18n.js';
import { latestAssignment } from './alerts.js';
import { state } from './store.js';

const W = 480;
const H = 320;
const PAD = 28;
const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQ = 111_320;
/** The smallest area shown, so one camera alone is not drawn at an absurd zoom. */
const MIN_SPAN_M = 600;

/**
 * Equirectangular about the points' centre: metres east/north of it. Within a city (tens of km) the
 * error against a true map projection is well under a marker's size.
 */
export function projector(points) {
  const lat0 = points.reduce((s, p) => s + p.lat, 0) / points.length;
  const lon0 = points.reduce((s, p) => s + p.lon, 0) / points.length;
  const kx = M_PER_DEG_LON_EQ * Math.cos((lat0 * Math.PI) / 180);
  const toM = (p) => ({ x: (p.lon - lon0) * kx, y: (p.lat - lat0) * M_PER_DEG_LAT });
  const ms = points.map(toM);
  const minX = Math.min(...ms.map((m) => m.x));
  const maxX = Math.max(...ms.map((m) => m.x));
  const minY = Math.min(...ms.map((m) => m.y));
  const maxY = Math.max(...ms.map((m) => m.y));
  const spanX = Math.max(maxX - minX, MIN_SPAN_M);
  const spanY = Math.max(maxY - minY, MIN_SPAN_M);
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD - 20) / spanY); // px per metre; 20 px for the scale bar
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  return {
    scale,
    xy(p) {
      const m = toM(p);
      return { x: W / 2 + (m.x - cx) * scale, y: (H - 20) / 2 - (m.y - cy) * scale };
    },
    /** The inverse of xy: the place under a point of the map's drawing. */
    latLon({ x, y }) {
      const mx = (x - W / 2) / scale + cx;
      const my = -(y - (H - 20) / 2) / scale + cy;
      return { lat: lat0 + my / M_PER_DEG_LAT, lon: lon0 + mx / kx };
    },
  };
}

/** A round length (1, 2 or 5 x 10^n metres) close to a quarter of the map's width. */
export function niceLength(metresWanted) {
  const p = 10 ** Math.floor(Math.log10(metresWanted));
  return [5, 2, 1].map((k) => k * p).find((v) => v <= metresWanted) ?? p;
}

function scaleBar(scale) {
  const metres = niceLength(W / 4 / scale);
  const px = metres * scale;
  const x0 = PAD;
  const y0 = H - 12;
  const label = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
  return h(
    'g',
    { class: 'scalebar' },
    h('line', { x1: x0, y1: y0, x2: x0 + px, y2: y0 }),
    h('line', { x1: x0, y1: y0 - 5, x2: x0, y2: y0 }),
    h('line', { x1: x0 + px, y1: y0 - 5, x2: x0 + px, y2: y0 }),
    h('text', { x: x0 + px + 6, y: y0 + 4 }, label),
  );
}

/** A label right of its marker, or left of it near the right edge so it is not cut off. */
function label(x, y, text) {
  const left = x > W - 90;
  return h('text', { x: left ? x - 10 : x + 10, y: y + 4, 'text-anchor': left ? 'end' : 'start' }, text);
}

function north() {
  return h(
    'g',
    { class: 'north' },
    h('polygon', { points: `${W - 20},14 ${W - 26},30 ${W - 20},26 ${W - 14},30` }),
    h('text', { x: W - 20, y: 42, 'text-anchor': 'middle' }, 'N'),
  );
}

/** The offline base (streets of the road graph, district outlines) from GET /map/base; drawn under the markers. */
let base = { roads: [], outlines: [] };

/** Layers other modules draw over the base (plans.js: patrol coverage): { points(), draw(proj) }. */
const overlays = [];
export function addMapOverlay(o) {
  overlays.push(o);
}

/** The projection of the map as last drawn, for turning a click back into a place. */
let drawn = null;
const pickers = [];

/**
 * Calls fn({ lat, lon }) with the place under each click on the map, for as long as fn returns
 * true (incidents.js: a call's location picked while its form is open).
 */
export function onMapPick(fn) {
  pickers.push(fn);
  const svg = $('#map');
  if (!svg || svg.dataset.pick) return;
  svg.dataset.pick = 'on';
  svg.addEventListener('click', (ev) => {
    const ctm = drawn && svg.getScreenCTM();
    if (!ctm) return;
    const at = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(ctm.inverse());
    const place = drawn.latLon(at);
    for (const pick of pickers) pick(place);
  });
}

export async function loadBaseMap() {
  base = await api('/map/base');
  renderMap();
}

/** One SVG path for many lines: a few thousand streets stay one DOM node. */
function linesPath(lines, proj, cls) {
  let d = '';
  for (const line of lines) {
    line.forEach(([lon, lat], i) => {
      const { x, y } = proj.xy({ lat, lon });
      d += `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    });
  }
  return d ? h('path', { class: cls, d }) : null;
}

/** What to draw: cameras (or, for a unit, its offers' targets), units with a position, the selected alert. */
function features() {
  const cams = state.cameras.length
    ? state.cameras.map((c) => ({
        id: c.id,
        name: c.name,
        lat: c.lat,
        lon: c.lon,
        kind: c.kind,
        state: c.status?.state ?? 'unknown',
      }))
    : [...state.offers.values()]
        .filter((o) => o.target)
        .map((o) => ({
          id: o.target.cameraId,
          name: o.target.name,
          lat: o.target.lat,
          lon: o.target.lon,
          kind: 'checkpoint',
          state: 'unknown',
        }));
  const units = state.units.filter((u) => u.lat != null && u.lon != null);
  const alert = state.alerts.get(state.selectedId);
  return { cams, units, alert };
}

/** Colour key: unit states and camera states, in the current language. */
function renderLegend() {
  const box = $('#map-legend');
  if (!box) return;
  const units = ['available', 'assigned', 'en_route', 'on_scene'].map((s) =>
    h('li', { class: `us-${s}` }, h('span', { class: 'dot' }), tv('us', s)),
  );
  const cams = ['online', 'offline'].map((s) =>
    h('li', { class: `cs-${s}` }, h('span', { class: 'sq' }), `${t('camera')} ${tv('cs', s)}`),
  );
  fill(box, units, cams);
}

export function renderMap() {
  renderLegend();
  const svg = $('#map');
  if (!svg) return;
  const { cams, units, alert } = features();
  const points = [...cams, ...units, ...overlays.flatMap((o) => o.points())];
  if (!points.length) return void fill(svg);
  const proj = projector(points);
  drawn = proj;
  const layers = [
    linesPath(base.outlines, proj, 'outline'),
    linesPath(base.roads, proj, 'road'),
    ...overlays.flatMap((o) => o.draw(proj)),
    scaleBar(proj.scale),
    north(),
  ].filter(Boolean);

  const target = alert?.camera && cams.find((c) => c.id === alert.camera.id);
  const asg = alert && latestAssignment(alert);
  const sent = asg && units.find((u) => u.id === asg.unitId);
  if (target && sent) {
    const a = proj.xy(sent);
    const b = proj.xy(target);
    layers.push(h('line', { class: `route as-${asg.state}`, x1: a.x, y1: a.y, x2: b.x, y2: b.y }));
  }
  for (const c of cams) {
    const { x, y } = proj.xy(c);
    const mark =
      c.kind === 'checkpoint'
        ? h('rect', { x: x - 6, y: y - 6, width: 12, height: 12 })
        : h('circle', { cx: x, cy: y, r: 5 });
    layers.push(
      h(
        'g',
        { class: `cam cs-${c.state}${target?.id === c.id ? ' target' : ''}`, dataset: { camera: c.id } },
        h('title', {}, `${c.name}: ${tv('cs', c.state)}`),
        target?.id === c.id ? h('circle', { class: 'ring', cx: x, cy: y, r: 14 }) : null,
        mark,
        label(x, y, c.id),
      ),
    );
  }
  for (const u of units) {
    const { x, y } = proj.xy(u);
    layers.push(
      h(
        'g',
        { class: `unit us-${u.status}${sent?.id === u.id ? ' sent' : ''}`, dataset: { unit: u.id } },
        h('title', {}, `${u.callsign}: ${tv('us', u.status)}`),
        h('circle', { cx: x, cy: y, r: 7 }),
        label(x, y, u.callsign),
      ),
    );
  }
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('aria-label', t('map'));
  fill(svg, layers);
}
