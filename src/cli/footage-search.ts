// `vigil footage search`: plate reads (or, with --label, tracked people and vehicles) through the running
// API's audited search; prints a table with each result's footage link, or the API's JSON with --json.
import type { Environment } from '../config/load.js';

export const SEARCH_USAGE = `usage: vigil footage search (--plate TEXT [--fuzzy | --partial] | --label person,car,...)
         [--from T] [--to T] [--camera ID[,ID...]] [--near LAT,LON,RADIUS_M | --box S,W,N,E]
         [--direction N|NE|...|DEGREES [--tolerance DEG]] [--limit N] [--offset N]
         [--plate-colour C] [--vehicle-type T] [--vehicle-colour C]
         (--purpose TEXT | --case NUMBER) [--json] [--url URL]
  --partial: ? stands for one character, * for any run; the known part may sit anywhere in the plate.
  A pattern without 3 known characters in a row needs --from/--to at most 2 hours apart
  (at most 6 hours with at most 10 cameras). --direction, --plate-colour: plate reads only.
  --plate-colour blue|yellow|green|white|black|unknown; --vehicle-type car|truck|bus|motorcycle|unknown;
  --vehicle-colour white|black|grey|silver|red|blue|yellow|green|brown|unknown. Without --plate or --label,
  a vehicle flag searches plate reads by it alone (--from/--to keep it short).
  needs VIGIL_TOKEN (investigator, operator or admin) and VIGIL_URL (default http://127.0.0.1:8080)`;

const VALUED = [
  'plate',
  'label',
  'from',
  'to',
  'camera',
  'near',
  'box',
  'direction',
  'tolerance',
  'limit',
  'offset',
  'purpose',
  'case',
  'url',
  'plate-colour',
  'vehicle-type',
  'vehicle-colour',
];
/** Flags whose query parameter is spelt in camelCase. */
const PARAM: Record<string, string> = {
  'plate-colour': 'plateColour',
  'vehicle-type': 'vehicleType',
  'vehicle-colour': 'vehicleColour',
};
const FLAGS = ['fuzzy', 'partial', 'json'];

interface Row {
  cameraId: string;
  firstSeen: string;
  plate?: string | null;
  label?: string;
  confidence?: number;
  score?: number;
  direction?: number | null;
  plateColour?: string | null;
  vehicleType?: string | null;
  vehicleColour?: string | null;
  footageUrl: string;
}

export async function footageSearchCli(args: string[], env: Environment, out: NodeJS.WritableStream): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === 'string') {
    out.write(`${parsed}\n${SEARCH_USAGE}\n`);
    return 2;
  }
  if (!env.apiToken) {
    out.write('set VIGIL_TOKEN to an investigator, operator or admin token\n');
    return 2;
  }
  const base = parsed.url ?? env.apiUrl ?? 'http://127.0.0.1:8080';
  const sightings = Boolean(parsed.label);
  const res = await fetch(`${base}/api/v1/${sightings ? 'sightings' : 'plate-reads'}?${query(parsed)}`, {
    headers: { authorization: `Bearer ${env.apiToken}` },
  });
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as Record<string, unknown>;
  if (parsed.json) out.write(`${JSON.stringify(body)}\n`);
  if (res.status !== 200) {
    if (!parsed.json) out.write(`search refused: ${String(body.error ?? `HTTP ${res.status}`)}\n`);
    return 1;
  }
  if (!parsed.json)
    printTable((sightings ? body.sightings : body.reads) as Row[], base, body.nextOffset as number | null, out);
  return 0;
}

type Parsed = Record<string, string> & { json?: string; url?: string; label?: string };

function parse(args: string[]): Parsed | string {
  const opts: Parsed = {};
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    if (!args[i].startsWith('--')) return `unexpected argument ${args[i]}`;
    if (FLAGS.includes(name)) opts[name] = 'true';
    else if (VALUED.includes(name)) {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) return `--${name} needs a value`;
      opts[name] = v;
    } else return `unknown option --${name}`;
  }
  const described = ['plate-colour', 'vehicle-type', 'vehicle-colour'].some((k) => opts[k] !== undefined);
  if (!opts.plate && !opts.label && !described)
    return 'say what to look for: --plate TEXT, --label for people and vehicles, or a vehicle flag (--vehicle-colour ...)';
  if (opts.plate && opts.label) return 'give --plate or --label, not both';
  if (opts.fuzzy && opts.partial) return 'give --fuzzy or --partial, not both';
  if (opts.label && opts.direction) return '--direction applies to plate reads only';
  if (opts.label && opts['plate-colour']) return '--plate-colour applies to plate reads only';
  if (!opts.purpose && !opts.case) return 'say why: --purpose TEXT or --case NUMBER (it goes to the audit log)';
  for (const t of ['from', 'to']) {
    const v = opts[t];
    if (v && (!/(Z|[+-]\d\d:\d\d)$/i.test(v) || Number.isNaN(Date.parse(v))))
      return `--${t}: give an ISO time with a zone, e.g. 2026-11-24T10:00:00+08:00 (got ${v})`;
  }
  return opts;
}

function query(p: Parsed): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of VALUED.filter((k) => k !== 'url' && p[k] !== undefined)) q.set(PARAM[key] ?? key, p[key]);
  if (p.plate) q.set('match', p.fuzzy ? 'fuzzy' : p.partial ? 'partial' : 'exact');
  return q;
}

function printTable(rows: Row[], base: string, next: number | null, out: NodeJS.WritableStream): void {
  const header = ['time', 'camera', 'plate / label', 'score', 'direction', 'plate / vehicle colour, type', 'footage'];
  const lines = rows.map((r) => [
    new Date(r.firstSeen).toISOString(),
    r.cameraId,
    r.plate ?? r.label ?? '',
    (r.confidence ?? r.score ?? 0).toFixed(2),
    r.direction === null || r.direction === undefined ? '-' : `${Math.round(r.direction)}°`,
    [r.plateColour ?? '-', r.vehicleColour ?? '-', r.vehicleType ?? r.label ?? '-'].join(' '),
    new URL(r.footageUrl, base).toString(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [header, ...lines])
    out.write(`${l.map((cell, i) => (i === l.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')}\n`);
  out.write(`${rows.length} result(s)${next === null ? '' : `; more with --offset ${next}`}\n`);
}
