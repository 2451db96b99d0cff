// What the demo's two pages (index.html and callback.html) share: the tenant, the settings, the
// signed-in session and the widget options.
//
// The demo keeps the signed-in session (the access token signIn returned) in sessionStorage so a
// reload or a redirect-mode round trip keeps the user signed in. That is the demo app's choice,
// not the widget's: the widget itself keeps tokens in memory only (DESIGN.md 6.5). A real app
// would rather pass an SDK's getTokenSilently as `accessToken`.

// The emulator tenant beside the app listens on the app's port + 10: 4000 -> 4010 (`npm start`),
// 4100 -> 4110 (`npm test`). `?domain=` overrides (for this page only).
const query = new URLSearchParams(location.search);
const appPort = Number(location.port) || 4000;
export const DOMAIN = query.get('domain') || `http://${location.hostname}:${appPort + 10}`;
export const CLIENT_ID = 'account-link-demo';
export const CONNECTIONS = ['google-oauth2', 'github', { name: 'windowslive', displayName: 'Microsoft' }];
/** Where the primary user signs in (the first is the default). */
export const SIGN_IN_CONNECTIONS = [
  ['Username-Password-Authentication', 'Email and password'],
  ['google-oauth2', 'Google'],
  ['github', 'GitHub'],
];
export const THEMES = {
  default: undefined,
  ocean: { primaryColor: '#0a66c2' },
  forest: { primaryColor: 'rgb(21, 128, 61)' },
};

const SETTINGS_KEY = 'account-link-demo.settings';
const SESSION_KEY = 'account-link-demo.session';
const FLASH_KEY = 'account-link-demo.flash';

/**
 * The demo's settings: URL query options first (`?mode=redirect&legacy=1&timeout=2&popup=query&lang=es&theme=ocean`,
 * handy for tests), then what this tab chose last, then the defaults.
 */
export function loadSettings() {
  let saved = {};
  try {
    saved = JSON.parse(sessionStorage.getItem(SETTINGS_KEY) || '{}') || {};
  } catch {
    saved = {};
  }
  const pick = (key, fallback) => (query.has(key) ? query.get(key) : saved[key] ?? fallback);
  const timeout = Number(pick('timeout', ''));
  return {
    mode: pick('mode', 'popup') === 'redirect' ? 'redirect' : 'popup',
    legacy: ['1', 'true', true].includes(pick('legacy', false)),
    lang: pick('lang', 'en'),
    theme: pick('theme', 'default'),
    timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    // 'query': popups answer through callback.html (for apps that send COOP).
    popup: pick('popup', 'web_message') === 'query' ? 'query' : 'web_message',
  };
}

export function saveSettings(settings) {
  sessionStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
}

/** The signed-in session `{ accessToken, expiresAt, profile: { sub, name, email, picture } }`, or null. */
export function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (session && session.expiresAt && Date.now() >= session.expiresAt) return null;
    return session && typeof session.accessToken === 'string' ? session : null;
  } catch {
    return null;
  }
}

/** Keeps the result of `widget.signIn()` (or clears it with null). */
export function saveSession(result) {
  if (!result) {
    sessionStorage.removeItem(SESSION_KEY);
    return;
  }
  const p = result.profile || {};
  const session = {
    accessToken: result.accessToken,
    expiresAt: result.expiresAt,
    profile: { sub: p.sub, name: p.name, email: p.email, picture: p.picture },
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

/** A one-shot message from the callback page to the main page. */
export function setFlash(flash) {
  sessionStorage.setItem(FLASH_KEY, JSON.stringify(flash));
}

export function takeFlash() {
  const raw = sessionStorage.getItem(FLASH_KEY);
  sessionStorage.removeItem(FLASH_KEY);
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/** createLinkWidget options for these settings (the token is read from the session on each call). */
export function widgetOptions(settings, extra) {
  const options = {
    domain: DOMAIN,
    clientId: CLIENT_ID,
    connections: CONNECTIONS,
    mode: settings.mode,
    legacy: settings.legacy,
    redirectUri: location.origin + '/callback.html',
    language: settings.lang,
    theme: THEMES[settings.theme],
    ...extra,
  };
  if (settings.timeout) options.popupTimeoutSeconds = settings.timeout;
  if (settings.popup === 'query') options.popupResponseMode = 'query';
  if (loadSession()) {
    // A function, so a new sign-in is picked up without recreating the widget.
    options.accessToken = () => loadSession()?.accessToken;
  }
  return options;
}
