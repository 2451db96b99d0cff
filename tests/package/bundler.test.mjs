// A consumer app bundled with Vite 7 from the packed tarball builds, emits the wasm as an asset
// (wasm-bindgen's `new URL('account_link_bg.wasm', import.meta.url)`) and each translation as its
// own chunk, and runs in Chromium: the wasm instantiates and the dialog opens, in English without
// fetching any translation, in Japanese with its chunk only; an error the wasm throws is an
// instance of the exported LinkWidgetError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { launchOptions } from '../../scripts/chromium.mjs';
import { serve } from '../../scripts/static-server.mjs';
import { makeConsumer, packTarball, root, usesStandInEntry } from './helpers.mjs';

const consumer = makeConsumer(packTarball());
const out = path.join(consumer, 'dist');

test('vite build of a consumer app succeeds and emits the wasm', () => {
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: consumer,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (e) {
    throw new Error(`vite build failed:\n${e.stdout}${e.stderr}`);
  }
  const assets = fs.readdirSync(path.join(out, 'assets'));
  console.log(`vite output: ${assets.join(', ')}`);
  assert.ok(assets.some((f) => f.endsWith('.wasm')), 'no .wasm asset in the bundle');
  assert.ok(assets.some((f) => f.endsWith('.js')), 'no .js chunk in the bundle');
});

// The chunk of each translation: the asset holding its title (and nothing else of the app).
const titles = {
  de: 'Mit einem anderen Konto verknüpfen',
  es: 'Vincular con otra cuenta',
  fr: 'Associer un autre compte',
  ja: '別のアカウントと連携',
  'pt-BR': 'Vincular a outra conta',
};
function translationChunks() {
  const dir = path.join(out, 'assets');
  const js = fs.readdirSync(dir).filter((f) => f.endsWith('.js'));
  const chunks = {};
  for (const [tag, title] of Object.entries(titles)) {
    const holders = js.filter((f) => fs.readFileSync(path.join(dir, f), 'utf8').includes(title));
    assert.equal(holders.length, 1, `${tag}: one chunk holds its strings (${holders.join(', ')})`);
    chunks[tag] = 'assets/' + holders[0];
  }
  return chunks;
}

test('each translation is its own chunk, apart from the entry', () => {
  const chunks = translationChunks();
  assert.equal(new Set(Object.values(chunks)).size, 5, 'five separate chunks');
  const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  for (const chunk of Object.values(chunks)) assert.ok(!html.includes(chunk), `${chunk} is loaded by index.html`);
});

for (const [lang, title] of [
  ['en', 'Link with another account'],
  ['ja', titles.ja],
]) {
  test(`the bundled app runs in Chromium (${lang}): wasm instantiated, dialog shown, only its translation fetched`, async () => {
    const chunks = translationChunks();
    const server = await serve({ '/': out });
    const browser = await chromium.launch(launchOptions);
    try {
      const page = await browser.newPage();
      const errors = [];
      const fetched = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => fetched.push(new URL(r.url()).pathname.slice(1)));
      const wasmLoaded = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.ok(), { timeout: 15000 });
      await page.goto(server.url + '/?lang=' + lang);
      await wasmLoaded;
      await page.waitForFunction(() => document.documentElement.dataset.result, null, { timeout: 15000 });
      const result = await page.evaluate(() => document.documentElement.dataset.result);
      if (usesStandInEntry()) {
        // The stand-in entry instantiates the wasm, then refuses with a typed error.
        assert.equal(result, 'LinkWidgetError:invalid_options');
      } else {
        assert.equal(result, 'shown');
        const refused = await page.evaluate(() => document.documentElement.dataset.refused);
        assert.equal(refused, 'LinkWidgetError:invalid_options', 'an error thrown by the wasm is not the exported class');
        const dialog = page.locator('[data-account-link] [role="dialog"]');
        await dialog.waitFor({ state: 'visible', timeout: 5000 });
        assert.equal(await dialog.locator('[data-part="title"]').textContent(), title);
        assert.equal(await dialog.getAttribute('lang'), lang);
        const translations = Object.values(chunks).filter((c) => fetched.includes(c));
        assert.deepEqual(translations, lang === 'en' ? [] : [chunks[lang]]);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
