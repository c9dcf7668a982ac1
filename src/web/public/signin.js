// Signing in on the page: username + password (+ TOTP code when the account has one), the identity provider's
// button, or a pasted API token; the first-password change and TOTP enrolment a session may have to do first;
// the account panel (own password, TOTP, sessions) and sign-out. The session itself is an HttpOnly cookie.
import { ApiError, api, csrfToken, session, token } from './api.js';
import { $, fill, h } from './dom.js';
import { currentLang, t } from './i18n.js';
import { mountAccountsAdmin } from './accounts-admin.js';

const WORDS = {
  zh: {
    username: '用户名',
    password: '密码',
    totp: '6 位验证码',
    token: 'API 令牌',
    useToken: '使用令牌',
    usePassword: '使用密码',
    sso: '统一身份认证',
    newPassword: '新密码',
    repeat: '再次输入新密码',
    setPassword: '设置新密码',
    firstPassword: '首次登录：请设置您自己的密码。',
    mismatch: '两次输入的新密码不一致',
    enrolTotp: '两步验证：用验证器应用扫描下面的二维码（或添加密钥），然后输入验证码。',
    confirm: '确认',
    account: '账户',
    sessions: '我的会话',
    revoke: '注销',
    current: '当前',
    totpOn: '两步验证已开启',
    totpOff: '开启两步验证',
    removeTotp: '关闭两步验证',
    changed: '密码已更改',
    close: '关闭',
    lastSeen: '最近使用',
    method: '方式',
  },
  en: {
    username: 'Username',
    password: 'Password',
    totp: '6-digit code',
    token: 'API token',
    useToken: 'Use a token',
    usePassword: 'Use a password',
    sso: 'Single sign-on',
    newPassword: 'New password',
    repeat: 'New password again',
    setPassword: 'Set new password',
    firstPassword: 'First sign-in: set a password of your own.',
    mismatch: 'The two new passwords differ',
    enrolTotp:
      'Two-step verification: scan this code (or add the secret) in an authenticator app, then enter its code.',
    confirm: 'Confirm',
    account: 'Account',
    sessions: 'My sessions',
    revoke: 'Revoke',
    current: 'this one',
    totpOn: 'Two-step verification is on',
    totpOff: 'Turn on two-step verification',
    removeTotp: 'Turn off two-step verification',
    changed: 'Password changed',
    close: 'Close',
    lastSeen: 'last used',
    method: 'by',
  },
};
const w = (k) => WORDS[currentLang()]?.[k] ?? WORDS.en[k];

let onReady = () => {};
/** The one-time password just used, to fill "current password" in the forced change (never stored). */
let firstPassword = '';

function showError(message) {
  const el = $('#error');
  el.textContent = message || '';
  el.hidden = !message;
}

function labels() {
  $('#username').placeholder = w('username');
  $('#password').placeholder = w('password');
  $('#totp').placeholder = w('totp');
  $('#use-token').textContent = $('#token').hidden ? w('useToken') : w('usePassword');
}

function tokenMode(on) {
  $('#token').hidden = !on;
  for (const id of ['#username', '#password']) $(id).hidden = on;
  $('#totp').hidden = true;
  labels();
}

