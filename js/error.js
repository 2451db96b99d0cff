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
