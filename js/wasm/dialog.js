// The dialog's DOM work in a few calls: the whole static tree (`dialogTree`), elements, bulk
// updates, the focus trap. Imported with `#[wasm_bindgen(module = "/js/wasm/dialog.js")]` by
// src/dialog/mod.rs and bundled into dist/index.js. Each web-sys method used for this was one
// more import and glue function, and each element one more call from the wasm; here they are a
// few lines. Nothing is decided here: what is shown, the texts, the CSS (src/dialog/styles.rs)
// and the colour (checked by `is_safe_color`) come from Rust; every text is set as text.

/**
 * The whole dialog, hidden, appended to `parent` (inline) or, when `parent` is null, to
 * `document.body` (modal), in ONE call: the host
 * `<div data-account-link data-mode="modal|inline" hidden>`, its open shadow root adopting one
 * constructed stylesheet of `css` (no `<style>`, no `style` attribute: strict CSP), with `color`
 * the theme's `--al-primary` and `--al-on-primary` (`onColor`) set through CSSOM, and the static
 * tree inside (docs/ARCHITECTURE.md's DOM contract; tests/dialog.rs pins it byte for byte).
 * Nothing is decided here: the CSS, the language tag, the logo URL (checked) and the four texts
 * are the wasm's; the texts are set as text (`textContent`, `aria-label`), never parsed.
 * Returns `[root, host, panel, identities, list, connections, status, error, useRedirect]`,
 * `undefined` without a document and `null` for a modal dialog without a body (the wasm turns
 * both into `invalid_options`); the connection buttons are added by the caller (inside the
 * shadow root, so no observer of the page sees them arrive after the host).
 */
export function dialogTree(parent, css, color, onColor, lang, logo, title, close, identitiesTitle, useRedirect) {
  if (typeof document === 'undefined') return undefined;
  const modal = parent == null;
  if (modal) parent = document.body;
  if (!parent) return null;
  const host = document.createElement('div');
  host.setAttribute('data-account-link', '');
  host.setAttribute('data-mode', modal ? 'modal' : 'inline');
  host.hidden = true;
  if (color) {
    host.style.setProperty('--al-primary', color);
    host.style.setProperty('--al-on-primary', onColor);
  }
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];

  if (modal) el(root, 'div', 'data-part=backdrop');
  const panel = el(root, 'div', 'role=dialog data-part=dialog aria-labelledby=al-title tabindex=-1');
  panel.setAttribute('lang', lang);
  if (modal) panel.setAttribute('aria-modal', 'true');
  const header = el(panel, 'header', '');
  if (logo != null) el(header, 'img', 'data-part=logo alt').setAttribute('src', logo);
  el(header, 'h2', 'data-part=title id=al-title', title);
  el(header, 'button', 'type=button data-action=close', '\u00d7').setAttribute('aria-label', close);
  const identities = el(panel, 'section', 'data-part=identities aria-labelledby=al-identities hidden');
  el(identities, 'h3', 'id=al-identities', identitiesTitle);
  parent.appendChild(host);
  return [
    root,
    host,
    panel,
    identities,
    el(identities, 'ul', ''),
    el(panel, 'div', 'data-part=connections'),
    el(panel, 'p', 'data-part=status role=status aria-live=polite'),
    el(panel, 'p', 'data-part=error role=alert'),
    el(panel, 'button', 'type=button data-action=use-redirect hidden', useRedirect),
  ];
}

/**
 * Appends one row of the identities list to `list`:
 * `<li data-identity="provider|userId">`, with `picture` an
 * `<img alt referrerpolicy=no-referrer src>`, `<div data-part=who>` holding the `label` and
 * `detail` spans, then for the `primary` row `<span data-part=badge>text</span>`, else
 * `<button type=button data-action=unlink aria-label="text label">text</button>`, `disabled`
 * when asked. What is shown (picture allowed, label, detail, primary, busy) is decided in Rust;
 * every string is set as text or as an attribute value, never parsed.
 */
export function identityRow(list, provider, userId, picture, label, detail, primary, text, disabled) {
  const li = el(list, 'li', '');
  li.setAttribute('data-identity', provider + '|' + userId);
  if (picture != null) el(li, 'img', 'alt referrerpolicy=no-referrer').setAttribute('src', picture);
  const who = el(li, 'div', 'data-part=who');
  el(who, 'span', 'data-part=provider', label);
  el(who, 'span', 'data-part=detail', detail);
  if (primary) {
    el(li, 'span', 'data-part=badge', text);
    return;
  }
  const button = el(li, 'button', 'type=button data-action=unlink', text);
  button.setAttribute('aria-label', text + ' ' + label);
  button.toggleAttribute('disabled', disabled);
}

/** Appends `<button type=button data-connection="name">text</button>` to `parent`. */
export function connectionButton(parent, name, text) {
  el(parent, 'button', 'type=button', text).setAttribute('data-connection', name);
}

/**
 * Hides the Unlink button of `row` and appends the unlink confirmation to it:
 * `<div data-part=confirm role=group>` holding `<span>prompt</span>` and the `confirm` and
 * `cancel` buttons (`data-action=confirm-unlink`, `cancel-unlink`), texts set as text. The
 * prompt is `before`, or, when `after` is given (the wasm's text has a `{name}` there), `before`
 * + the row's label as shown + `after`. Returns the Cancel button.
 */
