// sessionStorage's keys for src/transaction.rs, in ONE call. Imported with
// `#[wasm_bindgen(module = "/js/wasm/storage.js")]` and bundled into dist/index.js. It only
// lists keys: which transactions are stale (and so deleted) is decided in Rust.

/**
 * The keys of `storage` that start with `prefix`, as a new array (safe to remove items while
 * walking it). A storage that throws while being read yields the keys found so far.
 */
export function storageKeys(storage, prefix) {
  const keys = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key != null && key.startsWith(prefix)) keys.push(key);
    }
  } catch {}
  return keys;
}
