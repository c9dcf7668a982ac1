// The duty level in the header (常态/加强/战时, a colour each), live from the stream's `duty` event, and the switch form for roles allowed to switch.
import { api } from './api.js';
import { $, fill, fmtTime, h } from './dom.js';
import { onLang, t, tv } from './i18n.js';
import { state } from './store.js';

const LEVELS = ['normal', 'enhanced', 'wartime'];
/** Roles whose stream carries the `duty` event: only they can keep the badge current. */
const LIVE_ROLES = ['admin', 'operator', 'checkpoint'];

/** GET /duty as last known: level, policy, since, by, reason, canSwitch. */
let duty = null;
let formOpen = false;
let formError = '';

/** Loads the level (again after a reconnection: a switch may have been missed) and draws it. */
export async function mountDuty() {
  if (!LIVE_ROLES.includes(state.role)) return;
  duty = await api('/duty');
  render();
}

/** A `duty` event: another operator (or another process) switched the level. */
export function onDutyEvent(e) {
  duty = { ...(duty ?? {}), ...e.data, level: e.level };
  const badge = $('#duty');
  badge?.classList.remove('changed');
  // Restart the highlight: a switch must be noticed even when nobody is looking at the header.
  void badge?.offsetWidth;
  badge?.classList.add('changed');
  render();
}

function policyLine(p) {
  if (!p) return '';
  return [
    `${t('dutyUnits')} ${p.unitsPerAlert}`,
    `${t('dutyAck')} ${p.ackTimeoutSeconds} s`,
    `${t('dutyPriority')} ≤ ${p.plateMinPriority}`,
    `${t('dutyFaceConfirm')} ${p.faceConfirmations}`,
    `${t('dutyCheckpoints')} ${tv('dutyScope', p.checkpointsNotified)}`,
  ].join(' · ');
}

function title() {
  const since = duty.since
    ? `${t('dutySince')} ${fmtTime(duty.since, state.timezone)} · ${duty.by} (${tv('role', duty.role)}): ${duty.reason}`
    : t('dutyInitial');
  return `${since}\n${policyLine(duty.policy)}`;
}

function render() {
  const box = $('#duty');
  if (!box || !duty) return;
  box.hidden = false;
  box.dataset.level = duty.level;
  box.className = `duty lvl-${duty.level}${box.classList.contains('changed') ? ' changed' : ''}`;
  const content = [h('span', { class: 'label' }, t('dutyLevel')), ' ', h('b', {}, tv('duty', duty.level))];
  // Only those who may switch get a button; for the others the level is a label with the same details.
  const badge = duty.canSwitch
    ? h(
        'button',
        {
          type: 'button',
          class: 'badge',
          title: title(),
          'aria-expanded': String(formOpen),
          onclick: () => toggle(!formOpen),
        },
        content,
      )
    : h('span', { class: 'badge', title: title() }, content);
  const typed = $('#duty-reason')?.value ?? '';
  fill(box, badge, formOpen ? switchForm() : null);
  if (formOpen && typed) $('#duty-reason').value = typed;
}

function toggle(open) {
  formOpen = open && Boolean(duty?.canSwitch);
  formError = '';
  render();
  if (formOpen) $('#duty-reason')?.focus();
}

function switchForm() {
  const choices = LEVELS.map((l) =>
    h(
      'label',
      { class: `choice lvl-${l}` },
      h('input', {
        type: 'radio',
        name: 'duty-level',
        value: l,
        checked: l === nextLevel(),
        disabled: l === duty.level,
      }),
      tv('duty', l),
    ),
  );
  return h(
    'form',
    { id: 'duty-form', class: 'duty-form', onsubmit: submit, onkeydown: (ev) => ev.key === 'Escape' && toggle(false) },
    h('div', { class: 'choices' }, choices),
    h('input', {
      id: 'duty-reason',
      name: 'reason',
      required: true,
      minlength: 3,
      maxlength: 1000,
      placeholder: t('dutyReason'),
      autocomplete: 'off',
    }),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, t('dutySwitch')),
      h('button', { type: 'button', onclick: () => toggle(false) }, t('cancel')),
    ),
    formError ? h('p', { class: 'error', role: 'alert' }, formError) : null,
  );
}

/** The level one step up (or back to normal from wartime): the usual next move. */
function nextLevel() {
  const i = LEVELS.indexOf(duty.level);
  return i === LEVELS.length - 1 ? 'normal' : LEVELS[i + 1];
}

async function submit(ev) {
  ev.preventDefault();
  const form = ev.currentTarget;
  const level = form.querySelector('input[name="duty-level"]:checked')?.value;
  const reason = form.reason.value.trim();
  try {
    duty = await api('/duty', { method: 'PUT', body: { level, reason } });
    formOpen = false;
    formError = '';
  } catch (err) {
    formError = err.message;
  }
  render();
}

onLang(render);
