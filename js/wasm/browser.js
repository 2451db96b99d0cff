// Browser calls the wasm makes, each as ONE call or promise: every `.await` in the wasm is a
// state (and drop paths) in the async state machine of each flow that inlines it, and every
// web-sys method is one more import and glue function; a few lines of JS here cost less than
// both. Imported with `#[wasm_bindgen(module = "/js/wasm/browser.js")]` by src/http.rs,
// src/id_token.rs, src/oauth.rs, src/popup.rs, src/flow.rs, src/api.rs, src/token.rs,
// src/task.rs, src/options.rs and src/transaction.rs, and bundled into dist/index.js. An import whose arguments and result are
// all JS references is imported by the wasm directly (no glue function); that once made esbuild
// build a namespace object of the whole module (about +100 B brotli), which the build now
// replaces by an object of just the imported functions (scripts/wasm-names.mjs).
// No decision is made here: status codes, the messages' origin/source/shape/state, the
// signature's verdict, every claim and PKCE/state/nonce are judged in Rust. The only rules here
// are jsonPart's, strict unpadded base64url and UTF-8 (tests/id_token.rs), and those of
// formDecode, callbackFields and stripCallback, which are URLSearchParams' own
// (tests/oauth_browser.rs).

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/**
 * fetch with `Accept: application/json`, an optional bearer token, a JSON (kind 1) or form (kind
 * 2) body, aborted after `ms`; the body is read whatever the status. Resolves
 * `{ status, json, invalid, reset }`: `json` is `null` for an empty body and for one that is not
 * JSON (`invalid` true), `reset` is the `x-ratelimit-reset` header (or `null`). Rejects with a
 * string: `'timeout'` (the abort fired), `'fetch failed'`, `'body read failed'` or `'body'`.
 * The timer is cleared as soon as the call settles, which the abort bounds by `ms`.
 */
