// Points the function-table slots of code that can never run at one trapping stub, so that
// wasm-opt can delete the code itself (scripts/build.mjs, between wasm-bindgen and wasm-opt).
//
// Why there is such code: every import of js-sys and web-sys has a `__wbindgen_describe_*`
// export that the linker keeps, and the describe function of an import taking a closure
// (`Array.prototype.forEach`, `Promise.prototype.then`, ...) takes the address of a closure
// invoke shim (`wasm_bindgen::convert::closures::_::invoke::<..>`), which puts the shim in the
// function table. The wasm-bindgen CLI reads and deletes the describe functions, but the table
// keeps the shims, and wasm-opt cannot remove a function the table holds: an indirect call could
// reach it by index. About 1.7 KB of shims for closure types the crate never creates stayed.
//
// Which slots are redirected, and why nothing reaches them:
// - every closure invoke shim: the glue calls a shim through its export (`makeClosure(a, b, f)`
//   with `f` the exported shim), never through the table, and Rust never calls one itself. The
//   shims the glue uses stay, as exports or called from their externref adapters.
// - js-sys's JSPI waker (`js_sys::futures::jspi::*`), when the module has no `__wbg_jspi_task_poll`
//   export: the CLI deletes that export when the crate has no `#[wasm_bindgen(jspi)]` export and
//   makes the JSPI context check constant false, so no JSPI task or waker is ever built.
// The stub traps (`unreachable`), as a panic would, should either reasoning ever fail.
//
// Needs the function names: run wasm-bindgen with `--keep-debug` (wasm-opt strips them after).

import binaryen from 'binaryen';

const STUB = 'account_link_dead_table_entry';

/**
 * @param {Uint8Array} wasm wasm-bindgen's output, with its name section
 * @returns {{ wasm: Uint8Array, redirected: string[] }} the module with the slots redirected,
 *   and the names of the functions whose slots were
 */
export function redirectDeadTableEntries(wasm) {
  const mod = binaryen.readBinary(wasm);
  try {
    const exports = new Set();
    for (let i = 0; i < mod.getNumExports(); i++) {
      exports.add(binaryen.getExportInfo(mod.getExportByIndex(i)).name);
    }
    const jspiUnused = !exports.has('__wbg_jspi_task_poll');
    const dead = (name) =>
      name.startsWith('wasm_bindgen::convert::closures::_::invoke::') ||
      (jspiUnused && name.startsWith('js_sys::futures::jspi::'));
    const redirected = [];
    const segments = [];
    for (let i = 0; i < mod.getNumElementSegments(); i++) {
      segments.push(binaryen.getElementSegmentInfo(mod.getElementSegmentByIndex(i)));
    }
    for (const segment of segments) {
      if (!segment.data.some(dead)) continue;
      if (!redirected.length) mod.addFunction(STUB, binaryen.none, binaryen.none, [], mod.unreachable());
      const offset = binaryen.getExpressionInfo(segment.offset);
      if (offset.id !== binaryen.ConstId) throw new Error(`element segment ${segment.name}: offset is not a constant`);
      const data = segment.data.map((name) => (dead(name) ? (redirected.push(name), STUB) : name));
      mod.removeElementSegment(segment.name);
      mod.addActiveElementSegment(segment.table, segment.name, data, mod.i32.const(offset.value));
    }
    if (!mod.validate()) throw new Error('the module is invalid after redirecting table entries');
    // Keep the names in the output (binaryen writes them only with debug info on): wasm-opt
    // --strip-debug drops them later, and a named build can still be read.
    const debugInfo = binaryen.getDebugInfo();
    binaryen.setDebugInfo(true);
    try {
      return { wasm: mod.emitBinary(), redirected };
    } finally {
      binaryen.setDebugInfo(debugInfo);
    }
  } finally {
    mod.dispose();
  }
}
