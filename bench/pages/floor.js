// The floor: the same dialog as account-link (title, one button per connection, close), drawn
// with a few lines of plain JS and no framework, in an open shadow root with an adopted stylesheet
// like the widget, so both pages are measured with the same selectors. A click on a connection
// opens the popup synchronously and points it at the tenant's /authorize, as the widget does.
const params = new URLSearchParams(location.search);
const tenant = params.get('emulator') || 'http://127.0.0.1:4310';
const connections = [
  ['google-oauth2', 'Google'],
  ['github', 'GitHub'],
  ['windowslive', 'Microsoft'],
];

const host = document.createElement('div');
host.setAttribute('data-account-link', '');
const root = host.attachShadow({ mode: 'open' });
const sheet = new CSSStyleSheet();
sheet.replaceSync(`
  .backdrop { position: fixed; inset: 0; background: rgb(0 0 0 / 40%); display: grid; place-items: center; }
  [role=dialog] { background: #fff; border-radius: 8px; padding: 24px; width: min(360px, 90vw); font: 16px system-ui, sans-serif; }
  h2 { margin: 0 0 16px; font-size: 18px; }
  button { display: block; width: 100%; margin: 8px 0; padding: 10px; font: inherit; }
`);
root.adoptedStyleSheets = [sheet];

const backdrop = document.createElement('div');
backdrop.className = 'backdrop';
const dialog = document.createElement('div');
dialog.setAttribute('role', 'dialog');
dialog.setAttribute('aria-modal', 'true');
dialog.setAttribute('aria-labelledby', 'title');
const title = document.createElement('h2');
title.id = 'title';
title.dataset.part = 'title';
title.textContent = 'Link with another account';
dialog.append(title);
for (const [name, label] of connections) {
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.connection = name;
  button.textContent = label;
  button.addEventListener('click', () => {
    const popup = window.open('', 'account-link', 'popup,width=480,height=640');
    if (!popup) return;
    const state = crypto.randomUUID();
    popup.location.href = `${tenant}/authorize?${new URLSearchParams({
      client_id: 'account-link-demo',
      response_type: 'code',
      response_mode: 'web_message',
      redirect_uri: location.origin,
      scope: 'openid profile email',
      state,
      nonce: crypto.randomUUID(),
      connection: name,
    })}`;
  });
  dialog.append(button);
}
const close = document.createElement('button');
close.type = 'button';
close.dataset.action = 'close';
close.textContent = 'Close';
close.addEventListener('click', () => host.remove());
dialog.append(close);
backdrop.append(dialog);
root.append(backdrop);
document.body.append(host);
dialog.querySelector('button').focus();
