// Seeded malformed requests for the API fuzz: broken JSON, wrong types, NUL bytes, unpaired surrogates,
// traversal and non-UUID ids, huge bodies, garbage CSV and multipart; the same seed gives the same requests.
import { seededRandom } from '../../src/lib/seeded-random.js';

export interface Route {
  method: string;
  path: string;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** What kind of damage this request carries, for the report. */
  kind: string;
}

/** Ids that exist (so a request reaches deeper code) are passed in; the rest are made up. */
export interface FuzzIds {
  [param: string]: string[];
}

const NUL = '\u0000';
const LONE = '\uD800';
const BAD_IDS = [
  'abc',
  '0',
  '-1',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%E0%A4%A',
  '------------------------------------',
  '00000000-0000-0000-0000-00000000000g',
  'x'.repeat(300),
  '%F0%9F%98%80',
  "1' or '1'='1",
  '99999999999999999999999',
  'NaN',
  '{}',
  '%20',
  'null',
];
const FIELDS = [
  'why',
  'reason',
  'purpose',
  'case',
  'plate',
  'pattern',
  'category',
  'source',
  'expires_at',
  'priority',
  'number',
  'title',
  'note',
  'camera',
  'cameras',
  'from',
  'to',
  'alert',
  'alertId',
  'cameraIds',
  'level',
  'verdict',
  'lat',
  'lon',
  'at',
  'approved_by',
  'legal_reference',
  'districts',
  'starts_at',
  'ends_at',
  'name',
  'role',
  'subject',
  'path',
  'ttlSeconds',
  'active',
  'status',
];
const QUERY_KEYS = [
  'why',
  'purpose',
  'case',
  'plate',
  'match',
  'limit',
  'offset',
  'from',
  'to',
  'near',
  'box',
  'camera',
  'status',
  'action',
  'after',
  'label',
  'direction',
  'tolerance',
  'format',
  'include_inactive',
  'since',
  'kind',
  'category',
];

/** encodeURIComponent, except that an unpaired surrogate (which it refuses) goes out as its WTF-8 bytes. */
function encode(s: string): string {
  return [...s]
    .map((ch) =>
      /^[\uD800-\uDFFF]$/.test(ch)
        ? `%${[0xed, 0xa0 | ((ch.charCodeAt(0) >> 6) & 0x1f), 0x80 | (ch.charCodeAt(0) & 0x3f)].map((b) => b.toString(16)).join('%')}`
        : encodeURIComponent(ch),
    )
    .join('');
}

export class FuzzGenerator {
  private readonly r: () => number;
  constructor(
    seed: number,
    private readonly tokens: string[],
    private readonly ids: FuzzIds,
    /** server.maxBodyBytes: some bodies are just over it. */
    private readonly maxBody: number,
  ) {
    this.r = seededRandom(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }

  private chance(p: number): boolean {
    return this.r() < p;
  }

  /** A value that is wrong somehow: NUL inside, surrogate, wrong type, huge, empty, or plausible. */
  private badValue(): unknown {
    const plain = this.pick([
      'case 2026-1',
      '粤B4E7K2',
      '2030-01-01T00:00:00Z',
      'cam-a',
      'stolen_vehicle',
      'confirm',
      'enhanced',
    ]);
    return this.pick<() => unknown>([
      () => `a${NUL}b`,
      () => `${plain}${NUL}`,
      () => `x${LONE}y`,
      () => '\uDC00tail',
      () => 12345,
      () => -1e308,
      () => true,
      () => null,
      () => [],
      () => [`${NUL}`],
      () => ({ nested: `${NUL}` }),
      () => 'x'.repeat(5000),
      () => '',
      () => plain,
      () => '2026-13-45T99:99:99Z',
    ])();
  }

  private path(route: Route): string {
    return route.path.replace(/:(\w+)/g, (_m, name: string) => {
      const known = this.ids[name] ?? [];
      return known.length && this.chance(0.35) ? encode(this.pick(known)) : this.pick(BAD_IDS);
    });
  }

  private query(): string {
    const n = Math.floor(this.r() * 4);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = this.chance(0.9) ? this.pick(QUERY_KEYS) : `k${NUL}`;
      const v = this.badValue();
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      parts.push(`${encode(key)}=${this.chance(0.1) ? '%E0%A4%A' : encode(text)}`);
    }
    return parts.length ? `?${parts.join('&')}` : '';
  }

