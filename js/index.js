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
 * created; the widget itself (dialog, validation, flows) lives in the wasm. English is built into
 * the wasm; the other languages are small modules (`lang/<tag>.js`) imported only when
 * `options.language` asks for one, in parallel with the wasm.
 */
import init, { createWidget } from './account_link.js';
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
    // Positionally: the glue's options-object form (`{ module_or_path }`) is trimmed out of the
    // package (scripts/glue-trim.mjs), with the warning the positional form would print.
    ready = init(moduleOrPath).catch((cause) => {
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

// The built-in translations, by lower-case tag. Literal `import()` calls in a static map, so
// bundlers (Vite, Rollup, esbuild, webpack) emit each language as its own chunk and a page
// fetches only the one it uses. English is in the wasm.
const translations = {
  es: () => import('./lang/es.js'),
  fr: () => import('./lang/fr.js'),
  de: () => import('./lang/de.js'),
  'pt-br': () => import('./lang/pt-BR.js'),
  ja: () => import('./lang/ja.js'),
};

/**
 * The translation `language` names, or `undefined` for English and for a value that is not a
 * language (the wasm rejects it with the `invalid_options` message). Matches like the wasm's
 * `Language::parse`: ASCII case-insensitive, `_` for `-` (`pt_BR`).
 * @param {unknown} language
 * @returns {Promise<Record<string, string>> | undefined}
 */
function loadTranslation(language) {
  if (typeof language !== 'string') return undefined;
  const tag = language.toLowerCase().replace('_', '-');
  if (!Object.prototype.hasOwnProperty.call(translations, tag)) return undefined;
  // Not cached here: the browser (or the bundler's runtime) keeps a module once it loaded, and
  // nothing remembers a failure on our side, so the next createLinkWidget call imports again
  // (Chromium then refetches the file: tests/e2e/dialog.spec.mjs).
  return translations[tag]().then(
    (module) => module.default,
    (cause) => {
      throw new LinkWidgetError(
        'network_error',
        `could not load the account-link translation lang/${tag === 'pt-br' ? 'pt-BR' : tag}.js ` +
          `(language '${language}'): check that the package's lang/ directory is served next to index.js`,
        { cause },
      );
    },
  );
}

/**
 * `value`, or thrown when it is a `LinkWidgetError`: the wasm answers a failure with the error
 * instead of throwing it (no method returns an error object), which spares a `Result` shim in the
 * wasm and the glue.
 */
function checked(value) {
  if (value instanceof LinkWidgetError) throw value;
  return value;
}

/**
 * The widget `createLinkWidget` returns: the public methods of index.d.ts's `LinkWidget`, each one
 * call of the function the wasm's `createWidget` returns, `(op, a, b)` (src/widget.rs
 * `LinkWidget::call` lists the `op` numbers). The wasm exports one function instead of a class
 * with twelve methods because every export pays its own wasm-bindgen shim; all behaviour (checks,
 * errors, events, `destroyed`) is the wasm's, this class only names it.
 */
class LinkWidget {
  /** The wasm side, `(op, a, b) => result` (private: apps reach the widget only through the methods). */
  #w;
  /**
   * @param {unknown} options
   * @param {unknown} translation the default export of `lang/<tag>.js`, or `undefined`
   */
  constructor(options, translation) {
    // Throws the `invalid_options` `LinkWidgetError`.
    const w = checked(createWidget(options, translation));
    this.#w = (op, a, b) => checked(w(op, a, b));
  }
  /** Shows the dialog and fires `show`. */
  show() {
    this.#w(0);
  }
  /** Hides the dialog and fires `hide`. */
  hide() {
    this.#w(1);
  }
  /** @returns {boolean} whether the dialog is shown */
  get isOpen() {
    return this.#w(2);
  }
  /**
   * @param {string} event
   * @param {Function} listener
   * @returns {() => void} the unsubscribe function
   */
  on(event, listener) {
    return this.#w(3, event, listener);
  }
  /**
   * @param {string} event
   * @param {Function} listener
   */
  off(event, listener) {
    this.#w(4, event, listener);
  }
  /** Removes the dialog, the listeners and callbacks; idempotent. */
  destroy() {
    this.#w(5);
  }
  /**
   * @param {string} connection
   * @returns {Promise<unknown>}
   */
  linkWithPopup(connection) {
    return this.#w(6, connection);
  }
  /**
   * @param {string} connection
   * @returns {Promise<void>}
   */
  linkWithRedirect(connection) {
    return this.#w(7, connection);
  }
  /**
   * @param {string | URL} [url] a `URL` (such as `new URL(location.href)`) is read as its `href`
   * @returns {Promise<unknown>}
   */
  handleRedirectCallback(url) {
    return this.#w(8, url instanceof URL ? url.href : url);
  }
  /**
   * @param {{ connection: string }} options
   * @returns {Promise<unknown>}
   */
  signIn(options) {
    return this.#w(9, options);
  }
  /** @returns {Promise<unknown[]>} */
  identities() {
    return this.#w(10);
  }
  /**
   * @param {string} provider
   * @param {string} userId
   * @returns {Promise<unknown[]>}
   */
  unlink(provider, userId) {
    return this.#w(11, provider, userId);
  }
}

/**
 * Validates `options`, builds the (hidden) dialog and returns the widget. The wasm and, for a
 * language other than English, its translation are loaded in parallel.
 * Rejects with a `LinkWidgetError` (`invalid_options` naming the fix, or `network_error` when the
 * wasm or the translation cannot be loaded).
 * @param {import('./index.js').LinkWidgetOptions} options
 */
export async function createLinkWidget(options) {
  const object = options !== null && typeof options === 'object';
  const [, translation] = await Promise.all([
    loadAccountLink(object ? options.wasmUrl : undefined),
    object ? loadTranslation(options.language) : undefined,
  ]);
  // The wasm applies the translation under the app's `languageDictionary`.
  return new LinkWidget(options, translation);
}
