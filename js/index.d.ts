/**
 * account-link: a "Link with another account" dialog for Auth0 tenants, in WebAssembly.
 * It replaces the deprecated Auth0 Lock linking popup.
 *
 * ```ts
 * import { createLinkWidget, LinkWidgetError } from 'account-link';
 *
 * const widget = await createLinkWidget({
 *   domain: 'tenant.eu.auth0.com',
 *   clientId: 'CLIENT_ID',
 *   accessToken: () => auth0.getTokenSilently({ authorizationParams: { audience: 'https://tenant.eu.auth0.com/api/v2/' } }),
 *   connections: ['google-oauth2', 'github'],
 * });
 * widget.on('linked', ({ identity }) => console.log('linked', identity.provider));
 * document.querySelector('#add-account')!.addEventListener('click', () => widget.show());
 * ```
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/**
 * Creates a widget: loads the WebAssembly module (once per page, however many widgets), validates
 * `options` and builds the hidden dialog. For a `language` other than English it also loads that
 * language's strings, a small module `lang/<tag>.js` next to the entry, in parallel with the
 * wasm; an English page loads no translation. Bundlers emit each language as its own chunk.
 *
 * ```ts
 * const widget = await createLinkWidget({ domain: 'tenant.eu.auth0.com', clientId: 'CLIENT_ID',
 *   connections: ['github'], accessToken });
 * widget.show();
 * ```
 *
 * @throws {LinkWidgetError} `invalid_options` (the message names the fix) or `network_error`
 *   (the wasm file, or the `lang/<tag>.js` of `language`, could not be loaded; the message names
 *   the file, and a later call tries again).
 */
export function createLinkWidget(options: LinkWidgetOptions): Promise<LinkWidget>;

/**
 * Loads the WebAssembly module ahead of time (optional: `createLinkWidget` does it). Later calls
 * return the same promise.
 *
 * ```ts
 * await loadAccountLink(new URL('/assets/account_link_bg.wasm', location.href));
 * ```
 *
 * @param moduleOrPath URL or path of `account_link_bg.wasm`, a `Response`, a `WebAssembly.Module`
 *   or the bytes; defaults to the file next to the package entry.
 */
export function loadAccountLink(
  moduleOrPath?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link createLinkWidget}. Validated up front: anything malformed rejects with
 * `invalid_options` and a message naming the fix. Unknown top-level options are ignored.
 *
 * ```ts
 * const options: LinkWidgetOptions = {
 *   domain: 'tenant.eu.auth0.com', clientId: 'CLIENT_ID', connections: ['google-oauth2', 'github'],
 *   language: 'fr', theme: { primaryColor: '#0a66c2' }, container: '#account-link',
 * };
 * ```
 */
