//! The popup runner: open synchronously, navigate, await exactly one validated authorization
//! response, and clean up on every exit (DESIGN.md 4 and 6.3, 6.9).
//!
//! ```text
//! click handler ── open_popup() ──(sync: a null window is popup_blocked at once)
//!               └─ spawn: run(&popup, options, &slot).await
//!                    ├ window "message": exact origin, our popup as source, shape, size, state
//!                    ├ BroadcastChannel "account-link:<state>": callback page fallback (COOP)
//!                    ├ interval: popup.closed for a grace period -> cancelled
//!                    └ timer: timeout -> popup closed, timeout
//! ```
//! The listener, channel, interval and timer are js/wasm/browser.js `watchPopup` (one import
//! instead of a dozen, no wasm-bindgen closure per source); it only forwards what happens to one
//! Rust closure, which applies every acceptance rule below (exact origin, our popup as source,
//! shape, size, state). A guard calls its `stop` when dropped, so leaving `run` by any path (or
//! dropping its future) removes all of them. [`live_guards`] counts what is alive, for tests.

use crate::error::{Error, ErrorCode, Result};
use crate::http::{field, field_str};
use crate::oauth::{CallbackFields, CallbackResponse, MAX_FIELD_LEN};
#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use web_sys::Window;

/// Prefix of the popup's window name. Each widget's [`PopupSlot`] adds its own random suffix, so
/// a second click reuses that widget's one popup window (issue 4: "one popup remains") while the
/// first transaction is cancelled, and two widgets on a page never take each other's popup.
pub const POPUP_NAME: &str = "account-link";

/// The `type` of the message the authorization server posts (Auth0 `web_message`).
pub const MESSAGE_TYPE: &str = "authorization_response";

/// Prefix of every popup transaction's state (random characters follow). The callback page
/// (js/callback.js) treats a callback without a stored redirect transaction as a popup only when
/// the state has it (or the page has an opener or our window name): Cross-Origin-Opener-Policy
/// may clear both the opener and, cross-site, the window name, while the state comes back intact.
pub const POPUP_STATE_PREFIX: &str = "popup.";

/// Prefix of the BroadcastChannel name; the state follows it.
pub const CHANNEL_PREFIX: &str = "account-link:";

/// How long `popup.closed` must read true without a break before the user is deemed to have
/// closed it: a popup cut off by Cross-Origin-Opener-Policy may read closed while it is open.
///
/// With `web_message` a severed popup can never answer (the server posts to `window.opener`), so
/// closed means over and a short grace is enough. With the callback page (`query`) under the
/// app's own COOP `same-origin`, Chromium severs the popup as soon as it leaves for the tenant, so
/// it reads closed for the whole login: the widget then sets the grace to the timeout
/// (`popupResponseMode: 'query'`), and the callback page's BroadcastChannel message or the
/// timeout ends the wait (tests/e2e/journey.spec.mjs, "under COOP").
pub const DEFAULT_CLOSED_GRACE_MS: i32 = 1500;

/// How often `popup.closed` is polled.
pub const CLOSED_POLL_MS: i32 = 250;

/// Default time to wait for an answer (`popupTimeoutSeconds` = 60).
pub const DEFAULT_TIMEOUT_MS: i32 = 60_000;

// ---------------------------------------------------------------------------------------------
// Pure acceptance rules (host-tested)

/// Accepts a payload (from either channel) only if it has our type, a well formed response and
/// exactly our state. Everything else yields `None`: the message is ignored, not an error, so a
/// stray or hostile message cannot end the transaction (DESIGN.md 6.3).
pub fn accept_payload(
    kind: Option<&str>,
    fields: Option<&CallbackFields>,
    expected_state: &str,
) -> Option<CallbackResponse> {
    if kind != Some(MESSAGE_TYPE) {
        return None;
    }
    let response = fields?.clone().into_response().ok()?;
    (response.state() == expected_state).then_some(response)
}

/// Whether a window message comes from exactly the tenant origin (no prefix or look-alike match)
/// and from our popup: the check before its data is even read.
pub fn from_tenant_popup(origin: &str, from_our_popup: bool, expected_origin: &str) -> bool {
    origin == expected_origin && from_our_popup
}

// ---------------------------------------------------------------------------------------------
// Reading browser payloads, bounded

fn short_string(value: &JsValue) -> core::result::Result<Option<String>, ()> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_string() {
        Some(s) if s.len() <= MAX_FIELD_LEN => Ok(Some(s)),
        _ => Err(()),
    }
}

