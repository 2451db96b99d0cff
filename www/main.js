// The demo page: a modal widget behind "Add account", an inline one, a language switch and a
// custom theme. Loaded as an external module (strict CSP: no inline script).
import { createLinkWidget, LinkWidgetError } from '/pkg/index.js';

// The emulator tenant beside the app: 4000 -> 4010 (`npm start`), 4100 -> 4110 (`npm test`);
// `?domain=` overrides.
const EMULATOR_FOR_APP_PORT = { 4000: 'http://127.0.0.1:4010', 4100: 'http://127.0.0.1:4110' };
const params = new URLSearchParams(location.search);
export const DOMAIN = params.get('domain') || EMULATOR_FOR_APP_PORT[location.port] || 'http://127.0.0.1:4010';
export const CLIENT_ID = 'account-link-demo';
const CONNECTIONS = ['google-oauth2', 'github', { name: 'windowslive', displayName: 'Microsoft' }];
const THEMES = {
  default: undefined,
  ocean: { primaryColor: '#0a66c2' },
  forest: { primaryColor: 'rgb(21, 128, 61)' },
};
const EVENTS = ['show', 'hide', 'connection', 'linked', 'unlinked', 'authenticated', 'error'];

const $ = (selector) => document.querySelector(selector);
const addAccount = $('#add-account');
const showInline = $('#show-inline');
const language = $('#language');
const theme = $('#theme');
const log = $('#log');
const problem = $('#problem');

if (params.get('lang')) language.value = params.get('lang');

/** The current widgets, for the page and for end-to-end tests (`window.accountLinkDemo`). */
const state = { modal: null, inline: null };
window.accountLinkDemo = state;

function describe(payload) {
  if (payload instanceof LinkWidgetError) return `${payload.code}: ${payload.message}`;
  if (payload === undefined) return '';
  return JSON.stringify(payload);
}

function logEvent(source, name, payload) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${source} ${name} ${describe(payload)}`;
  log.prepend(item);
  while (log.children.length > 30) log.lastElementChild.remove();
}

function showProblem(error) {
  problem.hidden = !error;
  problem.textContent = error ? describe(error) : '';
}

function options(extra) {
  return {
    domain: DOMAIN,
    clientId: CLIENT_ID,
    connections: CONNECTIONS,
    language: language.value,
    theme: THEMES[theme.value],
    ...extra,
  };
}

let generation = 0;

/** (Re)creates both widgets with the current settings. */
async function build() {
  const mine = ++generation;
  addAccount.disabled = showInline.disabled = true;
  state.modal?.destroy();
  state.inline?.destroy();
  state.modal = state.inline = null;
  try {
    const modal = await createLinkWidget(options());
    const inline = await createLinkWidget(options({ container: '#inline-widget' }));
    if (mine !== generation) {
      // A newer change won the race.
      modal.destroy();
      inline.destroy();
      return;
    }
    for (const name of EVENTS) {
      modal.on(name, (payload) => logEvent('modal', name, payload));
      inline.on(name, (payload) => logEvent('inline', name, payload));
    }
    state.modal = modal;
    state.inline = inline;
    inline.show();
    document.documentElement.lang = language.value;
    showProblem(null);
    addAccount.disabled = showInline.disabled = false;
  } catch (error) {
    showProblem(error);
  }
}

addAccount.addEventListener('click', () => state.modal?.show());
showInline.addEventListener('click', () => state.inline?.show());
language.addEventListener('change', build);
theme.addEventListener('change', build);
build();