export interface LinkWidgetOptions {
  /**
   * The tenant's host name, e.g. `'tenant.eu.auth0.com'` (https is implied; `https://host` with no
   * path is accepted too). Plain `http://` is allowed only for a loopback host with a port, i.e.
   * the local emulator: `'http://127.0.0.1:4010'`. Paths, queries, user names and other schemes are
   * rejected.
   */
  domain: string;
  /** The application's Client ID (non-empty, no whitespace). */
  clientId: string;
  /**
   * The connections offered, one button each, in this order (at least one, no duplicates).
   * Well-known names get a built-in label: `google-oauth2` Google, `github` GitHub, `facebook`
   * Facebook, `twitter` X (Twitter), `windowslive` Microsoft, `apple` Apple, `linkedin` LinkedIn
   * (and gitlab, bitbucket, discord, amazon, yahoo); any other shows its name unless given as
   * `{ name, displayName }`. Names contain only letters, digits, `-`, `_` and `.`.
   */
  connections: Array<string | ConnectionOption>;
  /**
   * Access token of the signed-in (primary) user for the Management API audience
   * `https://DOMAIN/api/v2/` with scopes `read:current_user update:current_user_identities`; or a
   * function returning one (or a Promise of one), called before each API request, so an expired
   * token is replaced, e.g. `() => auth0.getTokenSilently({...})`. Optional when the app signs in
   * with {@link LinkWidget.signIn}.
   */
  accessToken?: string | (() => string | Promise<string>);
  /** The primary user's id, e.g. `'auth0|123'`. Default: the `sub` of `accessToken` when it is a JWT. */
  userId?: string;
  /** `'popup'` (default): the provider's login runs in a popup. `'redirect'`: the page navigates. */
  mode?: 'popup' | 'redirect';
  /**
   * Absolute http(s) URL of the callback page (redirect mode, and the popup fallback); must be in
   * the application's Allowed Callback URLs. No fragment. Default: `location.origin + location.pathname`.
   */
  redirectUri?: string;
  /**
   * Built-in language of the dialog, also its `lang` attribute. Default `'en'`. Case-insensitive
   * (`'pt_BR'` is accepted too). English is built in; for another language `createLinkWidget`
   * loads `lang/<tag>.js` from the package (serve the package's `lang/` directory next to
   * `index.js` when you copy the files yourself; bundlers handle it).
   */
  language?: Language;
  /**
   * Overrides of any dialog string, by key (see {@link DictionaryKey}). `{name}` in a value is
   * replaced by the provider's label. They win over the built-in strings of `language`; a key not
   * given keeps that language's string. Values must be strings. **Unknown keys are ignored with one
   * console warning listing the known keys**, so a Lock `languageDictionary` can be passed as is.
   * Every value is shown as text, never parsed as HTML.
   */
  languageDictionary?: LanguageDictionary;
  /** Colour and logo. */
  theme?: Theme;
  /**
   * Render the dialog inline in this element (a CSS selector or an Element) instead of as a modal.
   * Inline: no backdrop, no `aria-modal`, no focus trap, Escape does not close. A selector matching
   * nothing is `invalid_options`.
   */
  container?: string | Element;
  /**
   * How the popup answers. `'web_message'` (default): the tenant's page posts the result to this
   * window (checked: exact origin, our popup, state). `'query'`: the popup returns to `redirectUri`,
   * your callback page, whose `handlePopupCallback()` (from `account-link/callback`) reports over a
   * same-origin `BroadcastChannel`; use it when your pages send `Cross-Origin-Opener-Policy`, which
   * cuts the popup off from `window.opener`. A popup cut off that way reads as closed, so in this
   * mode a popup the user closes is noticed only at `popupTimeoutSeconds` (consider 30-60).
   */
  popupResponseMode?: 'web_message' | 'query';
  /** Seconds to wait for the popup before `timeout` (the popup is closed). 1 to 3600; default 60. */
  popupTimeoutSeconds?: number;
  /**
   * Opt in to the deprecated Authentication API linking flow (the primary access token travels in
   * the authorize URL, against RFC 9700 4.3.2). Default `false`; a console warning (once per page)
   * explains the risk. With it, the dialog's connection buttons and `linkWithRedirect` use the
   * legacy redirect (finish with `handleRedirectCallback`), and unlinking uses `POST /unlink`;
   * `linkWithPopup` keeps the modern flow.
   */
  legacy?: boolean;
  /**
   * Where to load `account_link_bg.wasm` from, when it is not served next to the package entry
   * (bundlers that rename assets). Only used by the first widget of the page.
   */
  wasmUrl?: string | URL;
}

/** A connection with its own button label. */
export interface ConnectionOption {
  /** The Auth0 connection name, e.g. `'acme-oidc'`. */
  name: string;
  /** The label on its button ("Continue with {displayName}") and in the identities list. */
  displayName?: string;
}

/** Theming. Works under a strict CSP (CSSOM and adopted stylesheets only). */
export interface Theme {
  /**
   * Accent colour of focus rings and primary buttons: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
   * `rgb()`/`rgba()`/`hsl()`/`hsla()` with numbers, or a colour keyword. Text on it is white, or
   * black on a light hex colour (WCAG luminance).
   */
  primaryColor?: string;
  /** Logo shown beside the title: an `https:` URL only (or the loopback emulator's origin). */
  logo?: string;
}

/** Built-in languages. */
export type Language = 'en' | 'es' | 'fr' | 'de' | 'pt-BR' | 'ja';

