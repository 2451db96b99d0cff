// `npm pack` contents: the wasm, the glue, the entry, its types, the error class and the
// translations the entry imports on demand (lang/<tag>.js); nothing else
// (no size.json, no source maps, no sources). Run after `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { npm, root } from './helpers.mjs';

const required = [
  'package.json',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/error.js',
  'dist/account_link.js',
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
  /^dist\/snippets\/[^/]+\/.+\.js$/,
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

test('the glue imports the one LinkWidgetError from ./error.js, not a snippet copy', () => {
  const glue = fs.readFileSync(path.join(root, 'dist', 'account_link.js'), 'utf8');
  assert.doesNotMatch(glue, /snippets\/account-link-[^/'"]+\/js\/error\.js/);
  const snippets = path.join(root, 'dist', 'snippets');
  if (fs.existsSync(snippets)) {
    const copies = fs.readdirSync(snippets, { recursive: true }).map(String).filter((f) => f.endsWith('error.js'));
    assert.deepEqual(copies, [], 'a second copy of error.js is in dist/snippets');
  }
  const entry = fs.readFileSync(path.join(root, 'dist', 'index.js'), 'utf8');
  assert.match(entry, /from\s*['"]\.\/error\.js['"]/, 'index.js must take LinkWidgetError from ./error.js');
});
