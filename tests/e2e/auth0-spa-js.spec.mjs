// Issue 3's promise, end to end: "Auth0's own client SDKs pointed at the emulator should work
// unchanged". The real @auth0/auth0-spa-js (devDependency, pinned; its ESM build served by the
// emulator's app origin at /vendor/auth0-spa-js/) runs in headless Chromium on the app origin
// under its strict CSP, in tests/e2e/fixtures/spa.html (+ spa.mjs, no inline script), against the
// emulator over real HTTP. Nothing in the SDK is patched or stubbed: the fixture only imports it
// and the spec calls its public API with page.evaluate, driving the emulator's login pages.
//
// What it proves (emulator/README.md, "auth0-spa-js"):
// - `domain: 'http://127.0.0.1:PORT'` works as given: spa-js keeps an explicit http:// scheme for
//   every URL it builds and, with no `issuer` option, expects the ID token's `iss` to be
//   `domain + '/'`, which is the emulator's issuer. (A bare `127.0.0.1:PORT` would become https://.)
// - loginWithPopup (web_message, redirect_uri = location.origin), isAuthenticated, getUser,
//   getIdTokenClaims; getTokenWithPopup for the Management API audience, getTokenSilently served
//   from spa-js's cache, and that token accepted by GET /api/v2/users/{id};
// - loginWithRedirect + handleRedirectCallback (query mode, redirect_uri /fixtures/spa.html), and
//   logout({ logoutParams: { returnTo } }) through /v2/logout;
// - silent authentication in spa-js's hidden iframe (prompt=none, web_message): createAuth0Client's
//   session check after a reload, and getTokenSilently for an audience not in its cache, get the
//   emulator's login_required at once (no sessions). This needed the emulator fix: the app
//   origin's CSP now has `frame-src 'self' ISSUER` (it fell back to default-src 'self', so the
//   frame was blocked, a CSP violation, and spa-js waited its 60 s authorizeTimeoutInSeconds).
// Seed user (tests/emulator.toml): auth0|alice, alice@example.com / alice-password-1.
import { test, expect } from '@playwright/test';

const appPort = Number(process.env.E2E_APP_PORT || 4100);
const EMULATOR = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT || appPort + 10}`;
const APP = `http://127.0.0.1:${appPort}`;
const FIXTURE = `${APP}/fixtures/spa.html`;
const API = `${EMULATOR}/api/v2/`;
const ALICE = { id: 'auth0|alice', email: 'alice@example.com', password: 'alice-password-1', name: 'Alice Example' };
const CONNECTION = 'Username-Password-Authentication';

async function control(request, path, body) {
  // Always a JSON body (`{}` when there are no fields): the emulator refuses other test-control POSTs.
  const res = await request.post(`${EMULATOR}/__test__/${path}`, { data: body ?? {} });
  expect(res.ok(), `POST /__test__/${path} -> ${res.status()}`).toBe(true);
}

/** Watches the page and later pages of its context (popups) for CSP violations and page errors. */
async function watch(page) {
  const seen = { problems: [] };
  await page.context().addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  const follow = (p) => {
    p.on('console', (msg) => {
      if (/CSP violation|Content Security Policy/i.test(msg.text())) seen.problems.push(`console: ${msg.text()}`);
    });
    p.on('pageerror', (err) => seen.problems.push(`pageerror: ${err.message}`));
  };
  follow(page);
  page.context().on('page', (p) => p !== page && follow(p));
  return seen;
}

/** Every /authorize request of the context, as URLSearchParams. */
function authorizeRequests(page) {
  const seen = [];
  page.context().on('request', (r) => {
    if (r.url().startsWith(`${EMULATOR}/authorize`)) seen.push(new URL(r.url()).searchParams);
  });
  return seen;
}

/** Opens the fixture and creates an Auth0Client there with the given options. */
async function openClient(page, options) {
  await page.goto(FIXTURE);
  await expect(page.locator('#status')).toHaveText('ready');
  await page.evaluate((o) => window.spaFixture.create(o), options);
}

/** Options as an app would write them: only the emulator's domain differs from a real tenant. */
const clientOptions = (redirectUri) => ({
  domain: EMULATOR,
  clientId: 'account-link-demo',
  authorizationParams: { redirect_uri: redirectUri },
});

/** On the emulator's password page (a popup or the page itself): signs Alice in. */
async function passwordLogin(loginPage) {
  await expect(loginPage.locator(`h1[data-connection="${CONNECTION}"]`)).toBeVisible();
  await loginPage.locator('[data-part="credentials"] input[name="email"]').fill(ALICE.email);
  await loginPage.locator('[data-part="credentials"] input[name="password"]').fill(ALICE.password);
  await loginPage.locator('[data-action="login"]').click();
}

