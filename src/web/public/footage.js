// Footage around an alert: asks the purpose, gets a signed /play URL for a minute around the capture, plays it in a <video>.
import { api } from './api.js';
import { $, fill, fmtTime, h } from './dom.js';
import { t } from './i18n.js';
import { state } from './store.js';

/** Half of the span played: from 30 s before the capture to 30 s after. */
const MARGIN_MS = 30_000;
let openFor = null;

export const canSeeFootage = () => ['admin', 'operator', 'investigator'].includes(state.role);

/** The "footage" button of an alert; drawing another alert closes a player left open. */
export function footageButton(a) {
  if (openFor && openFor !== a.id) closeFootage();
  if (!canSeeFootage() || !a.camera) return null;
  return h('button', { type: 'button', class: 'footage-link', onclick: () => openFootage(a) }, t('footage'));
}

/** The player lives beside #detail, not in it: live events re-draw the detail and must not stop the video. */
function slot() {
  let el = $('#footage-player');
  if (!el) {
    el = h('div', { id: 'footage-player', class: 'footage', hidden: true });
    $('#detail').after(el);
  }
  return el;
}

export function closeFootage() {
  const el = $('#footage-player');
  if (el) {
    fill(el);
    el.hidden = true;
    delete el.dataset.alert;
  }
  openFor = null;
}

function span(a) {
  const at = Date.parse(a.capturedAt);
  return { from: new Date(at - MARGIN_MS).toISOString(), to: new Date(at + MARGIN_MS).toISOString() };
}

function openFootage(a) {
  const el = slot();
  el.hidden = false;
  el.dataset.alert = a.id;
  openFor = a.id;
  const purpose = h('input', {
    id: 'footage-purpose',
    name: 'purpose',
    required: true,
    minlength: 3,
    size: 36,
    placeholder: t('footagePurpose'),
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'footage-form' },
    h('label', { for: 'footage-purpose' }, t('footagePurpose')),
    purpose,
    h('button', { type: 'submit' }, t('play')),
    h('button', { type: 'button', onclick: closeFootage }, t('close')),
    error,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const why = purpose.value.trim();
    if (why.length < 3) return void (error.textContent = t('footagePurpose'));
    const { from, to } = span(a);
    const path = `/api/v1/footage/${encodeURIComponent(a.camera.id)}/play?${new URLSearchParams({ from, to })}`;
    try {
      showVideo(el, a, await footageVideo(path, why));
    } catch (err) {
      error.textContent = err.message;
    }
  });
  fill(el, h('h3', {}, `${t('footage')} · ${a.camera.name}`), form);
  queueMicrotask(() => purpose.focus());
}

/**
 * A <video> of an API footage path through a signed URL (a <video> cannot send the bearer token); the
 * purpose is needed unless the path already carries one. Shows "no footage" when nothing plays.
 */
export async function footageVideo(path, purpose) {
  const { url } = await api('/media-urls', { method: 'POST', body: purpose ? { path, purpose } : { path } });
  const video = h('video', {
    class: 'footage-video',
    controls: true,
    autoplay: true,
    muted: true,
    preload: 'auto',
    src: url,
  });
  video.addEventListener('error', () => video.replaceWith(h('p', { class: 'error' }, t('noFootage'))));
  return video;
}

function showVideo(el, a, video) {
  const { from, to } = span(a);
  fill(
    el,
    h('h3', {}, `${t('footage')} · ${a.camera.name}`),
    video,
    h(
      'p',
      { class: 'muted' },
      `${fmtTime(from, state.timezone)} – ${fmtTime(to, state.timezone, false)} `,
      h('button', { type: 'button', onclick: closeFootage }, t('close')),
    ),
  );
}