export async function send(method, url, bearer, kind, body, ms) {
  const headers = { Accept: 'application/json' };
  if (bearer) headers.Authorization = 'Bearer ' + bearer;
  if (kind) headers['Content-Type'] = kind == 1 ? 'application/json' : 'application/x-www-form-urlencoded';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  let step = 'body';
  try {
    if (kind == 1) body = JSON.stringify(body);
    step = 'fetch failed';
    const response = await fetch(url, { method, headers, body, signal: controller.signal });
    step = 'body read failed';
    const text = await response.text();
    let json = null;
    let invalid = false;
    if (text.trim()) {
      try {
        json = JSON.parse(text);
      } catch {
        invalid = true;
      }
    }
    return { status: response.status, json, invalid, reset: response.headers.get('x-ratelimit-reset') };
  } catch {
    throw controller.signal.aborted ? 'timeout' : step;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The token request (`send('POST', url, null, 2, form, ms)`) and, when `jwksUrl` is given, the
 * GET of the tenant's JWKS, started together (the JWKS no longer waits for the token's round
 * trip). Resolves `[token, jwks]`, each what `send` resolved with or, when it rejected, its reason
 * (a string); `jwks` is `undefined` when not asked. Never rejects. Nothing is judged here: the
 * wasm reads the token's reply first, then the JWKS, and picks the key itself.
 */
export function sendPair(url, form, jwksUrl, ms) {
  const settle = (promise) => promise.catch((reason) => reason);
  return Promise.all([
    settle(send('POST', url, null, 2, form, ms)),
    jwksUrl ? settle(send('GET', jwksUrl, null, 0, undefined, ms)) : undefined,
  ]);
}

/**
 * Verifies the RS256 signature of the compact JWS `token` with the RSA public key `n`, `e`
 * (base64url, from the tenant's JWK; nothing else of the JWK is used). The wasm has checked the
 * token's syntax (three parts, base64url): the signed bytes are the ASCII text before the last
 * `.`, the signature the unpadded base64url text after it. Both are read from the string at once,
 * so nothing here points into the wasm's memory across the awaits (a view of it would be
 * detached if the memory grew meanwhile). Resolves 0 valid, 1 invalid (or it cannot be decoded,
 * or verify failed), 2 the key cannot be imported, 3 no WebCrypto (not a secure context).
 */
export async function verifyRs256(n, e, token) {
  const dot = token.lastIndexOf('.');
  const data = new TextEncoder().encode(token.slice(0, dot));
  const signature = token.slice(dot + 1);
  const subtle = globalThis.crypto && crypto.subtle;
  if (!subtle) return 3;
  let key;
  try {
    key = await subtle.importKey('jwk', { kty: 'RSA', n, e, alg: 'RS256', ext: true }, RS256, false, ['verify']);
  } catch {
    return 2;
  }
  try {
    return (await subtle.verify(RS256, key, base64urlBytes(signature), data)) ? 0 : 1;
  } catch {
    return 1;
  }
}

/**
 * The PKCE S256 challenge (RFC 7636 4.2): BASE64URL(SHA256(ASCII(verifier))), no padding, with
 * `crypto.subtle.digest`. Rejects where WebCrypto is missing (not a secure context).
 */
export async function s256(verifier) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Opens the 480x640 popup named `name` on `about:blank`, centred over the window, synchronously
 * (call it inside the click). Returns the window, or `null` when the browser blocked it (or
 * `open` threw, as in a sandboxed frame).
 */
export function openPopup(name) {
  const int = (v) => Math.trunc(+v || 0);
  const left = int(screenX) + Math.trunc(Math.max(int(outerWidth) - 480, 0) / 2);
  const top = int(screenY) + Math.trunc(Math.max(int(outerHeight) - 640, 0) / 2);
  try {
    return open('', name, `popup=yes,width=480,height=640,left=${left},top=${top}`);
  } catch {
    return null;
  }
}

/** `popup.close()`; a failure is ignored (the wasm never acted on one). */
export function closePopup(popup) {
  try {
    popup.close();
  } catch {}
}

/** `popup.location.href = url`: true, or false when it threw. */
export function navigatePopup(popup, url) {
  try {
    popup.location.href = url;
    return true;
  } catch {
    return false;
  }
}

// Listeners, channels, intervals and timers `watchPopup` holds now, for `liveWatches` (tests).
let live = 0;

/** How many listeners, channels, intervals and timers the running `watchPopup`s hold. */
export function liveWatches() {
  return live;
}

/**
 * Watches one popup transaction and reports to the wasm, which judges everything:
 * `report(0, origin, fromPopup, event)` for each window `message` (`fromPopup`: its source is
 * `popup`; the wasm reads `event.data` only after checking both), `report(1, '', false, event)`
 * for each message on the BroadcastChannel `channel` (the
 * callback page's fallback; skipped where BroadcastChannel is missing), `report(2, '', false)`
 * each poll (every `pollMs`) once `popup.closed` has read true for `graceMs` without a break, and
 * `report(3, '', false)` after `timeoutMs`. Returns `stop`, which removes all of them (once).
 */
export function watchPopup(popup, channel, graceMs, pollMs, timeoutMs, report) {
  const onMessage = (event) => report(0, event.origin, event.source === popup, event);
  addEventListener('message', onMessage);
  let bc = null;
  try {
    bc = new BroadcastChannel(channel);
    bc.onmessage = (event) => report(1, '', false, event);
  } catch {
    bc = null;
  }
  let since = null;
  const poll = setInterval(() => {
    let closed = false;
    try {
      closed = popup.closed === true;
    } catch {}
    if (!closed) {
      since = null;
      return;
    }
    const now = Date.now();
    if (since === null) since = now;
    if (now - since >= graceMs) report(2, '', false);
  }, pollMs);
  const timer = setTimeout(() => report(3, '', false), timeoutMs);
  const held = bc ? 4 : 3;
  live += held;
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    removeEventListener('message', onMessage);
    if (bc) {
      bc.onmessage = null;
      bc.close();
    }
    clearInterval(poll);
    clearTimeout(timer);
    live -= held;
  };
}

/**
 * The bytes of unpadded base64url `text` (`atob` after mapping `-_` to `+/`; throws where `atob`
 * does). The callers check what they accept first.
 */
function base64urlBytes(text) {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
}

/**
 * The JSON object of one part (header or payload) of a compact JWS: unpadded base64url (RFC 4648
 * 5; padding, characters outside the alphabet or an impossible length refused) -> strict UTF-8
 * (a BOM kept, so JSON.parse refuses it) -> `JSON.parse`. `null` unless that gives an object.
 */
export function jsonPart(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 == 1) return null;
  try {
    const bytes = base64urlBytes(text);
    const value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
    return value !== null && typeof value == 'object' ? value : null;
  } catch {
    return null;
  }
}

/**
 * One `application/x-www-form-urlencoded` value or key decoded as the URL standard does (`+` is
 * a space, `%XX` a byte, malformed escapes kept literally, invalid UTF-8 replaced by U+FFFD), by
 * `URLSearchParams`. A literal `&` is escaped first so it stays part of the value.
 */
