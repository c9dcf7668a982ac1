// `vigil faces enroll|search|eval`: bulk enrolment and photo search through the API, and the watchlist evaluation run locally.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Environment } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { DEFAULT_FACE_THRESHOLD, type Config } from '../config/schema.js';
import { cohortFiles, loadCohort } from '../matching/face-cohort.js';
import { decodeImage } from '../vision/image.js';
import { splitCsv } from '../matching/hotlist-csv.js';
import { takeFlag, takeOption } from './args.js';
import { embedPhotos, evaluate } from './faces-eval.js';

const IMAGE = /\.(jpe?g|png|webp)$/i;
/** Bytes of photos per request, under the API's default body limit (20 MB) with room for the form. */
const BATCH_BYTES = 12 * 1024 * 1024;

interface Api {
  url: string;
  token: string;
}

function api(args: string[], env: Environment): Api {
  const url = takeOption(args, '--url') ?? env.apiUrl ?? 'http://127.0.0.1:8080';
  if (!env.apiToken)
    throw new ConfigError(
      'set VIGIL_TOKEN to an API token (operator or admin to enrol, investigator or admin to search)',
    );
  return { url, token: env.apiToken };
}

async function post(
  a: Api,
  pathname: string,
  form: FormData,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${a.url}/api/v1${pathname}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${a.token}` },
    body: form,
  });
  return {
    status: res.status,
    body: (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as Record<string, unknown>,
  };
}

interface SubjectPlan {
  fields: Record<string, string>;
  photos: { file: string; source: string }[];
}

/** One subject per sub-folder (its name the subject's), or per CSV group of rows with the same name and listing. */
export function planEnrolment(target: string, defaults: Record<string, string | undefined>): SubjectPlan[] {
  const base = Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  if (statSync(target).isDirectory()) {
    return readdirSync(target)
      .filter((d) => statSync(path.join(target, d)).isDirectory())
      .sort()
      .map((d) => ({
        fields: { ...base, name: d.replace(/[_]+/g, ' ') },
        photos: readdirSync(path.join(target, d))
          .filter((f) => IMAGE.test(f))
          .sort()
          .map((f) => ({ file: path.join(target, d, f), source: base.source ?? '' })),
      }))
      .filter((p) => p.photos.length);
  }
  const { records, errors } = splitCsv(readFileSync(target, 'utf8').replace(/^\uFEFF/, ''));
  if (errors.length) throw new ConfigError(`${target}: ${errors.map((e) => `row ${e.row}: ${e.message}`).join('; ')}`);
  const [header, ...rows] = records;
  const cols = header.fields.map((h) => h.trim().toLowerCase());
  for (const need of ['name', 'photo'])
    if (!cols.includes(need)) throw new ConfigError(`${target}: the header needs a '${need}' column`);
  const groups = new Map<string, SubjectPlan>();
  for (const r of rows) {
    const row = Object.fromEntries(cols.map((c, i) => [c, (r.fields[i] ?? '').trim()]));
    // The CSV column is expires_at (or expiresAt); the API field is expiresAt.
    const column = (k: string) =>
      row[k] || row[k.toLowerCase()] || row[k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)];
    const fields = {
      ...base,
      ...Object.fromEntries(
        ['name', 'category', 'reason', 'reference', 'expiresAt'].filter((k) => column(k)).map((k) => [k, column(k)]),
      ),
    };
    const key = JSON.stringify(fields);
    const plan = groups.get(key) ?? { fields, photos: [] };
    plan.photos.push({ file: path.resolve(path.dirname(target), row.photo), source: row.source || base.source || '' });
    groups.set(key, plan);
  }
  return [...groups.values()];
}

/** A bar redrawn in place on a terminal; on a pipe, a line per 10%. */
function progress(out: NodeJS.WritableStream, total: number): (done: number, label: string) => void {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  let lastStep = -1;
  return (done, label) => {
    const pct = total ? Math.floor((100 * done) / total) : 100;
    const filled = Math.round(pct / 5);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(20 - filled)}] ${String(pct).padStart(3)}% ${done}/${total} ${label}`;
    if (tty) out.write(`\r${line}\x1b[K${done === total ? '\n' : ''}`);
    else if (Math.floor(pct / 10) !== lastStep || done === total) {
      lastStep = Math.floor(pct / 10);
      out.write(`${line}\n`);
    }
  };
}

export async function facesEnroll(
  args: string[],
  env: Environment,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const a = api(args, env);
  const why = takeOption(args, '--why');
  const defaults = {
    category: takeOption(args, '--category'),
    reason: takeOption(args, '--reason'),
    reference: takeOption(args, '--reference'),
    expiresAt: takeOption(args, '--expires'),
    source: takeOption(args, '--source'),
  };
  const [target] = args;
  if (!target)
    throw new ConfigError(
      'faces enroll: name a folder (one sub-folder per subject) or a CSV (name,category,reason,expires_at,source,photo)',
    );
  if (!why) throw new ConfigError('--why: say why these people are listed (case number or order)');
  const plans = planEnrolment(target, defaults);
  const total = plans.reduce((n, p) => n + p.photos.length, 0);
  const bar = progress(err, total);
  let done = 0;
  let enrolled = 0;
  const problems: string[] = [];
  for (const plan of plans) {
    let subjectId: string | null = null;
    for (const batch of batches(plan.photos)) {
      const form = new FormData();
      for (const [k, v] of Object.entries({ ...plan.fields, why })) if (k !== 'source') form.append(k, v);
      for (const p of batch) {
        form.append('photos', new Blob([new Uint8Array(readFileSync(p.file))]), path.basename(p.file));
        form.append('sources', p.source);
      }
      const res: { status: number; body: Record<string, unknown> } = subjectId
        ? await post(a, `/subjects/${subjectId}/photos`, form)
        : await post(a, '/subjects', form);
      const results = (res.body.photos as { name: string; ok: boolean; message?: string }[] | undefined) ?? [];
      if (!results.length) problems.push(`${plan.fields.name}: ${String(res.body.error ?? `HTTP ${res.status}`)}`);
      for (const r of results) {
        if (r.ok) enrolled++;
        else problems.push(`${plan.fields.name}/${r.name}: ${r.message}`);
      }
      subjectId ??= (res.body.subject as { id?: string } | undefined)?.id ?? null;
      done += batch.length;
      bar(done, plan.fields.name);
      // The first batch had no usable photo: the subject was not created, the rest go as a new try.
    }
  }
  out.write(`enrolled ${enrolled} of ${total} photos for ${plans.length} subjects\n`);
  for (const p of problems) out.write(`  ${p}\n`);
  return problems.length ? 1 : 0;
}

