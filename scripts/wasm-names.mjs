// Shortens the names the wasm and its wasm-bindgen glue share (issue 5, size):
//
//   - every import: module `./account_link_bg.js` -> `a`, and each function name such as
//     `__wbg_addEventListener_6a82629b3d430a48` -> `a`, `b`, ... `aa`, ...; a snippet function
//     the wasm imports directly (from `./snippets/...`) moves into module `a` too
//   - every export except `memory` and the exported free functions (their names are also the
//     glue's JS exports): `__wbindgen_malloc`, the closure invokers
//     `wasm_bindgen__convert__closures_____invoke__h...` -> short names (`a`, `b`, ... as well).
//
// These names appear twice (wasm import/export section and glue JS), carry a 16-hex-digit hash
// each, and are about 10 KB raw. binaryen's --minify-imports only renames `env` imports, hence
// this small rewriter. The glue is edited by whole-word replacement of the (unique, hashed)
// names; every old name is checked to be gone afterwards, so a glue format change fails the
// build instead of shipping a broken package.

const SECTION_IMPORT = 2;
// The glue's own import module. wasm-bindgen imports a snippet function directly, from the
// snippet's module, when every argument and the result are JS references (no conversion, so no
// glue function); such an import moves into the glue's module with a short name, and the glue's
// namespace import of the snippet becomes entries of the glue's imports object (`directImports`).
const GLUE_MODULE = './account_link_bg.js';
// Its short name; the only import module left in the wasm.
const GLUE_SHORT = 'a';
const SECTION_EXPORT = 7;

function readU32(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return [result, pos];
    shift += 7;
  }
}

function writeU32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

function readName(buf, pos) {
  const [len, p] = readU32(buf, pos);
  return [buf.toString('utf8', p, p + len), p + len];
}

function writeName(s) {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([writeU32(b.length), b]);
}

/** a, b, ..., z, A, ..., Z, aa, ab, ... (valid JS identifiers, none a reserved word). */
function shortName(i) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do {
    s = letters[i % letters.length] + s;
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return s;
}

/** Byte length of an import's description (after module and name). */
function importDescEnd(buf, pos) {
  const kind = buf[pos++];
  switch (kind) {
    case 0: // func: type index
      return readU32(buf, pos)[1];
    case 1: {
      // table: reftype, limits
      pos += 1;
      const flags = buf[pos++];
      pos = readU32(buf, pos)[1];
      return flags & 1 ? readU32(buf, pos)[1] : pos;
    }
    case 2: {
      // memory: limits
      const flags = buf[pos++];
      pos = readU32(buf, pos)[1];
      return flags & 1 ? readU32(buf, pos)[1] : pos;
    }
    case 3: // global: valtype, mut
      return pos + 2;
    case 4: // tag: attribute, type index
      return readU32(buf, pos + 1)[1];
    default:
      throw new Error(`wasm-names: unknown import kind ${kind}`);
  }
}

/**
 * Returns `{ wasm, glue, renamed }` with short import and export names in both.
 * @param {Buffer} wasm wasm-opt's output
 * @param {string} glue wasm-bindgen's `--target web` JS
 */
