// Hotlist CSV import: RFC 4180 parsing and per-row validation that names the row, column and fix.
import { HotlistEntryInputSchema, type HotlistEntryInput } from '../domain/hotlist.js';

/** Columns read from the file; `addedBy` is never one: it is whoever runs the import. */
export const HOTLIST_CSV_COLUMNS = [
  'plate',
  'pattern',
  'category',
  'reason',
  'source',
  'priority',
  'expiresAt',
  'plateColour',
  'vehicleType',
  'vehicleColour',
] as const;
type Column = (typeof HOTLIST_CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['category', 'reason', 'source', 'expiresAt'];
/**
 * Header names match without case and underscores, so files written for the old snake_case header
 * (`expires_at`) and spreadsheets that lower-case it (`expiresat`) import as they are.
 */
const headerKey = (name: string) => name.trim().toLowerCase().replace(/_/g, '');
const BY_KEY = new Map<string, Column>(HOTLIST_CSV_COLUMNS.map((c) => [headerKey(c), c]));

/** Rows count as a spreadsheet shows them: the header is row 1, the first entry row 2. */
export interface HotlistCsvError {
  row: number;
  /** Column and what was expected, e.g. "expiresAt: expected an ISO date ..., got 'tomorrow'". */
  message: string;
}

export interface HotlistCsvResult {
  entries: HotlistEntryInput[];
  errors: HotlistCsvError[];
}

export interface HotlistCsvOptions {
  /** Rows whose expiry is not after this (epoch ms) are rejected: they would never match. */
  now?: number;
}

interface CsvRecord {
  row: number;
  fields: string[];
}

/**
 * Splits RFC 4180 text into records: comma separated, CRLF or LF, fields in double quotes may hold
 * commas, newlines and doubled quotes. A quote inside an unquoted field is kept as text, as
 * spreadsheets do; text after a closing quote, or a quote left open, is an error for that row.
 */
export function splitCsv(text: string): { records: CsvRecord[]; errors: HotlistCsvError[] } {
  const records: CsvRecord[] = [];
  const errors: HotlistCsvError[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let bad = false;
  let row = 1;
  const endRecord = () => {
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '' && !afterQuote;
    if (!bad && !blank) records.push({ row, fields });
    fields = [];
    field = '';
    afterQuote = false;
    bad = false;
    row++;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') field += text[i++];
      else {
        quoted = false;
        afterQuote = true;
      }
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      afterQuote = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else if (ch === '"' && field === '' && !afterQuote) {
      quoted = true;
    } else if (afterQuote) {
      if (!bad)
        errors.push({ row, message: `text after a closing quote; quote the whole field and double any " inside it` });
      bad = true;
    } else {
      field += ch;
    }
  }
  if (quoted) {
    errors.push({ row, message: 'a quoted field is never closed: the rest of the file was read as one field' });
    bad = true;
  }
  if (field !== '' || fields.length > 0 || afterQuote) endRecord();
  return { records, errors };
}

/**
 * Parses a hotlist CSV (header row naming the columns, in any order, case-insensitive; a UTF-8 BOM
 * is dropped). Good rows import even when others fail; a header missing a required column fails
 * the whole file with one error, since no row could be read correctly.
 */
export function parseHotlistCsv(text: string, addedBy: string, opts: HotlistCsvOptions = {}): HotlistCsvResult {
  if (addedBy.trim() === '') throw new TypeError('parseHotlistCsv: addedBy must name the importer');
  const now = opts.now ?? Date.now();
  const { records, errors } = splitCsv(text.replace(/^\uFEFF/, ''));
  const entries: HotlistEntryInput[] = [];
  const [header, ...rows] = records;
  if (!header) {
    errors.push({
      row: 1,
      message: `header: the file is empty; expected a header row ${HOTLIST_CSV_COLUMNS.join(',')}`,
    });
    return { entries, errors };
  }
  const columns = readHeader(header, errors);
  if (!columns) return { entries: [], errors };

  for (const record of rows) {
    if (record.fields.length !== columns.length) {
      errors.push({
        row: record.row,
        message: `expected ${columns.length} fields as in the header, got ${record.fields.length}`,
      });
      continue;
    }
    const raw = rowValues(columns, record.fields);
    const parsed = HotlistEntryInputSchema.safeParse({ ...toInput(raw), addedBy });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? 'row');
        const got = raw.get(column as Column);
        errors.push({ row: record.row, message: `${column}: ${issue.message}${got ? `, got '${got}'` : ''}` });
      }
      continue;
    }
    if (Date.parse(parsed.data.expiresAt) <= now) {
      errors.push({
        row: record.row,
        message: `expiresAt: expected a date in the future, got '${parsed.data.expiresAt}' (already passed)`,
      });
      continue;
    }
    entries.push(parsed.data);
  }
  return { entries, errors };
}

/** Column name per field position (null for unknown columns), or null when the header is unusable. */
function readHeader(header: CsvRecord, errors: HotlistCsvError[]): (Column | null)[] | null {
  const raw = header.fields.map((f) => f.trim());
  const names = raw.map((f) => BY_KEY.get(headerKey(f)) ?? f.toLowerCase());
  const known = new Set<string>(HOTLIST_CSV_COLUMNS);
  const missing: string[] = REQUIRED.filter((c) => !names.includes(c));
  if (!names.includes('plate') && !names.includes('pattern')) missing.unshift('plate or pattern');
  const repeated = names.filter((n, i) => n !== '' && names.indexOf(n) !== i);
  if (missing.length > 0 || repeated.length > 0) {
    const problems = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      repeated.length ? `repeated ${[...new Set(repeated)].join(', ')}` : '',
    ].filter(Boolean);
    errors.push({
      row: header.row,
      message: `header: ${problems.join('; ')}; expected columns ${HOTLIST_CSV_COLUMNS.join(',')} (priority, plateColour, vehicleType and vehicleColour optional, one of plate/pattern per row)`,
    });
    return null;
  }
  for (const name of names) {
    if (!known.has(name)) {
      // Reported, not fatal: a misspelt optional column (`priorty`) would otherwise vanish silently.
      errors.push({
        row: header.row,
        message: `header: unknown column '${name}' ignored; known: ${HOTLIST_CSV_COLUMNS.join(', ')}`,
      });
    }
  }
  return names.map((n) => (known.has(n) ? (n as Column) : null));
}

function rowValues(columns: (Column | null)[], fields: string[]): Map<Column, string> {
  const values = new Map<Column, string>();
  columns.forEach((column, i) => {
    const value = fields[i].trim();
    if (column && value !== '') values.set(column, value);
  });
  return values;
}

/** Empty cells are absent; priority is a number only when it looks like one, so zod names the fault. */
function toInput(raw: Map<Column, string>): Record<string, unknown> {
  const input: Record<string, unknown> = Object.fromEntries(raw);
  const priority = raw.get('priority');
  if (priority !== undefined && /^\d+$/.test(priority)) input.priority = Number(priority);
  return input;
}
