/**
 * The one error type account-link throws or rejects with.
 *
 * ```js
 * try { await widget.linkWithPopup('github'); }
 * catch (e) { if (e instanceof LinkWidgetError && e.code === 'cancelled') return; throw e; }
 * ```
 *
 * `code` is stable (snake_case) and safe to switch on; `message` is for people and may change.
 * Created by the wasm through `#[wasm_bindgen(module = "/js/error.js")]`, and re-exported by the
 * package entry, so `instanceof` works across both.
 */
export class LinkWidgetError extends Error {
  /**
   * @param {string} code stable error code, e.g. `invalid_options`
   * @param {string} message human-readable explanation naming the fix
   * @param {object} [extra] optional `status`, `detail`, `error`, `errorDescription`, `resetAt`, `cause`
   */
  constructor(code, message, extra) {
    super(message, extra && extra.cause !== undefined ? { cause: extra.cause } : undefined);
    this.name = 'LinkWidgetError';
    this.code = code;
    if (extra) {
      for (const key of ['status', 'detail', 'error', 'errorDescription', 'resetAt']) {
        if (extra[key] !== undefined && extra[key] !== null) this[key] = extra[key];
      }
    }
  }
}

// The listener registry of each widget's `on`/`off` (src/events.rs imports these; when to emit
// what is decided there). Here because the wasm already imports this module: a snippet of its
// own would be one more file for the browser tests' runner page to fetch. A list holds
// `[event, listener]` pairs in the order they were added; a pair is removed by identity.

/**
 * The event names, in the order of src/events.rs `EventKind` (`EventKind::NAMES`): the wasm
 * passes an event as its index here, never as a string.
 */
const EVENTS = ['show', 'hide', 'connection', 'linked', 'unlinked', 'authenticated', 'error'];

/**
 * The index of the event `name` in `EVENTS`, or -1 for anything else (a non-string too, by
 * strict equality): `on`/`off`'s parse, whose error and its message stay in the wasm.
 */
export const eventIndex = (name) => EVENTS.indexOf(name);

/** @returns {Array<[number, Function]>} a new, empty list */
export const listeners = () => [];

/**
 * Appends `[event, listener]` to `list`.
 * @returns {() => void} removes that pair (idempotent; a no-op once `unlistenAll` emptied the list)
 */
export function listen(list, event, listener) {
  const pair = [event, listener];
  list.push(pair);
  return () => {
    const i = list.indexOf(pair);
    if (i >= 0) list.splice(i, 1);
  };
}

/** Removes every `[event, listener]` pair of `list`. */
export function unlisten(list, event, listener) {
  for (let i = list.length; i--; ) if (list[i][0] === event && list[i][1] === listener) list.splice(i, 1);
}

/**
 * Calls each listener of `event` with `payload`, in the order added: those added meanwhile wait
 * for the next `fire`, those removed meanwhile (also by `unlistenAll`, on destroy) are skipped.
 * A listener that throws is reported with `console.error`; the others still run.
 */
export function fire(list, event, payload) {
  for (const pair of list.slice()) {
    if (pair[0] !== event || !list.includes(pair)) continue;
    try {
      pair[1](payload);
    } catch (thrown) {
      console.error(`account-link: a '${EVENTS[event]}' listener threw`, thrown);
    }
  }
}

/** Empties `list` in place. */
export function unlistenAll(list) {
  list.length = 0;
}
