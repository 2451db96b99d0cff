// scripts/dead-table-entries.mjs (a step of `npm run build`): only the table slots of closure
// invoke shims and, without a JSPI export, of js-sys's JSPI waker go to the trapping stub; every
// other slot, every function still called or exported, and the slot numbers stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import binaryen from 'binaryen';
import { redirectDeadTableEntries } from '../../scripts/dead-table-entries.mjs';

// The samples carry a name section, as wasm-bindgen's output with --keep-debug does.
binaryen.setDebugInfo(true);

const SHIM = 'wasm_bindgen::convert::closures::_::invoke::h0123';
const USED_SHIM = 'wasm_bindgen::convert::closures::_::invoke::h4567';
const WAKE = 'js_sys::futures::jspi::task_waker::raw_wake::h89ab';
const OWN = 'account_link::task::wake::hcdef';

/** A module with a 5-slot table [_, SHIM, OWN, WAKE, USED_SHIM] and names (as --keep-debug). */
function sample({ jspiExport }) {
  const mod = new binaryen.Module();
  for (const name of [SHIM, USED_SHIM, WAKE, OWN]) {
    mod.addFunction(name, binaryen.none, binaryen.none, [], mod.nop());
  }
  // The glue calls a used shim through an export; Rust code calls its own functions.
  mod.addFunction('caller', binaryen.none, binaryen.none, [], mod.call(USED_SHIM, [], binaryen.none));
  mod.addFunctionExport('caller', 'caller');
  if (jspiExport) mod.addFunctionExport(WAKE, '__wbg_jspi_task_poll');
  mod.addTable('table', 5, 5);
  mod.addActiveElementSegment('table', 'elems', [SHIM, OWN, WAKE, USED_SHIM], mod.i32.const(1));
  const bytes = mod.emitBinary();
  mod.dispose();
  return bytes;
}

function slots(wasm) {
  const mod = binaryen.readBinary(wasm);
  const info = binaryen.getElementSegmentInfo(mod.getElementSegmentByIndex(0));
  const offset = binaryen.getExpressionInfo(info.offset).value;
  const names = [];
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    names.push(binaryen.getFunctionInfo(mod.getFunctionByIndex(i)).name);
  }
  mod.dispose();
  return { offset, data: info.data, names };
}

test('invoke shims and the unused JSPI waker leave the table; other slots and offsets stay', () => {
  const { wasm, redirected } = redirectDeadTableEntries(sample({ jspiExport: false }));
  assert.deepEqual(redirected, [SHIM, WAKE, USED_SHIM]);
  const { offset, data, names } = slots(wasm);
  assert.equal(offset, 1);
  const stub = 'account_link_dead_table_entry';
  assert.deepEqual(data, [stub, OWN, stub, stub]);
  // The functions themselves are still there (wasm-opt removes those nothing else reaches), and
  // the stub traps.
  assert.ok(names.includes(USED_SHIM) && names.includes(SHIM) && names.includes(stub));
  const mod = binaryen.readBinary(wasm);
  const body = binaryen.getFunctionInfo(mod.getFunction(stub)).body;
  assert.equal(binaryen.getExpressionId(body), binaryen.UnreachableId);
  mod.dispose();
});

test('with a JSPI export the JSPI waker keeps its slot', () => {
  const { wasm, redirected } = redirectDeadTableEntries(sample({ jspiExport: true }));
  assert.deepEqual(redirected, [SHIM, USED_SHIM]);
  assert.deepEqual(slots(wasm).data, ['account_link_dead_table_entry', OWN, WAKE, 'account_link_dead_table_entry']);
});

test('a module without such slots is returned unchanged in content', () => {
  const mod = new binaryen.Module();
  mod.addFunction(OWN, binaryen.none, binaryen.none, [], mod.nop());
  mod.addTable('table', 2, 2);
  mod.addActiveElementSegment('table', 'elems', [OWN], mod.i32.const(1));
  const bytes = mod.emitBinary();
  mod.dispose();
  const { wasm, redirected } = redirectDeadTableEntries(bytes);
  assert.deepEqual(redirected, []);
  assert.deepEqual(slots(wasm).data, [OWN]);
});
