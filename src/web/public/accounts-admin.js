// The admin's part of the account panel: user accounts (create with a one-time password, reset, unlock,
// disable), API tokens for devices and integrations (create, shown once; revoke), and everyone's sessions.
import { api } from './api.js';
import { fill, h } from './dom.js';
import { currentLang } from './i18n.js';

const ROLES = ['admin', 'operator', 'investigator', 'checkpoint', 'unit', 'maintenance'];
const WORDS = {
  zh: {
    users: '用户',
    tokens: 'API 令牌',
    sessions: '全部会话',
    create: '创建',
    revoke: '吊销',
    reset: '重置密码',
    unlock: '解锁',
    disable: '停用',
    enable: '启用',
    username: '用户名',
    displayName: '姓名',
    subject: '警力/卡口编号',
    districts: '辖区（逗号分隔）',
    name: '用途/设备',
    shownOnce: '只显示这一次：',
    locked: '已锁定',
    disabled: '已停用',
  },
  en: {
    users: 'Users',
    tokens: 'API tokens',
    sessions: 'All sessions',
    create: 'Create',
    revoke: 'Revoke',
    reset: 'Reset password',
    unlock: 'Unlock',
    disable: 'Disable',
    enable: 'Enable',
    username: 'username',
    displayName: 'display name',
    subject: 'unit / checkpoint id',
    districts: 'districts (comma-separated)',
    name: 'for (device, script)',
    shownOnce: 'Shown once only: ',
    locked: 'locked',
    disabled: 'disabled',
  },
};
const w = (k) => WORDS[currentLang()]?.[k] ?? WORDS.en[k];

function secretNote(box, text) {
  fill(box, h('p', { class: 'secret' }, w('shownOnce'), h('code', { class: 'one-time' }, text)));
}

const roleSelect = (id, multiple) =>
  h(
    'select',
    { id, multiple: multiple || undefined },
    ROLES.map((r) => h('option', { value: r }, r)),
  );
const selected = (sel) => [...sel.selectedOptions].map((o) => o.value);
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export async function mountAccountsAdmin() {
  const root = h('div', { id: 'accounts-admin' });
  const note = h('div', { id: 'admin-secret' });
  const [users, tokens, sessions] = await Promise.all([usersPart(note), tokensPart(note), sessionsPart()]);
  fill(root, note, users, tokens, sessions);
  return root;
}

async function usersPart(note) {
  const { users } = await api('/users');
  const box = h('section', { id: 'admin-users' }, h('h3', {}, w('users')));
  const username = h('input', { id: 'new-username', placeholder: w('username'), required: true });
  const displayName = h('input', { id: 'new-display-name', placeholder: w('displayName'), required: true });
  const roles = roleSelect('new-roles', true);
  const subject = h('input', { id: 'new-subject', placeholder: w('subject') });
  const districts = h('input', { id: 'new-districts', placeholder: w('districts') });
  const form = h(
    'form',
    { id: 'user-create', class: 'account-form' },
    username,
    displayName,
    roles,
    subject,
    districts,
    h('button', { type: 'submit' }, w('create')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const d = list(districts.value);
      const made = await api('/users', {
        method: 'POST',
        body: {
          username: username.value.trim(),
          displayName: displayName.value.trim(),
          roles: selected(roles),
          subject: subject.value.trim() || null,
          scope: d.length ? { districts: d, cameras: [] } : null,
        },
      });
      secretNote(note, `${made.user.username}: ${made.oneTimePassword}`);
      box.replaceWith(await usersPart(note));
    } catch (err) {
      fill(note, h('p', { class: 'error' }, err.message));
    }
  });
  const act = (label, fn) =>
    h(
      'button',
      {
        type: 'button',
        onclick: () =>
          fn().then(
            async () => box.replaceWith(await usersPart(note)),
            (e) => fill(note, h('p', { class: 'error' }, e.message)),
          ),
      },
      label,
    );
  const ol = h('ol', { class: 'users' });
  for (const u of users) {
    ol.append(
      h(
        'li',
        { dataset: { username: u.username } },
        `${u.username} · ${u.displayName} · ${u.roles.join(', ')}${u.scope ? ` · ${u.scope.districts.join(',')}` : ''}`,
        u.lockedUntil ? h('em', {}, ` ${w('locked')}`) : null,
        u.disabledAt ? h('em', {}, ` ${w('disabled')}`) : null,
        u.hasPassword
          ? h(
              'button',
              {
                type: 'button',
                onclick: () =>
                  api(`/users/${u.id}/password-reset`, { method: 'POST' }).then(
                    (r) => secretNote(note, `${u.username}: ${r.oneTimePassword}`),
                    (e) => fill(note, h('p', { class: 'error' }, e.message)),
                  ),
              },
              w('reset'),
            )
          : null,
        u.lockedUntil ? act(w('unlock'), () => api(`/users/${u.id}/unlock`, { method: 'POST' })) : null,
        act(u.disabledAt ? w('enable') : w('disable'), () =>
          api(`/users/${u.id}/${u.disabledAt ? 'enable' : 'disable'}`, { method: 'POST' }),
        ),
      ),
    );
  }
  box.append(form, ol);
  return box;
}

async function tokensPart(note) {
  const { tokens } = await api('/admin/tokens');
  const box = h('section', { id: 'admin-tokens' }, h('h3', {}, w('tokens')));
  const name = h('input', { id: 'token-name', placeholder: w('name'), required: true });
  const role = roleSelect('token-role', false);
  const subject = h('input', { id: 'token-subject', placeholder: w('subject') });
  const form = h(
    'form',
    { id: 'token-create', class: 'account-form' },
    name,
    role,
    subject,
    h('button', { type: 'submit' }, w('create')),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const made = await api('/admin/tokens', {
        method: 'POST',
        body: { name: name.value.trim(), role: role.value, subject: subject.value.trim() || null },
      });
      secretNote(note, `${made.name}: ${made.token}`);
      box.replaceWith(await tokensPart(note));
    } catch (err) {
      fill(note, h('p', { class: 'error' }, err.message));
    }
  });
  const ol = h('ol', { class: 'tokens' });
  for (const t of tokens) {
    ol.append(
      h(
        'li',
        { dataset: { id: t.id } },
        `${t.name} · ${t.role}${t.subject ? ` ${t.subject}` : ''}`,
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              api(`/admin/tokens/${t.id}`, { method: 'DELETE' }).then(
                async () => box.replaceWith(await tokensPart(note)),
                (e) => fill(note, h('p', { class: 'error' }, e.message)),
              ),
          },
          w('revoke'),
        ),
      ),
    );
  }
  box.append(form, ol);
  return box;
}

async function sessionsPart() {
  const [{ sessions }, { users }] = await Promise.all([api('/admin/sessions'), api('/users')]);
  const names = new Map(users.map((u) => [u.id, u.username]));
  const box = h('section', { id: 'admin-sessions' }, h('h3', {}, w('sessions')));
  const ol = h('ol', { class: 'sessions' });
  for (const s of sessions) {
    ol.append(
      h(
        'li',
        { dataset: { id: s.id } },
        `${names.get(s.userId) ?? s.userId} · ${s.method} · ${new Date(s.lastSeenAt).toLocaleString()}${s.current ? ' *' : ''}`,
        h(
          'button',
          {
            type: 'button',
            onclick: () =>
              api(`/admin/sessions/${s.id}`, { method: 'DELETE' }).then(
                async () => box.replaceWith(await sessionsPart()),
                () => {},
              ),
          },
          w('revoke'),
        ),
      ),
    );
  }
  box.append(ol);
  return box;
}
