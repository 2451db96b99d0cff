#!/usr/bin/env node
// `npm run bench` (via scripts/bench.sh, which builds and starts the emulator first).
//
// Loads three pages over loopback in headless Chromium, each in a fresh browser context (no HTTP
// cache, no code cache), interleaved, RUNS times each:
//   ours  = bench/pages/ours.html: the built package (dist/ at /pkg/) opening its dialog at once
//   ours-preload = bench/pages/ours-preload.html: the same, with the `modulepreload` and wasm
//           `preload` hints README.md recommends in the page's <head>
//   floor = bench/pages/floor.html: the same dialog drawn by a few lines of plain JS
// and measures, per run: bytes downloaded (wasm, JS, total; raw, gzip, brotli), navigation start ->
// wasm instantiated and -> dialog usable (title and connection buttons visible and fully opaque,
// keyboard focus inside) and -> the first frame that draws it, click on a connection button -> popup exists (window.open returned, and
// Playwright's popup event), JS heap after GC, wasm memory and DOM nodes with the dialog open.
// Prints medians (min-max) and ratios to the floor, and writes bench/results.json.
//
// Options: --runs N (default 10, env BENCH_RUNS), --emulator URL (default http://127.0.0.1:4310),
//          --out FILE (default bench/results.json), --dist DIR (the package to load, default dist),
//          --latency MS (default 0: plain loopback; else Chromium adds MS of round-trip latency to
//          every request, as on a real network, where each dependent fetch costs a round trip).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { launchOptions } from '../scripts/chromium.mjs';
import { serveInChild } from '../scripts/static-server.mjs';
import { measureBuffer } from '../scripts/size.mjs';
import { loadPage, option } from './instrument.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, def) => option(argv, name, def);
const RUNS = Number(opt('runs', process.env.BENCH_RUNS || 10));
const EMULATOR = opt('emulator', 'http://127.0.0.1:4310');
const OUT = path.resolve(root, opt('out', 'bench/results.json'));
const DIST = path.resolve(root, opt('dist', 'dist'));
const LATENCY_MS = Number(opt('latency', 0));

// Every node in the document, shadow roots included.
function countNodes() {
  let n = 0;
  const walk = (rootNode) => {
    const it = document.createTreeWalker(rootNode, NodeFilter.SHOW_ALL);
    for (let node = it.currentNode; node; node = it.nextNode()) {
      n++;
      if (node.shadowRoot) walk(node.shadowRoot);
    }
  };
  walk(document);
  return n;
}

function classify(url) {
  const p = new URL(url).pathname;
  if (p.endsWith('.wasm')) return 'wasm';
  if (p.endsWith('.js') || p.endsWith('.mjs')) return 'js';
  return null;
}

async function runOnce(browser, base, variant) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    // The responses are only noted during the load; their bodies are read after the timings
    // (below). Reading them as they arrive copied every body over CDP, base64, while the page was
    // still compiling and drawing: work a real visitor never pays, and ~100 KB for ours against
    // ~3 KB for the floor on a 2-core machine.
    const responses = [];
    const url = `${base}/${variant}.html?emulator=${encodeURIComponent(EMULATOR)}`;
    const { page, cdp, marks } = await loadPage(context, url, LATENCY_MS, (p) =>
      p.on('response', (r) => {
        const kind = classify(r.url());
        if (kind) responses.push({ kind, response: r });
      }),
    );

    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const wasmMemory = await page.evaluate(() => (window.__benchMemory ? window.__benchMemory.buffer.byteLength : 0));
    const nodes = await page.evaluate(countNodes);

    // Click -> popup. A widget that does not open a popup (yet) leaves these figures empty.
    let clickToOpenMs = null;
    let clickToPopupEventMs = null;
    let popupError = null;
    try {
      const button = page.locator('[data-account-link] button[data-connection="github"]');
      const box = await button.boundingBox();
      const popupEvent = page.waitForEvent('popup', { timeout: 5_000 });
      const t0 = performance.now();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      const popup = await popupEvent;
      clickToPopupEventMs = performance.now() - t0;
      await page.waitForFunction(() => window.__bench.open !== null, null, { timeout: 5_000 });
      const after = await page.evaluate(() => ({ ...window.__bench }));
      clickToOpenMs = after.open - after.click;
      await popup.close().catch(() => {});
    } catch (e) {
      popupError = String(e.message || e).split('\n')[0];
    }

    const files = await Promise.all(
      responses.map(async ({ kind, response }) => ({ kind, url: response.url(), body: await response.body() })),
    );
    // A preload the page does not use shows up as a second download of the same file.
    const urls = files.map((f) => f.url);
    const twice = urls.filter((u, i) => urls.indexOf(u) !== i);
    if (twice.length) throw new Error(`${variant}.html downloaded ${twice.join(', ')} twice (an unused preload?)`);
    return {
      files,
      wasmMs: marks.wasm,
      usableMs: marks.usable,
      paintedMs: marks.painted,
      clickToOpenMs,
      clickToPopupEventMs,
      popupError,
      heapUsedBytes: heap.usedSize,
      wasmMemoryBytes: wasmMemory,
      domNodes: nodes,
    };
  } finally {
    await context.close();
  }
}

