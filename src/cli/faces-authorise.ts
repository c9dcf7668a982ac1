// `vigil faces authorise|authorisations|refreeze`: live face matching's authorisations through the running API
// (admin to make, change or end one; admin, operator or investigator to list). The API checks the fields and
// its 400 names each one missing or wrong; printed here field by field.
import type { Environment } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { takeFlag, takeOption } from './args.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface AuthorisationView {
  id: string;
  approvedBy: string;
  legalReference: string;
  cameras: string[];
  districts: string[];
  startsAt: string;
  endsAt: string;
  snapshotHash: string | null;
  snapshotSubjects: string[] | null;
  endedAt: string | null;
}

async function call(
  env: Environment,
  args: string[],
  method: string,
  pathname: string,
  body?: unknown,
): Promise<Answer> {
  const url = takeOption(args, '--url') ?? env.apiUrl ?? 'http://127.0.0.1:8080';
  if (!env.apiToken) throw new ConfigError('set VIGIL_TOKEN to an API token (admin to authorise, change or end)');
  const res = await fetch(`${url}/api/v1${pathname}`, {
    method,
    headers: { authorization: `Bearer ${env.apiToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as Record<string, unknown>,
  };
}

/** The API's refusal: its message, then each field it names. */
function refused(out: NodeJS.WritableStream, what: string, a: Answer): number {
  out.write(`${what} refused (HTTP ${a.status}): ${String(a.body.error)}\n`);
  // details: "field: message" strings (the API's one error shape, src/api/errors.ts).
  for (const d of (a.body.details as unknown[] | undefined) ?? []) out.write(`  ${String(d)}\n`);
  return 1;
}

const list = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

function line(a: AuthorisationView): string {
  const where = [...a.cameras.map((c) => `camera ${c}`), ...a.districts.map((d) => `district ${d}`)].join(', ');
  const frozen = a.snapshotHash
    ? `watchlist frozen: ${a.snapshotSubjects?.length ?? 0} subjects, ${a.snapshotHash.slice(0, 12)}`
    : 'watchlist frozen when it starts';
  return `${a.id}  ${a.startsAt} -> ${a.endsAt}${a.endedAt ? ` (ended ${a.endedAt})` : ''}  ${where}  ${a.legalReference}, approved by ${a.approvedBy}; ${frozen}`;
}

/** `faces authorise --approved-by TEXT --legal-ref TEXT (--cameras IDS | --districts IDS) --until T [--from T]`, or `--end ID --reason TEXT`. */
export async function facesAuthorise(args: string[], env: Environment, out: NodeJS.WritableStream): Promise<number> {
  const end = takeOption(args, '--end');
  if (end) {
    const reason = takeOption(args, '--reason');
    if (!reason) throw new ConfigError('--reason: why the authorisation ends now');
    const a = await call(env, args, 'POST', `/authorisations/${encodeURIComponent(end)}/end`, { reason });
    if (a.status !== 200) return refused(out, 'end', a);
    out.write(`ended ${line(a.body as unknown as AuthorisationView)}\n`);
    return 0;
  }
  const body = {
    approvedBy: takeOption(args, '--approved-by'),
    legalReference: takeOption(args, '--legal-ref'),
    cameras: list(takeOption(args, '--cameras')),
    districts: list(takeOption(args, '--districts')),
    startsAt: takeOption(args, '--from') ?? new Date().toISOString(),
    endsAt: takeOption(args, '--until'),
  };
  const a = await call(env, args, 'POST', '/authorisations', body);
  if (a.status !== 201) return refused(out, 'authorisation', a);
  out.write(`authorised ${line(a.body as unknown as AuthorisationView)}\n`);
  return 0;
}

/** `faces authorisations [--all] [--json]`: the live ones (with --all, ended and past ones too). */
export async function facesAuthorisations(
  args: string[],
  env: Environment,
  out: NodeJS.WritableStream,
): Promise<number> {
  const all = takeFlag(args, '--all');
  const json = takeFlag(args, '--json');
  const a = await call(env, args, 'GET', `/authorisations?limit=1000${all ? '&includeEnded=true' : ''}`);
  if (a.status !== 200) return refused(out, 'list', a);
  if (json) {
    out.write(`${JSON.stringify(a.body)}\n`);
    return 0;
  }
  const rows = a.body.authorisations as AuthorisationView[];
  out.write(`${rows.length} authorisations${all ? '' : ' in force or to come'}\n`);
  for (const r of rows) out.write(`  ${line(r)}\n`);
  return 0;
}

/** `faces refreeze ID --why TEXT`: freezes the watchlist again now, so subjects listed since its start match under it. */
export async function facesRefreeze(args: string[], env: Environment, out: NodeJS.WritableStream): Promise<number> {
  const why = takeOption(args, '--why');
  const [id] = args.filter((x) => !x.startsWith('--'));
  if (!id) throw new ConfigError('faces refreeze: name the authorisation (its id, from `vigil faces authorisations`)');
  if (!why) throw new ConfigError('--why: why the watchlist is frozen again (it is audited)');
  const a = await call(env, args, 'PATCH', `/authorisations/${encodeURIComponent(id)}`, { refreeze: true, why });
  if (a.status !== 200) return refused(out, 'refreeze', a);
  out.write(`refrozen ${line(a.body as unknown as AuthorisationView)}\n`);
  return 0;
}