/**
 * Keys of {@link LinkWidgetOptions.languageDictionary} (English defaults shown):
 * - `title` "Link with another account"
 * - `close` "Close" (label of the × button)
 * - `connectWith` "Continue with {name}" (connection buttons)
 * - `identitiesTitle` "Linked accounts"
 * - `primary` "Signed in" (badge of the primary identity)
 * - `unlink` "Unlink"
 * - `unlinkPrompt` "Unlink {name}?"
 * - `confirmUnlink` "Unlink", `cancelUnlink` "Cancel"
 * - `useRedirect` "Continue in this window" (offered after `popup_blocked`)
 * - status line: `loading` "Loading linked accounts…", `waitingForPopup` "Waiting for the popup…",
 *   `redirecting` "Redirecting…", `linking` "Linking the account…", `linked` "Account linked.",
 *   `unlinking` "Unlinking…", `unlinked` "Account unlinked."
 * - error area, one per {@link ErrorCode}: `error` + the code in PascalCase, e.g.
 *   `errorPopupBlocked` "The browser blocked the sign-in window.", `errorAlreadyLinked` "That
 *   account is already linked.", `errorNetworkError` "Could not connect. Check your connection and
 *   try again."
 */
export type DictionaryKey =
  | 'title'
  | 'close'
  | 'connectWith'
  | 'identitiesTitle'
  | 'primary'
  | 'unlink'
  | 'unlinkPrompt'
  | 'confirmUnlink'
  | 'cancelUnlink'
  | 'useRedirect'
  | 'loading'
  | 'waitingForPopup'
  | 'redirecting'
  | 'linking'
  | 'linked'
  | 'unlinking'
  | 'unlinked'
  | 'errorInvalidOptions'
  | 'errorPopupBlocked'
  | 'errorCancelled'
  | 'errorTimeout'
  | 'errorStateMismatch'
  | 'errorAuthorizationError'
  | 'errorInvalidIdToken'
  | 'errorSameIdentity'
  | 'errorAlreadyLinked'
  | 'errorUnauthorized'
  | 'errorForbidden'
  | 'errorRateLimited'
  | 'errorApiError'
  | 'errorNetworkError'
  | 'errorDestroyed';

/** String overrides by key; other keys are ignored with a console warning. */
export type LanguageDictionary = Partial<Record<DictionaryKey, string>> & Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/**
 * One identity of the user, as the Management API returns it (primary first).
 *
 * ```ts
 * const [primary, ...linked] = await widget.identities();
 * ```
 */
export interface Identity {
  /** e.g. `'auth0'`, `'github'`, `'google-oauth2'`. */
  provider: string;
  /** The bare id at the provider (without `provider|`); numeric ids (GitHub) come as strings. */
  userId: string;
  /** The connection name. */
  connection: string;
  /** Whether the connection is a social one. */
  isSocial: boolean;
  /**
   * Name, email and picture when known (a secondary's `profileData`, the user's own for the
   * primary). Shown as text; the dialog loads pictures from https only (or the emulator).
   */
  profile: IdentityProfile;
}

/** Profile of an identity: only the fields the provider gave. */
export interface IdentityProfile {
  name?: string;
  email?: string;
  picture?: string;
}

/** What {@link LinkWidget.linkWithPopup} and `handleRedirectCallback` resolve with. */
export interface LinkResult {
  /** The identity just linked (`null` when it cannot be told apart in the list, e.g. legacy mode relinking). */
  identity: Identity | null;
  /** All identities of the user after linking, primary first. */
  identities: Identity[];
}

