// Service worker: keeps the page's own files so the unit's phone opens the page without a connection.
// Network first (an updated page shows as soon as it is online), the kept copy when offline. API answers
// (offers, crops, positions) are never kept here: the page keeps its offer list itself (localStorage).
const CACHE = 'vigil-shell-v3';
// Every module the page imports: one missing makes the whole page fail to start offline.
const SHELL = [
  '/',
  '/accounts-admin.js',
  '/accounts.css',
  '/alerts.js',
  '/api.js',
  '/app.css',
  '/app.js',
  '/detail.js',
  '/dom.js',
  '/duty.js',
  '/footage.js',
  '/health.css',
  '/health.js',
  '/heat.js',
  '/i18n.js',
  '/incident-types.js',
  '/incidents.js',
  '/interceptions.js',
  '/live.js',
  '/map.js',
  '/plans.js',
  '/search.js',
  '/signin.js',
  '/situation.css',
  '/status.js',
  '/store.js',
  '/tours.css',
  '/tours.js',
  '/unit-outbox.js',
  '/unit-position.js',
  '/unit.css',
  '/unit.js',
  '/manifest.webmanifest',
  '/icon.svg',
];

self.addEventListener('install', (event) => {
  // One missing file must not stop the install: keep what could be fetched, the rest fills in on use.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => Promise.allSettled(SHELL.map((u) => c.add(u))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  event.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      .catch(async () => (await caches.match(req)) ?? (req.mode === 'navigate' ? caches.match('/') : Response.error())),
  );
});
