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
 * stored for that state, the page is a popup if it plausibly is one of ours: it has an opener, or
 * the window name the widget gives its popups (`account-link-...`), or the state carries the
 * widget's popup marker (`popup.`; Cross-Origin-Opener-Policy may clear the opener and, on a
 * cross-site return, the name, but not the state). Then it reports the result to the widget that
 * opened it through `BroadcastChannel('account-link:' + state)` (same origin only, and it still
 * works when COOP cut `window.opener`), removes the code from its own address bar and closes
 * itself. The widget checks the type and the state before it accepts the message. Nothing is ever
 * posted with target origin `'*'`.
 *
 * Otherwise (say a redirect-mode return whose transaction is gone: a restored tab, another tab)
 * it returns `'none'` and leaves the URL alone, so the page can still report the failure, for
 * instance by calling `handleRedirectCallback()` (which rejects with `state_mismatch`).
 *
 * @param {Location} [location] defaults to `window.location`
 * @returns {'popup' | 'redirect' | 'none'} what the page was: a popup callback (handled), a
 *   redirect-mode return (left for `handleRedirectCallback()`), or neither (no login result, or
 *   one that is neither a pending redirect nor plausibly our popup; the URL is left as it is)
 */
export function handlePopupCallback(location = window.location) {
  const params = new URLSearchParams(location.search);
  const state = params.get('state');
  if (!state || !(params.has('code') || params.has('error'))) return 'none';
  let stored = null;
  try {
    stored = window.sessionStorage.getItem('account-link.tx.' + state);
  } catch {
    // sessionStorage disabled: redirect mode cannot have run here, so this is a popup.
  }
  if (stored !== null) return 'redirect';
  let name = '';
  try {
    name = window.name;
  } catch {
    // Not readable: rely on the other signs.
  }
  const ours = window.opener != null || name.startsWith('account-link-') || state.startsWith('popup.');
  if (!ours) return 'none';
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
  } catch {
    // Not fatal: the window closes next.
  }
  window.close();
  return 'popup';
}
