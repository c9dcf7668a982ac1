// The live camera view: pick a camera on the map or the status wall and watch it in a panel. The API sends the
// camera's own H.264 as fragmented MP4 (no re-encoding) and this module feeds it to a <video> through MediaSource;
// a codec this browser cannot play (H.265) falls back to the API's MJPEG in an <img> through a signed URL.
import { api, token } from './api.js';
import { $, fill, h } from './dom.js';
import { onLang, t } from './i18n.js';
import { cameraById, state } from './store.js';

/** Behind the live edge by more than this, jump to it: a live view shows now, not a smooth past. */
const MAX_BEHIND_S = 1.5;
/** Keep this much already-played video in the buffer; older is removed so memory stays flat. */
const KEEP_S = 10;

let session = null; // { id, ctrl, url, img }

export const canWatch = (cameraId) =>
  state.role === 'admin' || state.role === 'operator' || (state.role === 'checkpoint' && state.subject === cameraId);

function setState(name, message = '') {
  const panel = $('#live-panel');
  panel.dataset.state = name;
  fill($('#live-status'), message ? h('span', { class: `live-msg ${name}` }, message) : null);
}

export function stopLive() {
  session?.ctrl.abort();
  if (session?.url) URL.revokeObjectURL(session.url);
  session?.img?.removeAttribute('src'); // ends the multipart request
  session = null;
  const panel = $('#live-panel');
  if (!panel) return;
  panel.hidden = true;
  delete panel.dataset.camera;
  fill($('#live-view'));
}

/** Opens the camera's live view in the panel (replacing any other). */
export async function openLive(cameraId) {
  if (!canWatch(cameraId)) return;
  stopLive();
  const panel = $('#live-panel');
  const cam = cameraById(cameraId);
  panel.hidden = false;
  panel.dataset.camera = cameraId;
  $('#live-camera').textContent = cam ? `${cam.name}` : cameraId;
  const video = h('video', { muted: true, autoplay: true, playsinline: true, class: 'live-video' });
  video.muted = true;
  fill($('#live-view'), video);
  const ctrl = new AbortController();
  session = { id: cameraId, ctrl, url: null, img: null };
  setState('connecting', t('liveConnecting'));
  try {
    const res = await fetch(`/api/v1/cameras/${encodeURIComponent(cameraId)}/live`, {
      headers: { authorization: `Bearer ${token.get()}` },
      signal: ctrl.signal,
    });
    if (!res.ok) return void refused(res, cameraId);
    const codec = res.headers.get('x-codec') || 'avc1.42e01e';
    if (!window.MediaSource || !MediaSource.isTypeSupported(`video/mp4; codecs="${codec}"`)) {
      await res.body.cancel();
      return void (await playMjpeg(cameraId, codec));
    }
    await play(res, video, codec, ctrl.signal);
    if (ctrl.signal.aborted) return;
    setState('ended', t('liveEnded'));
    retryButton(cameraId);
  } catch (err) {
    if (ctrl.signal.aborted) return;
    setState('error', err.message);
    retryButton(cameraId);
  }
}

async function refused(res, cameraId) {
  const body = await res.json().catch(() => ({}));
  if (res.status === 503) setState('offline', `${t('cameraOffline')}: ${body.error ?? res.statusText}`);
  else setState('error', body.error ?? `${res.status} ${res.statusText}`);
  retryButton(cameraId);
}

function retryButton(cameraId) {
  $('#live-status').append(
    ' ',
    h('button', { type: 'button', class: 'retry', onclick: () => void openLive(cameraId) }, t('retry')),
  );
}

/** Appends the response's bytes to a SourceBuffer, keeping the video near the live edge. */
async function play(res, video, codec, signal) {
  const type = `video/mp4; codecs="${codec}"`;
  const ms = new MediaSource();
  session.url = URL.createObjectURL(ms);
  video.src = session.url;
  await new Promise((resolve) => ms.addEventListener('sourceopen', resolve, { once: true }));
  const sb = ms.addSourceBuffer(type);
  const queue = [];
  const pump = () => {
    if (sb.updating || ms.readyState !== 'open') return;
    const b = sb.buffered;
    if (b.length && video.currentTime - b.start(0) > KEEP_S * 2)
      return void sb.remove(b.start(0), video.currentTime - KEEP_S);
    if (queue.length) sb.appendBuffer(queue.length === 1 ? queue.shift() : concat(queue.splice(0)));
  };
  sb.addEventListener('updateend', () => {
    chase(video, sb);
    pump();
  });
  video.addEventListener(
    'timeupdate',
    () => $('#live-panel').dataset.state !== 'playing' && video.currentTime > 0 && setState('playing'),
  );
  const reader = res.body.getReader();
  signal.addEventListener('abort', () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { value, done } = await reader.read();
    if (done || signal.aborted) break;
    queue.push(value);
    pump();
  }
}

/** The camera re-encoded as MJPEG by the API, in an <img> (which needs a signed URL: it cannot send the token). */
async function playMjpeg(cameraId, codec) {
  const { url } = await api('/media-urls', {
    method: 'POST',
    body: { path: `/api/v1/cameras/${encodeURIComponent(cameraId)}/live?format=mjpeg` },
  });
  if (session?.id !== cameraId) return;
  const img = h('img', { class: 'live-video mjpeg', alt: cameraId });
  img.addEventListener('load', () => setState('playing', `MJPEG (${codec})`), { once: true });
  img.addEventListener('error', () => {
    setState('offline', t('cameraOffline'));
    retryButton(cameraId);
  });
  session.img = img;
  fill($('#live-view'), img);
  img.src = url;
}

function chase(video, sb) {
  const b = sb.buffered;
  if (!b.length) return;
  const end = b.end(b.length - 1);
  if (end - video.currentTime > MAX_BEHIND_S || video.currentTime < b.start(0))
    video.currentTime = Math.max(b.start(b.length - 1), end - 0.3);
  if (video.paused) void video.play().catch(() => {});
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.byteLength) - p.byteLength);
  return out;
}

/** The panel, first in the side column; drawn here so the page's HTML needs no change. */
function panel() {
  return h(
    'section',
    { id: 'live-panel', class: 'panel live-panel', hidden: true },
    h(
      'h2',
      {},
      h('span', { class: 'live-title' }, t('liveView')),
      ' ',
      h('span', { id: 'live-camera', class: 'count' }),
      ' ',
      h('button', { id: 'live-close', type: 'button', class: 'close', onclick: stopLive }, t('close')),
    ),
    h('div', { id: 'live-view' }),
    h('p', { id: 'live-status' }),
  );
}

/** Clicks on a camera (map marker or wall tile) open its live view; the panel's close button stops it. */
export function mountLive() {
  if (!$('#live-panel')) $('#console aside')?.prepend(panel());
  document.addEventListener('click', (ev) => {
    const el = ev.target.closest?.('#map g.cam[data-camera], #cameras li[data-camera]');
    if (el && canWatch(el.dataset.camera)) void openLive(el.dataset.camera);
  });
  onLang(() => {
    $('#live-panel .live-title').textContent = t('liveView');
    $('#live-close').textContent = t('close');
  });
}