/** Mounts the sign-in form; `ready` starts the console once signed in with nothing left to do first. */
export async function mountSignIn(ready) {
  onReady = ready;
  labels();
  $('#use-token').addEventListener('click', () => tokenMode($('#token').hidden));
  $('#signin').addEventListener('submit', (ev) => void submit(ev));
  $('#signout').addEventListener('click', () => void signOut());
  $('#account-btn').addEventListener('click', () => void toggleAccount());
  // Tests (and anything scripted) wait for this before using the form.
  document.body.dataset.signin = 'ready';
  const q = new URLSearchParams(location.search);
  if (q.get('signinError')) {
    showError(q.get('signinError'));
    history.replaceState(null, '', location.pathname);
  }
  const options = await fetch('/api/v1/session/options')
    .then((r) => (r.ok ? r.json() : null))
    .catch(() => null);
  if (options?.oidc) {
    const sso = $('#sso');
    sso.textContent = options.oidc.label || w('sso');
    sso.hidden = false;
  }
  // Signed in already (the cookie survives a reload; a pasted token lives in sessionStorage)? The session
  // cookie is HttpOnly, but its CSRF cookie comes and goes with it: without either, do not ask (no 401 to log).
  if (!token.get() && !csrfToken()) {
    document.body.dataset.state = 'signed-out';
    return;
  }
  try {
    await afterSignIn(await session());
  } catch (err) {
    // No answer at all (an offline reload the service worker served): the cookie may still be good, so say
    // "offline" rather than show the sign-in form, and try again when the connection is back.
    if (!err.status && !navigator.onLine) {
      document.body.dataset.state = 'offline';
      $('#signin').hidden = true;
      showError(t('offlineWaiting', 'Offline: still signed in; reconnecting when the network is back'));
      window.addEventListener('online', () => location.reload(), { once: true });
      return;
    }
    if (err.status === 401) token.clear();
    else showError(err.message);
    document.body.dataset.state = 'signed-out';
  }
}

async function submit(ev) {
  ev.preventDefault();
  showError('');
  if (!$('#token').hidden) {
    const value = $('#token').value.trim();
    if (!value) return;
    token.set(value);
    $('#token').value = '';
    return onReady();
  }
  const body = { username: $('#username').value.trim(), password: $('#password').value };
  if (!body.username || !body.password) return;
  if (!$('#totp').hidden && $('#totp').value.trim()) body.totp = $('#totp').value.trim();
  try {
    const who = await api('/session/sign-in', { method: 'POST', body });
    firstPassword = who.restriction === 'password-change' ? body.password : '';
    $('#password').value = '';
    $('#totp').value = '';
    $('#totp').hidden = true;
    await afterSignIn(who);
  } catch (err) {
    const reason = err instanceof ApiError ? err.body?.reason : null;
    if (reason === 'totp-required' || reason === 'totp-wrong') {
      $('#totp').hidden = false;
      $('#totp').value = '';
      $('#totp').focus();
    }
    showError(err.message);
  }
}

async function afterSignIn(who) {
  document.body.dataset.via = who.via ?? 'token';
  if (!who.restriction) {
    fill($('#account-gate'));
    $('#account-gate').hidden = true;
    $('#account-btn').hidden = who.via !== 'session' && !(who.roles ?? [who.role]).includes('admin');
    return onReady();
  }
  $('#signin').hidden = true;
  $('#signout').hidden = false;
  document.body.dataset.state = 'restricted';
  const gate = $('#account-gate');
  gate.hidden = false;
  fill(gate, who.restriction === 'password-change' ? passwordForm(true) : await totpEnrol());
}

function passwordForm(first) {
  const current = h('input', {
    type: 'password',
    id: 'pw-current',
    autocomplete: 'current-password',
    placeholder: w('password'),
    required: true,
  });
  if (first) current.value = firstPassword;
  const next = h('input', {
    type: 'password',
    id: 'pw-new',
    autocomplete: 'new-password',
    placeholder: w('newPassword'),
    required: true,
  });
  const again = h('input', {
    type: 'password',
    id: 'pw-again',
    autocomplete: 'new-password',
    placeholder: w('repeat'),
    required: true,
  });
  const form = h(
    'form',
    { id: 'password-form', class: 'account-form' },
    first ? h('p', {}, w('firstPassword')) : null,
    current,
    next,
    again,
    h('button', { type: 'submit' }, w('setPassword')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    showError('');
    if (next.value !== again.value) return showError(w('mismatch'));
    try {
      await api('/session/password', {
        method: 'POST',
        body: { currentPassword: current.value, newPassword: next.value },
      });
      firstPassword = '';
      form.replaceChildren(h('p', { class: 'ok' }, w('changed')));
      if (first) await afterSignIn(await session());
    } catch (err) {
      showError(err.message);
    }
  });
  return form;
}

