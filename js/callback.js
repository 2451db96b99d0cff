/**
 * Callback page helper for account-link's popup fallback (DESIGN.md 4).
 *
 * ```html
 * <!-- callback.html at the app's redirectUri; CSP-safe: no inline script -->
 * <script type="module" src="./callback-page.js"></script>
 * ```
 * ```js
 * // callback-page.js
 * import { handlePopupCallback } from 'account-link/callback';
 * if (handlePopupCallback() === 'redirect') {
 *   // redirect mode: create the widget and call widget.handleRedirectCallback()
 * }
 * ```
 *
 * When the popup lands here with `?code&state` (or `?error&state`) and no redirect transaction is
 * stored for that state, the page is a popup: it reports the result to the widget that opened it
 * through `BroadcastChannel('account-link:' + state)` (same origin only, and it still works when
 * Cross-Origin-Opener-Policy cut `window.opener`), removes the code from its own address bar and
 * closes itself. The widget checks the type and the state before it accepts the message. Nothing
 * is ever posted with target origin `'*'`.
 *
 * @param {Location} [location] defaults to `window.location`
 * @returns {'popup' | 'redirect' | 'none'} what the page was: a popup callback (handled), a
 *   redirect-mode return (left for `handleRedirectCallback()`), or no login result at all
 */
export function handlePopupCallback(location = window.location) {
  const params = new URLSearchParams(location.search);
  const state = params.get('state');
  if (!state || !(params.has('code') || params.has('error'))) return 'none';
  let stored = null;
  try {
    stored = window.sessionStorage.getItem('account-link.tx.' + state);
  } catch (_) {
    // sessionStorage disabled: redirect mode cannot have run here, so this is a popup.
  }
  if (stored !== null) return 'redirect';
  const response = { state };
  for (const key of ['code', 'error', 'error_description']) {
    const value = params.get(key);
    if (value !== null) response[key] = value;
  }
  const channel = new BroadcastChannel('account-link:' + state);
  channel.postMessage({ type: 'authorization_response', response });
  channel.close();
  try {
    window.history.replaceState(null, '', location.pathname);
  } catch (_) {
    // Not fatal: the window closes next.
  }
  window.close();
  return 'popup';
}
