// Issue 4, end to end: the whole journey in the demo app (www/) with the built package, against
// the emulator over real HTTP in headless Chromium: primary sign-in, popup link, redirect link,
// legacy link and unlink, unlink with confirmation, popup closed / blocked / timed out, each API
// error through the emulator's fault injection, a reload after linking, and no CSP violation.
//
// The emulator is reset (POST /__test__/reset) before each test: seed users only, no links.
// Seed users (tests/emulator.toml): auth0|alice (alice@example.com, primary) and
// google-oauth2|1001 ("Alice on Google"). The login pages' selectors are the emulator's
// (emulator/README.md): h1[data-connection], [data-part=users] button[data-user-id],
// [data-part=create] + [data-action=create], [data-part=credentials] + [data-action=login].
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';

const appPort = Number(process.env.E2E_APP_PORT || 4100);
const EMULATOR = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT || appPort + 10}`;
const ALICE = { email: 'alice@example.com', password: 'alice-password-1', name: 'Alice Example' };

// The modal dialog (the demo also has an inline widget, which is not aria-modal).
const modal = (page) => page.locator('[data-account-link] [role="dialog"][aria-modal="true"]');
const demoList = (page) => page.locator('#identities li');

async function control(request, path, body) {
  // Always a JSON body (`{}` when there are no fields): the emulator refuses other test-control POSTs.
  const res = await request.post(`${EMULATOR}/__test__/${path}`, { data: body ?? {} });
  expect(res.ok(), `POST /__test__/${path} -> ${res.status()}`).toBe(true);
}

/** Injects one fault into the next matching request (the emulator's /__test__/faults). */
const fault = (request, spec) => control(request, 'faults', spec);

/**
 * Watches the page (and later pages of the test: popups, navigations) for CSP violations and
 * page errors, and collects console warnings.
 */
async function watch(page) {
  const seen = { problems: [], warnings: [], console: [] };
  await page.context().addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    seen.console.push(text);
    if (msg.type() === 'warning') seen.warnings.push(text);
    if (/CSP violation|Content Security Policy/i.test(text)) seen.problems.push(`console: ${text}`);
  });
  page.on('pageerror', (err) => seen.problems.push(`pageerror: ${err.message}`));
  return seen;
}

/** The events the demo's widgets fired (window.accountLinkDemo.events), as plain data. */
const events = (page) =>
  page.evaluate(() =>
    window.accountLinkDemo.events.map(({ source, name, code, payload }) => ({
      source,
      name,
      code,
      payload: payload && code === undefined ? JSON.parse(JSON.stringify(payload)) : null,
      status: payload && payload.status,
      resetAt: payload && payload.resetAt,
    })),
  );

async function errorCodes(page) {
  return (await events(page)).filter((e) => e.name === 'error').map((e) => e.code);
}

/** Signs Alice in through widget.signIn() (a popup on the emulator's password page). */
async function signIn(page, query = '') {
  await page.goto('/' + query);
  await expect(page.locator('#sign-in')).toBeEnabled({ timeout: 10_000 });
  const popupOpened = page.waitForEvent('popup');
  await page.locator('#sign-in').click();
  const popup = await popupOpened;
  const closed = popup.waitForEvent('close');
  await popup.locator('[data-part="credentials"] input[name="email"]').fill(ALICE.email);
  await popup.locator('[data-part="credentials"] input[name="password"]').fill(ALICE.password);
  await popup.locator('[data-action="login"]').click();
  await closed;
  await expect(page.locator('#user-name')).toHaveText(ALICE.name);
  await expect(page.locator('#user-email')).toHaveText(ALICE.email);
  await expect(demoList(page)).toHaveCount(1);
  await expect(page.locator('#add-account')).toBeEnabled();
}

async function openDialog(page) {
  await page.locator('#add-account').click();
  const dialog = modal(page);
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('[data-identity="auth0|alice"]')).toBeVisible();
  return dialog;
}

/** Clicks a connection in the dialog and returns the popup, on that connection's login page. */
async function clickConnection(page, connection) {
  const popupOpened = page.waitForEvent('popup');
  await modal(page).locator(`button[data-connection="${connection}"]`).click();
  const popup = await popupOpened;
  await expect(popup.locator(`h1[data-connection="${connection}"]`)).toBeVisible();
  return popup;
}

/** On an emulator login page (popup or the page itself): creates a user and signs in. */
async function createUser(loginPage, name, email) {
  await loginPage.locator('[data-part="create"] input[name="name"]').fill(name);
  await loginPage.locator('[data-part="create"] input[name="email"]').fill(email);
  await loginPage.locator('[data-action="create"]').click();
}

/** On an emulator login page: picks an existing user. */
async function pickUser(loginPage, userId) {
  await loginPage.locator(`[data-part="users"] button[data-user-id="${userId}"]`).click();
}

test.beforeEach(async ({ request }) => {
  await control(request, 'reset');
});

test('primary sign-in: signIn() runs a popup login, the demo shows who is signed in', async ({ page }) => {
  const seen = await watch(page);
  const authorizeUrls = [];
  page.context().on('request', (r) => {
    if (r.url().startsWith(`${EMULATOR}/authorize`)) authorizeUrls.push(new URL(r.url()).searchParams);
  });
  await signIn(page);
  // Issue 4 item 6: the Management API audience and scopes, code + PKCE, web_message.
  expect(authorizeUrls).toHaveLength(1);
  const q = authorizeUrls[0];
  expect(q.get('audience')).toBe(`${EMULATOR}/api/v2/`);
  expect(q.get('scope').split(' ')).toEqual(
    expect.arrayContaining(['openid', 'profile', 'email', 'read:current_user', 'update:current_user_identities']),
  );
  expect(q.get('response_type')).toBe('code');
  expect(q.get('code_challenge_method')).toBe('S256');
  expect(q.get('response_mode')).toBe('web_message');
  expect(q.get('connection')).toBe('Username-Password-Authentication');
  const authenticated = (await events(page)).filter((e) => e.name === 'authenticated');
  expect(authenticated).toHaveLength(1);
  expect(authenticated[0].payload.profile.sub).toBe('auth0|alice');
  expect(authenticated[0].payload.expiresAt).toBeGreaterThan(Date.now());
  // The access token is kept by the app, never shown.
  await expect(page.locator('body')).not.toContainText('eyJ');
  await expect(demoList(page).first()).toContainText('(primary)');
  expect(seen.problems).toEqual([]);
});

test('popup link: the popup logs in on the emulator, the dialog shows the new identity, `linked` fires, and it survives a reload', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page);
  const authorizeUrls = [];
  page.context().on('request', (r) => {
    if (r.url().startsWith(`${EMULATOR}/authorize`)) authorizeUrls.push(new URL(r.url()));
  });
  const dialog = await openDialog(page);
  // The primary identity is listed and can never be unlinked.
  await expect(dialog.locator('[data-identity="auth0|alice"] [data-action="unlink"]')).toHaveCount(0);
  // Pictures are fetched under the demo's strict CSP (img-src) and without a referrer: Alice's
  // avatar from the tenant has loaded (a blocked or broken image has naturalWidth 0), and
  // `seen.problems` below asserts no CSP violation was reported for it.
  const avatar = dialog.locator('[data-identity="auth0|alice"] img');
  await expect(avatar).toHaveAttribute('referrerpolicy', 'no-referrer');
  await expect(avatar).toHaveAttribute('src', `${EMULATOR}/avatars/alice.svg`);
  await expect.poll(() => avatar.evaluate((img) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  const popup = await clickConnection(page, 'github');
  await expect(dialog.locator('[data-part="status"]')).not.toBeEmpty();
  const closed = popup.waitForEvent('close');
  await createUser(popup, 'Octo Cat', 'octo@example.com');
  await closed;

  const row = dialog.locator('[data-part="identities"] [data-identity^="github|"]');
  await expect(row).toBeVisible();
  await expect(row).toContainText('Octo Cat');
  await expect(row.locator('[data-action="unlink"]')).toBeVisible();
  await expect(dialog.locator('[data-part="error"]')).toBeEmpty();
  const linked = (await events(page)).filter((e) => e.name === 'linked');
  expect(linked).toHaveLength(1);
  expect(linked[0].payload.identity.provider).toBe('github');
  expect(linked[0].payload.identity.profile.name).toBe('Octo Cat');
  expect(linked[0].payload.identities.map((i) => i.provider)).toEqual(['auth0', 'github']);
  await expect(demoList(page)).toHaveCount(2);

  // DESIGN.md 6.1/6.2: code + PKCE S256, fresh state and nonce, web_message, forced fresh login.
  expect(authorizeUrls).toHaveLength(1);
  const q = authorizeUrls[0].searchParams;
  expect(q.get('response_type')).toBe('code');
  expect(q.get('response_mode')).toBe('web_message');
  expect(q.get('code_challenge_method')).toBe('S256');
  expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(q.get('state')?.length).toBeGreaterThanOrEqual(16);
  expect(q.get('nonce')?.length).toBeGreaterThanOrEqual(16);
  expect(q.get('connection')).toBe('github');
  expect(q.get('prompt')).toBe('login');
  expect(q.get('max_age')).toBe('0');
  expect(q.has('access_token')).toBe(false);

  // The link is stored by the tenant: a reload (still signed in) lists it.
  await page.reload();
  await expect(demoList(page)).toHaveCount(2);
  await expect(page.locator('#identities [data-identity^="github|"]')).toContainText('Octo Cat');
  const again = await openDialog(page);
  await expect(again.locator('[data-identity^="github|"]')).toBeVisible();
  expect(seen.problems).toEqual([]);
});

test('popup through the callback page (popupResponseMode: query): the popup lands on callback.html, which reports over BroadcastChannel', async ({ page }) => {
  const seen = await watch(page);
  const authorizeUrls = [];
  page.context().on('request', (r) => {
    if (r.url().startsWith(`${EMULATOR}/authorize`)) authorizeUrls.push(new URL(r.url()).searchParams);
  });
  await signIn(page, '?popup=query');
  const dialog = await openDialog(page);
  const popup = await clickConnection(page, 'github');
  const closed = popup.waitForEvent('close');
  await createUser(popup, 'Channel Octo', 'channel@example.com');
  await closed;
  await expect(dialog.locator('[data-identity^="github|"]')).toContainText('Channel Octo');
  expect(authorizeUrls).toHaveLength(2); // sign-in and link
  for (const q of authorizeUrls) {
    expect(q.get('response_mode')).toBe('query');
    expect(q.get('redirect_uri')).toBe(new URL('/callback.html', page.url()).href);
  }
  expect((await events(page)).filter((e) => e.name === 'linked')).toHaveLength(1);
  expect(seen.problems).toEqual([]);
});

// A second tenant + app whose pages send Cross-Origin-Opener-Policy: same-origin (the emulator's
// --app-coop), on the test ports + 1. The built emulator binary: E2E_EMULATOR_BIN, else
// $CARGO_TARGET_DIR/debug or target/debug.
test.describe('under COOP same-origin', () => {
  const repo = fileURLToPath(new URL('../../', import.meta.url));
  const coopApp = appPort + 1;
  const coopEmulator = Number(new URL(EMULATOR).port) + 1;
  const coopIssuer = `http://127.0.0.1:${coopEmulator}`;
  let child;

  test.beforeAll(async () => {
    const dir = test.info().outputPath();
    fs.mkdirSync(dir, { recursive: true });
    const config = path.join(dir, 'emulator-coop.toml');
    const base = fs.readFileSync(path.join(repo, 'tests/emulator.toml'), 'utf8');
    // tests/emulator.toml lists the npm-test app origin, 4100 (docs/ARCHITECTURE.md).
    fs.writeFileSync(config, base.replaceAll('127.0.0.1:4100', `127.0.0.1:${coopApp}`));
    const bin =
      process.env.E2E_EMULATOR_BIN ||
      path.join(path.resolve(repo, process.env.CARGO_TARGET_DIR || 'target'), 'debug', 'account-link-emulator');
    child = spawn(bin, [
      '--memory', '--port', String(coopEmulator), '--app-port', String(coopApp), '--app-dir', 'www',
      '--app-mount', '/pkg=dist', '--config', config, '--app-coop', 'same-origin',
    ], { cwd: repo, stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const up = await fetch(`${coopIssuer}/.well-known/openid-configuration`).then((r) => r.ok, () => false);
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the COOP emulator did not start on ${coopEmulator}`);
  });

  test.afterAll(() => {
    child?.kill();
  });

  /** The popup on the tenant's login page (COOP may swap the popup's page object mid-way). */
  async function loginPopup(page) {
    let found;
    await expect
      .poll(() => (found = page.context().pages().find((p) => p.url().startsWith(`${coopIssuer}/login`))), {
        timeout: 10_000,
      })
      .toBeTruthy();
    return found;
  }

  test('sign-in and link through the callback page (popupResponseMode: query) work although COOP severs the popup', async ({ page }) => {
    const seen = await watch(page);
    const response = await page.goto(`http://127.0.0.1:${coopApp}/?popup=query&timeout=20`);
    expect(response.headers()['cross-origin-opener-policy']).toBe('same-origin');
    await expect(page.locator('#sign-in')).toBeEnabled({ timeout: 10_000 });
    await page.locator('#sign-in').click();
    const popup = await loginPopup(page);
    await popup.locator('[data-part="credentials"] input[name="email"]').fill(ALICE.email);
    // Longer than the usual 1.5 s closed grace: the severed popup reads closed all along.
    await popup.waitForTimeout(2500);
    await popup.locator('[data-part="credentials"] input[name="password"]').fill(ALICE.password);
    await popup.locator('[data-action="login"]').click();
    await expect(page.locator('#user-name')).toHaveText(ALICE.name);

    await page.locator('#add-account').click();
    await modal(page).locator('button[data-connection="github"]').click();
    const linkPopup = await loginPopup(page);
    await expect(linkPopup.locator('h1[data-connection="github"]')).toBeVisible();
    await linkPopup.waitForTimeout(2000);
    await createUser(linkPopup, 'Coop Octo', 'coop@example.com');
    await expect(modal(page).locator('[data-identity^="github|"]')).toContainText('Coop Octo');
    expect(seen.problems).toEqual([]);
  });
});