export function shortenNames(wasm, glue) {
  const renames = new Map(); // old -> new (imports and exports share no names)
  const importNames = new Set();
  const direct = new Map(); // snippet module -> Map(export name -> short import name)
  const parts = [wasm.subarray(0, 8)];
  let pos = 8;
  let exportCounter = 0;
  let importCounter = 0;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, bodyStart] = readU32(wasm, pos + 1);
    const bodyEnd = bodyStart + size;
    if (id === SECTION_IMPORT || id === SECTION_EXPORT) {
      let p = bodyStart;
      let count;
      [count, p] = readU32(wasm, p);
      const body = [writeU32(count)];
      for (let i = 0; i < count; i++) {
        if (id === SECTION_IMPORT) {
          let module, name;
          [module, p] = readName(wasm, p);
          [name, p] = readName(wasm, p);
          const descEnd = importDescEnd(wasm, p);
          if (module !== GLUE_MODULE) {
            // A direct import of a snippet function: it joins the glue's module under a short
            // name, and the glue's imports object maps it to the snippet's export (see
            // `directImports` below).
            if (!direct.has(module)) direct.set(module, new Map());
            const names = direct.get(module);
            if (names.has(name)) throw new Error(`wasm-names: import ${module} ${name} twice`);
            names.set(name, shortName(importCounter++));
            body.push(writeName(GLUE_SHORT), writeName(names.get(name)), wasm.subarray(p, descEnd));
            p = descEnd;
            continue;
          }
          const short = shortName(importCounter++);
          if (renames.has(name)) throw new Error(`wasm-names: import ${name} twice`);
          renames.set(name, short);
          importNames.add(name);
          body.push(writeName(GLUE_SHORT), writeName(short), wasm.subarray(p, descEnd));
          p = descEnd;
        } else {
          let name;
          [name, p] = readName(wasm, p);
          const kindAndIndexStart = p;
          p = readU32(wasm, p + 1)[1];
          let short = name;
          // An exported free function (`#[wasm_bindgen] pub fn`) is also the glue's JS export
          // `export function NAME`, which the package entry imports by that name: it keeps it
          // (the whole-word rename below would rename the JS function too).
          const freeFunction = new RegExp(`export function ${name.replace(/\$/g, '\\$')}\\(`).test(glue);
          if (name !== 'memory' && !freeFunction) {
            // Exports and imports are separate namespaces (`wasm.a` in the glue is an export,
            // `a:` in its imports object an import), so both count from `a`.
            short = shortName(exportCounter++);
            renames.set(name, short);
          }
          body.push(writeName(short), wasm.subarray(kindAndIndexStart, p));
        }
      }
      if (p !== bodyEnd) throw new Error(`wasm-names: section ${id} not fully parsed`);
      const newBody = Buffer.concat(body);
      parts.push(Buffer.from([id]), writeU32(newBody.length), newBody);
    } else {
      parts.push(wasm.subarray(pos, bodyEnd));
    }
    pos = bodyEnd;
  }

  let out = directImports(glue, direct);
  const quoted = new RegExp(`(["'])${GLUE_MODULE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\1:`, 'g');
  const before = out;
  out = out.replace(quoted, `"${GLUE_SHORT}":`);
  if (out === before) throw new Error(`wasm-names: import module ${GLUE_MODULE} not found in the glue`);
  // Longest names first, so no name is replaced inside a longer one.
  const names = [...renames.keys()].sort((a, b) => b.length - a.length);
  for (const name of names) {
    const re = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
    const before = out;
    out = out.replace(re, renames.get(name));
    // Every import must be provided by the glue; an export the glue never reads (such as
    // `__instance_terminated`) is renamed all the same.
    if (out === before && importNames.has(name)) {
      throw new Error(`wasm-names: import ${name} not found in the glue`);
    }
  }
  for (const name of names) {
    if (out.includes(name)) throw new Error(`wasm-names: ${name} still in the glue`);
  }
  return { wasm: Buffer.concat(parts), glue: out, renamed: renames.size };
}

/**
 * Rewrites the glue's direct snippet imports. wasm-bindgen hands such a module to the wasm as a
 * namespace, `import * as import1 from "./snippets/.../dialog.js"` and `"./snippets/...": import1`
 * in the imports object (once per imported function, so the same key repeats). esbuild bundles a
 * namespace import as an object with a getter for EVERY export of the snippet plus its
 * `__export` helper, and keeps the repeated keys. Instead, the functions the wasm imports are
 * named imports of the glue, listed in the glue's own imports object (`import0`) under the short
 * names the wasm now imports them by from that module; the snippet modules' entries go.
 * @param {string} glue wasm-bindgen's JS
 * @param {Map<string, Map<string, string>>} direct module -> (export name -> short import name)
 * @returns {string} the glue without namespace imports of the modules in `direct`
 */
function directImports(glue, direct) {
  let out = glue;
  let n = 0;
  const members = [];
  for (const [module, names] of direct) {
    const key = module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const entry = new RegExp(`^[ \\t]*(["'])${key}\\1:\\s*(\\w+),?[ \\t]*\\n`, 'gm');
    const entries = [...out.matchAll(entry)];
    if (!entries.length) throw new Error(`wasm-names: no imports object entry for ${module}`);
    let from = null;
    for (const [, , ident] of entries) {
      const line = new RegExp(`^import \\* as ${ident} from (["'])([^"']+)\\1;?[ \\t]*\\n`, 'm');
      const m = out.match(line);
      if (!m) throw new Error(`wasm-names: no namespace import ${ident} for ${module}`);
      if (from !== null && m[2] !== from) throw new Error(`wasm-names: ${module} imported from ${from} and ${m[2]}`);
      from = m[2];
      out = out.replace(line, '');
    }
    out = out.replace(entry, '');
    const locals = [...names].map(([name, short]) => [name, short, `__wbg_direct${n++}`]);
    for (const [, short, local] of locals) members.push(`${short}: ${local}`);
    const imports = locals.map(([name, , local]) => `${name} as ${local}`).join(', ');
    out = `import { ${imports} } from '${from}';\n` + out;
  }
  if (members.length) {
    const head = /(\n[ \t]*const import0 = \{\n([ \t]*)__proto__: null,\n)/;
    if (!head.test(out)) throw new Error('wasm-names: no `const import0 = { __proto__: null,` in the glue');
    out = out.replace(head, (all, _, indent) => `${all}${indent}${members.join(`,\n${indent}`)},\n`);
  }
  return out;
}
