#!/usr/bin/env node
// Builds the npm package into dist/ (`npm run build`):
//   1. cargo build --release --target wasm32-unknown-unknown -p account-link
//      --no-default-features --features slim (no_std, talc, trapping panic handler)
//   2. wasm-bindgen --target web (the CLI version must equal Cargo.lock's wasm-bindgen)
//   3. the table slots of code that never runs redirected to one trapping stub
//      (scripts/dead-table-entries.mjs), wasm-opt -Oz from the npm package `binaryen` (never
//      Debian's binaryen 108: see TOOLCHAIN.md), then the glue trimmed and rewritten
//      (scripts/glue-trim.mjs) and short import/export names in the wasm and its glue
//      (scripts/wasm-names.mjs)
//   4. assemble dist/: account_link_bg.wasm, every js/*.d.ts, callback.js, and index.js: the
//      entry (js/index.js), the wasm-bindgen glue and js/error.js bundled into ONE module by
//      esbuild (pinned in devDependencies), so a page fetches one script and then the wasm;
//      every .js minified (the readable sources stay in js/ and target/pkg-build/)
//      and dist/lang/<tag>.js from each i18n/<tag>.json (the non-English translations, which
//      index.js imports on demand: an English page downloads none of them)
//   5. print the size table (raw, gzip, brotli) and write it to dist/size.json (not packed)
//
// The wasm imports LinkWidgetError with `#[wasm_bindgen(module = "/js/error.js")]`, which
// wasm-bindgen copies to snippets/account-link-<hash>/js/error.js. We rewrite that import to
// js/error.js before bundling, so the bundle holds ONE LinkWidgetError class (the one index.js
// re-exports) and `instanceof` works for errors thrown by the wasm.
//
// Env: WASM_OPT=0 to skip wasm-opt, MINIFY=0 to skip name shortening and minification
// (debugging only: the sizes then are not the package's).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync, transformSync } from 'esbuild';
import { minify as terserMinify } from 'terser';
import { measureDir, formatTable } from './size.mjs';
import { shortenNames } from './wasm-names.mjs';
import { redirectDeadTableEntries } from './dead-table-entries.mjs';
import { trimGlue } from './glue-trim.mjs';

const minify = process.env.MINIFY !== '0';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const work = path.join(root, 'target', 'pkg-build');
const t0 = Date.now();

function step(msg) {
  console.log(`\n==> ${msg}`);
}

function run(cmd, args, opts = {}) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
}

function findWasmBindgen() {
  const candidates = [path.join(cargoHome(), 'bin', 'wasm-bindgen')];
  for (const c of candidates) if (fs.existsSync(c)) return c;
  return 'wasm-bindgen'; // on PATH
}

function lockedWasmBindgenVersion() {
  const lock = fs.readFileSync(path.join(root, 'Cargo.lock'), 'utf8');
  const m = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/);
  return m ? m[1] : null;
}

function cargoHome() {
  return process.env.CARGO_HOME || path.join(process.env.HOME || '/root', '.cargo');
}

/**
 * How the release build is told to remap the crate sources' paths: one
 * `--remap-path-prefix=<dir>/=` per crate registry source folder (and for git dependencies'
 * checkouts). Panic locations of dependency code (js-sys's async support keeps one) otherwise
 * store the builder's absolute path, `/root/.cargo/registry/src/index.crates.io-<hash>/js-sys-
 * <version>/...`, in the wasm: the package would differ with the machine's CARGO_HOME and
 * publish its layout. Our own sources are already relative (`src/flow.rs`).
 *
 * Returns `{ args, env }` for the cargo call. Without RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS in the
 * environment the flags go in as `--config target.wasm32-unknown-unknown.rustflags=[...]`, which
 * cargo merges with any rustflags of its config files. When the caller set either variable, cargo
 * ignores the config files' rustflags anyway (its precedence), so the remaps are appended to the
 * caller's flags in CARGO_ENCODED_RUSTFLAGS (one flag per \x1f-separated field: a path with
 * spaces stays whole).
 */