export function formDecode(text) {
  return new URLSearchParams('a=' + text.replace(/&/g, '%26')).get('a');
}

// The redirect callback's parameters (src/oauth.rs, src/flow.rs): parsed and stripped here in one
// call each; what counts as a login result, and every state check, is judged in Rust.
const CALLBACK_KEYS = ['code', 'state', 'error', 'error_description'];

/**
 * `[code, state, error, error_description]` of a query string (any leading `?`s skipped), each
 * the first value, decoded as `formDecode` does, or `null` when absent. Empty pairs match no
 * key; a key without `=` has the value `''`. With `clean`, `cleanAddressBar()` runs first (one
 * call for the redirect callback; measured before direct imports lost their namespace object).
 */
export function callbackFields(query, clean) {
  if (clean) cleanAddressBar();
  const params = new URLSearchParams(query.replace(/^\?+/, ''));
  return CALLBACK_KEYS.map((key) => params.get(key));
}

/**
 * `url` without the callback parameters (keys compared decoded, so `c%6Fde` is `code`); the other
 * pairs are kept as written (not re-encoded), empty pairs dropped, the fragment kept.
 */
export function stripCallback(url) {
  const hash = url.indexOf('#');
  const head = hash < 0 ? url : url.slice(0, hash);
  const q = head.indexOf('?');
  if (q < 0) return url;
  const kept = head
    .slice(q + 1)
    .split('&')
    .filter((pair) => pair && !CALLBACK_KEYS.includes(formDecode(pair.split('=')[0])));
  return head.slice(0, q) + (kept.length ? '?' + kept.join('&') : '') + (hash < 0 ? '' : url.slice(hash));
}

/**
 * Replaces the page's address by `stripCallback(location.href)` with `history.replaceState` when
 * that differs, so the code and state leave the address bar. Nothing outside a window, or when
 * history refuses.
 */
function cleanAddressBar() {
  try {
    const href = location.href;
    const clean = stripCallback(href);
    if (clean != href) history.replaceState(null, '', clean);
  } catch {}
}

/**
 * Fills `bytes` (a view of wasm memory, which wasm-bindgen copies back) with
 * `crypto.getRandomValues`. Returns false where WebCrypto is missing or the call threw (more than
 * 65536 bytes); the wasm then fails instead of using the bytes.
 */
export function fillRandom(bytes) {
  try {
    crypto.getRandomValues(bytes);
    return true;
  } catch {
    return false;
  }
}

// The redirect transaction store of src/transaction.rs (sessionStorage), each step one call
// instead of the Storage imports, their `Result`s and a JS object built or read field by field.
// Which record is readable, stale or ours is decided in Rust.

// `sessionStorage`, or `null` where it is missing (a worker) or refused (it throws).
function session() {
  try {
    return sessionStorage || null;
  } catch {
    return null;
  }
}

/**
 * The keys of sessionStorage that start with `prefix`, as a new array (safe to remove items while
 * walking it); empty without sessionStorage. A storage that throws while being read yields the
 * keys found so far.
 */
export function storageKeys(prefix) {
  const storage = session();
  const keys = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key != null && key.startsWith(prefix)) keys.push(key);
    }
  } catch {}
  return keys;
}

/**
 * Stores `JSON.stringify({ state, nonce, verifier, connection, createdAt, kind, primary })` under
 * `key`, then, when `url` is not empty, leaves for it (`location.assign`). Returns 0 done, 1 no
 * sessionStorage, 2 `setItem` threw (full or disabled), 3 the navigation threw.
 */
export function txSave(key, state, nonce, verifier, connection, createdAt, kind, primary, url) {
  const storage = session();
  if (!storage) return 1;
  try {
    storage.setItem(key, JSON.stringify({ state, nonce, verifier, connection, createdAt, kind, primary }));
  } catch {
    return 2;
  }
  try {
    if (url) location.assign(url);
    return 0;
  } catch {
    return 3;
  }
}

/**
 * The record under `key` as the array `[state, nonce, verifier, connection, createdAt, kind,
 * primary]` of whatever its JSON object holds (nothing is checked here), `[]` when it is not a
 * JSON object, `null` when there is none (or `getItem` threw), `undefined` without
 * sessionStorage. With `remove`, the entry is deleted too, whatever it held.
 */