/** What {@link LinkWidget.signIn} resolves with. */
export interface SignInResult {
  /** Management API access token of the signed-in user (kept in memory for linking). */
  accessToken: string;
  /** The validated ID token. */
  idToken: string;
  /** Claims of the ID token (`sub`, `name`, `email`, `picture`...). */
  profile: Record<string, unknown> & { sub: string };
  /** When the access token expires, in milliseconds since the epoch (`null` when the tenant did not say). */
  expiresAt: number | null;
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/** Payload of each event. */
export interface LinkWidgetEventMap {
  /** The dialog was shown. */
  show: undefined;
  /** The dialog was hidden (close button, Escape, `hide()`). */
  hide: undefined;
  /** A connection button was clicked (fired before the flow starts). */
  connection: { connection: string };
  /** An account was linked. */
  linked: LinkResult;
  /** An account was unlinked; `identities` is the updated list. */
  unlinked: { provider: string; userId: string; identities: Identity[] };
  /** The primary sign-in ({@link LinkWidget.signIn}) finished. */
  authenticated: { profile: SignInResult['profile']; expiresAt: number | null };
  /** Something failed (also shown in the dialog, and the promise rejects with the same error). */
  error: LinkWidgetError;
}

/** Names of the events. */
export type LinkWidgetEvent = keyof LinkWidgetEventMap;

// ---------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------

/**
 * The widget returned by {@link createLinkWidget}. After {@link LinkWidget.destroy} every method
 * throws (or rejects with) a `LinkWidgetError` with code `destroyed`.
 *
 * ```ts
 * const off = widget.on('linked', ({ identities }) => render(identities));
 * addAccount.onclick = () => widget.show();   // Lock's lock.show()
 * // later: off(); widget.destroy();
 * ```
 *
 * DOM contract (stable selectors for your own end-to-end tests): the dialog lives in an open
 * shadow root of an element with attribute `data-account-link`; inside, `[role="dialog"]`,
 * `[data-part="title"]`, `button[data-connection="NAME"]`, `button[data-action="close"]`,
 * `[data-part="identities"] [data-identity="provider|user_id"]`, `button[data-action="unlink"]`,
 * `button[data-action="confirm-unlink"]`, `button[data-action="cancel-unlink"]`,
 * `[data-part="error"]` (role alert), `[data-part="status"]` (role status),
 * `button[data-action="use-redirect"]`.
 */
export interface LinkWidget {
  /**
   * Shows the dialog and fires `show`. Modal: focus moves to the first connection button and is
   * trapped in the dialog until it closes (close button, or Escape; an open unlink confirmation is
   * cancelled by the first Escape); focus then returns to the element focused before. Inline:
   * reveals the dialog in its container (widgets start hidden in both modes). No-op when shown.
   * With `accessToken` set, the dialog appears with "Loading linked accounts…" and lists the
   * user's identities; that request starts once the dialog's first frame is drawn, so it does not
   * delay that frame (after 100 ms where no frame comes, as in a tab opened in the background).
   *
   * ```ts
   * button.addEventListener('click', () => widget.show());
   * ```
   */
  show(): void;

  /**
   * Hides the dialog, returns focus to the opener (modal) and fires `hide`. No-op when hidden.
   *
   * ```ts
   * widget.on('linked', () => widget.hide());
   * ```
   */
  hide(): void;

  /** `true` while the dialog is shown. */
  readonly isOpen: boolean;

  /**
   * Adds a listener; returns a function that removes it (safe to call more than once, or after
   * `destroy`). A listener that throws is reported with `console.error`; the others still run.
   *
   * ```ts
   * const off = widget.on('connection', ({ connection }) => console.log(connection));
   * off();
   * ```
   *
   * @throws {LinkWidgetError} `invalid_options` for an unknown event or a non-function listener.
   */
  on<E extends LinkWidgetEvent>(event: E, listener: (payload: LinkWidgetEventMap[E]) => void): () => void;

  /**
   * Removes every registration of `listener` for `event`.
   *
   * ```ts
   * widget.off('linked', onLinked);
   * ```
   */
  off<E extends LinkWidgetEvent>(event: E, listener: (payload: LinkWidgetEventMap[E]) => void): void;

  /**
   * Removes the dialog from the page, every listener and every callback. Idempotent; any later
   * call fails with `destroyed`.
   *
   * ```ts
   * onUnmounted(() => widget.destroy());
   * ```
   */
  destroy(): void;

  /**
   * Links the account of `connection` through a popup (without the dialog). Call it **inside a
   * click handler**: the popup is opened synchronously, before any await.
   *
   * ```ts
   * button.onclick = async () => {
   *   try { const { identities } = await widget.linkWithPopup('github'); render(identities); }
   *   catch (e) { if ((e as LinkWidgetError).code !== 'cancelled') throw e; }
   * };
   * ```
   *
   * @throws {LinkWidgetError} `popup_blocked`, `cancelled`, `timeout`, `state_mismatch`,
   *   `authorization_error`, `invalid_id_token`, `same_identity`, `already_linked`, `unauthorized`,
   *   `forbidden`, `rate_limited`, `api_error`, `network_error`, `destroyed`.
   */
  linkWithPopup(connection: string): Promise<LinkResult>;

  /**
   * Starts linking `connection` by navigating the page to the tenant (keeps only the transaction
   * in `sessionStorage`). Finish on return with {@link LinkWidget.handleRedirectCallback}.
   *
   * ```ts
   * await widget.linkWithRedirect('google-oauth2'); // the page navigates away
   * ```
   */
  linkWithRedirect(connection: string): Promise<void>;

