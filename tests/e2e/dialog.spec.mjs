// Issue 2, end to end: the built package loaded by the demo app (www/, served by the emulator on
// the app origin) opens the dialog, reads in other languages (loaded on demand: issue 5), closes with Escape and returns focus,
// all under the strict CSP with no violation.
//
// What this expects of the demo (www/index.html):
//   #add-account   a button that opens the modal widget (widget.show()), enabled once the widget exists
//   #language      a <select> of languages (values: en, es, ...) that recreates the widget in that language
// and of the widget, the DOM contract in docs/ARCHITECTURE.md.
import { test, expect } from '@playwright/test';

const EN_TITLE = 'Link with another account';
const EMULATOR = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT || Number(process.env.E2E_APP_PORT || 4100) + 10}`;

// The modal dialog (the demo may also show an inline widget, which is not aria-modal).
const modal = (page) => page.locator('[data-account-link] [role="dialog"][aria-modal="true"]');

/** Collects CSP violations (event and console report) and page errors for the whole test. */
async function watchPage(page) {
  const problems = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (/CSP violation|Content Security Policy/i.test(text)) problems.push(`console: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return problems;
}

async function openDialog(page) {
  const add = page.locator('#add-account');
  await expect(add).toBeEnabled({ timeout: 10_000 });
  await add.click();
  const dialog = modal(page);
  await expect(dialog).toBeVisible();
  return dialog;
}

test('the demo is served under the strict CSP (no unsafe-inline)', async ({ page }) => {
  const response = await page.goto('/');
  expect(response.ok()).toBe(true);
  const header = response.headers()['content-security-policy'] || '';
  const meta = await page.evaluate(
    () => document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? null,
  );
  const csp = [header, meta || ''].join('; ');
  expect(csp, 'a Content-Security-Policy header or meta tag').toMatch(/script-src[^;]*'self'/);
  expect(csp).not.toMatch(/unsafe-inline/);
});

test('Add account opens the dialog; Escape closes it and focus returns', async ({ page }) => {
  const problems = await watchPage(page);
  await page.goto('/');
  const dialog = await openDialog(page);

  await expect(dialog.locator('[data-part="title"]')).toHaveText(EN_TITLE);
  const labelledBy = await dialog.getAttribute('aria-labelledby');
  expect(labelledBy, 'the dialog is labelled by its title').toBeTruthy();
  await expect(dialog.locator('button[data-connection="github"]')).toBeVisible();
  await expect(dialog.locator('button[data-action="close"]')).toBeVisible();

  // Focus moved inside the dialog (in the widget's open shadow root).
  await expect.poll(() => focusInDialog(page)).toBe(true);

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect.poll(() => page.evaluate(() => document.activeElement && document.activeElement.id)).toBe('add-account');

  // The close button works too.
  await openDialog(page);
  await modal(page).locator('button[data-action="close"]').click();
  await expect(modal(page)).toBeHidden();

  expect(problems).toEqual([]);
});

/** True when keyboard focus is on an element inside the widget's dialog (in its shadow root). */
const focusInDialog = (page) =>
  page.evaluate(() => {
    const host = document.activeElement;
    const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
    return !!(host && host.hasAttribute('data-account-link') && inner && inner.closest('[role="dialog"]'));
  });

test('focus is trapped in the modal dialog (Tab and Shift+Tab)', async ({ page }) => {
  await page.goto('/');
  const dialog = await openDialog(page);
  const focusable = await dialog.locator('button').count();
  for (let i = 0; i < focusable + 2; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInDialog(page), `focus inside after ${i + 1} Tab`).toBe(true);
  }
  for (let i = 0; i < focusable + 2; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await focusInDialog(page), `focus inside after ${i + 1} Shift+Tab`).toBe(true);
  }
});

test('the dialog fits a 360 px wide viewport', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto('/');
  const dialog = await openDialog(page);
  const box = await dialog.boundingBox();
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  const github = dialog.locator('button[data-connection="github"]');
  await expect(github).toBeInViewport();
  const b = await github.boundingBox();
  expect(b.x + b.width).toBeLessThanOrEqual(360);
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth, 'no horizontal scrolling').toBeLessThanOrEqual(360);
});