function* batches<T extends { file: string }>(photos: T[]): Generator<T[]> {
  let batch: T[] = [];
  let bytes = 0;
  for (const p of photos) {
    const size = statSync(p.file).size;
    if (batch.length && bytes + size > BATCH_BYTES) {
      yield batch;
      [batch, bytes] = [[], 0];
    }
    batch.push(p);
    bytes += size;
  }
  if (batch.length) yield batch;
}

export async function facesSearch(args: string[], env: Environment, out: NodeJS.WritableStream): Promise<number> {
  const a = api(args, env);
  const json = takeFlag(args, '--json');
  const fields = {
    purpose: takeOption(args, '--purpose'),
    camera: takeOption(args, '--camera'),
    from: takeOption(args, '--from'),
    to: takeOption(args, '--to'),
    limit: takeOption(args, '--limit'),
  };
  const [photo] = args;
  if (!photo) throw new ConfigError('faces search: name the photo of the face to search for');
  if (!fields.purpose) throw new ConfigError('--purpose: the case number or reason for this search (it is audited)');
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
  form.append('photo', new Blob([new Uint8Array(readFileSync(photo))]), path.basename(photo));
  const res = await post(a, '/faces/search', form);
  if (json) out.write(`${JSON.stringify(res.body)}\n`);
  if (res.status !== 200) {
    if (!json) out.write(`search refused: ${String(res.body.error)}\n`);
    return 1;
  }
  if (!json) {
    const results = res.body.results as {
      id: string;
      score: number;
      cameraId: string;
      firstSeen: string;
      matched: boolean;
    }[];
    out.write(`${results.length} faces (of ${String(res.body.scanned)} stored within retention)\n`);
    for (const r of results)
      out.write(`  ${r.score.toFixed(3)}  ${r.cameraId}  ${r.firstSeen}  ${r.matched ? 'matched ' : ''}${r.id}\n`);
  }
  return 0;
}

export async function facesEval(
  args: string[],
  config: Config,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const dir = takeOption(args, '--dir');
  const json = takeFlag(args, '--json');
  const scoring = (takeOption(args, '--score') ?? config.faces.score) as Config['faces']['score'];
  const threshold = Number(
    takeOption(args, '--threshold') ??
      config.faces.thresholds.normal?.default ??
      config.faces.threshold ??
      DEFAULT_FACE_THRESHOLD[scoring],
  );
  if (!dir) throw new ConfigError('faces eval: --dir DIR (one folder of photos per identity)');
  if (!Number.isFinite(threshold)) throw new ConfigError('--threshold: a number (a cosine, or an s-norm score)');
  if (scoring !== 'snorm' && scoring !== 'cosine') throw new ConfigError('--score: snorm or cosine');
  const { createChipAnalyzer } = await import('../vision/face-chip.js');
  const analyzer = await createChipAnalyzer({ model: config.faces.embedder, threads: config.vision.threads });
  const cohort =
    scoring === 'snorm'
      ? await loadCohort(
          { model: analyzer.model, faces: async (f) => analyzer.faces(await decodeImage(f)) },
          cohortFiles(config.faces.cohortDir),
        )
      : null;
  let bar: ReturnType<typeof progress> | null = null;
  const { photos, msPerPhoto } = await embedPhotos(dir, analyzer, (done, total) => {
    bar ??= progress(err, total);
    bar(done, 'photos embedded');
  });
  const report = { ...(await evaluate(photos, threshold, analyzer.dim, cohort)), msPerPhoto };
  if (json) {
    out.write(`${JSON.stringify(report)}\n`);
    return 0;
  }
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  out.write(
    [
      `${report.identities} identities, ${report.photos} photos (${report.noFace.length} without a usable face), ${report.rounds} rounds`,
      `probes: ${report.matedProbes} of enrolled people, ${report.nonMatedProbes} of people not enrolled`,
      `rank-1: ${pct(report.rank1)}`,
      `at ${report.scoring} threshold ${report.threshold.toFixed(3)}: true-accept ${pct(report.tar)}, false-accept ${pct(report.far)}`,
      `for false-accept <= 1% here: threshold ${report.atFar1.threshold.toFixed(3)}, true-accept ${pct(report.atFar1.tar)}`,
      `${msPerPhoto.toFixed(0)} ms per photo (detect + chip + 2 embeddings)`,
    ].join('\n') + '\n',
  );
  return 0;
}
