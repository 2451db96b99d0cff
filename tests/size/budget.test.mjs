// Size budget (issue 5): what a page downloads for the widget (every .wasm and .js in dist/),
// brotli-compressed, must stay within 64 KiB. Bytes are deterministic, so this is a real test.
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

test('total brotli size of wasm + JS is within the 64 KiB budget', () => {
  assert.ok(fs.existsSync(path.join(dist, 'account_link_bg.wasm')), 'dist/ is not built: run `npm run build`');
  const sizes = measureDir(dist);
  console.log(formatTable(sizes));
  console.log(`budget: ${sizes.total.brotli} / ${BUDGET_BROTLI_BYTES} bytes brotli`);
  assert.ok(
    sizes.total.brotli <= BUDGET_BROTLI_BYTES,
    `wasm + JS is ${sizes.total.brotli} bytes brotli, over the ${BUDGET_BROTLI_BYTES} byte budget`,
  );
});

test('dist/size.json written by the build matches the files', () => {
  const recorded = JSON.parse(fs.readFileSync(path.join(dist, 'size.json'), 'utf8'));
  assert.deepEqual(recorded, measureDir(dist));
});