test('redirect link: the page goes to the login page and back through callback.html; a forged callback links nothing', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page, '?mode=redirect');
  await openDialog(page);
  await modal(page).locator('button[data-connection="github"]').click();
  // The page itself is on the emulator's login page now.
  await expect(page.locator('h1[data-connection="github"]')).toBeVisible();
  const authorize = new URL(
    (await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.name)) || page.url(),
  );
  expect(authorize.origin).toBe(EMULATOR);
  await createUser(page, 'Redirected Octo', 'redirected@example.com');
  // callback.html finishes with handleRedirectCallback() and returns to the demo.
  await page.waitForURL((url) => url.pathname === '/' && !url.search.includes('code='));
  await expect(page.locator('#identities [data-identity^="github|"]')).toContainText('Redirected Octo');
  await expect(page.locator('#log li[data-event="linked"]').first()).toContainText('callback linked');
  // The transaction is gone from sessionStorage (DESIGN.md 6.5).
  const leftovers = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('account-link.tx.')));
  expect(leftovers).toEqual([]);

  // A callback with a state nobody stored: state_mismatch, nothing linked.
  const forged = await page.evaluate(() =>
    window.accountLinkDemo.modal
      .handleRedirectCallback(location.origin + '/callback.html?code=forged&state=not-ours')
      .then(() => 'resolved', (e) => `${e.name}:${e.code}`),
  );
  expect(forged).toBe('LinkWidgetError:state_mismatch');
  await expect(demoList(page)).toHaveCount(2);
  expect(seen.problems).toEqual([]);
});

