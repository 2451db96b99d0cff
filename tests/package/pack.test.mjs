// `npm pack` contents: the entry (one module: the entry, the wasm-bindgen glue and the error class
// bundled), the wasm, the types, the callback helper and the translations the entry imports on
// demand (lang/<tag>.js); nothing else (no size.json, no source maps, no sources). Run after
// `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { npm, root } from './helpers.mjs';

const required = [
  'package.json',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/account_link_bg.wasm',
  // One per non-English language (i18n/<tag>.json); English is in the wasm.
  'dist/lang/de.js',
  'dist/lang/es.js',
  'dist/lang/fr.js',
  'dist/lang/ja.js',
  'dist/lang/pt-BR.js',
];
const allowed = [
  /^README\.md$/i,
  /^LICEN[CS]E(\.md)?$/i,
  /^dist\/callback\.(js|d\.ts)$/, // the `account-link/callback` helper (js/callback.js)
];

test('npm pack --dry-run holds exactly the files a consumer needs', () => {
  const [info] = JSON.parse(npm(['pack', '--dry-run', '--json']));
  const files = info.files.map((f) => f.path).sort();
  console.log(`packed ${files.length} files, ${info.size} bytes (unpacked ${info.unpackedSize}):\n  ${files.join('\n  ')}`);
  for (const f of required) assert.ok(files.includes(f), `${f} missing from the tarball`);
  const unexpected = files.filter((f) => !required.includes(f) && !allowed.some((re) => re.test(f)));
  assert.deepEqual(unexpected, [], 'unexpected files in the tarball');
});

test('every export whose source exists in js/ is in the tarball', () => {
  const [info] = JSON.parse(npm(['pack', '--dry-run', '--json']));
  const files = new Set(info.files.map((f) => f.path));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      const rel = file.replace(/^\.\//, '');
      const source = path.join(root, 'js', path.basename(rel));
      if (rel.startsWith('dist/') && !fs.existsSync(source) && !['dist/index.js', 'dist/index.d.ts'].includes(rel)) {
        continue; // not written yet (e.g. js/callback.d.ts)
      }
      assert.ok(files.has(rel), `exports["${subpath}"] -> ${file} is not in the tarball`);
    }
  }
});

test('package.json: ESM, exports with types, no side effects', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'account-link');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.exports['.'].types, './dist/index.d.ts');
  assert.equal(pkg.exports['.'].default, './dist/index.js');
  assert.equal(pkg.types, './dist/index.d.ts');
  assert.equal(Object.keys(pkg.dependencies ?? {}).length, 0, 'the package must have no runtime dependencies');
});

test('the entry is one module: no import of other scripts, and one LinkWidgetError class', () => {
  const entry = fs.readFileSync(path.join(root, 'dist', 'index.js'), 'utf8');
  // A static import would be one more round trip before the wasm fetch can start. The only
  // dynamic imports are the translations (lang/<tag>.js), fetched in parallel with the wasm.
  assert.doesNotMatch(entry, /(^|[;}\s])import\s*[{*"']|\bfrom\s*["']/, 'dist/index.js imports another module');
  const dynamic = [...entry.matchAll(/\bimport\(\s*(["'])([^"']+)\1\s*\)/g)].map((m) => m[2]).sort();
  assert.deepEqual(dynamic, ['./lang/de.js', './lang/es.js', './lang/fr.js', './lang/ja.js', './lang/pt-BR.js']);
  assert.match(entry, /new URL\(\s*["']account_link_bg\.wasm["']\s*,\s*import\.meta\.url\s*\)/, 'the default wasm URL is relative to the entry');
  // The class the wasm throws is the class the entry exports (instanceof is checked in Chromium
  // by tests/package/bundler.test.mjs); a second copy would break `instanceof`.
  const classes = entry.match(/class\s+\w*\s*extends\s+Error\b/g) || [];
  assert.equal(classes.length, 1, `expected one class extending Error in dist/index.js, found ${classes.length}`);
  assert.ok(!fs.existsSync(path.join(root, 'dist', 'snippets')), 'dist/snippets should be bundled into dist/index.js');
});
