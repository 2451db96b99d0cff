// Size budget (issue 5): what a page downloads for the widget (every .wasm and .js in dist/; a
// page in another language than English adds its lang/<tag>.js), brotli-compressed, must stay
// within 64 KiB. Bytes are deterministic, so this is a real test.
// Run after `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureDir, formatTable } from '../../scripts/size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
export const BUDGET_BROTLI_BYTES = 64 * 1024;

test('total brotli size of wasm + JS (English page, and with a translation) is within the 64 KiB budget', () => {
  assert.ok(fs.existsSync(path.join(dist, 'account_link_bg.wasm')), 'dist/ is not built: run `npm run build`');
  const sizes = measureDir(dist);
  console.log(formatTable(sizes));
  console.log(`budget: ${sizes.total.brotli} / ${BUDGET_BROTLI_BYTES} bytes brotli (a widget page, wasm + index.js: ${sizes.page.brotli})`);
  assert.ok(
    sizes.total.brotli <= BUDGET_BROTLI_BYTES,
    `wasm + JS is ${sizes.total.brotli} bytes brotli, over the ${BUDGET_BROTLI_BYTES} byte budget`,
  );
  const withLanguage = sizes.total.brotli + sizes.lang.brotli;
  assert.ok(
    withLanguage <= BUDGET_BROTLI_BYTES,
    `with its largest translation a page downloads ${withLanguage} bytes brotli, over the budget`,
  );
});

test('the translations are in lang/, outside the wasm and the entry', () => {
  const sizes = measureDir(dist);
  const langs = Object.keys(sizes.files).filter((f) => f.startsWith('lang/')).sort();
  assert.deepEqual(langs, ['lang/de.js', 'lang/es.js', 'lang/fr.js', 'lang/ja.js', 'lang/pt-BR.js']);
  // A Japanese string of the dialog is in lang/ja.js only (the wasm keeps English).
  const title = '別のアカウントと連携';
  assert.ok(fs.readFileSync(path.join(dist, 'lang', 'ja.js'), 'utf8').includes(title), 'lang/ja.js is UTF-8');
  for (const f of ['account_link_bg.wasm', 'index.js']) {
    assert.ok(!fs.readFileSync(path.join(dist, f)).includes(Buffer.from(title)), `${f} holds the Japanese title`);
  }
});

test('dist/size.json written by the build matches the files', () => {
  const recorded = JSON.parse(fs.readFileSync(path.join(dist, 'size.json'), 'utf8'));
  assert.deepEqual(recorded, measureDir(dist));
});