for (const query of ['?mode=redirect', '?legacy=1']) {
  test(`redirect start (${query}): sessionStorage holds only the transaction, never a token (DESIGN.md 6.5)`, async ({ page }) => {
    await signIn(page, query);
    const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('account-link-demo.session')).accessToken);
    // Stop the navigation to /authorize (a 204 cancels it), so the page that left can be inspected.
    let authorize;
    await page.route(`${EMULATOR}/authorize**`, (route) => {
      authorize = new URL(route.request().url());
      return route.fulfill({ status: 204 });
    });
    await openDialog(page);
    await modal(page).locator('button[data-connection="github"]').click();
    await expect.poll(() => authorize?.searchParams.get('state')).toBeTruthy();
    const stored = await page.evaluate(() =>
      Object.keys(sessionStorage)
        .filter((k) => k.startsWith('account-link.'))
        .map((k) => [k, sessionStorage.getItem(k)]),
    );
    expect(stored).toHaveLength(1);
    const [key, value] = stored[0];
    const tx = JSON.parse(value);
    expect(key).toBe(`account-link.tx.${authorize.searchParams.get('state')}`);
    expect(Object.keys(tx).sort()).toEqual(['connection', 'createdAt', 'kind', 'nonce', 'primary', 'state', 'verifier']);
    // The primary user id (not a secret): a return with another user signed in links nothing.
    expect(tx.primary).toBe('auth0|alice');
    expect(tx.nonce).toBe(authorize.searchParams.get('nonce'));
    expect(value).not.toContain(token);
    expect(authorize.searchParams.get('response_mode') ?? 'query').toBe('query');
    expect(authorize.searchParams.get('redirect_uri')).toBe(new URL('/callback.html', page.url()).href);
  });
}

