#!/usr/bin/env node
// `npm run bench -- compare --base DIR [--head DIR]`: two builds of the package, side by side.
//
// Separate `npm run bench` runs of one build differ by several ms in a median (bench/README.md,
// caveats), more than most single changes gain. This loads the same bench page (ours-preload.html
// by default) from two builds in one browser, alternating A and B run after run (fresh context
// each, so no cache), and reports per build the medians and quartiles of the bench's own figures
// (bench/instrument.mjs) and of two that do not depend on how fast the files arrived:
// instantiated -> usable and instantiated -> first frame. That is how the thirteenth round
// measured its changes.
//
// Options: --base DIR (A, required: e.g. a copy of dist/ made before the change), --head DIR (B,
//          default dist), --runs N (default 40 each), --page NAME (ours-preload or ours),
//          --latency MS (as bench/run.mjs), --emulator URL (default http://127.0.0.1:4310).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchOptions } from '../scripts/chromium.mjs';
import { serveInChild } from '../scripts/static-server.mjs';
import { loadPage, option } from './instrument.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, def) => option(argv, name, def);
const BASE = opt('base') && path.resolve(opt('base'));
const HEAD = path.resolve(root, opt('head', 'dist'));
const RUNS = Number(opt('runs', 40));
const PAGE = opt('page', 'ours-preload');
const LATENCY_MS = Number(opt('latency', 0));
const EMULATOR = opt('emulator', 'http://127.0.0.1:4310');

/** One cold load of PAGE from `base`: the page's `window.__bench` marks. */
async function load(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const url = `${base}/${PAGE}.html?emulator=${encodeURIComponent(EMULATOR)}`;
    return (await loadPage(context, url, LATENCY_MS)).marks;
  } finally {
    await context.close();
  }
}

/** The median and quartiles of `values` (nearest rank). */
function quartiles(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { q1: at(0.25), median: at(0.5), q3: at(0.75), n: v.length };
}

async function main() {
  if (!BASE) throw new Error('--base DIR is required: the build to compare against (a copy of dist/)');
  for (const dir of [BASE, HEAD]) {
    if (!fs.existsSync(path.join(dir, 'index.js'))) throw new Error(`${dir} holds no built package (index.js)`);
  }
  if (!fs.existsSync(path.join(root, 'bench', 'pages', `${PAGE}.html`))) throw new Error(`no bench page ${PAGE}.html`);
  const pages = path.join(root, 'bench', 'pages');
  // One server per build, each in a child process, so the two differ only in the package.
  const servers = [
    await serveInChild({ '/': pages, '/pkg': BASE }),
    await serveInChild({ '/': pages, '/pkg': HEAD }),
  ];
  const browser = await chromium.launch(launchOptions);
  const version = browser.version();
  const marks = [[], []];
  try {
    for (const server of servers) await load(browser, server.url); // warm-up, not recorded
    for (let i = 0; i < RUNS; i++) {
      for (const side of i % 2 ? [1, 0] : [0, 1]) marks[side].push(await load(browser, servers[side].url));
      if ((i + 1) % 10 === 0 || i + 1 === RUNS) process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => s.close()));
  }

  const figures = [
    ['navigation -> wasm instantiated', (m) => m.wasm],
    ['navigation -> dialog usable', (m) => m.usable],
    ['navigation -> its first frame', (m) => m.painted],
    ['instantiated -> usable', (m) => m.usable - m.wasm],
    ['instantiated -> first frame', (m) => m.painted - m.wasm],
  ];
  const ms = (x) => x.toFixed(1);
  const network = LATENCY_MS ? `${LATENCY_MS} ms added latency` : 'plain loopback';
  console.log(`\n${PAGE}.html, ${RUNS} cold runs of each build, alternating, ${network}, Chromium ${version}`);
  const shown = (dir) => (path.relative(process.cwd(), dir).startsWith('..') ? dir : path.relative(process.cwd(), dir) || '.');
  console.log(`A = ${shown(BASE)}   B = ${shown(HEAD)}`);
  console.log('medians (25th-75th percentile), ms');
  const header = ['figure', 'A', 'B', 'B - A'];
  const rows = figures.map(([name, read]) => {
    const [a, b] = marks.map((side) => quartiles(side.map(read)));
    return [name, `${ms(a.median)} (${ms(a.q1)}-${ms(a.q3)})`, `${ms(b.median)} (${ms(b.q1)}-${ms(b.q3)})`,
      `${b.median - a.median >= 0 ? '+' : ''}${ms(b.median - a.median)}`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('\nThe instantiated -> rows leave out when the files arrived, which drifts from run to run.');
  if (RUNS < 60) console.log(`With ${RUNS} runs, differences of a few ms are noise: the thirteenth round used 60-100.`);
}

await main();
