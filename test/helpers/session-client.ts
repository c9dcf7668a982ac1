// A browser-like API client for tests: keeps the cookies a node sets and echoes the CSRF token on writes.
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export class SessionClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  get csrf(): string | undefined {
    return this.cookies.get('vigil_csrf');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (gone) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** A request under /api/v1 (or an absolute path with `raw`), as the page makes it: cookie, CSRF header on writes. */
  async request(
    method: string,
    pathname: string,
    body?: unknown,
    opts: { csrf?: boolean; headers?: Record<string, string>; raw?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && opts.csrf !== false && this.csrf) headers['x-csrf-token'] = this.csrf;
    const ctrl = new AbortController();
    const res = await fetch(`${this.baseUrl}${opts.raw ? '' : '/api/v1'}${pathname}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: ctrl.signal,
    });
    this.keep(res);
    let parsed: Record<string, unknown> = {};
    if (res.headers.get('content-type')?.includes('text/event-stream')) ctrl.abort();
    else {
      const text = await res.text();
      try {
        parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        parsed = { text: text.slice(0, 200) };
      }
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  signIn(username: string, password: string, totp?: string): Promise<Answer> {
    return this.request('POST', '/session/sign-in', { username, password, ...(totp ? { totp } : {}) });
  }
}
