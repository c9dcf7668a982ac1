// The situation report as CSV: one long table (section, grid, hour, metric, value), easy to pivot.
import { stringify } from 'csv-stringify/sync';
import type { ResponseSummary, SituationData } from './report-data.js';

type Row = [section: string, grid: string, hour: string, metric: string, value: string | number | null];

function responseRows(section: string, grid: string, r: ResponseSummary): Row[] {
  return [
    [section, grid, '', 'responses', r.count],
    [section, grid, '', 'arrived', r.arrived],
    [section, grid, '', 'within1m', r.within['1m']],
    [section, grid, '', 'within3m', r.within['3m']],
    [section, grid, '', 'within5m', r.within['5m']],
    [section, grid, '', 'arriveP50S', r.arriveP50S],
    [section, grid, '', 'arriveP90S', r.arriveP90S],
  ];
}

export function reportCsv(d: SituationData): string {
  const rows: Row[] = [
    ['totals', '', '', 'incidents', d.totals.incidents],
    ['totals', '', '', 'hits', d.totals.hits],
    ['totals', '', '', 'plateHits', d.totals.plateHits],
    ['totals', '', '', 'interceptions', d.totals.interceptions],
    ['previous', '', '', 'incidents', d.previous.incidents],
    ['previous', '', '', 'hits', d.previous.hits],
  ];
  d.byGridHour.grids.forEach((g, i) => {
    for (let h = 0; h < 24; h++) {
      if (d.byGridHour.incidents[i][h]) rows.push(['incidents', g, String(h), 'count', d.byGridHour.incidents[i][h]]);
      if (d.byGridHour.hits[i][h]) rows.push(['hits', g, String(h), 'count', d.byGridHour.hits[i][h]]);
    }
  });
  rows.push(
    ...responseRows('responseIncidents', '*', d.response.incidents),
    ...d.response.incidentsByGrid.flatMap((g) => responseRows('responseIncidents', g.grid, g)),
  );
  rows.push(
    ...responseRows('responseAlerts', '*', d.response.alerts),
    ...d.response.alertsByGrid.flatMap((g) => responseRows('responseAlerts', g.grid, g)),
  );
  for (const g of d.coverage.grids)
    rows.push(
      ['coverage', g.grid, '', 'lineShare', g.lineShare],
      ['coverage', g.grid, '', 'pointsReached', g.pointsReached],
      ['coverage', g.grid, '', 'pointsDue', g.pointsDue],
    );
  for (const r of d.cameraHealth.rows)
    for (const k of ['registration', 'online', 'imageIntact', 'location'] as const)
      rows.push(['cameraHealth', r.grid ?? '*', '', k, r[k]]);
  rows.push(
    ['plates', '', '', 'hits', d.plates.hits],
    ['plates', '', '', 'distinctPlates', d.plates.distinctPlates],
    ['plates', '', '', 'confirmed', d.plates.confirmed],
    ['plates', '', '', 'dismissed', d.plates.dismissed],
  );
  for (const c of d.plates.byCategory) rows.push(['plateCategories', '', '', c.category, c.hits]);
  for (const k of ['ordered', 'closed', 'cancelled', 'open', 'closeP50S'] as const)
    rows.push(['interceptions', '', '', k, d.interceptions[k]]);
  for (const c of d.hotCells)
    rows.push(
      ['hotCells', c.grid, String(c.hour), 'count', c.count],
      ['hotCells', c.grid, String(c.hour), 'previous', c.previous],
    );
  return stringify(rows, { header: true, columns: ['section', 'grid', 'hour', 'metric', 'value'] });
}