function remapPathFlags() {
  const home = cargoHome();
  const dirs = [];
  const registry = path.join(home, 'registry', 'src');
  if (fs.existsSync(registry)) for (const index of fs.readdirSync(registry)) dirs.push(path.join(registry, index));
  const checkouts = path.join(home, 'git', 'checkouts');
  if (fs.existsSync(checkouts)) dirs.push(checkouts);
  const remaps = dirs.map((dir) => `--remap-path-prefix=${dir}/=`);
  const { RUSTFLAGS, CARGO_ENCODED_RUSTFLAGS } = process.env;
  if (RUSTFLAGS === undefined && CARGO_ENCODED_RUSTFLAGS === undefined) {
    // JSON strings are TOML basic strings.
    const list = remaps.map((flag) => JSON.stringify(flag)).join(', ');
    return { args: ['--config', `target.wasm32-unknown-unknown.rustflags = [${list}]`], env: process.env };
  }
  const inherited = CARGO_ENCODED_RUSTFLAGS !== undefined ? CARGO_ENCODED_RUSTFLAGS.split('\x1f') : RUSTFLAGS.split(/\s+/);
  const env = { ...process.env, CARGO_ENCODED_RUSTFLAGS: [...inherited.filter(Boolean), ...remaps].join('\x1f') };
  delete env.RUSTFLAGS;
  return { args: [], env };
}

// 1. cargo
step('cargo build (release, wasm32-unknown-unknown)');
// `slim`: no_std + alloc, the talc allocator and a trapping panic handler (src/lib.rs); the
// default `std` feature is for the tests.
const remap = remapPathFlags();
run('cargo', [
  'build',
  ...remap.args,
  '--release',
  '--target',
  'wasm32-unknown-unknown',
  '-p',
  'account-link',
  '--no-default-features',
  '--features',
  'slim',
], { env: remap.env });
const targetDir = process.env.CARGO_TARGET_DIR
  ? path.resolve(root, process.env.CARGO_TARGET_DIR)
  : path.join(root, 'target');
const rawWasm = path.join(targetDir, 'wasm32-unknown-unknown', 'release', 'account_link.wasm');
if (!fs.existsSync(rawWasm)) throw new Error(`cargo did not produce ${rawWasm}`);

// 2. wasm-bindgen
step('wasm-bindgen --target web');
const wb = findWasmBindgen();
const want = lockedWasmBindgenVersion();
const have = execFileSync(wb, ['--version'], { encoding: 'utf8' }).trim().split(/\s+/).pop();
if (want && have !== want) {
  throw new Error(
    `wasm-bindgen CLI ${have} != wasm-bindgen ${want} in Cargo.lock; run \`npm run setup\` (scripts/setup.sh)`,
  );
}
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
run(wb, [
  rawWasm,
  '--target',
  'web',
  '--out-dir',
  work,
  '--out-name',
  'account_link',
  '--no-typescript',
  // TextEncoder#encodeInto is in every browser that runs the package: drop the fallback path.
  '--encode-into',
  'always',
  // Function names, for scripts/dead-table-entries.mjs (wasm-opt --strip-debug drops them).
  '--keep-debug',
]);

// 3. wasm-opt (npm binaryen)
step('wasm-opt -Oz (npm binaryen)');
fs.rmSync(dist, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });
const bgWasm = path.join(work, 'account_link_bg.wasm');
const outWasm = path.join(dist, 'account_link_bg.wasm');
const wasmOpt = path.join(root, 'node_modules', '.bin', 'wasm-opt');
// Table slots of code that never runs (closure invoke shims of types the crate never creates,
// js-sys's JSPI waker) point at one trapping stub, so that wasm-opt removes that code.
const dead = redirectDeadTableEntries(fs.readFileSync(bgWasm));
fs.writeFileSync(bgWasm, dead.wasm);
console.log(`dead-table-entries: ${dead.redirected.length} table slots redirected to a trapping stub`);
if (process.env.WASM_OPT === '0') {
  console.log('WASM_OPT=0: copying the unoptimised wasm');
  fs.copyFileSync(bgWasm, outWasm);
} else {
  if (!fs.existsSync(wasmOpt)) {
    throw new Error('node_modules/.bin/wasm-opt missing: run `npm run setup` (npm ci installs binaryen)');
  }
  // --converge repeats -Oz until the size stops shrinking. --zero-filled-memory: the memory is
  // the module's own (not imported), so it starts zeroed. --low-memory-unused: rustc puts the
  // 1 MiB stack first, so addresses below 1 KiB are only reached by a stack about to overflow.
  // --strip-target-features: the `target_features` section (~150 B) is for linkers; browsers
  // ignore it (wasm-opt read the features when it loaded the module; the code is byte-identical).
  // --one-caller-inline-max-function-size=20: binaryen inlines EVERY function that has one
  // caller, whatever its size (default -1); this limits that to functions of at most 20 nodes,
  // the limit its other inlining (`--flexible-inline-max-function-size`) uses by default. About
  // 150 helpers then stay functions of their own (347 -> 493): the wasm grows by 1.5 KB raw but
  // shrinks by about 0.55 KB brotli, measured for limits from 15 to 100 (bench/README.md,
  // eleventh round). Our reading: a helper compiled on its own numbers its locals from 0 and
  // looks like its siblings, which brotli matches; inlined, each copy takes its caller's local
  // numbers and block depths.
  run(wasmOpt, [
    '--one-caller-inline-max-function-size=20',
    '-Oz',
    '--converge',
    '--zero-filled-memory',
    '--low-memory-unused',
    '--strip-debug',
    '--strip-producers',
    '--strip-target-features',
    bgWasm,
    '-o',
    outWasm,
  ]);
}

