// The demo page: sign in as the primary user with widget.signIn(), then "Add account" opens the
// widget to link (popup, redirect or legacy) and unlink accounts. Loaded as an external module
// (strict CSP: no inline script or style).
import { createLinkWidget, LinkWidgetError } from '/pkg/index.js';
import {
  SIGN_IN_CONNECTIONS,
  loadSession,
  loadSettings,
  saveSession,
  saveSettings,
  takeFlash,
  widgetOptions,
} from './demo-common.js';

const EVENTS = ['show', 'hide', 'connection', 'linked', 'unlinked', 'authenticated', 'error'];

const $ = (selector) => document.querySelector(selector);
const addAccount = $('#add-account');
const showInline = $('#show-inline');
const signIn = $('#sign-in');
const signInConnection = $('#signin-connection');
const language = $('#language');
const theme = $('#theme');
const modeRedirect = $('#mode-redirect');
const legacy = $('#legacy');
const log = $('#log');
const problem = $('#problem');

for (const [value, label] of SIGN_IN_CONNECTIONS) {
  signInConnection.append(new Option(label, value));
}

// URL options (?mode=redirect&legacy=1&timeout=2) are kept for this tab, so they survive the
// redirect-mode round trip through callback.html.
const settings = loadSettings();
saveSettings(settings);
language.value = settings.lang;
theme.value = settings.theme;
modeRedirect.checked = settings.mode === 'redirect';
legacy.checked = settings.legacy;

/** The current widgets and every event they fired, for the page and for end-to-end tests. */
const state = { modal: null, inline: null, events: [] };
window.accountLinkDemo = state;

function describe(payload) {
  if (payload instanceof LinkWidgetError) return `${payload.code}: ${payload.message}`;
  if (payload === undefined) return '';
  return JSON.stringify(payload);
}

function logEvent(source, name, payload) {
  state.events.push({ source, name, code: payload instanceof LinkWidgetError ? payload.code : undefined, payload });
  const item = document.createElement('li');
  item.dataset.event = name;
  item.textContent = `${new Date().toLocaleTimeString()} ${source} ${name} ${describe(payload)}`;
  log.prepend(item);
  while (log.children.length > 30) log.lastElementChild.remove();
}

function showProblem(error) {
  problem.hidden = !error;
  problem.textContent = error ? describe(error) : '';
}

/** Lists the signed-in user's identities (primary first), as text. */
function renderIdentities(identities) {
  const list = $('#identities');
  list.replaceChildren();
  for (const [i, identity] of identities.entries()) {
    const item = document.createElement('li');
    item.dataset.identity = `${identity.provider}|${identity.userId}`;
    const who = identity.profile.name || identity.profile.email || identity.userId;
    item.textContent = `${identity.connection}: ${who}${i === 0 ? ' (primary)' : ''}`;
    list.append(item);
  }
}

/** Shows who is signed in (or the sign-in form). */
function renderSession() {
  const session = loadSession();
  $('#signed-in').hidden = !session;
  $('#signed-out').hidden = !!session;
  if (!session) return;
  $('#user-name').textContent = session.profile.name || session.profile.sub || '';
  $('#user-email').textContent = session.profile.email || '';
  const picture = $('#user-picture');
  const src = session.profile.picture;
  picture.hidden = !src;
  if (src) picture.src = src;
}

let generation = 0;

/** (Re)creates both widgets with the current settings and session. */
async function build() {
  const mine = ++generation;
  addAccount.disabled = showInline.disabled = signIn.disabled = true;
  state.modal?.destroy();
  state.inline?.destroy();
  state.modal = state.inline = null;
  try {
    const modal = await createLinkWidget(widgetOptions(settings));
    const inline = await createLinkWidget(widgetOptions(settings, { container: '#inline-widget' }));
    if (mine !== generation) {
      // A newer change won the race.
      modal.destroy();
      inline.destroy();
      return;
    }
    for (const [source, widget] of [['modal', modal], ['inline', inline]]) {
      for (const name of EVENTS) widget.on(name, (payload) => logEvent(source, name, payload));
      widget.on('linked', ({ identities }) => renderIdentities(identities));
      widget.on('unlinked', ({ identities }) => renderIdentities(identities));
    }
    state.modal = modal;
    state.inline = inline;
    document.documentElement.lang = language.value;
    showProblem(null);
    addAccount.disabled = showInline.disabled = signIn.disabled = false;
    if (loadSession()) {
      renderIdentities(await modal.identities());
    }
  } catch (error) {
    showProblem(error);
  }
}

function settingsChanged() {
  settings.lang = language.value;
  settings.theme = theme.value;
  settings.mode = modeRedirect.checked ? 'redirect' : 'popup';
  settings.legacy = legacy.checked;
  saveSettings(settings);
  build();
}

signIn.addEventListener('click', async () => {
  // signIn opens its popup synchronously, inside this click, before any await.
  const pending = state.modal?.signIn({ connection: signInConnection.value });
  if (!pending) return;
  try {
    saveSession(await pending);
    showProblem(null);
    renderSession();
    await build();
  } catch (error) {
    showProblem(error);
  }
});

$('#sign-out').addEventListener('click', () => {
  saveSession(null);
  renderSession();
  build();
});

addAccount.addEventListener('click', () => state.modal?.show());
showInline.addEventListener('click', () => state.inline?.show());
for (const control of [language, theme, modeRedirect, legacy]) {
  control.addEventListener('change', settingsChanged);
}

// Back from the callback page (redirect mode): show what happened there.
const flash = takeFlash();
if (flash) logEvent('callback', flash.event, flash.payload);

renderSession();
build();
