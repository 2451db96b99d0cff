// The demo's callback page (redirectUri = /callback.html), loaded as an external module.
//   - a popup that landed here (the popup fallback) reports to its opener through
//     BroadcastChannel and closes: handlePopupCallback() does it all;
//   - a redirect-mode return finishes the link with widget.handleRedirectCallback(), then goes
//     back to the demo, which shows the result.
import { handlePopupCallback } from '/pkg/callback.js';
import { createLinkWidget } from '/pkg/index.js';
import { loadSettings, setFlash, widgetOptions } from './demo-common.js';

const status = document.querySelector('#callback-status');
const problem = document.querySelector('#callback-error');

const kind = handlePopupCallback();
if (kind === 'redirect') {
  try {
    const widget = await createLinkWidget(widgetOptions(loadSettings()));
    const result = await widget.handleRedirectCallback();
    widget.destroy();
    setFlash({ event: result.identity !== undefined ? 'linked' : 'authenticated', payload: result.identity ?? null });
    status.textContent = 'Done. Going back to the demo…';
    location.replace('./');
  } catch (error) {
    status.textContent = 'The login did not complete.';
    problem.hidden = false;
    problem.textContent = `${error.code || 'error'}: ${error.message}`;
    setFlash({ event: 'error', payload: { code: error.code, message: error.message } });
  }
} else if (kind === 'none') {
  // No login result, or one that is neither a pending redirect nor our popup (e.g. a restored tab).
  status.textContent = 'There is no login to finish on this page (it may have been used already).';
}
