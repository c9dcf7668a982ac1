// The situation report as HTML: a fragment for the command-room page (styles from /situation.css) and a
// whole document with the same styles inlined, which chromium prints to PDF.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esc, heatMap, pct, shareBars } from './charts.js';
import type { ResponseSummary, SituationData } from './report-data.js';

const CSS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../web/public/situation.css');

const secs = (s: number | null) => (s === null ? '—' : s < 120 ? `${s} s` : `${(s / 60).toFixed(1)} min`);
const row = (cells: unknown[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}>${esc(c)}</${tag}>`).join('')}</tr>`;
const table = (head: string[], rows: unknown[][], cls = '') =>
  `<table class="${cls}"><thead>${row(head, 'th')}</thead><tbody>${rows.map((r) => row(r)).join('')}</tbody></table>`;

function responseRows(label: string, r: ResponseSummary): unknown[] {
  return [
    label,
    r.count,
    r.arrived,
    `${pct(r.within['1m'])} (${r.withinCount['1m']})`,
    `${pct(r.within['3m'])} (${r.withinCount['3m']})`,
    `${pct(r.within['5m'])} (${r.withinCount['5m']})`,
    secs(r.arriveP50S),
    secs(r.arriveP90S),
  ];
}

function sections(d: SituationData): string[] {
  const out: string[] = [];
  const title =
    d.period === 'day'
      ? `Daily situation report 日研判 · ${d.district} · ${d.startDate}`
      : `Weekly situation bulletin 周通报 · ${d.district} · week of ${d.startDate}`;
  out.push(`<h1>${esc(title)}</h1><p class="meta">${esc(d.from)} – ${esc(d.to)} (${esc(d.timezone)})</p>`);
  out.push(
    `<section><h2>Totals</h2>${table(
      ['', 'incidents', 'hits', 'plate hits', 'interceptions'],
      [
        ['this period', d.totals.incidents, d.totals.hits, d.totals.plateHits, d.totals.interceptions],
        ['previous period', d.previous.incidents, d.previous.hits, '', ''],
      ],
      'totals',
    )}</section>`,
  );
  const both = d.byGridHour.incidents.map((r, g) => r.map((n, h) => n + d.byGridHour.hits[g][h]));
  out.push(
    `<section><h2>Incidents and hits by grid and hour</h2>${d.byGridHour.grids.length ? heatMap(d.byGridHour.grids, both, 'incidents and hits by grid and hour') : '<p class="empty">none</p>'}` +
      `${
        d.incidentsBySeverity.length
          ? table(
              ['severity', 'incidents'],
              d.incidentsBySeverity.map((s) => [s.severity, s.count]),
            )
          : ''
      }</section>`,
  );
  out.push(
    `<section><h2>Hot spots and hours</h2>${
      d.hotCells.length
        ? table(
            ['grid', 'hour', 'now', 'before', 'change'],
            d.hotCells.map((c) => [
              c.grid,
              `${c.hour}:00`,
              c.count,
              c.previous,
              c.change > 0 ? `+${c.change}` : c.change,
            ]),
          )
        : '<p class="empty">none</p>'
    }</section>`,
  );
  const r = d.response;
  out.push(
    `<section><h2>Response times against 1 / 3 / 5 minutes</h2>${table(['', 'responses', 'arrived', 'within 1 min', 'within 3 min', 'within 5 min', 'arrival p50', 'arrival p90'], [responseRows('incidents', r.incidents), responseRows('alerts', r.alerts)])}` +
      shareBars(
        [
          ...r.incidentsByGrid.map((g) => ({ label: `incidents ${g.grid}`, value: g.within['3m'] })),
          ...r.alertsByGrid.map((g) => ({ label: `alerts ${g.grid}`, value: g.within['3m'] })),
        ],
        'share within 3 minutes by grid',
      ) +
      '</section>',
  );
  const c = d.coverage;
  out.push(
    `<section><h2>Patrol coverage</h2>${
      !c.hasPlan
        ? '<p class="empty">no patrol plan for this district</p>'
        : shareBars(
            c.grids.map((g) => ({
              label: g.grid,
              value: g.lineShare,
              note: `points ${g.pointsReached}/${g.pointsDue}`,
            })),
            'line share covered by grid',
            0.9,
          ) +
          table(
            ['date', 'shift', 'line share', 'points reached', 'missed points'],
            c.shifts.map((s) => {
              const len = s.grids.filter((g) => g.lineShare !== null);
              const share = len.length ? len.reduce((x, g) => x + (g.lineShare as number), 0) / len.length : null;
              return [
                s.date,
                s.shift,
                pct(share),
                `${s.grids.reduce((x, g) => x + g.pointsReached, 0)}/${s.grids.reduce((x, g) => x + g.points, 0)}`,
                s.missed.join(' '),
              ];
            }),
          )
    }</section>`,
  );
  const h = d.cameraHealth;
  out.push(
    `<section><h2>Camera health${h.target === null ? '' : ` (target ${pct(h.target)})`}</h2>${
      h.rows.length
        ? table(
            ['grid', 'cameras', 'registration', 'online', 'image intact', 'location'],
            h.rows.map((x) => [
              x.grid ?? 'district',
              x.cameras,
              pct(x.registration),
              pct(x.online),
              pct(x.imageIntact),
              pct(x.location),
            ]),
          )
        : '<p class="empty">no rates</p>'
    }</section>`,
  );
  const p = d.plates;
  out.push(
    `<section><h2>Listed plates seen and interceptions</h2>${table(['plate hits', 'distinct plates', 'confirmed', 'dismissed'], [[p.hits, p.distinctPlates, p.confirmed, p.dismissed]])}` +
      (p.byCategory.length
        ? table(
            ['category', 'hits'],
            p.byCategory.map((x) => [x.category, x.hits]),
          )
        : '') +
      table(
        ['interception orders', 'intercepted (closed)', 'cancelled', 'open', 'order to interception p50'],
        [
          [
            d.interceptions.ordered,
            d.interceptions.closed,
            d.interceptions.cancelled,
            d.interceptions.open,
            secs(d.interceptions.closeP50S),
          ],
        ],
      ) +
      '</section>',
  );
  return out;
}

/** For the page: an <article> styled by /situation.css. */
export function reportFragment(d: SituationData): string {
  return `<article class="situation" data-district="${esc(d.district)}" data-period="${esc(d.period)}">${sections(d).join('\n')}</article>`;
}

/** A whole document (styles inlined), for chromium's page.pdf(). */
export function reportDocument(d: SituationData): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(`${d.district} ${d.period} ${d.startDate}`)}</title><style>${readFileSync(CSS_FILE, 'utf8')}</style></head><body>${reportFragment(d)}</body></html>`;
}
