/**
 * `account-link/callback`: the helper for the app's callback page (its `redirectUri`).
 *
 * ```html
 * <!-- callback.html; CSP-safe: no inline script -->
 * <script type="module" src="./callback-page.js"></script>
 * ```
 * ```js
 * // callback-page.js
 * import { handlePopupCallback } from 'account-link/callback';
 * if (handlePopupCallback() === 'redirect') {
 *   const widget = await createLinkWidget(options);   // same options as the page that left
 *   const { identity } = await widget.handleRedirectCallback();
 * }
 * ```
 *
 * A popup that lands here (`?code&state` or `?error&state` with no redirect transaction stored for
 * that state, and the page plausibly our popup: it has an opener, the widget's popup window name,
 * or a state with the widget's popup marker) reports the result to the widget that opened it through
 * `BroadcastChannel('account-link:' + state)` (same origin only; it works even when
 * Cross-Origin-Opener-Policy severed `window.opener`), removes the code from its address bar and
 * closes itself. Nothing is posted with target origin `'*'`.
 *
 * @param location the page's location; default `window.location`
 * @returns `'popup'` when the page was a popup callback (handled, the window closes),
 *   `'redirect'` when it is a redirect-mode return (call `handleRedirectCallback()`), `'none'`
 *   when the URL carries no login result, or one that is neither a pending redirect nor plausibly
 *   our popup (e.g. a restored tab after the redirect transaction was used); the URL is left as is.
 */
export function handlePopupCallback(location?: Location): 'popup' | 'redirect' | 'none';
