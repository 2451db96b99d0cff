#!/usr/bin/env node
// Which code makes the wasm big: a small stand-in for `twiggy top` that needs nothing installed.
//
//   node bench/wasm-top.mjs [file.wasm] [--top N]
//
// Default file: target/pkg-build/account_link_bg.wasm, wasm-bindgen's output before wasm-opt,
// which still has the name section (the shipped dist/ wasm is stripped; sizes there are smaller,
// but the ranking holds). Prints the largest functions and the code size per crate (first path
// segment of each function's name), plus the data section.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const TOP = topIdx >= 0 ? Number(args.splice(topIdx, 2)[1]) : 25;
const file = args[0] || path.join(root, 'target', 'pkg-build', 'account_link_bg.wasm');
const buf = fs.readFileSync(file);

let pos = 8; // magic + version
function u32() {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return result;
    shift += 7;
  }
}
function name() {
  const len = u32();
  const s = buf.toString('utf8', pos, pos + len);
  pos += len;
  return s;
}

let importedFuncs = 0;
const bodies = []; // { index, size }
const names = new Map();
const sections = {};
while (pos < buf.length) {
  const id = buf[pos++];
  const size = u32();
  const start = pos;
  const end = pos + size;
  if (id === 2) {
    // imports: count functions so code-section indices can be offset
    const count = u32();
    for (let i = 0; i < count; i++) {
      name();
      name();
      const kind = buf[pos++];
      if (kind === 0) {
        u32();
        importedFuncs++;
      } else if (kind === 1) {
        pos++;
        const flags = u32();
        u32();
        if (flags & 1) u32();
      } else if (kind === 2) {
        const flags = u32();
        u32();
        if (flags & 1) u32();
      } else if (kind === 3) {
        pos += 2;
      } else if (kind === 4) {
        pos++;
        u32();
      }
    }
  } else if (id === 10) {
    const count = u32();
    for (let i = 0; i < count; i++) {
      const bodySize = u32();
      bodies.push({ index: importedFuncs + i, size: bodySize });
      pos += bodySize;
    }
  } else if (id === 0) {
    const secName = name();
    if (secName === 'name') {
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = u32();
        const subEnd = pos + subSize;
        if (sub === 1) {
          const count = u32();
          for (let i = 0; i < count; i++) {
            const idx = u32();
            names.set(idx, name());
          }
        }
        pos = subEnd;
      }
    }
    sections[`custom:${secName}`] = size;
  }
  const label = { 1: 'type', 2: 'import', 3: 'function', 5: 'memory', 6: 'global', 7: 'export', 10: 'code', 11: 'data', 12: 'datacount' }[id];
  if (label) sections[label] = size;
  pos = end;
  void start;
}

const total = buf.length;
const pct = (n) => `${((100 * n) / total).toFixed(1)}%`;
console.log(`${path.relative(process.cwd(), file)}: ${total} bytes`);
console.log('\nsections:');
for (const [k, v] of Object.entries(sections).sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(8)}  ${pct(v).padStart(6)}  ${k}`);
if (names.size === 0) console.log('\n(no name section: use the wasm before wasm-opt, target/pkg-build/account_link_bg.wasm)');

const named = bodies.map((b) => ({ ...b, name: names.get(b.index) || `func[${b.index}]` }));
named.sort((a, b) => b.size - a.size);
console.log(`\ntop ${TOP} functions:`);
for (const f of named.slice(0, TOP)) console.log(`  ${String(f.size).padStart(8)}  ${pct(f.size).padStart(6)}  ${f.name.slice(0, 110)}`);

const crateOf = (n) => {
  const m = n
    .replace(/\[[0-9a-f]+\]/g, '')
    .replace(/^(<|&|mut |dyn |\*const |\*mut )+/, '')
    .match(/^([A-Za-z_][A-Za-z0-9_]*)(::|<|>| )/);
  return m ? m[1] : n.startsWith('func[') ? '(unnamed)' : n;
};
const byCrate = new Map();
for (const f of named) byCrate.set(crateOf(f.name), (byCrate.get(crateOf(f.name)) || 0) + f.size);
console.log('\ncode by crate (first path segment of the function name):');
for (const [c, s] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${String(s).padStart(8)}  ${pct(s).padStart(6)}  ${c}`);
