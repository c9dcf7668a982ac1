// Patrol plans on the command-room page: today's coverage drawn on the map (lines coloured by the share
// covered, must-reach points reached or not), the near-end warning, and the situation reports panel.
import { api } from './api.js';
import { $, fill, h } from './dom.js';
import { addMapOverlay, renderMap } from './map.js';
import { state } from './store.js';

const COVERAGE_EVERY_MS = 60_000;
const view = { plans: new Map(), coverage: new Map(), warnings: [], reports: [], shown: null, error: '' };
const mayRead = () => ['admin', 'operator', 'investigator'].includes(state.role);

/** Red (nothing) through amber to green (all of the line). */
export const shareColour = (share) => `hsl(${Math.round(120 * Math.max(0, Math.min(1, share)))}, 75%, 40%)`;

function planFeatures() {
  return [...view.plans.values()].flatMap((g) => g.features);
}

addMapOverlay({
  points: () =>
    planFeatures()
      .flatMap((f) =>
        f.geometry.type === 'Point'
          ? [f.geometry.coordinates]
          : f.geometry.type === 'LineString'
            ? f.geometry.coordinates
            : [],
      )
      .map(([lon, lat]) => ({ lat, lon })),
  draw(proj) {
    const out = [];
    for (const [district, g] of view.plans) {
      const cov = view.coverage.get(district);
      const lineShare = new Map((cov?.lines ?? []).map((l) => [l.id, l.share]));
      const reached = new Map((cov?.points ?? []).map((p) => [p.id, p.reached]));
      for (const f of g.features) {
        const id = f.properties.id;
        if (f.geometry.type === 'LineString') {
          const share = lineShare.get(id) ?? 0;
          const d = f.geometry.coordinates
            .map(([lon, lat], i) => {
              const { x, y } = proj.xy({ lat, lon });
              return `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
            })
            .join('');
          out.push(
            h(
              'path',
              {
                class: 'plan-line',
                d,
                fill: 'none',
                stroke: shareColour(share),
                'stroke-width': 3,
                'stroke-opacity': 0.85,
                dataset: { line: id, share: String(share), district },
              },
              h('title', {}, `${f.properties.name ?? id}: ${Math.round(share * 100)}%`),
            ),
          );
        } else if (f.geometry.type === 'Point') {
          const [lon, lat] = f.geometry.coordinates;
          const { x, y } = proj.xy({ lat, lon });
          const ok = reached.get(id) === true;
          out.push(
            h(
              'g',
              { class: `plan-point ${ok ? 'reached' : 'missed'}`, dataset: { point: id, district } },
              h('title', {}, `${f.properties.name ?? id}: ${ok ? '已到 reached' : '未到 not reached'}`),
              h('polygon', {
                points: `${x},${y - 6} ${x + 6},${y} ${x},${y + 6} ${x - 6},${y}`,
                fill: ok ? '#2e7d32' : '#fff',
                stroke: ok ? '#1b5e20' : '#c62828',
                'stroke-width': 2,
              }),
            ),
          );
        }
      }
    }
    return out;
  },
});

export async function loadCoverage() {
  for (const district of view.plans.keys())
    view.coverage.set(district, await api(`/patrol-plans/${encodeURIComponent(district)}/coverage`));
  renderMap();
}

async function loadPlans() {
  const { plans } = await api('/patrol-plans');
  view.plans.clear();
  for (const p of plans)
    view.plans.set(p.district, (await api(`/patrol-plans/${encodeURIComponent(p.district)}`)).geojson);
  await loadCoverage();
}

async function download(path, name) {
  const blob = await api(path);
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function showReport(r) {
  const res = await fetch(`/api/v1/situation-reports/${r.id}/page`, {
    headers: { authorization: `Bearer ${sessionStorage.getItem('vigil-token') || ''}` },
  });
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  view.shown = { report: r, node: document.importNode(doc.body.firstElementChild, true) };
  renderReports();
}

function renderReports() {
  const box = $('#situation-panel');
  if (!box) return;
  box.hidden = !mayRead();
  const rows = view.reports.map((r) =>
    h(
      'li',
      { dataset: { report: r.id } },
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => void showReport(r).catch((e) => ((view.error = e.message), renderReports())),
        },
        `${r.district} · ${r.period === 'day' ? '日研判' : '周通报'} ${r.startDate}`,
      ),
      ' ',
      r.hasPdf
        ? h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void download(`/situation-reports/${r.id}/report.pdf`, `situation-${r.district}-${r.startDate}.pdf`),
            },
            'PDF',
          )
        : null,
      ' ',
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            void download(`/situation-reports/${r.id}/report.csv`, `situation-${r.district}-${r.startDate}.csv`),
        },
        'CSV',
      ),
    ),
  );
  const warnings = view.warnings.map((w) =>
    h(
      'p',
      { class: 'plan-warning', role: 'alert' },
      `${w.district}: ${w.data.shift} 班次 ${w.data.minutesLeft} 分钟后结束，未到必到点 ${w.data.missing.map((m) => m.id).join(' ')}`,
    ),
  );
  fill(
    box,
    h('h2', {}, '态势报告 Situation reports'),
    warnings,
    view.error ? h('p', { class: 'error' }, view.error) : null,
    rows.length ? h('ul', { class: 'situation-list' }, rows) : h('p', { class: 'empty' }, '—'),
    view.shown?.node ?? null,
  );
}

export async function loadReports() {
  view.reports = (await api('/situation-reports?limit=20')).reports;
  renderReports();
}

/** A plan changed: re-read plans; a near-end warning: show it. */
export function onPlanEvent(e) {
  if (e.change === 'warning') {
    view.warnings = [e, ...view.warnings.filter((w) => w.district !== e.district)].slice(0, 5);
    renderReports();
  } else void loadPlans().catch(() => {});
}

export function onSituationEvent() {
  void loadReports().catch(() => {});
}

export async function mountPlans() {
  if (!mayRead()) return;
  if (!document.querySelector('link[href="/situation.css"]'))
    document.head.append(h('link', { rel: 'stylesheet', href: '/situation.css' }));
  await Promise.all([loadPlans(), loadReports()]);
  setInterval(() => void loadCoverage().catch(() => {}), COVERAGE_EVERY_MS);
}