/// Reads `{ type, response: { code, state, error, error_description } }` out of message data.
/// Non-objects, arrays, non-string fields and fields longer than [`MAX_FIELD_LEN`] give no fields.
pub fn read_payload(data: &JsValue) -> (Option<String>, Option<CallbackFields>) {
    if !data.is_object() || js_sys::Array::is_array(data) {
        return (None, None);
    }
    let kind = field_str(data, "type").filter(|k| k.len() <= 64);
    let response = field(data, "response");
    if !response.is_object() || js_sys::Array::is_array(&response) {
        return (kind, None);
    }
    let read = || -> core::result::Result<CallbackFields, ()> {
        Ok(CallbackFields {
            code: short_string(&field(&response, "code"))?,
            state: short_string(&field(&response, "state"))?,
            error: short_string(&field(&response, "error"))?,
            error_description: short_string(&field(&response, "error_description"))?,
        })
    };
    (kind, read().ok())
}

// ---------------------------------------------------------------------------------------------
// Opening

/// Opens the popup window, **synchronously**: call it in the click handler before any `.await`,
/// or the browser blocks it. It opens `about:blank`; [`run`] navigates it. A null result is
/// `popup_blocked`, at once.
pub fn open_popup(name: &str) -> Result<Window> {
    // The size, the centring and `window.open` are js/wasm/browser.js `openPopup`: five imports
    // and the integer printing of the features string fewer in the wasm.
    open_centred(name).ok_or_else(|| {
        Error::new(
            ErrorCode::PopupBlocked,
            "The browser blocked the popup: allow popups for this site, or use the redirect flow.",
        )
    })
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `openPopup`: `window.open("", name, "popup=yes,width=480,height=640,
    /// left=..,top=..")` centred over the window; `None` when blocked (`null`, or `open` threw).
    #[wasm_bindgen(js_name = openPopup)]
    fn open_centred(name: &str) -> Option<Window>;
}

// ---------------------------------------------------------------------------------------------
// One-shot outcome shared by the listeners and the waiting future

struct Outcome {
    value: RefCell<Option<(Result<CallbackResponse>, bool)>>,
    settled: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Outcome {
    fn new() -> Rc<Outcome> {
        Rc::new(Outcome {
            value: RefCell::new(None),
            settled: Cell::new(false),
            waker: RefCell::new(None),
        })
    }

    /// Records the first result only; later ones (a second message, a late timer) are dropped.
    /// `close` says whether the popup should be closed on the way out.
    fn settle(&self, result: Result<CallbackResponse>, close: bool) {
        if self.settled.replace(true) {
            return;
        }
        *self.value.borrow_mut() = Some((result, close));
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }
}

/// Where the current popup transaction is registered, so a newer one (or `destroy`) can end it.
/// Share one per widget; it also holds the widget's popup window name.
#[derive(Clone, Default)]
pub struct PopupSlot {
    current: Rc<RefCell<Option<Weak<Outcome>>>>,
    name: String,
}

impl core::fmt::Debug for PopupSlot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PopupSlot")
    }
}

impl PopupSlot {
    /// A slot with no transaction and its own popup window name (`account-link-` + random).
    pub fn new() -> Self {
        let suffix = crate::oauth::random_string(12).unwrap_or_default();
        Self {
            name: POPUP_NAME.to_owned() + "-" + &suffix,
            ..Self::default()
        }
    }

    /// The window name for this slot's popups (for [`open_popup`]).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Ends the running transaction, if any, with `error`; `close_popup` closes its window
    /// (true for `destroy`, false when a newer transaction reuses the window).
    pub fn cancel(&self, error: Error, close_popup: bool) {
        let old = self.current.borrow_mut().take();
        if let Some(outcome) = old.and_then(|w| w.upgrade()) {
            outcome.settle(Err(error), close_popup);
        }
    }

    /// Whether a transaction is waiting.
    pub fn is_busy(&self) -> bool {
        self.current
            .borrow()
            .as_ref()
            .and_then(|w| w.upgrade())
            .is_some_and(|o| !o.settled.get())
    }

    fn register(&self, outcome: &Rc<Outcome>) {
        self.cancel(
            Error::new(
                ErrorCode::Cancelled,
                "A newer popup transaction replaced this one.",
            ),
            false,
        );
        *self.current.borrow_mut() = Some(Rc::downgrade(outcome));
    }
}