test('legacy link and unlink: opt-in only, one console warning per page, the token never logged', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page, '?legacy=1');
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('account-link-demo.session')).accessToken);
  await openDialog(page);
  const authorizeUrls = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${EMULATOR}/authorize`)) authorizeUrls.push(new URL(r.url()));
  });
  await modal(page).locator('button[data-connection="github"]').click();
  await expect(page.locator('h1[data-connection="github"]')).toBeVisible();
  // The deprecated flow: the primary token rides in the URL, and the page says it will link.
  expect(authorizeUrls[0].searchParams.get('access_token')).toBe(token);
  expect(authorizeUrls[0].searchParams.get('state')?.length).toBeGreaterThanOrEqual(16);
  await expect(page.locator('p.note')).toContainText('will be linked');
  await createUser(page, 'Legacy Octo', 'legacy@example.com');
  await page.waitForURL((url) => url.pathname === '/' && !url.search.includes('code='));
  const row = page.locator('#identities [data-identity^="github|"]');
  await expect(row).toContainText('Legacy Octo');
  const githubId = (await row.getAttribute('data-identity')).split('|')[1];
  const warningsBefore = seen.warnings.filter((w) => /legacy mode/i.test(w)).length;
  expect(warningsBefore, 'one warning on the page that started the legacy link').toBe(1);

  // Unlink through the dialog: POST /unlink (the legacy endpoint).
  const unlinkPosts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url() === `${EMULATOR}/unlink`) unlinkPosts.push(r);
  });
  const dialog = await openDialog(page);
  await dialog.locator(`[data-identity="github|${githubId}"] [data-action="unlink"]`).click();
  await dialog.locator('[data-action="confirm-unlink"]').click();
  await expect(dialog.locator('[data-identity^="github|"]')).toHaveCount(0);
  await expect(demoList(page)).toHaveCount(1);
  expect(unlinkPosts).toHaveLength(1);
  // A second legacy call on the same page does not warn again.
  const second = await page.evaluate(() =>
    window.accountLinkDemo.modal.unlink('github', 'nobody').then(() => 'resolved', (e) => e.code),
  );
  expect(second).not.toBe('resolved');
  const legacyWarnings = seen.warnings.filter((w) => /legacy mode/i.test(w));
  expect(legacyWarnings).toHaveLength(2); // one per page: the page that linked, the page that unlinked
  // DESIGN.md 6.5: the token is never printed.
  expect(seen.console.filter((c) => c.includes(token))).toEqual([]);
  expect(seen.problems).toEqual([]);
});

test('unlink with confirmation: cancel keeps the identity, confirm removes it and fires `unlinked`', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page);
  const dialog = await openDialog(page);
  const popup = await clickConnection(page, 'google-oauth2');
  await pickUser(popup, 'google-oauth2|1001');
  const row = dialog.locator('[data-identity="google-oauth2|1001"]');
  await expect(row).toBeVisible();

  await row.locator('[data-action="unlink"]').click();
  await expect(row.locator('[data-action="confirm-unlink"]')).toBeVisible();
  await row.locator('[data-action="cancel-unlink"]').click();
  await expect(row.locator('[data-action="confirm-unlink"]')).toHaveCount(0);
  await expect(row).toBeVisible();

  await row.locator('[data-action="unlink"]').click();
  await row.locator('[data-action="confirm-unlink"]').click();
  await expect(row).toHaveCount(0);
  await expect(demoList(page)).toHaveCount(1);
  const unlinked = (await events(page)).filter((e) => e.name === 'unlinked');
  expect(unlinked).toHaveLength(1);
  expect(unlinked[0].payload.provider).toBe('google-oauth2');
  expect(unlinked[0].payload.userId).toBe('1001');
  expect(unlinked[0].payload.identities).toHaveLength(1);

  // The primary identity is refused locally (DESIGN.md 6.8), without a request.
  const primary = await page.evaluate(() =>
    window.accountLinkDemo.modal.unlink('auth0', 'alice').then(() => 'resolved', (e) => `${e.code}:${e.detail}`),
  );
  expect(primary).toBe('invalid_options:primary_identity');
  expect(seen.problems).toEqual([]);
});

test('popup closed by the user: `cancelled`, shown in the dialog, which stays usable', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page);
  const dialog = await openDialog(page);
  const popup = await clickConnection(page, 'github');
  await popup.close();
  await expect(dialog.locator('[data-part="error"]')).not.toBeEmpty({ timeout: 10_000 });
  expect(await errorCodes(page)).toEqual(['cancelled']);
  await expect(dialog.locator('button[data-connection="github"]')).toBeEnabled();
  // Usable: a second try links.
  const retry = await clickConnection(page, 'google-oauth2');
  await pickUser(retry, 'google-oauth2|1001');
  await expect(dialog.locator('[data-identity="google-oauth2|1001"]')).toBeVisible();
  await expect(dialog.locator('[data-part="error"]')).toBeEmpty();
  expect(seen.problems).toEqual([]);
});

/**
 * Signs in, then blocks popups the way a browser reports it: Playwright's Chromium never blocks
 * them, so `window.open` returns null in the page (simulated). The session survives the reload
 * (the demo keeps it).
 */
async function signInWithPopupsBlocked(page) {
  await signIn(page);
  await page.addInitScript(() => {
    window.open = () => null;
  });
  await page.reload();
  await expect(demoList(page)).toHaveCount(1);
}

test('popup blocked (simulated: window.open returns null in the page): `popup_blocked`, and the redirect offered instead works', async ({ page }) => {
  const seen = await watch(page);
  await signInWithPopupsBlocked(page);
  const dialog = await openDialog(page);
  await dialog.locator('button[data-connection="github"]').click();
  await expect(dialog.locator('[data-part="error"]')).not.toBeEmpty();
  expect(await errorCodes(page)).toEqual(['popup_blocked']);
  const useRedirect = dialog.locator('button[data-action="use-redirect"]');
  await expect(useRedirect).toBeVisible();
  await useRedirect.click();
  await expect(page.locator('h1[data-connection="github"]')).toBeVisible();
  await createUser(page, 'Blocked Octo', 'blocked@example.com');
  await page.waitForURL((url) => url.pathname === '/' && !url.search.includes('code='));
  await expect(page.locator('#identities [data-identity^="github|"]')).toContainText('Blocked Octo');
  expect(seen.problems).toEqual([]);
});

test('popup blocked for linkWithPopup() called from code with the dialog open: it rejects, and the offered redirect continues with that connection', async ({ page }) => {
  const seen = await watch(page);
  await signInWithPopupsBlocked(page);
  // The app calls linkWithPopup() itself (e.g. from its own button) while the dialog is open.
  const dialog = await openDialog(page);
  const code = await page.evaluate(() =>
    window.accountLinkDemo.modal.linkWithPopup('github').then(() => 'resolved', (e) => e.code),
  );
  expect(code).toBe('popup_blocked');
  const useRedirect = dialog.locator('button[data-action="use-redirect"]');
  await expect(useRedirect).toBeVisible();
  await useRedirect.click();
  await expect(page.locator('h1[data-connection="github"]')).toBeVisible();
  expect(seen.problems).toEqual([]);
});

test('timeout: no answer within popupTimeoutSeconds closes the popup with `timeout`', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page, '?timeout=2');
  const dialog = await openDialog(page);
  const popup = await clickConnection(page, 'github');
  const closed = popup.waitForEvent('close', { timeout: 10_000 });
  await expect(dialog.locator('[data-part="error"]')).not.toBeEmpty({ timeout: 10_000 });
  await closed;
  expect(await errorCodes(page)).toEqual(['timeout']);
  await expect(dialog.locator('button[data-connection="github"]')).toBeEnabled();
  expect(seen.problems).toEqual([]);
});

test('a second connection click cancels the first transaction; one popup remains', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page);
  const authorizeUrls = [];
  page.context().on('request', (r) => {
    if (r.url().startsWith(`${EMULATOR}/authorize`)) authorizeUrls.push(new URL(r.url()).searchParams);
  });
  const dialog = await openDialog(page);
  const popup = await clickConnection(page, 'github');
  await modal(page).locator('button[data-connection="google-oauth2"]').click();
  // The same window (one named popup) now shows the second connection's login page.
  await expect(popup.locator('h1[data-connection="google-oauth2"]')).toBeVisible();
  expect(page.context().pages()).toHaveLength(2);
  await expect.poll(() => errorCodes(page)).toEqual(['cancelled']);
  await pickUser(popup, 'google-oauth2|1001');
  await expect(dialog.locator('[data-identity="google-oauth2|1001"]')).toBeVisible();
  await expect(dialog.locator('[data-part="error"]')).toBeEmpty();
  // DESIGN.md 6.2: each transaction has its own state, nonce and PKCE challenge.
  expect(authorizeUrls).toHaveLength(2);
  for (const key of ['state', 'nonce', 'code_challenge']) {
    expect(authorizeUrls[0].get(key), key).not.toBe(authorizeUrls[1].get(key));
  }
  expect(seen.problems).toEqual([]);
});

test('profile fields from the tenant are shown as text, never HTML (DESIGN.md 6.6)', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page);
  const dialog = await openDialog(page);
  const popup = await clickConnection(page, 'github');
  const name = '<img src=x data-injected=1><b>Bold</b>';
  await createUser(popup, name, 'markup@example.com');
  const row = dialog.locator('[data-identity^="github|"]');
  await expect(row).toContainText(name);
  await expect(dialog.locator('[data-injected]')).toHaveCount(0);
  await expect(page.locator('#identities [data-identity^="github|"]')).toContainText(name);
  await expect(page.locator('[data-injected]')).toHaveCount(0);
  expect(seen.problems).toEqual([]);
});

test('the package never calls postMessage, so never with target "*" (DESIGN.md 6.4)', () => {
  // The wasm reaches the browser only through the wasm-bindgen glue: no postMessage import there
  // means the widget cannot post at all. The callback helper talks over a same-origin
  // BroadcastChannel (which has no target origin), bound to `channel`: the build keeps that one
  // local name when it minifies callback.js (scripts/build.mjs), so no other binding can carry
  // it. Every mention of postMessage must be a call on `channel`, and `channel` must be bound
  // exactly once, to `new BroadcastChannel(`.
  const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
  let posting = 0;
  for (const file of fs.readdirSync(dist).filter((f) => f.endsWith('.js'))) {
    const src = fs.readFileSync(path.join(dist, file), 'utf8');
    const mentions = src.match(/postMessage/g)?.length ?? 0;
    const posts = [...src.matchAll(/(?<![\w$.])([\w$]+)\.postMessage\(/g)].map((m) => m[1]);
    expect(posts, `${file}: every postMessage is a call on a plain name`).toHaveLength(mentions);
    expect(posts.filter((who) => who !== 'channel'), `${file} posts only on its BroadcastChannel`).toEqual([]);
    if (posts.length) {
      posting++;
      const bindings = [...src.matchAll(/(?<![\w$.])channel\b(?!\s*\.)([^,;]*)/g)].map((m) => m[1]);
      expect(bindings, `${file}: \`channel\` is bound once, to a BroadcastChannel`).toHaveLength(1);
      expect(bindings[0]).toMatch(/^\s*=\s*new BroadcastChannel\([^()]*\)$/);
    }
    expect(src).not.toMatch(/postMessage\([^)]*['"]\*['"]/);
  }
  // The check looked at the file that does post (callback.js), not at nothing.
  expect(posting).toBe(1);
});

