// The service worker that keeps the lab working offline after its first load. The build fills in
// PRECACHE (what the first screen needs, names relative to this worker) and VERSION (a hash of
// them), so a new build installs beside the old one and removes its cache when it takes over.
// Parts loaded on demand (the plugin editor) are cached the first time they are fetched.
/* global self, caches */
const PRECACHE = __PRECACHE__;
const CACHE = 'pathlab-__VERSION__';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((file) => new Request(file, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('pathlab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page itself: fresh when the server answers, the cached copy when it does not.
    event.respondWith(fetch(request).catch(() => caches.match('./index.html', { cacheName: CACHE }).then((r) => r ?? Response.error())));
    return;
  }
  // Built files carry a content hash in their names: the cached copy is the right one. What is
  // not cached yet (a part loaded on demand) is kept once fetched.
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then(
      (cached) =>
        cached ??
        fetch(request).then((response) => {
          if (response.ok) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
          }
          return response;
        }),
    ),
  );
});
