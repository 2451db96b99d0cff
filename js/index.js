/**
 * account-link: the package entry.
 *
 * ```js
 * import { createLinkWidget, LinkWidgetError } from 'account-link';
 * const widget = await createLinkWidget({ domain: 'tenant.eu.auth0.com', clientId: 'CLIENT_ID',
 *   connections: ['google-oauth2', 'github'], accessToken });
 * addAccount.onclick = () => widget.show();
 * ```
 *
 * The WebAssembly module is fetched and instantiated once per page, however many widgets are
 * created; the widget itself (dialog, validation, flows) lives in the wasm.
 */
import init, { LinkWidget } from './account_link.js';
import { LinkWidgetError } from './error.js';

export { LinkWidgetError };

/** @type {Promise<unknown> | undefined} */
let ready;

/**
 * Loads the wasm once. `moduleOrPath` (optional) is what wasm-bindgen's `init` accepts: a URL or
 * path of `account_link_bg.wasm`, a `Response`, a `WebAssembly.Module`, or bytes. Without it the
 * file next to this one is used.
 * @param {unknown} [moduleOrPath]
 * @returns {Promise<void>}
 */
export function loadAccountLink(moduleOrPath) {
  if (!ready) {
    const arg = moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath };
    ready = init(arg).catch((cause) => {
      ready = undefined; // let a later call retry
      throw new LinkWidgetError(
        'network_error',
        'could not load the account-link WebAssembly module: check that account_link_bg.wasm is ' +
          "served (with Content-Type application/wasm) and that the CSP allows 'wasm-unsafe-eval'",
        { cause },
      );
    });
  }
  return ready.then(() => undefined);
}

/**
 * Validates `options`, builds the (hidden) dialog and returns the widget.
 * Rejects with a `LinkWidgetError` (`invalid_options` naming the fix, or `network_error` when the
 * wasm cannot be loaded).
 * @param {import('./index.js').LinkWidgetOptions} options
 */
export async function createLinkWidget(options) {
  const wasmUrl = options !== null && typeof options === 'object' ? options.wasmUrl : undefined;
  await loadAccountLink(wasmUrl);
  return new LinkWidget(options);
}