  private jsonObject(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    const n = 1 + Math.floor(this.r() * 6);
    for (let i = 0; i < n; i++) o[this.chance(0.95) ? this.pick(FIELDS) : `key${NUL}`] = this.badValue();
    return o;
  }

  private body(): { kind: string; type?: string; body?: string | Uint8Array<ArrayBuffer> } {
    const boundary = 'fuzzBoundary42';
    const choice = this.pick([
      'json',
      'json',
      'json',
      'broken-json',
      'wrong-json',
      'huge',
      'csv',
      'multipart',
      'bad-multipart',
      'none',
      'binary',
    ]);
    switch (choice) {
      case 'json':
        return { kind: 'json-bad-values', type: 'application/json', body: JSON.stringify(this.jsonObject()) };
      case 'broken-json':
        return {
          kind: 'broken-json',
          type: 'application/json',
          body: this.pick([
            '{',
            '{"why":',
            '{"a":1,}',
            `{"why":"a${NUL}b"}`,
            'nul',
            '[1,2',
            '"\\ud800"',
            '{"x":"\\u0000"}',
          ]),
        };
      case 'wrong-json':
        return {
          kind: 'wrong-json',
          type: 'application/json',
          body: this.pick(['[]', '1', '"text"', 'null', 'true', '{"why":{"$gt":""}}']),
        };
      case 'huge':
        return {
          kind: 'huge',
          type: this.pick(['application/json', 'text/csv', 'multipart/form-data; boundary=x']),
          body: `{"why":"${'x'.repeat(this.maxBody + 10)}"}`,
        };
      case 'csv':
        return {
          kind: 'csv',
          type: 'text/csv',
          body: this.pick([
            `plate,category\n粤B1${NUL}23,wanted`,
            'a,b,"c\n',
            `\uFEFF${'x,'.repeat(1000)}`,
            'plate\n"""',
            `plate,category,reason,source,priority,expires_at\n京A1,wanted,r${NUL},s,1,2030-01-01T00:00:00Z`,
          ]),
        };
      case 'multipart': {
        const field = this.pick(['why', 'name', 'category', 'reason', 'source', 'purpose', 'expires_at', 'camera']);
        const value = this.pick([`a${NUL}b`, 'x', '2030-01-01T00:00:00Z', 'case 12 reason']);
        const file = this.pick([
          `--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="a${NUL}.jpg"\r\nContent-Type: image/jpeg\r\n\r\nnot a jpeg\r\n`,
          '',
        ]);
        const text = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n${file}--${boundary}--\r\n`;
        return { kind: 'multipart', type: `multipart/form-data; boundary=${boundary}`, body: text };
      }
      case 'bad-multipart':
        return {
          kind: 'bad-multipart',
          type: this.pick([
            `multipart/form-data; boundary=${boundary}`,
            'multipart/form-data',
            'multipart/form-data; boundary=',
          ]),
          body: this.pick([
            `--${boundary}\r\nContent-Disposition: form-data; name="why"\r\n\r\nunterminated`,
            'garbage',
            `--${boundary}--`,
            '\r\n\r\n--',
          ]),
        };
      case 'binary':
        return {
          kind: 'binary',
          type: this.pick(['application/octet-stream', 'image/jpeg', 'text/plain']),
          body: Uint8Array.from({ length: 64 }, () => Math.floor(this.r() * 256)),
        };
      default:
        return { kind: 'no-body' };
    }
  }

  next(routes: readonly Route[]): FuzzRequest {
    const route = this.pick(routes);
    const headers: Record<string, string> = {};
    const auth = this.r();
    if (auth < 0.9) headers.authorization = `Bearer ${this.pick(this.tokens)}`;
    else if (auth < 0.95) headers.authorization = this.pick(['Bearer ', 'Bearer vgl_x', 'Basic abc', 'Bearer a b']);
    const url = `http://vigil.test/api/v1${this.path(route)}${this.query()}`;
    if (route.method === 'GET' || route.method === 'HEAD') return { method: route.method, url, headers, kind: 'query' };
    const b = this.body();
    if (b.type) headers['content-type'] = b.type;
    return { method: route.method, url, headers, body: b.body, kind: b.kind };
  }
}
