// The selected alert: evidence side by side (plate crop vs hotlist record, or face crop vs enrolled photo),
// disposition form, footage, units sent.
import { api, imageUrl } from './api.js';
import { $, fill, fmtTime, h } from './dom.js';
import { t, tv } from './i18n.js';
import { latestAssignment, refreshAlert, unitName } from './alerts.js';
import { canDispose, mergeAlert, emit, state } from './store.js';
import { interceptAction } from './interceptions.js';
import { footageButton } from './footage.js';

const crops = new Map(); // plateReadId -> Promise<object URL>
let formVerdict = null; // 'confirm' | 'dismiss' while the form is open
let formAlertId = null;

function cropImg(alert) {
  const img = h('img', { class: 'crop', alt: `${t('plateRead')} ${alert.plate}` });
  if (!crops.has(alert.plateReadId)) crops.set(alert.plateReadId, imageUrl(alert.cropUrl));
  crops.get(alert.plateReadId).then(
    (url) => (img.src = url),
    () => img.replaceWith(h('div', { class: 'crop none' }, t('noCrop'))),
  );
  return img;
}

const images = new Map(); // API image path -> Promise<object URL> (face crops, subject photos)

/** An API image fetched with the bearer token (as the plate crop is), kept for re-draws. */
function apiImg(path, cls, alt) {
  const img = h('img', { class: cls, alt });
  if (!path) return h('div', { class: `${cls} none` }, t('noCrop'));
  if (!images.has(path)) images.set(path, imageUrl(path));
  images.get(path).then(
    (url) => (img.src = url),
    () => img.replaceWith(h('div', { class: `${cls} none` }, t('noCrop'))),
  );
  return img;
}

const row = (label, ...value) => [h('dt', {}, label), h('dd', {}, ...value)];

function differences(m) {
  const parts = [];
  if (m.ocrSubstitutions) parts.push(`${m.ocrSubstitutions} ${t('ocrSubs')}`);
  if (m.otherDifferences) parts.push(`${m.otherDifferences} ${t('otherDiffs')}`);
  if (m.provinceDiffers) parts.push(t('provinceDiffers'));
  return parts.length ? parts.join(', ') : '0';
}

/** A face hit: the camera's face crop beside the enrolled photo, the score, and the confirmations given of those required. */
function faceEvidence(a) {
  const m = a.match ?? {};
  const s = a.subject;
  const c = a.confirmations ?? { given: 0, required: 1, by: [] };
  const cosine = m.cosine ?? a.score;
  return h(
    'div',
    { class: 'evidence face' },
    h(
      'figure',
      { class: 'read' },
      h('figcaption', {}, t('faceCrop')),
      apiImg(a.cropUrl, 'crop face-crop', t('faceCrop')),
      h(
        'dl',
        {},
        row(t('faceScore'), h('b', { class: 'face-score' }, cosine != null ? Number(cosine).toFixed(3) : '—')),
        m.scoring === 'snorm' && m.score != null ? row('s-norm', Number(m.score).toFixed(2)) : null,
        row(t('camera'), a.camera ? `${a.camera.name} (${a.camera.district})` : '—'),
        row(t('time'), fmtTime(a.capturedAt, state.timezone)),
      ),
    ),
    h(
      'figure',
      { class: 'listing' },
      h('figcaption', {}, t('subjectPhoto')),
      apiImg(s?.photoUrl, 'crop subject-photo', s?.name ?? ''),
      s
        ? h(
            'dl',
            {},
            row(t('subject'), h('b', { class: 'subject-name' }, s.name)),
            row(t('category'), h('span', { class: `cat subj-${s.category}` }, tv('subj', s.category))),
            row(t('reason'), h('span', { class: 'listing-reason' }, s.reason ?? '—')),
            row(t('reference'), s.reference ?? '—'),
            row(t('expires'), fmtTime(s.expiresAt, state.timezone)),
          )
        : h('p', {}, '—'),
    ),
    h(
      'p',
      {
        class: `confirmations${c.given >= c.required ? ' done' : ''}`,
        dataset: { given: c.given, required: c.required },
      },
      `${t('confirmations')}: ${c.given}/${c.required}`,
      c.by?.length ? ` · ${c.by.join(', ')}` : '',
    ),
  );
}

function evidence(a) {
  if (a.kind === 'face') return faceEvidence(a);
  const m = a.match ?? {};
  const l = a.listing;
  // The read's OCR confidence is shown when the API sends it (alert.read.confidence); until then a dash.
  const confidence = a.read?.confidence != null ? `${Math.round(a.read.confidence * 100)}%` : '—';
  return h(
    'div',
    { class: 'evidence' },
    h(
      'figure',
      { class: 'read' },
      h('figcaption', {}, t('plateRead')),
      cropImg(a),
      h(
        'dl',
        {},
        row(t('plate'), h('b', { class: 'plate' }, a.plate)),
        row(t('match'), h('span', { class: 'match-level' }, tv('lvl', m.level))),
        row(t('differences'), differences(m)),
        row(t('score'), confidence),
        row(t('camera'), a.camera ? `${a.camera.name} (${a.camera.district})` : '—'),
        row(t('time'), fmtTime(a.capturedAt, state.timezone)),
      ),
    ),
    h(
      'figure',
      { class: 'listing' },
      h('figcaption', {}, t('hotlistRecord')),
      l
        ? h(
            'dl',
            {},
            row(t('plate'), h('b', { class: 'plate' }, l.plate ?? l.pattern ?? '—')),
            row(t('category'), h('span', { class: `cat cat-${l.category}` }, tv('cat', l.category))),
            row(t('reason'), h('span', { class: 'listing-reason' }, l.reason)),
            row(t('source'), l.source),
            row(t('expires'), fmtTime(l.expiresAt, state.timezone)),
          )
        : h('p', {}, '—'),
    ),
  );
}

