// The public `LinkWidget` of the built package (dist/index.js) method by method: js/index.js's
// facade calls the wasm's single `call(op, a, b)` for each (issue 5, size), so this proves that
// every method reaches its own operation with its arguments, returns what index.d.ts says, and
// throws or rejects the wasm's `LinkWidgetError` (code, message, `instanceof`), also after
// `destroy()`. No sign-in: each method is told apart by an effect of its own (an event, the
// dialog's status line, a distinct rejection), so two swapped operations fail here.
import { test, expect } from '@playwright/test';

const EMULATOR = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT || Number(process.env.E2E_APP_PORT || 4100) + 10}`;

test('every LinkWidget method reaches its own wasm operation, with its arguments and errors', async ({ page }) => {
  const consoleErrors = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto('/');
  await expect(page.locator('#add-account')).toBeEnabled({ timeout: 10_000 });

  const result = await page.evaluate(
    async (domain) => {
      const { createLinkWidget, LinkWidgetError } = await import('/pkg/index.js');
      /** `{ name, code, message, isLinkWidgetError }` of a thrown or rejected value. */
      const describe = (e) => ({ name: e.name, code: e.code, message: e.message, isLinkWidgetError: e instanceof LinkWidgetError });
      const sync = (f) => {
        try {
          return { returned: f() };
        } catch (e) {
          return describe(e);
        }
      };
      const settle = (p) => p.then((value) => ({ resolved: value }), describe);
      const out = {};
      // A token that never comes: actions that need it stay at their first status line.
      const widget = await createLinkWidget({
        domain,
        clientId: 'account-link-demo',
        connections: ['github'],
        accessToken: () => new Promise(() => {}),
        userId: 'auth0|alice',
      });
      const hosts = document.querySelectorAll('[data-account-link]');
      const host = hosts[hosts.length - 1];
      const status = () => host.shadowRoot.querySelector('[data-part="status"]').textContent;
      out.methods = ['show', 'hide', 'on', 'off', 'destroy', 'linkWithPopup', 'linkWithRedirect',
        'handleRedirectCallback', 'signIn', 'identities', 'unlink'].filter((m) => typeof widget[m] !== 'function');

      // Events: on returns the unsubscribe function; show/hide fire their own event once.
      const seen = [];
      const offShow = widget.on('show', (payload) => seen.push(['show', payload]));
      out.onReturns = typeof offShow;
      const onHide = (payload) => seen.push(['hide', payload]);
      out.onHideReturns = typeof widget.on('hide', onHide);
      out.isOpenBefore = widget.isOpen;
      out.showReturns = sync(() => widget.show());
      out.isOpenShown = widget.isOpen;
      out.showAgain = sync(() => widget.show()); // already shown: no second event
      out.hideReturns = sync(() => widget.hide());
      out.isOpenHidden = widget.isOpen;
      out.seen1 = seen.splice(0);
      out.offReturns = sync(() => widget.off('hide', onHide));
      out.unsubscribeReturns = offShow();
      offShow(); // twice is harmless
      widget.show();
      widget.hide();
      out.seen2 = seen.splice(0);
      // A throwing listener is reported and the next one still runs.
      widget.on('show', () => {
        throw new Error('listener boom');
      });
      widget.on('show', () => seen.push(['after throw']));
      widget.show();
      widget.hide();
      out.seen3 = seen.splice(0);
      // `on`/`off` validation (the wasm's messages).
      out.unknownEvent = sync(() => widget.on('click', () => {}));
      out.numberEvent = sync(() => widget.on(1, () => {}));
      out.notAFunction = sync(() => widget.on('show', 'nope'));
      out.offUnknown = sync(() => widget.off('click', () => {}));

      // The promise methods, each with an effect of its own.
      out.unlinkNoUser = await settle(widget.unlink('github', null));
      out.unlinkNoProvider = await settle(widget.unlink('', 'x'));
      out.signInNoConnection = await settle(widget.signIn(null));
      out.callbackNoResult = await settle(widget.handleRedirectCallback(location.origin + '/'));
      out.callbackUnknownState = await settle(widget.handleRedirectCallback(location.origin + '/?code=c&state=s'));
      out.callbackUrlObject = await settle(widget.handleRedirectCallback(new URL(location.origin + '/?code=c&state=s')));
      const open = window.open;
      window.open = () => null; // a blocked popup
      try {
        out.popupBlocked = await settle(widget.linkWithPopup('github'));
        out.signInBlocked = await settle(widget.signIn({ connection: 'github' }));
      } finally {
        window.open = open;
      }
      out.popupBadName = await settle(widget.linkWithPopup('no spaces'));
      out.redirectBadName = await settle(widget.linkWithRedirect(''));
      widget.identities(); // waits for the token forever
      await new Promise((r) => setTimeout(r, 50));
      out.statusIdentities = status();
      widget.linkWithRedirect('github'); // waits for the token forever (no navigation)
      await new Promise((r) => setTimeout(r, 50));
      out.statusRedirect = status();

      // destroy: idempotent, removes the dialog; every method then fails with `destroyed`.
      out.destroyReturns = sync(() => widget.destroy());
      widget.destroy();
      out.hostGone = !host.isConnected;
      out.isOpenDestroyed = widget.isOpen;
      out.afterDestroy = {
        show: sync(() => widget.show()),
        hide: sync(() => widget.hide()),
        on: sync(() => widget.on('show', () => {})),
        off: sync(() => widget.off('show', () => {})),
        linkWithPopup: await settle(widget.linkWithPopup('github')),
        linkWithRedirect: await settle(widget.linkWithRedirect('github')),
        handleRedirectCallback: await settle(widget.handleRedirectCallback()),
        signIn: await settle(widget.signIn({ connection: 'github' })),
        identities: await settle(widget.identities()),
        unlink: await settle(widget.unlink('github', '1')),
      };

      // Re-entry: listeners call the widget from inside a call (the wasm function must allow it).
      const second = await createLinkWidget({ domain, clientId: 'account-link-demo', connections: ['github'] });
      second.on('show', () => second.hide());
      second.on('hide', () => second.destroy());
      out.reentrantShow = sync(() => second.show());
      out.reentrantDestroyed = sync(() => second.show());
      return out;
    },
    EMULATOR,
  );

  expect(result.methods).toEqual([]);
  expect(result.onReturns).toBe('function');
  expect(result.onHideReturns).toBe('function');
  expect(result.isOpenBefore).toBe(false);
  expect(result.showReturns).toEqual({ returned: undefined });
  expect(result.isOpenShown).toBe(true);
  expect(result.showAgain).toEqual({ returned: undefined });
  expect(result.hideReturns).toEqual({ returned: undefined });
  expect(result.isOpenHidden).toBe(false);
  expect(result.seen1).toEqual([['show', undefined], ['hide', undefined]]);
  expect(result.offReturns).toEqual({ returned: undefined });
  expect(result.unsubscribeReturns).toBeUndefined();
  expect(result.seen2).toEqual([]);
  expect(result.seen3).toEqual([['after throw']]);
  expect(consoleErrors.some((t) => t.includes("account-link: a 'show' listener threw"))).toBe(true);

  const invalid = (message) => ({ name: 'LinkWidgetError', code: 'invalid_options', message, isLinkWidgetError: true });
  const unknownEvent = (name) =>
    invalid(`unknown event '${name}'; use one of show, hide, connection, linked, unlinked, authenticated, error`);
  expect(result.unknownEvent).toEqual(unknownEvent('click'));
  expect(result.numberEvent).toEqual(unknownEvent(''));
  expect(result.offUnknown).toEqual(unknownEvent('click'));
  expect(result.notAFunction).toEqual(invalid("the listener must be a function, e.g. widget.on('show', () => {})"));

  expect(result.unlinkNoUser).toEqual(invalid('userId must be a non-empty string'));
  expect(result.unlinkNoProvider).toEqual(invalid('provider must be a non-empty string'));
  expect(result.signInNoConnection).toEqual(
    invalid("signIn needs the primary user's connection, such as signIn({ connection: 'github' })"),
  );
  expect(result.callbackNoResult).toMatchObject({ code: 'state_mismatch', isLinkWidgetError: true });
  expect(result.callbackNoResult.message).toContain('carries no login result');
  // The URL argument reached the wasm: this one carries a result, but no transaction is stored.
  expect(result.callbackUnknownState).toMatchObject({ code: 'state_mismatch', isLinkWidgetError: true });
  expect(result.callbackUnknownState.message).not.toContain('carries no login result');
  // A URL object is read as its href (the same answer as the string form, not "no login result").
  expect(result.callbackUrlObject).toEqual(result.callbackUnknownState);
  expect(result.popupBlocked).toMatchObject({ code: 'popup_blocked', isLinkWidgetError: true });
  expect(result.signInBlocked).toMatchObject({ code: 'popup_blocked', isLinkWidgetError: true });
  expect(result.popupBadName).toMatchObject({ code: 'invalid_options', isLinkWidgetError: true });
  expect(result.popupBadName.message).toContain('no spaces');
  expect(result.redirectBadName).toEqual(invalid('connection must be a non-empty string'));
  expect(result.statusIdentities).toBe('Loading linked accounts…');
  expect(result.statusRedirect).toBe('Redirecting…');

  expect(result.destroyReturns).toEqual({ returned: undefined });
  expect(result.hostGone).toBe(true);
  expect(result.isOpenDestroyed).toBe(false);
  const destroyed = {
    name: 'LinkWidgetError',
    code: 'destroyed',
    message: 'this widget was destroyed; create a new one with createLinkWidget(options)',
    isLinkWidgetError: true,
  };
  for (const [method, outcome] of Object.entries(result.afterDestroy)) {
    expect(outcome, method).toEqual(destroyed);
  }
  // show -> `show` listener hides -> `hide` listener destroys, all inside the first call.
  expect(result.reentrantShow).toEqual({ returned: undefined });
  expect(result.reentrantDestroyed).toEqual(destroyed);
  expect(pageErrors).toEqual([]);
});
