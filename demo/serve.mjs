// A tiny static server for demo/dist on 127.0.0.1 (no network needed, nothing beyond node:http).
//
//   node demo/serve.mjs            PORT=9000 node demo/serve.mjs
//
// Tests import startServer() and listen on port 0 (a free port).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const defaultRoot = join(here, 'dist');

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', // required by WebAssembly.compileStreaming
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

// The page runs under a strict policy: no inline or evaluated script, nothing from elsewhere.
// 'wasm-unsafe-eval' is what compiling WebAssembly needs; the library generates no code at runtime.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serve `root` (default demo/dist) on `host`:`port` (port 0 = any free port).
 * Resolves to { url, port, server, close() } once listening.
 */
export function startServer({ port = 0, host = '127.0.0.1', root = defaultRoot } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const send = (code, text) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (path.includes('\0')) return send(400, 'bad request');
    let file = resolve(base, `.${path}`);
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden');
    try {
      let s = await stat(file);
      if (s.isDirectory()) {
        file = join(file, 'index.html');
        s = await stat(file);
      }
      if (!s.isFile()) return send(404, 'not found');
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': s.size,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': CSP,
        // Cross-origin isolation: SharedArrayBuffer, so runs can use Wasm threads (every resource
        // here is same-origin, which require-corp allows).
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch {
      send(404, `not found: ${relative(base, file)}`);
    }
  });
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: actual } = server.address();
      resolveListen({
        url: `http://${host}:${actual}/`,
        port: actual,
        server,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: PORT: expected an integer from 0 to 65535, got ${process.env.PORT}`);
    process.exit(2);
  }
  try {
    await stat(join(defaultRoot, 'index.html'));
  } catch {
    console.error('error: demo/dist/index.html is missing; run `node demo/build.mjs` first (or `npm run demo`)');
    process.exit(1);
  }
  try {
    const { url } = await startServer({ port });
    console.log(`flatmin demo: ${url}  (Ctrl-C to stop)`);
  } catch (e) {
    const msg = e?.code === 'EADDRINUSE' ? `port ${port} is in use; try PORT=${port + 1} npm run demo` : e?.message ?? String(e);
    console.error(`error: ${msg}`);
    process.exit(1);
  }
}