// ---------------------------------------------------------------------------------------------
// The browser side (js/wasm/browser.js) and its guard

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `watchPopup`: the window `message` listener, the BroadcastChannel, the
    /// `closed` poll and the timeout of one transaction, reported to `report`; returns `stop`.
    #[wasm_bindgen(js_name = watchPopup, catch)]
    fn watch_popup(
        popup: &Window,
        channel: &str,
        grace_ms: i32,
        poll_ms: i32,
        timeout_ms: i32,
        report: &Closure<dyn FnMut(u32, String, bool, JsValue)>,
    ) -> core::result::Result<js_sys::Function, JsValue>;

    #[wasm_bindgen(js_name = liveWatches)]
    fn live_watches() -> u32;

    /// js/wasm/browser.js `closePopup`: `popup.close()`, a failure ignored (as every caller
    /// did). Imported directly: no glue function and no `Result`, where web-sys's `close` is a
    /// catching import.
    #[wasm_bindgen(js_name = closePopup)]
    pub(crate) fn close_popup(popup: &Window);

    /// js/wasm/browser.js `navigatePopup`: `popup.location.href = url`; false when it threw. One
    /// import instead of web-sys's `location` and catching `set_href`.
    #[wasm_bindgen(js_name = navigatePopup)]
    fn navigate_popup(popup: &Window, url: &str) -> bool;
}

/// How many listeners, channels, intervals and timers are alive (all popup runs together; four
/// per run where BroadcastChannel exists). Zero when no popup transaction runs: tests use it to
/// prove every exit cleans up.
pub fn live_guards() -> usize {
    live_watches() as usize
}

/// Stops a `watchPopup` (every listener, the channel and both timers) when dropped, then frees
/// the `report` closure, which nothing can call any more.
struct Watch {
    stop: js_sys::Function,
    _report: Closure<dyn FnMut(u32, String, bool, JsValue)>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.stop.call0(&JsValue::UNDEFINED);
    }
}

// ---------------------------------------------------------------------------------------------
// Running

/// What [`run`] waits for.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions<'a> {
    /// Where to navigate the popup (the authorize URL); `None` when it is already navigated.
    pub url: Option<&'a str>,
    /// The tenant origin messages must come from, exactly (`https://tenant.eu.auth0.com`).
    pub expected_origin: &'a str,
    /// Our state; also names the BroadcastChannel.
    pub state: &'a str,
    /// Give up after this long: `timeout`, popup closed.
    pub timeout_ms: i32,
    /// `popup.closed` must read true this long before `cancelled`.
    pub closed_grace_ms: i32,
}

/// Navigates `popup` and waits for one accepted authorization response, or `cancelled` (closed,
/// replaced through `slot`), `timeout`. The state is checked here; the response may still be an
/// OAuth error (use [`CallbackResponse::into_code`]). All listeners and timers are removed when
/// the returned future is dropped: right after it is awaited, or earlier if abandoned.
///
/// The listeners are set up and the popup navigated now; a plain function returning a [`Run`]
/// (a hand-written future) rather than an `async fn`, so the flows awaiting it hold no state
/// machine of its own.
pub fn run<'a>(popup: &Window, opts: RunOptions<'_>, slot: &'a PopupSlot) -> Run<'a> {
    let outcome = Outcome::new();
    slot.register(&outcome);

    let report = {
        let outcome = Rc::downgrade(&outcome);
        let origin = opts.expected_origin.to_owned();
        let state = opts.state.to_owned();
        Closure::<dyn FnMut(u32, String, bool, JsValue)>::new(
            move |what: u32, from: String, from_our_popup: bool, event: JsValue| {
                let Some(o) = outcome.upgrade() else { return };
                match what {
                    // A window message (0), or the callback page's over BroadcastChannel (1, same
                    // origin by construction). A window message's origin and source are checked
                    // first, so a hostile sender's data is not even read; then the payload's type,
                    // shape and state, for both.
                    0 | 1 => {
                        if what == 0 && !from_tenant_popup(&from, from_our_popup, &origin) {
                            return;
                        }
                        let (kind, fields) = read_payload(&field(&event, "data"));
                        if let Some(r) = accept_payload(kind.as_deref(), fields.as_ref(), &state) {
                            o.settle(Ok(r), true);
                        }
                    }
                    2 => o.settle(
                        Err(Error::new(
                            ErrorCode::Cancelled,
                            "The popup was closed before the login finished.",
                        )),
                        false,
                    ),
                    _ => o.settle(
                        Err(Error::new(
                            ErrorCode::Timeout,
                            "The popup did not answer in time; try again.",
                        )),
                        true,
                    ),
                }
            },
        )
    };
    // Fallback channel: the app's callback page (same origin, so BroadcastChannel is the right
    // scope) reports there when Cross-Origin-Opener-Policy severed `window.opener`.
    let stop = watch_popup(
        popup,
        &(CHANNEL_PREFIX.to_owned() + opts.state),
        opts.closed_grace_ms,
        CLOSED_POLL_MS,
        opts.timeout_ms,
        &report,
    )
    .ok();
    // Failing to listen (`watchPopup` threw) ends the run at its first poll, the popup left open
    // as before.
    if stop.is_none() {
        outcome.settle(
            Err(Error::new(
                ErrorCode::Cancelled,
                "Could not listen for messages.",
            )),
            false,
        );
    }
    let watch = stop.map(|stop| Watch {
        stop,
        _report: report,
    });

    // Navigate only once every listener is in place, so no answer can be missed (and not at all
    // without them).
    if let (Some(url), Some(_)) = (opts.url, &watch) {
        if !navigate_popup(popup, url) {
            outcome.settle(
                Err(Error::new(
                    ErrorCode::PopupBlocked,
                    "The popup could not be navigated; use the redirect flow.",
                )),
                true,
            );
        }
    }

    Run {
        outcome,
        popup: popup.clone(),
        slot,
        _watch: watch,
    }
}

