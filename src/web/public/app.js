// Command-room page: sign in with a token, live alerts over SSE, confirm/dismiss, cameras and units.
const $ = (s) => document.querySelector(s);
let token = sessionStorage.getItem('vigil-token') || '';
let selected = 0;
const alerts = new Map();

async function api(path, opts = {}) {
  const res = await fetch(`/api/v1${path}`, { ...opts, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(opts.headers || {}) } });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.blob();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function beep() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.connect(ctx.destination); osc.frequency.value = 880; osc.start(); osc.stop(ctx.currentTime + 0.25);
  } catch { /* no audio device */ }
}

function fmt(iso) { return new Date(iso).toLocaleString('zh-CN', { hour12: false }); }

async function renderAlert(a) {
  let li = document.getElementById(`a-${a.id}`);
  if (!li) {
    li = document.createElement('li');
    li.id = `a-${a.id}`;
    $('#alerts').prepend(li);
  }
  li.className = `alert p${a.priority} ${a.status}`;
  li.innerHTML = `<img alt="plate crop"><div>
      <div class="plate">${a.plate}</div>
      <div>${a.listing ? `${a.listing.category} · ${a.listing.reason} (${a.listing.source})` : ''}</div>
      <div>${a.camera ? a.camera.name : ''} · ${fmt(a.capturedAt)} · match ${a.match.level}</div>
      <div class="notice">${a.notice}</div><div class="assign"></div></div>
    <div>${a.status === 'candidate' ? '<button data-v="confirm">Confirm 确认</button><br><button data-v="dismiss">Dismiss 排除</button>' : `<b>${a.status}</b>`}</div>`;
  li.querySelectorAll('button').forEach((b) => (b.onclick = () => dispose(a.id, b.dataset.v)));
  api(a.cropUrl.replace('/api/v1', '')).then((blob) => (li.querySelector('img').src = URL.createObjectURL(blob))).catch(() => {});
}

async function dispose(id, verdict) {
  const reason = prompt(verdict === 'confirm' ? 'Reason to confirm 确认理由' : 'Reason to dismiss 排除理由');
  if (!reason) return;
  try {
    await api(`/alerts/${id}/disposition`, { method: 'POST', body: JSON.stringify({ verdict, reason }) });
    alerts.set(id, await api(`/alerts/${id}`));
    renderAlert(alerts.get(id));
  } catch (err) { alert(err.message); }
}

async function refreshSide() {
  const { cameras } = await api('/cameras');
  $('#cameras').innerHTML = cameras.map((c) => `<li class="${c.status.state === 'online' ? 'ok' : 'bad'}">${c.name}: ${c.status.state}${c.status.fps ? ` ${c.status.fps.toFixed(1)} fps` : ''}</li>`).join('');
  const { units } = await api('/units').catch(() => ({ units: [] }));
  $('#units').innerHTML = units.map((u) => `<li>${u.callsign} (${u.type}): ${u.status}</li>`).join('');
}

function connect() {
  const es = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(token)}`);
  es.addEventListener('alert', async (m) => {
    const e = JSON.parse(m.data);
    const full = await api(`/alerts/${e.alertId}`);
    const isNew = !alerts.has(e.alertId);
    alerts.set(e.alertId, full);
    renderAlert(full);
    if (isNew && full.priority <= 2) beep();
  });
  es.addEventListener('assignment', (m) => {
    const e = JSON.parse(m.data);
    const el = document.querySelector(`#a-${e.alertId} .assign`);
    if (el) el.textContent = `unit ${e.unitId || '-'}: ${e.state}`;
    refreshSide();
  });
  es.onerror = () => $('#who').textContent = 'stream reconnecting…';
}

async function start() {
  try {
    const { alerts: list } = await api('/alerts?limit=50');
    for (const a of list.reverse()) { alerts.set(a.id, a); renderAlert(a); }
    $('#who').textContent = 'signed in 已登录';
    connect();
    refreshSide();
    setInterval(refreshSide, 5000);
  } catch (err) {
    $('#who').textContent = err.message;
  }
}

$('#signin').onsubmit = (ev) => {
  ev.preventDefault();
  token = $('#token').value.trim();
  sessionStorage.setItem('vigil-token', token);
  start();
};

document.addEventListener('keydown', (ev) => {
  if (ev.target.tagName === 'INPUT') return;
  const items = [...document.querySelectorAll('.alert')];
  if (!items.length) return;
  if (ev.key === 'j') selected = Math.min(selected + 1, items.length - 1);
  if (ev.key === 'k') selected = Math.max(selected - 1, 0);
  items.forEach((el, i) => el.classList.toggle('selected', i === selected));
  const id = items[selected].id.slice(2);
  if (ev.key === 'c') dispose(id, 'confirm');
  if (ev.key === 'd') dispose(id, 'dismiss');
});

if (token) start();