function disposition(a) {
  if (a.status !== 'candidate') {
    const d = a.disposition ?? {};
    return h(
      'div',
      { class: `disposed st-${a.status}` },
      h('b', {}, tv('st', a.status)),
      d.by ? ` · ${t('disposedBy')} ${d.by}` : '',
      d.at ? ` · ${fmtTime(d.at, state.timezone)}` : '',
      d.reason ? h('q', {}, d.reason) : '',
    );
  }
  if (!canDispose()) return null;
  if (formAlertId === a.id && formVerdict) return dispositionForm(a);
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'button', class: 'confirm', onclick: () => openDisposition('confirm') }, `${t('confirm')} (c)`),
    h('button', { type: 'button', class: 'dismiss', onclick: () => openDisposition('dismiss') }, `${t('dismiss')} (d)`),
  );
}

function dispositionForm(a) {
  const reason = h('textarea', {
    id: 'reason',
    name: 'reason',
    required: true,
    minlength: 3,
    rows: 2,
    placeholder: t('reasonFor'),
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const close = () => ((formVerdict = null), renderDetail());
  const form = h(
    'form',
    { id: 'dispose', class: `dispose ${formVerdict}`, dataset: { verdict: formVerdict } },
    h('label', { for: 'reason' }, formVerdict === 'confirm' ? t('confirmWhy') : t('dismissWhy')),
    reason,
    error,
    h(
      'div',
      {},
      h('button', { type: 'submit' }, formVerdict === 'confirm' ? t('confirm') : t('dismiss')),
      h('button', { type: 'button', onclick: close }, t('cancel')),
    ),
  );
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') close();
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = reason.value.trim();
    if (text.length < 3) return void (error.textContent = t('reasonFor'));
    form.querySelectorAll('button').forEach((b) => (b.disabled = true));
    try {
      const res = await api(`/alerts/${a.id}/disposition`, {
        method: 'POST',
        body: { verdict: formVerdict, reason: text },
      });
      formVerdict = null;
      mergeAlert({
        id: a.id,
        status: res.status,
        disposition: { by: res.disposedBy, reason: res.reason, at: new Date().toISOString() },
      });
      emit('alerts');
      await refreshAlert(a.id).catch(() => {});
    } catch (err) {
      error.textContent = err.message;
      form.querySelectorAll('button').forEach((b) => (b.disabled = false));
    }
  });
  queueMicrotask(() => reason.focus());
  return form;
}

export function openDisposition(verdict) {
  const a = state.alerts.get(state.selectedId);
  if (!a || a.status !== 'candidate' || !canDispose()) return;
  formVerdict = verdict;
  formAlertId = a.id;
  renderDetail();
}

function assignments(a) {
  const rows = a.assignments ?? [];
  const latest = latestAssignment(a);
  return h(
    'section',
    { class: 'assignments' },
    h('h3', {}, t('dispatched')),
    rows.length
      ? h(
          'table',
          {},
          h(
            'tbody',
            {},
            rows.map((r) =>
              h(
                'tr',
                { class: r === latest ? 'latest' : '', dataset: { unit: r.unitId, state: r.state } },
                h('td', {}, unitName(r.unitId)),
                h('td', {}, h('span', { class: `chip as-${r.state}` }, tv('as', r.state))),
                h('td', {}, r.distanceM != null ? `${(r.distanceM / 1000).toFixed(1)} km` : ''),
                h('td', {}, r.etaS != null ? `${t('eta')} ${Math.round(r.etaS / 60)} min` : ''),
                h('td', {}, r.attempt ? `#${r.attempt}` : ''),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('noUnitYet')),
  );
}

function notice(a) {
  if (a.kind !== 'face') return a.status === 'confirmed' ? t('confirmedNotice') : t('candidateNotice');
  return a.status === 'confirmed' ? t('faceConfirmedNotice') : t('faceCandidateNotice');
}

export function renderDetail() {
  const box = $('#detail');
  const a = state.alerts.get(state.selectedId);
  if (!a) return void fill(box, h('p', { class: 'muted' }, t('selectAlert')));
  // Keep a half-typed reason: re-draws from live events must not wipe the form.
  if (
    formAlertId === a.id &&
    formVerdict &&
    box.querySelector('#dispose') &&
    box.dataset.id === a.id &&
    a.status === 'candidate'
  ) {
    fill(box.querySelector('.assign-slot'), assignments(a));
    return;
  }
  if (formAlertId !== a.id) formVerdict = null;
  box.dataset.id = a.id;
  fill(
    box,
    h(
      'header',
      {},
      h('span', { class: 'prio' }, `P${a.priority}`),
      h('span', { class: 'plate big' }, a.plate ?? a.subject?.name ?? t('faceCrop')),
      h('span', { class: `chip st-${a.status}` }, tv('st', a.status)),
    ),
    h('p', { class: 'notice' }, notice(a)),
    evidence(a),
    disposition(a),
    interceptAction(a),
    footageButton(a),
    h('div', { class: 'assign-slot' }, assignments(a)),
  );
}