// Each font weight or size the browser has not drawn yet is one more font lookup in the first
// layout of the dialog (on Linux, a round trip to the browser process each): measured at 3-4 ms of
// the time to a usable dialog (bench/README.md, twelfth round). The first view (title, close,
// connection buttons, status) keeps to two faces: the text's and the title's.
test('the first view of the dialog is drawn in two font faces', async ({ page }) => {
  await page.goto('/');
  const dialog = await openDialog(page);
  const faces = await dialog.evaluate((panel) => {
    const seen = new Set();
    for (const el of panel.querySelectorAll('[data-part=title], [data-action=close], [data-connection], [data-part=status]')) {
      if (!el.textContent.trim() || !el.checkVisibility()) continue;
      const s = getComputedStyle(el);
      seen.add(`${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`);
    }
    return [...seen].sort();
  });
  expect(faces).toHaveLength(2);
});

test('a second language renders (es)', async ({ page }) => {
  const problems = await watchPage(page);
  await page.goto('/');
  await expect(page.locator('#language')).toBeVisible({ timeout: 10_000 });
  await page.selectOption('#language', 'es');
  const dialog = await openDialog(page);
  const title = dialog.locator('[data-part="title"]');
  await expect(title).not.toHaveText(EN_TITLE);
  await expect(title).toHaveText(/cuenta/i);
  await expect(dialog.locator('button[data-connection="github"]')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(problems).toEqual([]);
});

// Issue 5 (size): English is in the wasm; every other language is its own module, dist/lang/<tag>.js,
// which the entry imports only when `language` names it.
test('an English page downloads no translation; a Japanese page only lang/ja.js', async ({ page }) => {
  const problems = await watchPage(page);
  const translations = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/pkg/lang/')) translations.push(pathname);
  });

  await page.goto('/');
  let dialog = await openDialog(page);
  await expect(dialog.locator('[data-part="title"]')).toHaveText(EN_TITLE);
  await expect(dialog).toHaveAttribute('lang', 'en');
  expect(translations, 'an English page requests no lang/*.js').toEqual([]);
  await page.keyboard.press('Escape');

  await page.goto('/?lang=ja');
  dialog = await openDialog(page);
  await expect(dialog.locator('[data-part="title"]')).toHaveText('別のアカウントと連携');
  await expect(dialog.locator('button[data-connection="github"]')).toHaveText('GitHub で続行');
  await expect(dialog).toHaveAttribute('lang', 'ja');
  // The demo builds two widgets (modal and inline) in Japanese: one download, then the module cache.
  expect(translations).toEqual(['/pkg/lang/ja.js']);
  expect(problems).toEqual([]);
});

test('a translation that cannot load rejects with network_error naming the file; a later call loads it', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#add-account')).toBeEnabled({ timeout: 10_000 });
  // createLinkWidget from the page; resolves with the new dialog's title, or the error.
  const create = (language) =>
    page.evaluate(
      async ([language, domain]) => {
        const { createLinkWidget } = await import('/pkg/index.js');
        try {
          const widget = await createLinkWidget({ domain, clientId: 'account-link-demo', connections: ['github'], language });
          const hosts = document.querySelectorAll('[data-account-link]');
          const title = hosts[hosts.length - 1].shadowRoot.querySelector('[data-part="title"]').textContent;
          widget.destroy();
          return { title };
        } catch (e) {
          return { name: e.name, code: e.code, message: e.message };
        }
      },
      [language, EMULATOR],
    );

  await page.route('**/pkg/lang/fr.js', (route) => route.abort('connectionrefused'));
  const failed = await create('FR');
  expect(failed.name).toBe('LinkWidgetError');
  expect(failed.code).toBe('network_error');
  expect(failed.message).toContain('lang/fr.js');

  // Not poisoned: another language, English and, once the file is reachable, French work.
  expect(await create('de')).toEqual({ title: 'Mit einem anderen Konto verknüpfen' });
  expect(await create('en')).toEqual({ title: EN_TITLE });
  await page.unroute('**/pkg/lang/fr.js');
  expect(await create('fr')).toEqual({ title: 'Associer un autre compte' });
});