test('destroy() during a popup link closes the popup and rejects with `destroyed`', async ({ page }) => {
  await signIn(page);
  await openDialog(page);
  const popupOpened = page.waitForEvent('popup');
  await page.evaluate(() => {
    window.__link = window.accountLinkDemo.modal.linkWithPopup('github').then(() => 'resolved', (e) => e.code);
  });
  const popup = await popupOpened;
  const closed = popup.waitForEvent('close');
  await page.evaluate(() => window.accountLinkDemo.modal.destroy());
  await closed;
  expect(await page.evaluate(() => window.__link)).toBe('destroyed');
  await expect(page.locator('[data-account-link] [role="dialog"][aria-modal="true"]')).toHaveCount(0);
});

test('linking the signed-in account to itself: `same_identity`, refused before any link request', async ({ page }) => {
  const seen = await watch(page);
  await signIn(page);
  const dialog = await openDialog(page);
  const linkPosts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/identities')) linkPosts.push(r.url());
  });
  const popupOpened = page.waitForEvent('popup');
  await page.evaluate(() => {
    window.__link = window.accountLinkDemo.modal
      .linkWithPopup('Username-Password-Authentication')
      .then(() => 'resolved', (e) => e.code);
  });
  const popup = await popupOpened;
  await popup.locator('[data-part="credentials"] input[name="email"]').fill(ALICE.email);
  await popup.locator('[data-part="credentials"] input[name="password"]').fill(ALICE.password);
  await popup.locator('[data-action="login"]').click();
  expect(await page.evaluate(() => window.__link)).toBe('same_identity');
  expect(linkPosts).toEqual([]);
  await expect(dialog.locator('[data-part="error"]')).not.toBeEmpty();
  expect(seen.problems).toEqual([]);
});

