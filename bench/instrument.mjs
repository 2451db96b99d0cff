// How the bench measures one page load, shared by bench/run.mjs and bench/compare.mjs: the
// in-page `instrument` (Playwright's `page.addInitScript` sends the function's source to the
// page, where it runs before the page's own scripts and fills `window.__bench` with timestamps
// on the page's clock, 0 = navigation start: `wasm` (instantiated), `usable`, `painted` (its
// first frame), `click` and `open` (a connection's click, the popup's `window.open`)), and
// `loadPage`, which loads a bench page with it and waits for those marks. What each one means is
// in bench/README.md ("What is measured").

/** `--name value` from `argv`, or `def`. */
export function option(argv, name, def) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
}

/**
 * Loads `url` in a new page of `context` with the instrument (and `latencyMs` of added latency
 * per request, through CDP, when above 0), waits until the dialog's first frame is marked, and
 * returns the page, its CDP session and its marks. `beforeLoad(page)` runs before navigating
 * (to listen to responses). Throws the page's own error (`data-bench-error`), if it reports one.
 */
export async function loadPage(context, url, latencyMs, beforeLoad = () => {}) {
  const page = await context.newPage();
  await page.addInitScript(instrument);
  const cdp = await context.newCDPSession(page);
  if (latencyMs > 0) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: latencyMs,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  }
  beforeLoad(page);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(
    () => window.__bench.painted !== null || document.documentElement.dataset.benchError,
    null,
    { timeout: 20_000, polling: 50 },
  );
  const error = await page.evaluate(() => document.documentElement.dataset.benchError);
  if (error) throw new Error(`${new URL(url).pathname.slice(1)}: ${error}`);
  const marks = await page.evaluate(() => ({ ...window.__bench }));
  return { page, cdp, marks };
}

/** Runs in every page before its own scripts (self-contained: it is sent as source). */
export function instrument() {
  const marks = { wasm: null, usable: null, painted: null, click: null, open: null };
  window.__bench = marks;
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const orig = WebAssembly[name];
    if (!orig) continue;
    WebAssembly[name] = function (...args) {
      return orig.apply(this, args).then((result) => {
        if (marks.wasm === null) marks.wasm = performance.now();
        const instance = result.instance || result;
        if (instance.exports && instance.exports.memory) window.__benchMemory = instance.exports.memory;
        return result;
      });
    };
  }
  const open = window.open;
  window.open = function (...args) {
    const w = open.apply(this, args);
    if (w && marks.open === null) marks.open = performance.now();
    return w;
  };
  addEventListener('click', (e) => {
    if (marks.click === null && e.composedPath().some((n) => n.dataset && n.dataset.connection)) marks.click = e.timeStamp;
  }, true);

  const visible = (el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  function usable() {
    const host = document.querySelector('[data-account-link]');
    const shadow = host && host.shadowRoot;
    const dialog = shadow && shadow.querySelector('[role="dialog"]');
    if (!dialog) return false;
    const title = dialog.querySelector('[data-part="title"]');
    const buttons = [...dialog.querySelectorAll('button[data-connection]')];
    if (!title || !title.textContent.trim() || buttons.length === 0) return false;
    if (![title, ...buttons].every(visible)) return false;
    for (const el of [title, ...buttons]) {
      for (let n = el; n; n = n.parentElement || (n.getRootNode().host ?? null)) {
        if (getComputedStyle(n).opacity !== '1') return false;
      }
    }
    return document.activeElement === host && !!shadow.activeElement && dialog.contains(shadow.activeElement);
  }
  // Checked when focus moves (both pages move focus into their dialog last) and by a poll, for a
  // dialog that turns visible or opaque after focus moved in. The poll alone came 10-40 ms late on
  // a busy 2-core machine: timers wait behind the page's other tasks. Once the state is seen, the
  // time is taken by a posted message, which runs when the task that moved focus and its
  // microtasks are over: what a page does right after showing its dialog (ours: the `show` event,
  // the listing's fetch start) counts, as it delays the user's first key or click. `painted`: the
  // same after the next animation frame, i.e. once the main thread has styled, laid out and
  // painted the frame that first draws the dialog.
  const afterTask = (fn) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = fn;
    channel.port2.postMessage(0);
  };
  let seen = false;
  function check() {
    if (seen || !usable()) return;
    seen = true;
    // Requested now, so that a frame drawn before the message below still counts as the first.
    requestAnimationFrame(() =>
      afterTask(() => {
        if (marks.usable !== null && marks.painted === null) marks.painted = performance.now();
      }),
    );
    afterTask(() => {
      if (usable()) {
        marks.usable = performance.now();
      } else {
        seen = false; // undone by the rest of that task: look again
        poll();
      }
    });
  }
  function poll() {
    check();
    if (!seen) setTimeout(poll, 1);
  }
  addEventListener('focusin', check, true);
  poll();
}
