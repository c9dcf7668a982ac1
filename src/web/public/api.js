// The page's only link to the server: the session cookie (signed in with a password or the identity provider) or
// a pasted token (sessionStorage), JSON and image requests, who am I, the live stream.
const KEY = 'vigil-token';
/** Used until the API says which zone the command room works in (see session()). */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export const token = {
  get: () => sessionStorage.getItem(KEY) || '',
  set: (v) => sessionStorage.setItem(KEY, v),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The CSRF token a signed-in session's writes echo (the vigil_csrf cookie, readable by the page only). */
export const csrfToken = () => document.cookie.match(/(?:^|;\s*)vigil_csrf=([^;]+)/)?.[1] ?? '';

/** Headers that say who asks: the pasted token when there is one; else the cookie goes by itself, with CSRF on writes. */
export function authHeaders(method = 'GET') {
  if (token.get()) return { authorization: `Bearer ${token.get()}` };
  return method === 'GET' || method === 'HEAD' ? {} : { 'x-csrf-token': csrfToken() };
}

/** JSON in, JSON out (or a Blob for images), with the bearer token or the session cookie; errors carry the API's message and reason. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = authHeaders(method);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const isJson = res.headers.get('content-type')?.includes('json');
  const out = isJson ? await res.json() : await res.blob();
  if (!res.ok)
    throw Object.assign(new ApiError(res.status, (isJson && out.error) || `${res.status} ${res.statusText}`), {
      body: isJson ? out : null,
    });
  return out;
}

/** An API image (the plate crop) as an object URL: <img src> cannot send the bearer token. */
export async function imageUrl(apiPath) {
  return URL.createObjectURL(await api(apiPath.replace(/^\/api\/v1/, '')));
}

/**
 * Who the token belongs to and the command room's time zone. Asks GET /session; until the API has it,
 * reads the stream's first `hello` event (role, subject) and uses the default zone.
 */
export async function session() {
  try {
    const s = await api('/session');
    return {
      role: s.role,
      subject: s.subject ?? null,
      name: s.name ?? null,
      timezone: s.timezone || DEFAULT_TIMEZONE,
      roles: s.roles ?? [s.role],
      via: s.via ?? 'token',
      displayName: s.displayName ?? s.name ?? null,
      restriction: s.restriction ?? null,
    };
  } catch (err) {
    if (err.status !== 404) throw err;
  }
  const hello = await firstStreamEvent();
  return { role: hello.role, subject: hello.subject ?? null, name: null, timezone: DEFAULT_TIMEZONE };
}

async function firstStreamEvent() {
  const ctrl = new AbortController();
  const res = await fetch('/api/v1/stream', { headers: authHeaders(), signal: ctrl.signal });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(res.status, body.error || `${res.status} ${res.statusText}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    ctrl.abort();
  }
  const data = text.match(/^data: (.*)$/m)?.[1];
  if (!data) throw new ApiError(0, 'the live stream did not say hello');
  return JSON.parse(data);
}

/**
 * The live stream with reconnection. handlers: { alert, offer, assignment, 'camera-status', open, down }.
 * `open` runs on every (re)connection so the caller can fetch what it missed while down.
 */
export function openStream(handlers) {
  let es = null;
  let stopped = false;
  const connect = () => {
    es = new EventSource(
      token.get() ? `/api/v1/stream?access_token=${encodeURIComponent(token.get())}` : '/api/v1/stream',
    );
    es.addEventListener('hello', () => handlers.open?.());
    for (const type of [
      'alert',
      'offer',
      'assignment',
      'camera-status',
      'camera-health',
      'work-order',
      'interception',
      'duty',
      'incident',
    ]) {
      es.addEventListener(type, (m) => {
        try {
          handlers[type]?.(JSON.parse(m.data));
        } catch (err) {
          console.error(`bad ${type} event`, err);
        }
      });
    }
    es.onerror = () => {
      handlers.down?.();
      // EventSource retries by itself unless the server refused; then start again after a pause.
      if (es.readyState === EventSource.CLOSED && !stopped) setTimeout(() => !stopped && connect(), 3000);
    };
  };
  connect();
  return () => {
    stopped = true;
    es?.close();
  };
}