/** Runs `call` in the page (a spa-js call that opens a popup), signs Alice in there, returns its result. */
async function withPopupLogin(page, call, arg) {
  const popupOpened = page.waitForEvent('popup');
  const result = page.evaluate(call, arg);
  const popup = await popupOpened;
  const closed = popup.waitForEvent('close');
  await passwordLogin(popup);
  await closed;
  return result;
}

/** GET /api/v2/users/{id} from the page (CORS, as an app would) with a bearer token. */
const getUserFromApi = (page, token, id) =>
  page.evaluate(
    async ([url, t]) => {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${t}` } });
      return { status: res.status, body: await res.json() };
    },
    [`${API}users/${encodeURIComponent(id)}`, token],
  );

test.beforeEach(async ({ request }) => {
  await control(request, 'reset');
});

test('loginWithPopup, getUser, then getTokenWithPopup / getTokenSilently for the Management API, whose token reads Alice', async ({ page }) => {
  const seen = await watch(page);
  const authorize = authorizeRequests(page);
  await openClient(page, clientOptions(APP)); // location.origin, as the brief's app would pass
  expect(await page.evaluate(() => window.spaFixture.client.isAuthenticated())).toBe(false);

  await withPopupLogin(page, (connection) =>
    window.spaFixture.client.loginWithPopup({ authorizationParams: { connection } }), CONNECTION);

  // What spa-js sent: code + PKCE S256, web_message, its default scope, no audience.
  expect(authorize).toHaveLength(1);
  const q = authorize[0];
  expect(q.get('client_id')).toBe('account-link-demo');
  expect(q.get('response_type')).toBe('code');
  expect(q.get('response_mode')).toBe('web_message');
  expect(q.get('code_challenge_method')).toBe('S256');
  expect(q.get('redirect_uri')).toBe(APP);
  expect(q.get('connection')).toBe(CONNECTION);
  expect(q.get('scope').split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
  expect(q.has('auth0Client')).toBe(true);

  expect(await page.evaluate(() => window.spaFixture.client.isAuthenticated())).toBe(true);
  const user = await page.evaluate(() => window.spaFixture.client.getUser());
  expect(user).toMatchObject({ sub: ALICE.id, email: ALICE.email, name: ALICE.name });
  const claims = await page.evaluate(() => window.spaFixture.client.getIdTokenClaims());
  expect(claims.iss).toBe(`${EMULATOR}/`);
  expect(claims.aud).toBe('account-link-demo');

  // An access token for the Management API: the emulator keeps no login session, so spa-js's
  // silent (iframe, prompt=none) route could only answer login_required; the popup is the way.
  const tokenParams = { audience: API, scope: 'read:current_user', connection: CONNECTION };
  const accessToken = await withPopupLogin(page, (p) =>
    window.spaFixture.client.getTokenWithPopup({ authorizationParams: p }), tokenParams);
  expect(accessToken).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(authorize).toHaveLength(2);
  expect(authorize[1].get('audience')).toBe(API);
  expect(authorize[1].get('scope').split(' ')).toEqual(expect.arrayContaining(['openid', 'read:current_user']));
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString());
  expect(payload.aud).toEqual(expect.arrayContaining([API]));
  expect(payload.scope.split(' ')).toContain('read:current_user');
  expect(payload.sub).toBe(ALICE.id);

  // getTokenSilently for the same audience and scope: spa-js's cache, no new /authorize.
  const silent = await page.evaluate(
    ({ audience, scope }) => window.spaFixture.client.getTokenSilently({ authorizationParams: { audience, scope } }),
    tokenParams,
  );
  expect(silent).toBe(accessToken);
  expect(authorize).toHaveLength(2);

  const res = await getUserFromApi(page, silent, ALICE.id);
  expect(res.status).toBe(200);
  expect(res.body.user_id).toBe(ALICE.id);
  expect(res.body.email).toBe(ALICE.email);
  expect(res.body.identities).toEqual([
    expect.objectContaining({ provider: 'auth0', user_id: 'alice', connection: CONNECTION, isSocial: false }),
  ]);
  expect(seen.problems).toEqual([]);
});

test('loginWithRedirect + handleRedirectCallback on /fixtures/spa.html, then logout({ returnTo })', async ({ page }) => {
  const seen = await watch(page);
  const authorize = authorizeRequests(page);
  const options = clientOptions(FIXTURE);
  await openClient(page, options);

  const navigated = page.waitForURL(`${EMULATOR}/login?**`);
  await page.evaluate((connection) =>
    window.spaFixture.client.loginWithRedirect({ authorizationParams: { connection } }), CONNECTION);
  await navigated;
  await passwordLogin(page);
  await page.waitForURL(`${FIXTURE}?**`);
  expect(authorize).toHaveLength(1);
  expect(authorize[0].get('redirect_uri')).toBe(FIXTURE);
  expect(authorize[0].get('response_mode') ?? 'query').toBe('query');
  const back = new URL(page.url());
  expect(back.searchParams.get('code')).toBeTruthy();
  expect(back.searchParams.get('state')).toBe(authorize[0].get('state'));

  // The app's callback route: a fresh client (same options) finishes the transaction.
  await expect(page.locator('#status')).toHaveText('ready');
  const result = await page.evaluate(async (o) => {
    await window.spaFixture.create(o);
    const r = await window.spaFixture.client.handleRedirectCallback();
    return { appState: r.appState ?? null, authenticated: await window.spaFixture.client.isAuthenticated() };
  }, options);
  expect(result).toEqual({ appState: null, authenticated: true });
  const user = await page.evaluate(() => window.spaFixture.client.getUser());
  expect(user).toMatchObject({ sub: ALICE.id, email: ALICE.email, name: ALICE.name });

  // The code was single-use: handling the same callback URL again fails (spa-js's transaction is gone).
  const again = await page.evaluate(() =>
    window.spaFixture.client.handleRedirectCallback(location.href).then(() => 'ok', (e) => e.message));
  expect(again).not.toBe('ok');

  // logout: spa-js clears its cache and sends the browser to /v2/logout, which returns to the app.
  // returnTo must be exactly a callback or web origin of the client (the page itself, here).
  const logoutUrls = [];
  page.on('request', (r) => r.url().startsWith(`${EMULATOR}/v2/logout`) && logoutUrls.push(new URL(r.url())));
  const returned = page.waitForURL(FIXTURE);
  await page.evaluate((returnTo) => window.spaFixture.client.logout({ logoutParams: { returnTo } }), FIXTURE);
  await returned;
  expect(logoutUrls).toHaveLength(1);
  expect(logoutUrls[0].searchParams.get('returnTo')).toBe(FIXTURE);
  expect(logoutUrls[0].searchParams.get('client_id')).toBe('account-link-demo');
  await expect(page.locator('#status')).toHaveText('ready');
  await page.evaluate((o) => window.spaFixture.create(o), options);
  expect(await page.evaluate(() => window.spaFixture.client.isAuthenticated())).toBe(false);
  expect(seen.problems).toEqual([]);
});

test('silent authentication (hidden iframe, prompt=none): the session check after a reload and getTokenSilently for an uncached audience get login_required at once', async ({ page }) => {
  // The emulator keeps no login sessions, so the honest answer to prompt=none is login_required
  // (as Auth0 gives once its session is gone). spa-js asks in an iframe on the issuer, which the
  // app origin's CSP must allow (frame-src): before it did, spa-js waited its 60 s timeout.
  const seen = await watch(page);
  const authorize = authorizeRequests(page);
  const options = clientOptions(APP);
  await openClient(page, options);
  await withPopupLogin(page, (connection) =>
    window.spaFixture.client.loginWithPopup({ authorizationParams: { connection } }), CONNECTION);
  const cookies = (await page.context().cookies(APP)).map((c) => c.name);
  expect(cookies).toContain('auth0.account-link-demo.is.authenticated');

  // A reload: spa-js's cache (memory) is gone, its is.authenticated cookie is not, so
  // createAuth0Client runs checkSession (getTokenSilently in the iframe) with default timeouts.
  await page.reload();
  await expect(page.locator('#status')).toHaveText('ready');
  const started = Date.now();
  await page.evaluate((o) => window.spaFixture.create(o), options);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(authorize).toHaveLength(2);
  expect(authorize[1].get('prompt')).toBe('none');
  expect(authorize[1].get('response_mode')).toBe('web_message');
  expect(authorize[1].get('redirect_uri')).toBe(APP);
  expect(await page.evaluate(() => window.spaFixture.client.isAuthenticated())).toBe(false);

  // Signed in again, a token for an audience not in the cache: the iframe again, login_required.
  await withPopupLogin(page, (connection) =>
    window.spaFixture.client.loginWithPopup({ authorizationParams: { connection } }), CONNECTION);
  const silent = await page.evaluate((audience) =>
    window.spaFixture.client.getTokenSilently({ authorizationParams: { audience, scope: 'read:current_user' } })
      .then(() => 'token', (e) => ({ error: e.error, message: e.message })), API);
  expect(silent).toEqual({ error: 'login_required', message: 'Login required' });
  expect(authorize).toHaveLength(4);
  expect(authorize[3].get('prompt')).toBe('none');
  expect(authorize[3].get('audience')).toBe(API);
  expect(seen.problems).toEqual([]);
});
