// account-link, loaded from the built package (dist/ served at /pkg/), opened at once with the
// same connections as the floor page.
import { createLinkWidget } from '/pkg/index.js';

const params = new URLSearchParams(location.search);
const tenant = params.get('emulator') || 'http://127.0.0.1:4310';

try {
  const widget = await createLinkWidget({
    domain: tenant,
    clientId: 'account-link-demo',
    accessToken: 'bench-access-token',
    userId: 'auth0|bench',
    connections: ['google-oauth2', 'github', { name: 'windowslive', displayName: 'Microsoft' }],
  });
  document.getElementById('add-account').onclick = () => widget.show();
  widget.show();
} catch (e) {
  document.documentElement.dataset.benchError = `${e && e.code ? e.code + ': ' : ''}${e && e.message}`;
}
