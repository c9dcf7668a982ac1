// Command-room page entry: sign-in, role-aware start, the live stream wired to each panel, periodic refresh.
import { openStream, session, token } from './api.js';
import { mountSignIn } from './signin.js';
import { $, unlockSound } from './dom.js';
import { applyStatic, onLang, t, toggleLang, tv } from './i18n.js';
import { bindKeys, loadAlerts, onAlertEvent, onAssignmentEvent, renderFeed } from './alerts.js';
import { openDisposition, renderDetail } from './detail.js';
import { loadBaseMap, renderMap } from './map.js';
import { mountHeat } from './heat.js';
import { mountSearch } from './search.js';
import { loadCameras, loadUnits, onCameraStatus, renderCameras, renderUnits, tickAges } from './status.js';
import { canDispose, on, state } from './store.js';
import { mountUnit, onOffer, refreshOffers, registerServiceWorker, renderOffers } from './unit.js';
import { mountLive } from './live.js';
import { mountDuty, onDutyEvent } from './duty.js';
import { mountHealth, onHealthEvent } from './health.js';
import { mountPlans, onPlanEvent, onSituationEvent } from './plans.js';
import { loadInterceptions, mountInterceptions, onInterceptionEvent, renderInterceptions } from './interceptions.js';
import { mountTours } from './tours.js';
import { loadIncidents, mountIncidents, onIncidentEvent } from './incidents.js';

const CAMERAS_EVERY_MS = 5000;
const UNITS_EVERY_MS = 10_000;

function showError(message) {
  const el = $('#error');
  el.textContent = message || '';
  el.hidden = !message;
}

on('alerts', () => (renderFeed(), renderDetail(), renderMap()));
on('selection', () => (renderDetail(), renderMap()));
on('cameras', () => (renderCameras(), renderMap()));
on('units', () => (renderUnits(), renderFeed(), renderDetail(), renderMap()));
on('offers', () => (renderOffers(), renderMap()));
on('interceptions', () => (renderInterceptions(), renderDetail()));
onLang(() => {
  renderWho();
  if (!$('#live').hidden) setLive($('#live').classList.contains('ok'));
  if (!state.role) return;
  renderFeed();
  renderDetail();
  renderCameras();
  renderUnits();
  renderOffers();
  renderMap();
  renderInterceptions();
});

function renderWho() {
  if (!state.role) return;
  $('#who').textContent = `${t('signedInAs')}: ${tv('role', state.role)}${state.subject ? ` ${state.subject}` : ''}`;
}

const setLive = (ok) => {
  const el = $('#live');
  el.hidden = false;
  el.className = ok ? 'live ok' : 'live down';
  el.textContent = ok ? `● ${t('live')}` : t('streamDown');
};

async function start() {
  document.body.dataset.state = 'loading';
  showError('');
  try {
    const s = await session();
    Object.assign(state, { role: s.role, subject: s.subject, timezone: s.timezone });
  } catch (err) {
    if (err.status === 401) token.clear();
    document.body.dataset.state = 'signed-out';
    showError(err.message);
    return;
  }
  document.body.dataset.role = state.role;
  $('.keys').dataset.i18n = canDispose() ? 'keys' : 'keysView';
  applyStatic();
  $('#signin').hidden = true;
  $('#signout').hidden = false;
  $('#console').hidden = false;
  mountLive();
  renderWho();

  const isUnit = state.role === 'unit';
  let first = true;
  openStream({
    // On every (re)connection: fetch what may have been missed while down.
    open: () => {
      setLive(true);
      if (first) return void (first = false);
      if (!isUnit) void loadAlerts().catch((e) => showError(e.message));
      void loadInterceptions().catch(() => {});
      void loadIncidents().catch(() => {});
      void mountDuty().catch(() => {});
    },
    down: () => setLive(false),
    alert: (e) => void onAlertEvent(e).catch(() => {}),
    assignment: (e) =>
      void onAssignmentEvent(e)
        .then(() => loadUnits())
        .catch(() => {}),
    offer: onOffer,
    interception: onInterceptionEvent,
    incident: onIncidentEvent,
    'camera-status': onCameraStatus,
    duty: onDutyEvent,
    'camera-health': onHealthEvent,
    'work-order': onHealthEvent,
    'patrol-plan': onPlanEvent,
    'situation-report': onSituationEvent,
  });

  const loads = [
    loadCameras(),
    loadUnits(),
    isUnit ? Promise.resolve() : loadAlerts(),
    mountInterceptions(),
    mountDuty(),
    mountHeat(),
    mountSearch(),
    loadBaseMap(),
    mountHealth(),
    mountPlans(),
    mountTours(),
    mountIncidents(),
  ];
  const results = await Promise.allSettled(loads);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) showError(failed.reason.message);
  renderFeed();
  renderDetail();
  renderOffers();
  document.body.dataset.state = 'ready';

  setInterval(() => void loadCameras().catch(() => {}), CAMERAS_EVERY_MS);
  setInterval(() => void loadUnits().catch(() => {}), UNITS_EVERY_MS);
  if (isUnit) setInterval(() => void refreshOffers(), UNITS_EVERY_MS);
  if (isUnit) mountUnit();
  setInterval(tickAges, 1000);
}

// Sign-in (password, identity provider or token), sign-out and the account panel: signin.js.
$('#signin').addEventListener('submit', unlockSound);

$('#lang').addEventListener('click', toggleLang);
// After a reload the page signs in from sessionStorage without a click; sound needs one.
document.addEventListener('pointerdown', unlockSound, { once: true });
bindKeys(openDisposition);
applyStatic();
registerServiceWorker();
void mountSignIn(start);