async function totpEnrol() {
  const begun = await api('/session/totp', { method: 'POST' });
  const code = h('input', {
    id: 'totp-confirm',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    placeholder: w('totp'),
    required: true,
  });
  const form = h(
    'form',
    { id: 'totp-form', class: 'account-form' },
    h('p', {}, w('enrolTotp')),
    // The QR code is an SVG the server made from the same URI (an image: no markup of it enters the page).
    h('img', {
      id: 'totp-qr',
      class: 'totp-qr',
      width: 240,
      height: 240,
      alt: begun.uri,
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(begun.qrSvg)}`,
    }),
    h('code', { id: 'totp-secret' }, begun.secret),
    h('p', {}, h('a', { href: begun.uri }, begun.uri)),
    code,
    h('button', { type: 'submit' }, w('confirm')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await api('/session/totp/confirm', { method: 'POST', body: { code: code.value.trim() } });
      await afterSignIn(await session());
    } catch (err) {
      showError(err.message);
    }
  });
  return form;
}

export async function signOut() {
  let next = '/';
  if (token.get()) token.clear();
  else {
    const done = await api('/session/sign-out', { method: 'POST' }).catch(() => null);
    // Signed in through the identity provider: end its session too; it sends the browser back here.
    if (done?.providerSignOutUrl) next = done.providerSignOutUrl;
  }
  location.replace(next);
}

async function toggleAccount() {
  const panel = $('#account-panel');
  if (!panel.hidden) return void (panel.hidden = true);
  const who = await api('/session');
  const parts = [h('button', { type: 'button', class: 'close', onclick: () => (panel.hidden = true) }, w('close'))];
  if (who.via === 'session') {
    parts.push(
      h('h3', {}, `${w('account')}: ${who.displayName} (${who.name})`),
      passwordForm(false),
      totpPart(who),
      h('h3', {}, w('sessions')),
      await sessionsList(),
    );
  }
  if ((who.roles ?? [who.role]).includes('admin')) parts.push(await mountAccountsAdmin());
  fill(panel, parts);
  panel.hidden = false;
}

function totpPart(who) {
  if (!who.totpEnabled) {
    return h(
      'button',
      {
        type: 'button',
        id: 'totp-on',
        onclick: async (ev) =>
          ev.target.replaceWith(await totpEnrol().catch((e) => h('p', { class: 'error' }, e.message))),
      },
      w('totpOff'),
    );
  }
  const code = h('input', { inputmode: 'numeric', placeholder: w('totp') });
  return h(
    'p',
    {},
    w('totpOn'),
    ' ',
    code,
    h(
      'button',
      {
        type: 'button',
        onclick: () =>
          api('/session/totp/remove', { method: 'POST', body: { code: code.value.trim() } }).then(
            () => toggleAccount(),
            (e) => showError(e.message),
          ),
      },
      w('removeTotp'),
    ),
  );
}

async function sessionsList() {
  const { sessions } = await api('/session/sessions');
  const ol = h('ol', { id: 'my-sessions', class: 'sessions' });
  for (const s of sessions) {
    ol.append(
      h(
        'li',
        { dataset: { id: s.id } },
        `${s.userAgent?.slice(0, 60) ?? '?'} · ${w('method')} ${s.method} · ${w('lastSeen')} ${new Date(s.lastSeenAt).toLocaleString()}`,
        s.current
          ? h('em', {}, ` (${w('current')})`)
          : h(
              'button',
              {
                type: 'button',
                onclick: () =>
                  api(`/session/sessions/${s.id}`, { method: 'DELETE' }).then(
                    () => sessionsList().then((n) => ol.replaceWith(n)),
                    (e) => showError(e.message),
                  ),
              },
              w('revoke'),
            ),
      ),
    );
  }
  return ol;
}