// Each Management API error, injected into the link request (POST /api/v2/users/{id}/identities).
// linkWithPopup() is called while the dialog is shown: the promise rejects with the
// LinkWidgetError, the `error` event fires, the dialog shows a short message and stays usable.
const API_ERRORS = [
  { name: '401', spec: { status: 401 }, code: 'unauthorized', status: 401 },
  { name: '403', spec: { status: 403 }, code: 'forbidden', status: 403 },
  { name: '409', spec: { status: 409 }, code: 'already_linked', status: 409 },
  { name: '429 with reset', spec: { status: 429, headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4102444800' } }, code: 'rate_limited', status: 429 },
  { name: '500', spec: { status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: 'Boom from the tenant', errorCode: 'boom' } }, code: 'api_error', status: 500 },
  // Every attempt is dropped (times: 10): Chromium itself resends a request, inside the same
  // fetch, when a reused keep-alive connection closes before any answer (up to twice; how often
  // depends on how many idle connections the token request and the JWKS GET left). Those resends
  // are not the widget's: the test counts the link requests the page made, which must be one.
  { name: 'dropped connection', spec: { drop: true, times: 10 }, code: 'network_error' },
];

for (const c of API_ERRORS) {
  test(`API error ${c.name} on link -> ${c.code}`, async ({ page, request }) => {
    const seen = await watch(page);
    await signIn(page);
    const dialog = await openDialog(page);
    await fault(request, { method: 'POST', path: '/api/v2/users/', ...c.spec });
    const linkPosts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/identities')) linkPosts.push(r.url());
    });
    const popupOpened = page.waitForEvent('popup');
    await page.evaluate(() => {
      window.__link = window.accountLinkDemo.modal.linkWithPopup('google-oauth2').then(
        () => ({ resolved: true }),
        (e) => ({
          name: e.name,
          code: e.code,
          status: e.status,
          resetAt: e.resetAt,
          message: e.message,
          detail: e.detail,
          error: e.error,
          errorDescription: e.errorDescription,
          isError: e instanceof Error,
        }),
      );
    });
    const popup = await popupOpened;
    await pickUser(popup, 'google-oauth2|1001');
    const result = await page.evaluate(() => window.__link);
    // DESIGN.md 6.5: no secret in what the error carries or the dialog shows: not the signed-in
    // user's access token, nor any JWT (the new account's ID token was in hand when it failed).
    const accessTokens = await page.evaluate(() =>
      Object.values(sessionStorage).flatMap((v) => {
        try {
          const saved = JSON.parse(v);
          return saved && typeof saved.accessToken === 'string' ? [saved.accessToken] : [];
        } catch {
          return [];
        }
      }),
    );
    expect(accessTokens).toHaveLength(1);
    const told = JSON.stringify(result) + (await dialog.locator('[data-part="error"]').textContent());
    expect(told).not.toContain(accessTokens[0]);
    expect(told).not.toMatch(/eyJ[\w-]{8,}\.[\w-]{8,}/);
    expect(result.name).toBe('LinkWidgetError');
    expect(result.isError).toBe(true);
    expect(result.code).toBe(c.code);
    if (c.status) expect(result.status).toBe(c.status);
    if (c.code === 'rate_limited') expect(result.resetAt, 'x-ratelimit-reset, UNIX seconds').toBe(4102444800);
    if (c.code === 'api_error') expect(result.message).toContain('Boom from the tenant');
    expect(await errorCodes(page)).toEqual([c.code]);
    await expect(dialog.locator('[data-part="error"]')).not.toBeEmpty();
    await expect(dialog.locator('button[data-connection="github"]')).toBeEnabled();
    // Nothing was linked, and the widget sent the link request once (no retry of a link).
    expect(linkPosts).toHaveLength(1);
    await expect(dialog.locator('[data-identity="google-oauth2|1001"]')).toHaveCount(0);
    const users = await (await request.get(`${EMULATOR}/__test__/users`)).json();
    const alice = users.find((u) => u.user_id === 'auth0|alice');
    expect(alice.identities).toHaveLength(1);
    expect(seen.problems).toEqual([]);
  });
}

