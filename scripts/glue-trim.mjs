// Makes wasm-bindgen's `--target web` glue smaller without changing what it does (issue 5, size):
// removes code the package can never run and writes a few helpers as shorter equivalents
// (TRIMS), calls the wasm's closure invokers directly where the glue's function only forwarded
// (`directInvokers`), and writes the import functions as arrow functions (`arrowImports`).
//
// Each trim names the glue text it replaces and why that text is dead for this package;
// the text is matched with flexible whitespace and must occur exactly once, so a wasm-bindgen
// upgrade that changes the glue fails the build instead of shipping a half-trimmed loader.
//
// Only code no input can reach goes: js/index.js is the glue's only caller, and it calls the
// default export (`__wbg_init`) with `undefined` or the module or path itself (the positional
// form, whose unwrapping and deprecation warning are trimmed), never `initSync` (which
// esbuild drops anyway), and every string the glue passes to the wasm goes through the
// `encodeInto` path (`--encode-into always`, `realloc` always given). Every documented
// `wasmUrl` (a URL or path, `Request`, `Response`, `WebAssembly.Module`, bytes, a promise of
// one) still takes the same path as before, including the MIME-type fallback of
// `instantiateStreaming` and its warning.

/** @type {Array<{ why: string, from: string, to: string, check?: (glue: string) => boolean }>} */
const TRIMS = [
  {
    why:
      'js/index.js passes the module or path itself (positionally) or nothing, never an options ' +
      'object: the unwrapping of `{ module_or_path }` and the positional form\'s warning are unreachable',
    from: `if (module_or_path !== undefined) {
        if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
            ({module_or_path} = module_or_path)
        } else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }
    }`,
    to: '',
  },
  {
    why:
      "loadAccountLink keeps the one loading promise (and forgets it on failure, as this cache " +
      'did), so a second in-flight init cannot happen; the early return for a loaded wasm stays',
    from: `let __wbg_init_promise;
async function __wbg_init(module_or_path) {
    if (wasm !== undefined) return wasm;
    if (__wbg_init_promise === undefined) {
        __wbg_init_promise = __wbg_init_once(module_or_path);
        __wbg_init_promise.catch(() => { __wbg_init_promise = undefined; });
    }
    return __wbg_init_promise;
}`,
    to: '',
  },
  {
    why: 'with its cache gone, __wbg_init is __wbg_init_once plus the early return: one function',
    from: `async function __wbg_init_once(module_or_path) {`,
    to: `async function __wbg_init(module_or_path) {
    if (wasm !== undefined) return wasm;`,
  },
  {
    why: 'the module and instance are kept for initSync/debugging only; nothing reads them',
    from: `let wasmModule, wasmInstance, wasm;
function __wbg_finalize_init(instance, module) {
    wasmInstance = instance;
    wasm = instance.exports;
    wasmModule = module;`,
    to: `let wasm;
function __wbg_finalize_init(instance, module) {
    wasm = instance.exports;`,
  },
  {
    why: 'every call passes wasm.__wbindgen_realloc (--encode-into always): the encode() path is dead',
    from: `function passStringToWasm0(arg, malloc, realloc) {
    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }
`,
    to: `function passStringToWasm0(arg, malloc, realloc) {
`,
    // Holds only while every call passes the realloc export.
    check: (glue) =>
      [...glue.matchAll(/(?<!function )passStringToWasm0\(([^()]*)\)/g)].every(([, args]) =>
        /^[^,]+,\s*wasm\.__wbindgen_malloc,\s*wasm\.__wbindgen_realloc$/.test(args.trim()),
      ),
  },
  // Shorter equivalents of wasm-bindgen helpers (same results for every input).
  {
    why:
      'the cached DataView is stale exactly when its buffer is not the memory\'s current one (a ' +
      "grown memory's old buffer is detached and `memory.buffer` is a new object): the " +
      '`detached` tests in front are only a shortcut',
    from: `if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {`,
    to: `if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer !== wasm.memory.buffer) {`,
  },
  {
    why: "`JsValue::as_bool`'s import: 1 or 0 for a boolean (`+v`), 0xFFFFFF for anything else",
    from: `const v = arg0;
            const ret = typeof(v) === 'boolean' ? v : undefined;
            return isLikeNone(ret) ? 0xFFFFFF : ret ? 1 : 0;`,
    to: `return typeof arg0 === 'boolean' ? +arg0 : 0xFFFFFF;`,
  },
  {
    why: "`JsValue::as_f64`'s import: a number is never null or undefined, so `isLikeNone` is the type test",
    from: `const obj = arg1;
            const ret = typeof(obj) === 'number' ? obj : undefined;
            getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, isLikeNone(ret) ? 0 : ret, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, !isLikeNone(ret), true);`,
    to: `const number = typeof arg1 === 'number';
            getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, number ? arg1 : 0, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, number, true);`,
  },
];