  /**
   * On the `redirectUri` page after a redirect: validates the callback (`url`, a string or a
   * `URL`, defaults to `location.href`), links, removes `code` and `state` from the address bar, and resolves like
   * {@link LinkWidget.linkWithPopup}. Fires `linked`.
   *
   * ```ts
   * if (new URLSearchParams(location.search).has('code')) await widget.handleRedirectCallback();
   * ```
   *
   * @throws {LinkWidgetError} `state_mismatch` when there is no, a stale or another transaction;
   *   plus the link errors.
   */
  handleRedirectCallback(url?: string | URL): Promise<LinkResult>;

  /**
   * Signs the primary user in through a popup for the Management API audience (what Lock's
   * popup-mode callback gave you), keeps the token in memory for linking, fires `authenticated`.
   *
   * ```ts
   * const { accessToken, profile } = await widget.signIn({ connection: 'google-oauth2' });
   * ```
   */
  signIn(options: { connection: string }): Promise<SignInResult>;

  /**
   * The user's identities, primary first (`GET /api/v2/users/{id}`).
   *
   * ```ts
   * const identities = await widget.identities();
   * ```
   */
  identities(): Promise<Identity[]>;

  /**
   * Unlinks one secondary identity (never the primary: refused locally) and resolves with the
   * updated list. Fires `unlinked`.
   *
   * ```ts
   * await widget.unlink('github', '12345');
   * ```
   */
  unlink(provider: string, userId: string): Promise<Identity[]>;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * Stable error codes (safe to switch on):
 * - `invalid_options`: an option is missing or malformed (at creation), or `on`/`off` got an
 *   unknown event or a non-function listener.
 * - `popup_blocked`: `window.open` returned null; the dialog offers "Continue in this window".
 * - `cancelled`: the user closed the popup (after a short grace period), or a newer transaction
 *   replaced this one.
 * - `timeout`: no answer from the popup within `popupTimeoutSeconds`; the popup is closed.
 * - `state_mismatch`: the callback's `state` is missing, unknown, already used or not ours
 *   (including a redirect callback with no stored transaction).
 * - `authorization_error`: the tenant answered with an OAuth error (`error`, `errorDescription`).
 * - `invalid_id_token`: the ID token failed a check (signature, `iss`, `aud`/`azp`, times, `nonce`,
 *   `sub`); `detail` names it.
 * - `same_identity`: the chosen account is the signed-in user itself.
 * - `already_linked`: the chosen account is already linked (HTTP 409).
 * - `unauthorized`: the access token is missing, expired or rejected (HTTP 401).
 * - `forbidden`: the token lacks a scope or does not own the user (HTTP 403).
 * - `rate_limited`: the Management API rate limit is spent (HTTP 429); `resetAt` tells when it refills.
 * - `api_error`: any other non-2xx API answer; `status` and the server's message are carried.
 * - `network_error`: no answer: offline, DNS, CORS, a request timeout, or the wasm failed to load.
 * - `destroyed`: the widget was destroyed; create a new one.
 */
export type ErrorCode =
  | 'invalid_options'
  | 'popup_blocked'
  | 'cancelled'
  | 'timeout'
  | 'state_mismatch'
  | 'authorization_error'
  | 'invalid_id_token'
  | 'same_identity'
  | 'already_linked'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'api_error'
  | 'network_error'
  | 'destroyed';

/**
 * The one error type thrown or rejected with. Messages never contain tokens or codes.
 *
 * ```ts
 * try { await widget.linkWithPopup('github'); }
 * catch (e) { if (e instanceof LinkWidgetError && e.code === 'cancelled') return; throw e; }
 * ```
 */
export class LinkWidgetError extends Error {
  constructor(
    code: ErrorCode,
    message: string,
    extra?: { status?: number; detail?: string; error?: string; errorDescription?: string; resetAt?: number; cause?: unknown },
  );
  readonly name: 'LinkWidgetError';
  /** Stable code; see {@link ErrorCode}. */
  readonly code: ErrorCode;
  /** HTTP status, for API errors. */
  readonly status?: number;
  /** Extra detail, e.g. Auth0's `errorCode` or the failing ID token check. */
  readonly detail?: string;
  /** The OAuth `error`, for `authorization_error`. */
  readonly error?: string;
  /** The OAuth `error_description`, for `authorization_error`. */
  readonly errorDescription?: string;
  /** When the rate limit refills, in UNIX seconds, for `rate_limited`. */
  readonly resetAt?: number;
}
