// Every input `loadAccountLink` (and `createLinkWidget`'s `wasmUrl`) documents, against the built
// dist/index.js in Node: a URL string, a `URL`, a `Request`, a `Response` (also one served with
// the wrong Content-Type, which takes wasm-bindgen's `instantiate` fallback and its warning),
// a `WebAssembly.Module`, bytes (`Uint8Array`, `ArrayBuffer`). The build trims the wasm-bindgen
// loader (scripts/glue-trim.mjs), so this pins that every path of it still loads the wasm; and a
// failed load is a `network_error` that a later call retries.
//
// Each case imports its own copy of the entry (a distinct `?case=` URL is a distinct module), as
// the entry loads the wasm once per page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { root } from './helpers.mjs';

const entry = pathToFileURL(path.join(root, 'dist', 'index.js')).href;
const bytes = fs.readFileSync(path.join(root, 'dist', 'account_link_bg.wasm'));
let copies = 0;

/**
 * A fresh copy of dist/index.js (its own wasm instance and loading promise).
 * @returns {Promise<typeof import('../../dist/index.js')>}
 */
const freshEntry = () => import(`${entry}?case=${copies++}`);

/**
 * Serves the wasm on 127.0.0.1 (any free port) as `/ok.wasm` (`application/wasm`), `/plain.wasm`
 * (`text/plain`) and a 404 for anything else; returns the base URL and a `close` function.
 * @returns {Promise<{ base: string, close: () => Promise<void> }>}
 */
async function serve() {
  const server = http.createServer((req, res) => {
    const type = { '/ok.wasm': 'application/wasm', '/plain.wasm': 'text/plain' }[req.url];
    if (!type) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': type }).end(bytes);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Loads through a fresh entry and proves the wasm runs: `createLinkWidget` without options reaches
 * the wasm's option checks (`invalid_options`), which only a loaded wasm can answer.
 * @param {(base: string) => unknown} input what to pass as `moduleOrPath` / `wasmUrl`
 * @param {string} base the test server's URL
 */
async function loadsWith(input, base) {
  const { loadAccountLink, createLinkWidget, LinkWidgetError } = await freshEntry();
  assert.equal(await loadAccountLink(input(base)), undefined);
  await assert.rejects(createLinkWidget({}), (e) => e instanceof LinkWidgetError && e.code === 'invalid_options');
}

test('loadAccountLink loads the wasm from every documented input', async (t) => {
  const { base, close } = await serve();
  try {
    await t.test('a URL string', () => loadsWith((b) => `${b}/ok.wasm`, base));
    await t.test('a URL', () => loadsWith((b) => new URL('/ok.wasm', b), base));
    await t.test('a Request', () => loadsWith((b) => new Request(`${b}/ok.wasm`), base));
    await t.test('a Response', async () => {
      const response = await fetch(`${base}/ok.wasm`);
      await loadsWith(() => response, base);
    });
    await t.test('a WebAssembly.Module', () => loadsWith(() => new WebAssembly.Module(bytes), base));
    await t.test('a Uint8Array', () => loadsWith(() => new Uint8Array(bytes), base));
    await t.test('an ArrayBuffer', () => loadsWith(() => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), base));
    await t.test('a Response with the wrong Content-Type: instantiate fallback, with its warning', async (t) => {
      const warn = t.mock.method(console, 'warn', () => {});
      const response = await fetch(`${base}/plain.wasm`);
      await loadsWith(() => response, base);
      assert.equal(warn.mock.callCount(), 1);
      assert.match(String(warn.mock.calls[0].arguments[0]), /application\/wasm/);
    });
    await t.test('through createLinkWidget({ wasmUrl })', async () => {
      const { createLinkWidget, LinkWidgetError } = await freshEntry();
      await assert.rejects(
        createLinkWidget({ wasmUrl: `${base}/ok.wasm` }),
        (e) => e instanceof LinkWidgetError && e.code === 'invalid_options',
      );
    });
  } finally {
    await close();
  }
});

test('a failed load is a network_error, and a later call loads again', async () => {
  const { base, close } = await serve();
  try {
    const { loadAccountLink, LinkWidgetError } = await freshEntry();
    await assert.rejects(loadAccountLink(`${base}/missing.wasm`), (e) => {
      assert.ok(e instanceof LinkWidgetError);
      assert.equal(e.code, 'network_error');
      assert.match(String(e.cause && e.cause.message), /404/);
      return true;
    });
    assert.equal(await loadAccountLink(`${base}/ok.wasm`), undefined);
    // Loaded once: a later input is not even looked at.
    assert.equal(await loadAccountLink(`${base}/missing.wasm`), undefined);
  } finally {
    await close();
  }
});
