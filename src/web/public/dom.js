// Small DOM helpers shared by the page's modules: element builder (text only, never HTML), times, the alert sound.
export const $ = (s, root = document) => root.querySelector(s);
export const $$ = (s, root = document) => [...root.querySelectorAll(s)];

/**
 * h('div', { class: 'x', onclick }, 'text', child): children are text or nodes; strings are set as text,
 * so plates, reasons and names typed by people can never become markup.
 */
export function h(tag, attrs = {}, ...children) {
  const svg = ['svg', 'g', 'circle', 'rect', 'line', 'path', 'text', 'polygon', 'title'].includes(tag);
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

/** Date and time in the configured zone (the command room's, not the browser's), 24 h. */
export function fmtTime(iso, timeZone, withDate = true) {
  if (!iso) return '—';
  const opts = { timeZone, hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' };
  if (withDate) Object.assign(opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
  try {
    return new Intl.DateTimeFormat('zh-CN', opts).format(new Date(iso));
  } catch {
    return new Date(iso).toISOString(); // unknown zone name: still show an unambiguous time
  }
}

/** "12 s", "4 min", "3 h" since a time in ms. */
export function ago(ms) {
  if (!ms) return '—';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

let audio = null;

/** Browsers allow sound only after a gesture: the sign-in click calls this once. */
export function unlockSound() {
  try {
    audio ??= new AudioContext();
    void audio.resume();
  } catch {
    audio = null; // no audio device: the page works without sound
  }
}

/** Two short rising tones, made by WebAudio (no sound files). */
export function beep() {
  if (!audio) return;
  const t0 = audio.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.setValueAtTime(0.0001, t0 + i * 0.18);
    gain.gain.exponentialRampToValueAtTime(0.3, t0 + i * 0.18 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.18 + 0.16);
    osc.frequency.value = freq;
    osc.connect(gain).connect(audio.destination);
    osc.start(t0 + i * 0.18);
    osc.stop(t0 + i * 0.18 + 0.17);
  }
  document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
}