/// The future of [`run`]: the accepted response (or the failure) once the outcome is settled.
/// Dropping it (done or not) removes the listener, channel, interval and timer.
pub struct Run<'a> {
    outcome: Rc<Outcome>,
    popup: Window,
    slot: &'a PopupSlot,
    _watch: Option<Watch>,
}

impl Future for Run<'_> {
    type Output = Result<CallbackResponse>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let taken = this.outcome.value.borrow_mut().take();
        let Some((result, close)) = taken else {
            *this.outcome.waker.borrow_mut() = Some(cx.waker().clone());
            return Poll::Pending;
        };
        if close {
            close_popup(&this.popup);
        }
        // Unregister, unless a newer transaction already took the slot.
        let mut current = this.slot.current.borrow_mut();
        if current
            .as_ref()
            .is_some_and(|w| w.as_ptr() == Rc::as_ptr(&this.outcome))
        {
            *current = None;
        }
        Poll::Ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://tenant.example.com";

    /// What the runner reads out of a well-formed answer: `data.type` and `data.response`.
    fn good() -> (Option<String>, Option<CallbackFields>) {
        (
            Some(MESSAGE_TYPE.into()),
            Some(CallbackFields {
                code: Some("c".into()),
                state: Some("s".into()),
                ..CallbackFields::default()
            }),
        )
    }

    fn accept(
        payload: &(Option<String>, Option<CallbackFields>),
        state: &str,
    ) -> Option<CallbackResponse> {
        accept_payload(payload.0.as_deref(), payload.1.as_ref(), state)
    }

    #[test]
    fn accepts_the_right_message() {
        assert!(from_tenant_popup(ORIGIN, true, ORIGIN));
        let r = accept(&good(), "s").unwrap();
        assert_eq!(r.state(), "s");
    }

    #[test]
    fn ignores_wrong_and_lookalike_origins_and_other_windows() {
        for origin in [
            "https://tenant.example.com.evil.test",
            "https://tenant.example.com:8443",
            "http://tenant.example.com",
            "https://evil.tenant.example.com",
            "https://tenant.example.co",
            "null",
            "",
        ] {
            assert!(!from_tenant_popup(origin, true, ORIGIN), "{origin}");
        }
        assert!(!from_tenant_popup(ORIGIN, false, ORIGIN), "another window");
    }

    #[test]
    fn ignores_other_types_shapes_and_states() {
        let (_, fields) = good();
        assert!(accept(&(Some("other".into()), fields.clone()), "s").is_none());
        assert!(accept(&(None, fields), "s").is_none());
        assert!(accept(&(good().0, None), "s").is_none());
        assert!(accept(&good(), "other").is_none());
        let no_state = CallbackFields {
            code: Some("c".into()),
            ..CallbackFields::default()
        };
        assert!(accept(&(good().0, Some(no_state)), "s").is_none());
    }

    #[test]
    fn error_responses_with_our_state_are_accepted_for_reporting() {
        let m = (
            good().0,
            Some(CallbackFields {
                error: Some("access_denied".into()),
                state: Some("s".into()),
                ..CallbackFields::default()
            }),
        );
        let e = accept(&m, "s").unwrap().into_code("s").unwrap_err();
        assert_eq!(e.code, ErrorCode::AuthorizationError);
    }
}