// 4. assemble dist/
step('assemble dist/');
// The entry, the glue and error.js are bundled from a staging folder that mirrors their relative
// imports (./account_link.js, ./error.js, ./snippets/...).
const stage = path.join(work, 'stage');
fs.mkdirSync(stage, { recursive: true });
let glue = fs.readFileSync(path.join(work, 'account_link.js'), 'utf8');
// Only the `from` clauses: when the wasm imports an error.js function directly (all-reference
// arguments, no glue function; src/events.rs), the imports object also names the snippet as the
// wasm's import module, and that key must stay as the wasm spells it (wasm-names shortens both).
const errorImport = /(from\s*)(["'])\.\/snippets\/account-link-[^/"']+\/js\/error\.js\2/g;
const rewrites = (glue.match(errorImport) || []).length;
glue = glue.replace(errorImport, "$1'./error.js'");
console.log(`account_link.js: ${rewrites} import(s) of the error.js snippet rewritten to ./error.js`);
// Loader code the package never runs removed, forwarding functions dropped, imports as arrow
// functions (scripts/glue-trim.mjs); also with MINIFY=0: the glue read for debugging is the glue
// that ships.
const trim = trimGlue(glue);
glue = trim.glue;
console.log(`glue-trim: ${trim.trimmed} unreachable parts of the loader removed, invokers and imports rewritten`);
if (minify) {
  const short = shortenNames(fs.readFileSync(outWasm), glue);
  fs.writeFileSync(outWasm, short.wasm);
  glue = short.glue;
  console.log(`wasm-names: ${short.renamed} import/export names shortened in the wasm and the glue`);
}
fs.writeFileSync(path.join(stage, 'account_link.js'), glue);

// Any other snippet (inline_js, other modules: js/wasm/browser.js) is bundled too; the error.js
// copy is not used. Snippets live under js/wasm/, which the copy of js/*.js below skips.
const snippets = path.join(work, 'snippets');
if (fs.existsSync(snippets)) fs.cpSync(snippets, path.join(stage, 'snippets'), { recursive: true });

// The hand-written JS: js/index.js (entry) and js/error.js go into the bundle; every other
// js/*.js (callback.js, the `account-link/callback` export, which runs on the app's callback page
// and needs no wasm) and every js/*.d.ts is copied to dist/ as is.
const jsDir = path.join(root, 'js');
const handWritten = fs.readdirSync(jsDir).filter((f) => f.endsWith('.js') || f.endsWith('.d.ts'));
for (const name of ['index.js', 'index.d.ts', 'error.js']) {
  if (!handWritten.includes(name)) throw new Error(`js/${name} is missing: the package entry needs it`);
}
const bundled = ['index.js', 'error.js'];
for (const name of bundled) fs.copyFileSync(path.join(jsDir, name), path.join(stage, name));
const copied = handWritten.filter((f) => !bundled.includes(f));
for (const name of copied) fs.copyFileSync(path.join(jsDir, name), path.join(dist, name));
console.log(`copied from js/: ${copied.join(', ') || '(nothing)'}`);

// The translations: one ES module per non-English language, `export default { key: text }`.
// English is in the wasm (src/dialog/i18n.rs); the host test there checks every file has exactly
// its keys and the `{name}` placeholders. index.js maps each tag to `import('./lang/<tag>.js')`.
const i18nDir = path.join(root, 'i18n');
const langDir = path.join(dist, 'lang');
fs.mkdirSync(langDir, { recursive: true });
const tags = [];
for (const name of fs.readdirSync(i18nDir).filter((f) => f.endsWith('.json')).sort()) {
  const tag = name.slice(0, -'.json'.length);
  const table = JSON.parse(fs.readFileSync(path.join(i18nDir, name), 'utf8'));
  fs.writeFileSync(path.join(langDir, `${tag}.js`), `export default ${JSON.stringify(table)};\n`);
  tags.push(tag);
}
const entrySource = fs.readFileSync(path.join(jsDir, 'index.js'), 'utf8');
for (const tag of tags) {
  if (!entrySource.includes(`'./lang/${tag}.js'`)) throw new Error(`js/index.js does not import ./lang/${tag}.js`);
}
console.log(`dist/lang/: ${tags.map((t) => t + '.js').join(', ')}`);

// One module: a page that imports the entry fetches one script, then the wasm (before, the
// entry's imports of the glue and error.js were one more round trip before the wasm fetch could
// start; bench/README.md). `import.meta.url` (the default wasm URL) is kept: dist/index.js sits
// next to account_link_bg.wasm as the glue did.
const esbuildMinify = { minifyWhitespace: minify, minifySyntax: minify, legalComments: 'none' };
const bundle = buildSync({
  metafile: true,
  entryPoints: [path.join(stage, 'index.js')],
  outfile: path.join(dist, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  logLevel: 'warning',
  minifyIdentifiers: minify,
  ...esbuildMinify,
  // Property names private to the bundle (the glue's closure bookkeeping): shortened like local
  // names. Nothing outside dist/index.js reads them; any other property keeps its name.
  ...(minify ? { mangleProps: /^(_wbg_cb_unref|cnt)$/ } : {}),
  // The translations stay separate files, imported on demand (not inlined into the bundle).
  external: ['./lang/*'],
});
const leftImports = Object.values(bundle.metafile.outputs)
  .flatMap((o) => o.imports)
  .filter((i) => !(i.kind === 'dynamic-import' && i.path.startsWith('./lang/')));
if (leftImports.length) {
  throw new Error(`dist/index.js still imports ${leftImports.map((i) => i.path).join(', ')}: it must be one module (translations aside)`);
}
console.log('bundled js/index.js + the glue + js/error.js into dist/index.js (one module)');

// A second minifier over esbuild's output (terser, pinned in devDependencies; build time only):
// it inlines the one-line helpers the import object calls once (`find`, `closest`, `focused`,
// ...), reuses short names across scopes and folds what esbuild leaves, for about 180 B less
// brotli on index.js (bench/README.md, eleventh round). terser's default `compress`, two passes:
// no `unsafe*` option; its default `pure_getters: 'strict'` lets it drop a property read whose
// value is unused (the package has none whose getter must run). callback.js (the `account-link/
// callback` export, copied above) goes through terser alone, local names shortened too except
// `channel`, its BroadcastChannel: tests/e2e/journey.spec.mjs checks that the package posts only
// on a `channel` bound to `new BroadcastChannel(`, and a mangled one-letter name could be reused
// by another binding. 34 B less brotli than esbuild's minification with every name kept.
// The translations gained under 5 B each and stay esbuild's.
const terserOptions = {
  module: true,
  ecma: 2020,
  compress: { passes: 2 },
  mangle: true,
  format: { comments: false },
};
if (minify) {
  for (const name of ['index.js', 'callback.js']) {
    const file = path.join(dist, name);
    const options = name === 'callback.js' ? { ...terserOptions, mangle: { reserved: ['channel'] } } : terserOptions;
    const { code } = await terserMinify(fs.readFileSync(file, 'utf8'), options);
    fs.writeFileSync(file, code);
  }
  console.log('minified dist/index.js again and dist/callback.js with terser');
}

// Minify the other shipped .js (ES modules: exports and import specifiers are kept; the .d.ts
// files document the API).
if (minify) {
  for (const f of fs.readdirSync(dist, { recursive: true })) {
    if (!String(f).endsWith('.js') || String(f) === 'index.js' || String(f) === 'callback.js') continue;
    const file = path.join(dist, String(f));
    // The translations stay UTF-8: esbuild's default `\uXXXX` escapes would triple ja.js.
    const utf8 = path.basename(path.dirname(file)) === 'lang';
    const { code } = transformSync(fs.readFileSync(file, 'utf8'), {
      format: 'esm',
      minifyIdentifiers: true,
      ...esbuildMinify,
      ...(utf8 ? { charset: 'utf8' } : {}),
    });
    fs.writeFileSync(file, code);
  }
  console.log('minified the other dist/**/*.js with esbuild');
}

// Sanity: every relative import in dist/*.js resolves inside dist/.
for (const f of fs.readdirSync(dist, { recursive: true })) {
  if (!String(f).endsWith('.js')) continue;
  const file = path.join(dist, String(f));
  const src = fs.readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:import|export)\s*[{*\w][^'"]*?from\s*(["'])(\.{1,2}\/[^"']+)\1|import\((["'])(\.{1,2}\/[^"']+)\3\)/g)) {
    const spec = m[2] || m[4];
    if (!fs.existsSync(path.resolve(path.dirname(file), spec))) {
      throw new Error(`dist/${f} imports ${spec}, which is not in dist/`);
    }
  }
}

// 5. sizes
step('sizes');
const sizes = measureDir(dist);
console.log(formatTable(sizes));
fs.writeFileSync(path.join(dist, 'size.json'), JSON.stringify(sizes, null, 2) + '\n');
console.log(`\nwrote dist/size.json; build took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