export function confirmation(row, before, after, confirm, cancel) {
  row.querySelector('[data-action=unlink]').hidden = true;
  const label = row.querySelector('[data-part=provider]').textContent;
  const group = el(row, 'div', 'data-part=confirm role=group');
  el(group, 'span', '', after == null ? before : before + label + after);
  el(group, 'button', 'type=button data-action=confirm-unlink', confirm);
  return el(group, 'button', 'type=button data-action=cancel-unlink', cancel);
}

/**
 * Creates `<tag>` in the document, sets the attributes of `attrs` (`name=value` or `name`
 * for an empty value, separated by spaces; fixed literals of this file), sets `text` as its
 * text content when not empty (text, never HTML) and appends it to `parent`. Returns the
 * element. Used by the builders above; the wasm no longer creates elements itself.
 */
function el(parent, tag, attrs, text) {
  const element = document.createElement(tag);
  for (const attr of attrs.split(' ')) {
    if (!attr) continue;
    const i = attr.indexOf('=');
    element.setAttribute(i < 0 ? attr : attr.slice(0, i), i < 0 ? '' : attr.slice(i + 1));
  }
  if (text) element.textContent = text;
  parent.appendChild(element);
  return element;
}

/**
 * The modal dialog's focus trap, for one Tab `event` in `root`: among the enabled buttons not
 * inside a `[hidden]` element, Tab on the last (Shift+Tab on the first), or with focus on none
 * of them, is taken over and focuses the other end; with no such button it is only taken over.
 * Anywhere else the browser moves focus.
 */
export function wrapTab(event, root) {
  const shift = event.shiftKey;
  const items = [...root.querySelectorAll('button:not([disabled])')].filter((b) => !b.closest('[hidden]'));
  const active = root.activeElement;
  // `edge`: where the key would leave the dialog; `to`: the other end, where focus wraps.
  const [to, edge] = shift ? [items[items.length - 1], items[0]] : [items[0], items[items.length - 1]];
  if (!items.length || active == edge || !items.includes(active)) {
    event.preventDefault();
    if (to) to.focus();
  }
}

/** `scope.querySelector(selector)`: the first match or `null`. */
export function find(scope, selector) {
  return scope.querySelector(selector);
}

/** The page's focused element when it is an `HTMLElement` other than `except`, else `null`. */
export function focused(except) {
  const active = document.activeElement;
  return active instanceof HTMLElement && active != except ? active : null;
}

/** `element.focus()`. */
export function focus(element) {
  element.focus();
}

/**
 * The busy state's DOM: `aria-busy="true|false"` on `panel`, and `disabled` on every element of
 * `root` matching `selector` (which buttons: Rust's choice), both following `busy`.
 */
export function setBusy(root, panel, selector, busy) {
  panel.setAttribute('aria-busy', String(busy));
  toggleAll(root, selector, 'disabled', busy);
}

/** `toggleAttribute(name, on)` on every element of `root` that matches `selector`. */
export function toggleAll(root, selector, name, on) {
  for (const element of root.querySelectorAll(selector)) element.toggleAttribute(name, on);
}

/**
 * The dialog's two listeners on `root`, forwarding to ONE wasm closure `handler` (one closure and
 * one guard instead of two, no `addEventListener` imports) as `handler(code, value)`, where
 * `code` names what happened, so the wasm compares a number instead of strings:
 * 0 a click on the backdrop itself; for a click in an enabled button, 1 a connection button
 * (`value`: its `data-connection`), else by its `data-action` 2 `close`, 3 `use-redirect`
 * (no value), 4 `unlink` (`value`: its row, the `<li>`), 5 `cancel-unlink`, 6 `confirm-unlink`
 * (`value`: its row's `data-identity`); 7 an Escape and 8 a Tab keydown (`value`: the event).
 * Anything else (another key, a click about nothing, in a disabled button, one with no known
 * action, or one of the last three outside a row) is not forwarded: the wasm ignored it anyway.
 * What each means (hide, confirm, focus) is decided in Rust. Returns `stop`, which removes both
 * listeners.
 */
export function listen(root, handler) {
  const click = (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (target.getAttribute('data-part') == 'backdrop') return handler(0, null);
    const button = target.closest('button');
    if (!button || button.hasAttribute('disabled')) return;
    const name = button.getAttribute('data-connection');
    if (name != null) return handler(1, name);
    // 2 and 3 need no value (theirs is `null`: neither button is in a row); 4 to 6 act on their row.
    const code = ACTIONS.indexOf(button.getAttribute('data-action')) + 2;
    const row = button.closest('li');
    if (code > 1 && (code < 4 || row)) handler(code, code < 5 ? row : row.getAttribute('data-identity'));
  };
  const keydown = (event) => {
    const code = KEYS.indexOf(event.key);
    if (code >= 0) handler(code + 7, event);
  };
  root.addEventListener('click', click);
  root.addEventListener('keydown', keydown);
  return () => {
    root.removeEventListener('click', click);
    root.removeEventListener('keydown', keydown);
  };
}

/** The `data-action`s of `listen`'s codes 2 to 6, in order. */
const ACTIONS = ['close', 'use-redirect', 'unlink', 'cancel-unlink', 'confirm-unlink'];
/** The keys of `listen`'s codes 7 and 8. */
const KEYS = ['Escape', 'Tab'];

/** Removes every element of `root` that matches `selector`. */
export function removeAll(root, selector) {
  for (const element of root.querySelectorAll(selector)) element.remove();
}
