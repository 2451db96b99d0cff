// Issue 2, end to end: the built package loaded by the demo app (www/, served by the emulator on
// the app origin) opens the dialog, reads in two languages, closes with Escape and returns focus,
// all under the strict CSP with no violation.
//
// What this expects of the demo (www/index.html):
//   #add-account   a button that opens the modal widget (widget.show()), enabled once the widget exists
//   #language      a <select> of languages (values: en, es, ...) that recreates the widget in that language
// and of the widget, the DOM contract in docs/ARCHITECTURE.md.
import { test, expect } from '@playwright/test';

const EN_TITLE = 'Link with another account';

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