function bytesOf(files) {
  const sum = (kind) => {
    const parts = files.filter((f) => kind === 'total' || f.kind === kind).map((f) => measureBuffer(f.body));
    return parts.reduce((a, m) => ({ raw: a.raw + m.raw, gzip: a.gzip + m.gzip, brotli: a.brotli + m.brotli }), {
      raw: 0,
      gzip: 0,
      brotli: 0,
    });
  };
  return {
    wasm: sum('wasm'),
    js: sum('js'),
    total: sum('total'),
    files: files.map((f) => ({ url: new URL(f.url).pathname, bytes: f.body.length })),
  };
}

function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

async function main() {
  if (!fs.existsSync(path.join(DIST, 'index.js'))) throw new Error('dist/ is not built: run `npm run build`');
  // In a child process: this one is busy with Playwright while the pages load.
  const server = await serveInChild({ '/': path.join(root, 'bench', 'pages'), '/pkg': DIST });
  const browser = await chromium.launch(launchOptions);
  const browserVersion = browser.version();
  // `ours-preload` is `ours` with the two preload hints README.md recommends.
  const variants = ['ours', 'ours-preload', 'floor'];
  const runs = Object.fromEntries(variants.map((v) => [v, []]));
  const errors = {};
  try {
    // Warm the OS file cache and the browser process once (not recorded).
    for (const v of variants) await runOnce(browser, server.url, v).catch(() => {});
    for (let i = 0; i < RUNS; i++) {
      for (const v of i % 2 ? [...variants].reverse() : variants) {
        if (errors[v]) continue;
        try {
          runs[v].push(await runOnce(browser, server.url, v));
        } catch (e) {
          errors[v] = String(e.message || e).split('\n')[0];
          console.error(`bench: ${v} failed, not measured further: ${errors[v]}`);
        }
      }
      process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const metrics = [
    ['wasmMs', 'navigation -> wasm instantiated', 'ms'],
    ['usableMs', 'navigation -> dialog usable', 'ms'],
    ['paintedMs', 'navigation -> its first frame', 'ms'],
    ['clickToOpenMs', 'click -> window.open returned', 'ms'],
    ['clickToPopupEventMs', 'click -> popup page (Playwright)', 'ms'],
    ['heapUsedBytes', 'JS heap used after GC', 'KiB'],
    ['wasmMemoryBytes', 'wasm linear memory', 'KiB'],
    ['domNodes', 'DOM nodes, dialog open', ''],
  ];
  const result = {
    date: new Date().toISOString(),
    runs: RUNS,
    latencyMs: LATENCY_MS,
    dist: path.relative(root, DIST) || '.',
    emulator: EMULATOR,
    browser: `Chromium ${browserVersion} (headless, ${launchOptions.executablePath})`,
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
    },
    errors,
    bytes: {},
    timings: {},
  };
  for (const v of variants) {
    if (runs[v].length) result.bytes[v] = bytesOf(runs[v][0].files);
    const popupErrors = runs[v].map((r) => r.popupError).filter(Boolean);
    if (popupErrors.length) result.errors[`${v} popup`] = `${popupErrors.length}/${runs[v].length} runs: ${popupErrors[0]}`;
  }
  for (const [key] of metrics) {
    result.timings[key] = {};
    for (const v of variants) result.timings[key][v] = stats(runs[v].map((r) => r[key]));
  }

  // Table.
  const fmt = (x, unit) => (x === null || x === undefined ? '-' : unit === 'KiB' ? (x / 1024).toFixed(1) : unit === 'ms' ? x.toFixed(1) : String(Math.round(x)));
  const cell = (s, unit) => (s ? `${fmt(s.median, unit)} (${fmt(s.min, unit)}-${fmt(s.max, unit)})` : '-');
  const ratio = (a, b) => (a && b && b.median > 0 ? (a.median / b.median).toFixed(2) : '-');
  const rows = [
    ['metric', 'ours median (min-max)', 'ours + preload hints', 'floor median (min-max)', 'ours/floor', 'hints/floor'],
  ];
  for (const part of ['wasm', 'js', 'total']) {
    for (const enc of ['raw', 'gzip', 'brotli']) {
      const kib = (v) => result.bytes[v]?.[part]?.[enc];
      const [o, p, f] = ['ours', 'ours-preload', 'floor'].map(kib);
      const show = (x) => (x === undefined ? '-' : (x / 1024).toFixed(1));
      const div = (x) => (x !== undefined && f ? (x / f).toFixed(1) : '-');
      rows.push([`bytes ${part} ${enc} (KiB)`, show(o), show(p), show(f), div(o), div(p)]);
    }
  }
  for (const [key, label, unit] of metrics) {
    const t = result.timings[key];
    rows.push([
      `${label}${unit ? ` (${unit})` : ''}`,
      cell(t.ours, unit),
      cell(t['ours-preload'], unit),
      cell(t.floor, unit),
      ratio(t.ours, t.floor),
      ratio(t['ours-preload'], t.floor),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const network = LATENCY_MS > 0 ? `${LATENCY_MS} ms added latency per request` : 'plain loopback';
  console.log(`\naccount-link bench: ${RUNS} cold runs each, ${network}, ${result.browser}`);
  console.log(`machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.memoryGiB} GiB, ${result.machine.os}, node ${result.machine.node}\n`);
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));
  for (const [v, e] of Object.entries(errors)) console.log(`\n${v}: NOT MEASURED: ${e}`);
  fs.writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(root, OUT)}`);
  if (errors.floor) process.exitCode = 1;
}

await main();
