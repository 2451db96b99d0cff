// Playwright end-to-end tests (tests/e2e/*.spec.mjs) against the emulator, which serves the demo
// app (www/ + dist/ at /pkg/) on http://127.0.0.1:4100 (`npm test` ports, docs/ARCHITECTURE.md).
// Debian's Chromium, never a downloaded browser (see ../shared/TOOLCHAIN.md).
//
// scripts/test.sh starts the emulator before running this; run alone (`npx playwright test`) after
// `npm run build` and `cargo build -p account-link-emulator`, Playwright starts it itself.
import { defineConfig } from '@playwright/test';
import { launchOptions } from './scripts/chromium.mjs';

const appPort = process.env.E2E_APP_PORT || '4100';
const emulatorPort = process.env.E2E_EMULATOR_PORT || '4110';
const target = process.env.CARGO_TARGET_DIR || 'target';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.mjs',
  outputDir: 'test-results',
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  forbidOnly: !!process.env.CI,
  use: {
    baseURL: `http://127.0.0.1:${appPort}`,
    browserName: 'chromium',
    launchOptions,
    trace: 'retain-on-failure',
  },
  webServer: {
    command:
      `${target}/debug/account-link-emulator --memory --test-control --port ${emulatorPort} ` +
      `--app-port ${appPort} --app-dir www --app-mount /pkg=dist ` +
      // tests/e2e/auth0-spa-js.spec.mjs: the SDK's dist and its fixture page (as scripts/test.sh).
      `--app-mount /vendor/auth0-spa-js=node_modules/@auth0/auth0-spa-js/dist ` +
      `--app-mount /fixtures=tests/e2e/fixtures --config tests/emulator.toml`,
    url: `http://127.0.0.1:${emulatorPort}/.well-known/openid-configuration`,
    reuseExistingServer: true,
    timeout: 30_000,
  },
});
