// The dialog's shell, built in ONE call: the host element, its open shadow root and the adopted
// stylesheet. Imported with `#[wasm_bindgen(module = "/js/wasm/dialog.js")]` by
// src/dialog/mod.rs and bundled into dist/index.js. Each web-sys method used for this was one
// more import and glue function; here they are a few lines. Nothing is decided here: the CSS is
// the wasm's (src/dialog/styles.rs) and `color` was checked by `is_safe_color` in Rust.

/**
 * `<div data-account-link data-mode="modal|inline" hidden>` (not attached anywhere), with an open
 * shadow root that adopts one constructed stylesheet of `css` (no `<style>`, no `style`
 * attribute: strict CSP). With `color`, sets `--al-primary` and `--al-on-primary` (`onColor`)
 * through CSSOM. Returns the shadow root (`root.host` is the host).
 */
export function dialogShell(modal, css, color, onColor) {
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
  return root;
}

/**
 * Creates `<tag>` in the document, sets the attributes of `attrs` (`name=value` or `name`
 * for an empty value, separated by spaces; fixed literals of the wasm), sets `text` as its text
 * content when not empty (text, never HTML) and appends it to `parent`. Returns the element.
 */
export function el(parent, tag, attrs, text) {
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

/** `toggleAttribute(name, on)` on every element of `root` that matches `selector`. */
export function toggleAll(root, selector, name, on) {
  for (const element of root.querySelectorAll(selector)) element.toggleAttribute(name, on);
}

/**
 * What a click in the dialog is about: `true` when its target is the backdrop itself, else the
 * enabled button the target is in, else `null` (a disabled button, text, a non-element).
 */
export function clickTarget(event) {
  const target = event.target;
  if (!(target instanceof Element)) return null;
  if (target.getAttribute('data-part') == 'backdrop') return true;
  const button = target.closest('button');
  return button && !button.hasAttribute('disabled') ? button : null;
}

/** Removes every element of `root` that matches `selector`. */
export function removeAll(root, selector) {
  for (const element of root.querySelectorAll(selector)) element.remove();
}
