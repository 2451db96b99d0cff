// A consumer app bundled with Vite 7 from the packed tarball builds, emits the wasm as an asset
// (wasm-bindgen's `new URL('account_link_bg.wasm', import.meta.url)`), and runs in Chromium:
// the wasm instantiates and the dialog opens, and an error the wasm throws is an instance of the
// exported LinkWidgetError.
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

test('the bundled app runs in Chromium: wasm instantiated, dialog shown', async () => {
  const server = await serve({ '/': out });
  const browser = await chromium.launch(launchOptions);
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const wasmLoaded = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.ok(), { timeout: 15000 });
    await page.goto(server.url + '/');
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
      await page.locator('[data-account-link] [role="dialog"]').waitFor({ state: 'visible', timeout: 5000 });
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
