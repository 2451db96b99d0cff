// A consumer app of the packed `account-link`: type-checked with tsc (tests/package/types.test.mjs)
// and bundled with Vite, then run in Chromium (tests/package/bundler.test.mjs).
// Uses only the documented API (README.md, ../shared/DESIGN.md section 3).
import { createLinkWidget, LinkWidgetError, type Language } from 'account-link';

// `?lang=ja` picks the language (tests/package/bundler.test.mjs runs both).
const language = (new URLSearchParams(location.search).get('lang') ?? 'en') as Language;

async function main(): Promise<string> {
  try {
    const widget = await createLinkWidget({
      domain: 'tenant.example.com',
      clientId: 'consumer-client-id',
      accessToken: async () => 'primary-access-token',
      connections: ['github', 'google-oauth2', { name: 'corp-sso', displayName: 'Corp SSO' }],
      language,
      languageDictionary: { close: 'Close' },
    });
    const unsubscribe: () => void = widget.on('show', () => {
      document.documentElement.dataset.shown = 'yes';
    });
    const button = document.getElementById('add-account');
    if (button) button.onclick = () => widget.show();
    widget.show();
    unsubscribe();
    return 'shown';
  } catch (e) {
    if (e instanceof LinkWidgetError) {
      const code: string = e.code;
      return `LinkWidgetError:${code}`;
    }
    return `other:${String(e)}`;
  }
}

// Never called: the types must refuse a call without the required clientId.
export async function typesRejectMissingClientId() {
  // @ts-expect-error clientId is required
  await createLinkWidget({ domain: 'tenant.example.com' });
}

// Bad options are refused inside the wasm; the error must be the class this package exports.
async function refused(): Promise<string> {
  try {
    await createLinkWidget({ domain: 'tenant.example.com', clientId: 'consumer-client-id', connections: [] });
    return 'accepted';
  } catch (e) {
    return e instanceof LinkWidgetError ? `LinkWidgetError:${e.code}` : `other:${String(e)}`;
  }
}

main().then(async (result) => {
  document.documentElement.dataset.refused = await refused();
  document.documentElement.dataset.result = result;
});
