// A minimal static file server for tests and the benchmark (not for `npm start`: the emulator
// serves the demo there). Mounts map URL prefixes to folders; files are sent uncompressed with
// `Cache-Control: no-store` and the MIME types browsers insist on (application/wasm for streaming).
import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Starts a server on 127.0.0.1:port (0 = any free port).
 * @param {Record<string, string>} mounts URL prefix -> folder, e.g. { '/': 'www', '/pkg': 'dist' }
 * @param {{ port?: number, headers?: Record<string, string> }} [opts]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function serve(mounts, opts = {}) {
  const entries = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let pathname = decodeURIComponent(url.pathname);
    if (pathname.endsWith('/')) pathname += 'index.html';
    for (const [prefix, dir] of entries) {
      const p = prefix === '/' ? '/' : prefix.replace(/\/$/, '') + '/';
      if (!pathname.startsWith(p)) continue;
      const base = path.resolve(dir);
      const file = path.resolve(base, '.' + pathname.slice(p.length - 1));
      if (!file.startsWith(base + path.sep) && file !== base) break;
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) break;
      res.writeHead(200, {
        'Content-Type': types[path.extname(file)] || 'application/octet-stream',
        'Cache-Control': 'no-store',
        ...(opts.headers || {}),
      });
      fs.createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

/**
 * The same server in a child process, for a driver whose own event loop is busy (the benchmark:
 * Playwright's CDP traffic in the driver's process delayed the files it served by milliseconds,
 * more for the page that fetches more files). Resolves once the child listens.
 * @param {Record<string, string>} mounts as for `serve`
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveInChild(mounts) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(mounts)], {
    stdio: ['pipe', 'pipe', 'inherit'], // stdin: the child's lifeline (below)
  });
  const url = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the static server exited (${code}) before listening`)));
    child.stdout.once('data', (line) => resolve(String(line).trim()));
  });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        // Already gone (crashed, or killed from outside): its 'exit' has fired.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

// `node scripts/static-server.mjs '{"/":"dir"}'`: serves the mounts and prints the URL (serveInChild).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await serve(JSON.parse(process.argv[2]));
  process.stdout.write(`${server.url}\n`);
  // Exits with its parent: stdin closes when the parent goes, even killed.
  process.stdin.resume();
  process.stdin.on('close', () => process.exit(0));
}
