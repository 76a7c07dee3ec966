// Serves dist/ under a sub-path, as a static host that knows nothing of the app would: files only,
// no rewrites, no special headers. The browser tests run against it, so the page is proven to work
// from a sub-path. Usage: node scripts/serve-dist.js [--port 4173] [--base /labs/pathlab/]
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

function fileFor(root, base, urlPath) {
  if (!urlPath.startsWith(base)) return undefined;
  let rel = decodeURIComponent(urlPath.slice(base.length));
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(root, rel));
  if (!file.startsWith(root)) return undefined; // no way out of dist/
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Starts serving `dir` at http://127.0.0.1:port/base; resolves with the listening server. */
export function serveStatic({ dir = 'dist', port = 4173, base = '/labs/pathlab/' } = {}) {
  const root = resolve(dir);
  if (!base.endsWith('/')) base += '/';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === base.slice(0, -1)) {
      res.writeHead(301, { location: base }).end();
      return;
    }
    const file = fileFor(root, base, url.pathname);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((done) => server.listen(port, '127.0.0.1', () => done(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = { port: { type: 'string', default: '4173' }, base: { type: 'string', default: '/labs/pathlab/' }, dir: { type: 'string', default: 'dist' } };
  const { values } = parseArgs({ options });
  const server = await serveStatic({ dir: values.dir, port: Number(values.port), base: values.base });
  console.log(`${values.dir}/ at http://127.0.0.1:${server.address().port}${values.base}`);
}