// DESIGN.md 6.3: the ID token of the new account is validated by the code that ships (flow.rs
// `complete`), not only by the unit tests of id_token.rs: the token endpoint's reply is replaced
// (emulator fault, status 200) by one a validation that skipped a check would accept, and the
// link must be refused with `invalid_id_token` before any link request.
const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const jwtPart = (token, i) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString());

const FORGED_TOKENS = [
  {
    name: 'a forged signature (right kid, issuer, audience, nonce and subject)',
    forge: (reply, nonce) => {
      const [header] = reply.id_token.split('.');
      const claims = { ...jwtPart(reply.id_token, 1), sub: 'google-oauth2|1001', nonce };
      return { ...reply, id_token: `${header}.${b64url(claims)}.${b64url(crypto.getRandomValues(new Uint8Array(256)))}` };
    },
  },
  {
    name: "another login's genuine token, replayed (its nonce is not this login's)",
    forge: (reply) => reply,
  },
];

for (const c of FORGED_TOKENS) {
  test(`ID token check in the shipped flow: ${c.name} -> invalid_id_token, nothing linked`, async ({ page, request }) => {
    const seen = await watch(page);
    // Alice's sign-in reply from the token endpoint: a genuine, signed ID token of this tenant.
    const tokenReplies = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && r.url() === `${EMULATOR}/oauth/token`) tokenReplies.push(r.json());
    });
    await signIn(page);
    expect(tokenReplies).toHaveLength(1);
    const signInReply = await tokenReplies[0];
    expect(jwtPart(signInReply.id_token, 0).alg).toBe('RS256');

    const dialog = await openDialog(page);
    const linkPosts = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/identities')) linkPosts.push(r.url());
    });
    const authorizeUrls = [];
    page.context().on('request', (r) => {
      if (r.url().startsWith(`${EMULATOR}/authorize`)) authorizeUrls.push(new URL(r.url()));
    });
    const popupOpened = page.waitForEvent('popup');
    await page.evaluate(() => {
      window.__link = window.accountLinkDemo.modal.linkWithPopup('google-oauth2').then(
        () => 'resolved',
        (e) => e.code,
      );
    });
    const popup = await popupOpened;
    await expect.poll(() => authorizeUrls.length).toBe(1);
    const nonce = authorizeUrls[0].searchParams.get('nonce');
    expect(nonce?.length).toBeGreaterThanOrEqual(16);
    await fault(request, { method: 'POST', path: '/oauth/token', status: 200, body: c.forge(signInReply, nonce) });
    await pickUser(popup, 'google-oauth2|1001');

    expect(await page.evaluate(() => window.__link)).toBe('invalid_id_token');
    expect(await errorCodes(page)).toEqual(['invalid_id_token']);
    expect(linkPosts).toEqual([]);
    await expect(dialog.locator('[data-part="error"]')).not.toBeEmpty();
    await expect(dialog.locator('[data-identity="google-oauth2|1001"]')).toHaveCount(0);
    const users = await (await request.get(`${EMULATOR}/__test__/users`)).json();
    expect(users.find((u) => u.user_id === 'auth0|alice').identities).toHaveLength(1);
    expect(seen.problems).toEqual([]);
  });
}
