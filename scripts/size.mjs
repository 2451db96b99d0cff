// Size measurement shared by the build (table + dist/size.json), the size budget test and the bench.
// gzip level 9 and brotli quality 11 via node's zlib: what a CDN or a static server with
// precompression would send.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Raw, gzip and brotli byte counts of a buffer. */
export function measureBuffer(buf) {
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

function add(a, b) {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}

const zero = () => ({ raw: 0, gzip: 0, brotli: 0 });

/**
 * Measures what a page downloads from a built dist/ (files are compressed one by one, as served).
 * `page` is what an English page with the widget downloads: the wasm and the entry, index.js.
 * `wasm`, `js` and `total` count every .wasm and .js except the translations in lang/: `total`
 * adds callback.js to `page`, the most any one page loads (a redirect-mode callback page imports
 * both entries). `lang` is the largest translation, which the entry imports only for its
 * language: what a page in another language downloads on top. `files` lists every file.
 * Returns { wasm, js, page, total, lang, files }.
 */
export function measureDir(dir) {
  const files = {};
  let wasm = zero();
  let js = zero();
  let lang = zero();
  const names = fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.wasm') || f.endsWith('.js'))
    .sort();
  for (const name of names) {
    const m = measureBuffer(fs.readFileSync(path.join(dir, name)));
    const rel = name.split(path.sep).join('/');
    files[rel] = m;
    if (rel.startsWith('lang/')) {
      if (m.brotli > lang.brotli) lang = m;
    } else if (name.endsWith('.wasm')) wasm = add(wasm, m);
    else js = add(js, m);
  }
  const page = add(wasm, files['index.js'] || zero());
  return { wasm, js, page, total: add(wasm, js), lang, files };
}

function kb(n) {
  return (n / 1024).toFixed(1);
}

/**
 * A plain-text table: one row per file, then wasm, JS, an English widget page (wasm + index.js),
 * the total (callback.js too), and the largest translation (added by a page in another
 * language). Sizes in KiB (1024 bytes).
 */
export function formatTable(sizes) {
  const rows = [];
  for (const [name, m] of Object.entries(sizes.files)) rows.push([`  ${name}`, m]);
  rows.push(
    ['wasm', sizes.wasm],
    ['JS (without lang/)', sizes.js],
    ['page (wasm + index.js)', sizes.page],
    ['total (+ callback.js)', sizes.total],
    ['+ largest lang/*.js', sizes.lang],
  );
  const w = Math.max(...rows.map(([n]) => n.length), 4);
  const line = (a, b, c, d) => `${a.padEnd(w)}  ${b.padStart(10)}  ${c.padStart(10)}  ${d.padStart(10)}`;
  const out = [line('file', 'raw KiB', 'gzip KiB', 'brotli KiB'), '-'.repeat(w + 36)];
  for (const [name, m] of rows) {
    if (name === 'wasm') out.push('-'.repeat(w + 36));
    out.push(line(name, kb(m.raw), kb(m.gzip), kb(m.brotli)));
  }
  return out.join('\n');
}