export function txRead(key, remove) {
  const storage = session();
  if (!storage) return undefined;
  let text = null;
  try {
    text = storage.getItem(key);
  } catch {}
  if (remove) {
    try {
      storage.removeItem(key);
    } catch {}
  }
  if (text == null) return null;
  try {
    const o = JSON.parse(text);
    if (o !== null && typeof o == 'object') return [o.state, o.nonce, o.verifier, o.connection, o.createdAt, o.kind, o.primary];
  } catch {}
  return [];
}

// The page lookups of src/options.rs (its defaults and the `container` option), each one call
// instead of window/location/document imports and their `Result`s. The option rules and
// messages stay in Rust.

/**
 * The default `redirectUri`, `location.origin + location.pathname`, or `null` outside a window
 * (a worker): what `web_sys::window()` and its `location` gave before.
 */
export function pageAddress() {
  return typeof Window == 'function' && globalThis instanceof Window ? location.origin + location.pathname : null;
}

/**
 * `location.href` of the page, or with `origin` its `location.origin` (the flows' default
 * callback address and the popup's `web_message` redirect URI); `undefined` outside a window.
 */
export function pageLocation(origin) {
  if (!(typeof Window == 'function' && globalThis instanceof Window)) return undefined;
  return origin ? location.origin : location.href;
}

/**
 * `document.querySelector(selector)` of the page: the element, `null` when none matches, `false`
 * when the selector is invalid (it threw), `undefined` outside a window.
 */
export function pageQuery(selector) {
  if (!(typeof Window == 'function' && globalThis instanceof Window)) return undefined;
  try {
    return document.querySelector(selector);
  } catch {
    return false;
  }
}

/**
 * The `accessToken` provider `f` called without arguments or `this` (src/token.rs): a promise
 * of what it returns (a value, or what a returned promise or thenable settles with), rejected
 * when it throws. Whether the result is a usable token is judged in Rust.
 */
export async function callProvider(f) {
  return f();
}

/**
 * `Reflect.get(object, key)` of an object (`typeof` `'object'`, not `null`); `undefined` for
 * anything else, or when a getter throws (src/http.rs `field`, `field_str`, `field_f64`).
 */
export function field(object, key) {
  try {
    return typeof object == 'object' && object !== null ? Reflect.get(object, key) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Gives a fresh plain object of the wasm's the own property `key` (src/http.rs `set_field`):
 * defined, not assigned, so a setter a page put on `Object.prototype` under that name (say
 * `access_token`) neither runs nor sees the value, and nothing can throw.
 */
export function setField(object, key, value) {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * `String(n)`: a number's text as `Number#toString` gives it (src/api.rs `id_string`, the numeric
 * ids; src/widget/actions.rs `arg`).
 */
export function numberText(n) {
  return String(n);
}

/**
 * The public form of one identity (src/api.rs `Identity::to_js`): `{ provider, userId,
 * connection, isSocial, profile: { name, email, picture } }` in that key order, a profile field
 * left out when the wasm passes none (`undefined`).
 */
export function identityObject(provider, userId, connection, isSocial, name, email, picture) {
  const profile = {};
  if (name != null) profile.name = name;
  if (email != null) profile.email = email;
  if (picture != null) profile.picture = picture;
  return { provider, userId, connection, isSocial, profile };
}

// The promises of src/task.rs: made and settled through these, not `new Promise` with a Rust
// closure and `Function.prototype.call` (their glue).

/** A new promise and its own `resolve` and `reject`: `[promise, resolve, reject]`. */
export function deferred() {
  let resolve, reject;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // Listed, not spread: a spread runs the array iterator, which a page can replace.
  return [promise, resolve, reject];
}

/** `f(value)`: settles a promise through its `resolve` or `reject` (which do not throw). */
export function callWith(f, value) {
  f(value);
}

/**
 * Calls `f` once the frame that is drawing the page's latest changes has been drawn (the next
 * animation frame, then a task), so the work done there does not delay that frame; and after
 * 100 ms in any case, for pages where no frame comes: a hidden page (a tab opened in the
 * background, where the browser may also hold timers back), a page hidden right after the call,
 * an off-screen cross-origin frame. `f` is called twice whenever both fire: it must ignore the
 * second call (src/task.rs's poll takes its task on the first). `show()` starts its identities
 * listing this way (src/widget.rs): asking for the token and starting the fetch cost the
 * dialog's first frame several ms.
 */
export function afterFrame(f) {
  requestAnimationFrame(() => setTimeout(f));
  setTimeout(f, 100);
}