/**
 * A regular expression matching `text` with any run of whitespace as any run of whitespace.
 * @param {string} text
 * @returns {RegExp}
 */
function flexible(text) {
  const parts = text.trim().split(/\s+/).map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(parts.join('\\s*'), 'g');
}

/**
 * Applies every trim to the glue; throws when one does not match exactly once.
 * @param {string} glue wasm-bindgen's JS (`account_link.js`)
 * @returns {{ glue: string, trimmed: number }} the trimmed glue and how many trims applied
 */
export function trimGlue(glue) {
  let out = glue;
  for (const { why, from, to, check } of TRIMS) {
    if (check && !check(out)) throw new Error(`glue-trim: the glue no longer allows the trim "${why}"`);
    const re = flexible(from);
    const hits = out.match(re)?.length ?? 0;
    if (hits !== 1) throw new Error(`glue-trim: expected one match, found ${hits}, for the trim "${why}"`);
    out = out.replace(re, () => to);
  }
  return { glue: arrowImports(directInvokers(out)), trimmed: TRIMS.length };
}

/**
 * Drops the glue's closure invokers that only forward their arguments to the wasm export of the
 * same name (`function invoke_h..(a, b) { wasm.invoke_h..(a, b); }`) and uses the export itself
 * (`wasm.invoke_h..`). The closures that call them are created by the wasm, so `wasm` is set by
 * then; a wasm export converts its arguments as the forwarder's call did, and returns `undefined`
 * for no result as the forwarder did. Invokers that convert (a string, a number) stay.
 * @param {string} glue wasm-bindgen's JS
 * @returns {string} the glue without forwarding invokers
 */
function directInvokers(glue) {
  const forwarder =
    /^function (wasm_bindgen__convert__closures_____invoke__\w+)\(([^)]*)\) \{\n\s*(?:wasm\.\1\(\2\);|const ret = wasm\.\1\(\2\);\n\s*return ret;)\n\}\n\n?/gm;
  const names = [];
  let out = glue.replace(forwarder, (_, name) => {
    names.push(name);
    return '';
  });
  for (const name of names) {
    const uses = new RegExp(`(?<![\\w$.])${name}(?![\\w$])`, 'g');
    if (!uses.test(out)) throw new Error(`glue-trim: invoker ${name} is never used`);
    out = out.replace(uses, `wasm.${name}`);
  }
  return out;
}

/**
 * Whether a function body reads `this` or `arguments` (line comments ignored: wasm-bindgen's
 * cast comments mention `arguments`).
 * @param {string} body
 * @returns {boolean}
 */
function usesThisOrArguments(body) {
  return /\b(this|arguments)\b/.test(body.replace(/\/\/.*$/gm, ''));
}

/**
 * Writes the import functions of `__wbg_get_imports` (`name: function(arg0) { ... }`, about 80)
 * as arrow functions, which esbuild then shortens further (`t=>!t`). The wasm calls its imports
 * as plain functions (no `this`, never `new`), so an import that reads neither `this` nor
 * `arguments` behaves the same as an arrow; the ones that read `arguments` (wasm-bindgen's
 * `handleError` wrappers for `catch` imports) pass a rest parameter instead.
 * @param {string} glue wasm-bindgen's JS
 * @returns {string} the glue with arrow-function imports
 */
function arrowImports(glue) {
  const start = glue.indexOf('\n    const import0 = {\n');
  const end = glue.indexOf('\n    };\n', start) + 1;
  if (start < 0 || end < 1) throw new Error('glue-trim: no `const import0 = { ... };` in the glue');
  let block = glue.slice(start, end);
  // `name: function() { return handleError(function (arg0) { BODY }, arguments); },`
  const catching = /: function\(\) \{ return handleError\(function \(([^)]*)\) \{\n([^]*?)\n(\s+)\}, arguments\); \},\n/g;
  block = block.replace(catching, (all, args, body, indent) => {
    if (usesThisOrArguments(body)) return all;
    return `: (...args) => handleError((${args}) => {\n${body}\n${indent}}, args),\n`;
  });
  // `name: function(arg0) {\n BODY \n},` with the closing brace at the entry's indentation.
  const plain = /^(\s+)([\w$]+): function\(([^)]*)\) \{\n([^]*?)\n\1\},\n/gm;
  block = block.replace(plain, (all, indent, name, args, body) => {
    if (usesThisOrArguments(body)) return all;
    return `${indent}${name}: (${args}) => {\n${body}\n${indent}},\n`;
  });
  const left = block.match(/^.*: function\(.*$/m);
  if (left) throw new Error(`glue-trim: an import was left a function expression: ${left[0].trim()}`);
  return glue.slice(0, start) + block + glue.slice(end);
}
