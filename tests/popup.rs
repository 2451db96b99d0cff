//! Browser tests of the popup runner: adversarial messages are ignored, one good message wins,
//! and every exit (success, timeout, close, replacement, drop) removes listeners and timers.
//!
//! "Our popup" is an iframe's `contentWindow` (for message tests) or a real `window.open` popup
//! (for close and timeout; chromedriver disables popup blocking). Messages are synthetic
//! `MessageEvent`s dispatched on `window`, with `origin` and `source` set through `MessageEventInit`.

// Browser-only: `cargo test` on the host skips this file.
#![cfg(target_arch = "wasm32")]

use account_link::error::ErrorCode;
use account_link::oauth::CallbackResponse;
use account_link::popup::{self, live_guards, PopupSlot, RunOptions, MESSAGE_TYPE};
use account_link::Error;
use core::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlIFrameElement, MessageEvent, MessageEventInit, Window};

wasm_bindgen_test_configure!(run_in_browser);

const ORIGIN: &str = "https://tenant.example.com";
const STATE: &str = "popup.state-123";

type Slot = Rc<RefCell<Option<Result<CallbackResponse, Error>>>>;

fn window() -> Window {
    web_sys::window().unwrap()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Waits until `done()` holds, polling every 10 ms; fails after 5 s. For deliveries that cross a
/// task boundary (BroadcastChannel), whose latency grows when the machine is loaded.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("not within 5 s: {what}");
}

fn frame() -> (HtmlIFrameElement, Window) {
    let doc = window().document().unwrap();
    let f: HtmlIFrameElement = doc.create_element("iframe").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&f).unwrap();
    let w = f.content_window().unwrap();
    (f, w)
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

fn response(code: &str, state: Option<&str>) -> JsValue {
    let mut r = vec![("code", JsValue::from_str(code))];
    if let Some(s) = state {
        r.push(("state", s.into()));
    }
    obj(&[("type", MESSAGE_TYPE.into()), ("response", obj(&r))])
}

fn post(origin: &str, source: Option<&Window>, data: &JsValue) {
    let init = MessageEventInit::new();
    init.set_origin(origin);
    init.set_source_opt_window(source);
    init.set_data(data);
    let ev = MessageEvent::new_with_event_init_dict("message", &init).unwrap();
    window().dispatch_event(&ev).unwrap();
}

fn opts(timeout_ms: i32) -> RunOptions<'static> {
    RunOptions {
        url: None,
        expected_origin: ORIGIN,
        state: STATE,
        timeout_ms,
        closed_grace_ms: 300,
    }
}

/// Spawns `run` and returns the slot its result lands in.
fn spawn(popup: &Window, o: RunOptions<'static>, slot: &PopupSlot) -> Slot {
    let out: Slot = Rc::new(RefCell::new(None));
    let (popup, slot, out2) = (popup.clone(), slot.clone(), out.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let r = popup::run(&popup, o, &slot).await;
        *out2.borrow_mut() = Some(r);
    });
    out
}

fn code_of(r: &Result<CallbackResponse, Error>) -> String {
    match r {
        Ok(CallbackResponse::Success { code, .. }) => code.expose().to_owned(),
        other => panic!("expected success, got {other:?}"),
    }
}

fn err_code(r: &Option<Result<CallbackResponse, Error>>) -> ErrorCode {
    match r {
        Some(Err(e)) => e.code,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn adversarial_messages_are_ignored_and_one_good_message_wins() {
    assert_eq!(live_guards(), 0);
    let (f, ours) = frame();
    let (g, other) = frame();
    let slot = PopupSlot::new();
    let out = spawn(&ours, opts(10_000), &slot);
    sleep(20).await;
    assert_eq!(
        live_guards(),
        4,
        "message listener, channel, interval, timer"
    );

    let good = response("the-code", Some(STATE));
    // Wrong origins, including look-alikes and another port or scheme.
    for origin in [
        "https://tenant.example.com.evil.test",
        "https://tenant.example.com:8443",
        "http://tenant.example.com",
        "https://evil.tenant.example.com",
        "null",
    ] {
        post(origin, Some(&ours), &good);
    }
    // Right origin, but from another window, from ourselves, or with no source.
    post(ORIGIN, Some(&other), &good);
    post(ORIGIN, Some(&window()), &good);
    post(ORIGIN, None, &good);
    // Malformed payloads.
    let huge = "x".repeat(1 << 20);
    for data in [
        JsValue::NULL,
        JsValue::from_str("authorization_response"),
        JsValue::from_str(&huge),
        JsValue::from(42),
        js_sys::Array::of1(&good).into(),
        obj(&[
            ("type", "other".into()),
            (
                "response",
                obj(&[("code", "c".into()), ("state", STATE.into())]),
            ),
        ]),
        obj(&[("type", MESSAGE_TYPE.into()), ("response", "code=c".into())]),
        obj(&[
            ("type", MESSAGE_TYPE.into()),
            (
                "response",
                obj(&[("code", 7.into()), ("state", STATE.into())]),
            ),
        ]),
        obj(&[
            ("type", MESSAGE_TYPE.into()),
            (
                "response",
                obj(&[("code", huge.as_str().into()), ("state", STATE.into())]),
            ),
        ]),
        obj(&[
            ("type", MESSAGE_TYPE.into()),
            ("response", obj(&[("state", STATE.into())])),
        ]),
        response("c", Some("wrong-state")),
        response("c", None),
        response("c", Some("")),
    ] {
        post(ORIGIN, Some(&ours), &data);
    }
    sleep(20).await;
    assert!(
        out.borrow().is_none(),
        "no adversarial message may settle the transaction"
    );

    post(ORIGIN, Some(&ours), &good);
    // A second message after the first changes nothing.
    post(ORIGIN, Some(&ours), &response("second-code", Some(STATE)));
    sleep(20).await;
    assert_eq!(code_of(out.borrow().as_ref().unwrap()), "the-code");
    assert_eq!(
        live_guards(),
        0,
        "every listener and timer removed after success"
    );
    assert!(!slot.is_busy());
    f.remove();
    g.remove();
}

#[wasm_bindgen_test]
async fn oauth_error_from_our_popup_is_delivered() {
    let (f, ours) = frame();
    let out = spawn(&ours, opts(10_000), &PopupSlot::new());
    sleep(20).await;
    let data = obj(&[
        ("type", MESSAGE_TYPE.into()),
        (
            "response",
            obj(&[
                ("error", "access_denied".into()),
                ("error_description", "no".into()),
                ("state", STATE.into()),
            ]),
        ),
    ]);
    post(ORIGIN, Some(&ours), &data);
    sleep(20).await;
    let r = out.borrow_mut().take().unwrap().unwrap();
    assert_eq!(
        r.into_code(STATE).unwrap_err().code,
        ErrorCode::AuthorizationError
    );
    assert_eq!(live_guards(), 0);
    f.remove();
}

#[wasm_bindgen_test]
async fn timeout_rejects_closes_the_popup_and_cleans_up() {
    let popup = popup::open_popup(PopupSlot::new().name()).expect("chromedriver allows popups");
    let out = spawn(&popup, opts(200), &PopupSlot::new());
    sleep(50).await;
    assert!(out.borrow().is_none());
    until("the timeout fires", || out.borrow().is_some()).await;
    assert_eq!(err_code(&out.borrow()), ErrorCode::Timeout);
    assert!(popup.closed().unwrap(), "the popup is closed on timeout");
    assert_eq!(live_guards(), 0);
}

#[wasm_bindgen_test]
async fn a_refused_navigation_is_popup_blocked_closes_the_popup_and_cleans_up() {
    // An address the URL parser refuses: setting `location.href` to it throws.
    let popup = popup::open_popup(PopupSlot::new().name()).expect("chromedriver allows popups");
    let refused = RunOptions {
        url: Some("http://["),
        ..opts(10_000)
    };
    let out = spawn(&popup, refused, &PopupSlot::new());
    until("the run ends", || out.borrow().is_some()).await;
    assert_eq!(err_code(&out.borrow()), ErrorCode::PopupBlocked);
    assert!(popup.closed().unwrap(), "the popup is closed");
    assert_eq!(live_guards(), 0);
}

#[wasm_bindgen_test]
async fn closed_popup_is_cancelled_only_after_the_grace_period() {
    let popup = popup::open_popup(PopupSlot::new().name()).unwrap();
    let started = js_sys::Date::now();
    let out = spawn(&popup, opts(10_000), &PopupSlot::new());
    sleep(20).await;
    popup.close().unwrap();
    sleep(150).await;
    assert!(out.borrow().is_none(), "no cancel within the grace period");
    until("the grace period ends", || out.borrow().is_some()).await;
    assert_eq!(err_code(&out.borrow()), ErrorCode::Cancelled);
    assert!(js_sys::Date::now() - started >= 300.0);
    assert_eq!(live_guards(), 0);
}

#[wasm_bindgen_test]
async fn a_newer_transaction_cancels_the_older_one() {
    let (f, ours) = frame();
    let slot = PopupSlot::new();
    let first = spawn(&ours, opts(10_000), &slot);
    sleep(20).await;
    let second = spawn(
        &ours,
        RunOptions {
            state: "state-456",
            ..opts(10_000)
        },
        &slot,
    );
    sleep(20).await;
    assert_eq!(err_code(&first.borrow()), ErrorCode::Cancelled);
    assert!(second.borrow().is_none());
    assert_eq!(
        live_guards(),
        4,
        "only the second transaction's guards remain"
    );
    // The first transaction's state no longer settles anything.
    post(ORIGIN, Some(&ours), &response("old", Some(STATE)));
    sleep(20).await;
    assert!(second.borrow().is_none());
    post(ORIGIN, Some(&ours), &response("new", Some("state-456")));
    sleep(20).await;
    assert_eq!(code_of(second.borrow().as_ref().unwrap()), "new");
    assert_eq!(live_guards(), 0);
    f.remove();
}

#[wasm_bindgen_test]
async fn destroy_cancels_through_the_slot() {
    let (f, ours) = frame();
    let slot = PopupSlot::new();
    let out = spawn(&ours, opts(10_000), &slot);
    sleep(20).await;
    assert!(slot.is_busy());
    slot.cancel(
        account_link::Error::new(ErrorCode::Destroyed, "destroyed"),
        true,
    );
    sleep(20).await;
    assert_eq!(err_code(&out.borrow()), ErrorCode::Destroyed);
    assert_eq!(live_guards(), 0);
    f.remove();
}

#[wasm_bindgen_test]
async fn broadcast_channel_fallback_checks_the_state() {
    let (f, ours) = frame();
    let out = spawn(&ours, opts(10_000), &PopupSlot::new());
    sleep(20).await;
    let channel = web_sys::BroadcastChannel::new(&format!("account-link:{STATE}")).unwrap();
    channel
        .post_message(&response("bc-wrong", Some("other")))
        .unwrap();
    channel.post_message(&JsValue::from_str("junk")).unwrap();
    channel
        .post_message(&response("bc-code", Some(STATE)))
        .unwrap();
    // One sender's messages arrive in order: had the wrong state or the junk been accepted, the
    // result would not be the last message's code.
    until("the run settles", || out.borrow().is_some()).await;
    assert_eq!(code_of(out.borrow().as_ref().unwrap()), "bc-code");
    assert_eq!(live_guards(), 0);
    channel.close();
    f.remove();
}

#[wasm_bindgen_test]
async fn dropping_the_future_removes_everything() {
    let (f, ours) = frame();
    let slot = PopupSlot::new();
    {
        let mut fut = Box::pin(popup::run(&ours, opts(10_000), &slot));
        let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        assert_eq!(live_guards(), 4);
    }
    assert_eq!(live_guards(), 0);
    // A late message after the drop finds no listener (and must not panic).
    post(ORIGIN, Some(&ours), &response("late", Some(STATE)));
    f.remove();
}

#[wasm_bindgen_test]
fn null_window_open_is_popup_blocked_at_once() {
    let w = window();
    let original = js_sys::Reflect::get(&w, &"open".into()).unwrap();
    let null_open = js_sys::Function::new_no_args("return null;");
    js_sys::Reflect::set(&w, &"open".into(), &null_open).unwrap();
    let result = popup::open_popup(PopupSlot::new().name());
    js_sys::Reflect::set(&w, &"open".into(), &original).unwrap();
    assert_eq!(result.unwrap_err().code, ErrorCode::PopupBlocked);
}

#[wasm_bindgen_test]
fn throwing_window_open_is_popup_blocked_and_the_features_are_integers() {
    let w = window();
    let original = js_sys::Reflect::get(&w, &"open".into()).unwrap();
    let throwing = js_sys::Function::new_no_args("throw new Error('sandboxed');");
    js_sys::Reflect::set(&w, &"open".into(), &throwing).unwrap();
    let result = popup::open_popup(PopupSlot::new().name());
    assert_eq!(result.unwrap_err().code, ErrorCode::PopupBlocked);
    // The arguments `window.open` gets: about:blank, our name, a centred 480x640 popup.
    let recording = js_sys::Function::new_with_args(
        "url, name, features",
        "globalThis.__openArgs = [url, name, features]; return globalThis;",
    );
    js_sys::Reflect::set(&w, &"open".into(), &recording).unwrap();
    let slot = PopupSlot::new();
    let result = popup::open_popup(slot.name());
    js_sys::Reflect::set(&w, &"open".into(), &original).unwrap();
    assert!(result.is_ok());
    let args: js_sys::Array = js_sys::Reflect::get(&w, &"__openArgs".into())
        .unwrap()
        .unchecked_into();
    assert_eq!(args.get(0).as_string().as_deref(), Some(""));
    assert_eq!(args.get(1).as_string().as_deref(), Some(slot.name()));
    let features = args.get(2).as_string().unwrap();
    let int = |v: JsValue| v.as_f64().unwrap() as i64;
    let left = int(w.screen_x().unwrap()) + (int(w.outer_width().unwrap()) - 480).max(0) / 2;
    let top = int(w.screen_y().unwrap()) + (int(w.outer_height().unwrap()) - 640).max(0) / 2;
    assert_eq!(
        features,
        format!("popup=yes,width=480,height=640,left={left},top={top}")
    );
}

// Keep the Future trait in scope for `poll` above.
use core::future::Future;

#[wasm_bindgen(module = "/js/callback.js")]
extern "C" {
    #[wasm_bindgen(js_name = handlePopupCallback)]
    fn handle_popup_callback(location: &JsValue) -> String;
}

fn fake_location(search: &str) -> JsValue {
    let path = window().location().pathname().unwrap();
    obj(&[("search", search.into()), ("pathname", path.into())])
}

#[wasm_bindgen_test]
async fn callback_page_reports_to_the_waiting_popup_run() {
    let (f, ours) = frame();
    let out = spawn(&ours, opts(10_000), &PopupSlot::new());
    sleep(20).await;
    assert_eq!(
        handle_popup_callback(&fake_location("?code=cb-code&state=popup.wrong")),
        "popup"
    );
    let page = handle_popup_callback(&fake_location(&format!("?code=ok-code&state={STATE}")));
    assert_eq!(page, "popup");
    // Delivered in order: had the other state been accepted, its code would be the result.
    until("the run settles", || out.borrow().is_some()).await;
    assert_eq!(code_of(out.borrow().as_ref().unwrap()), "ok-code");
    assert_eq!(live_guards(), 0);
    f.remove();
}

#[wasm_bindgen_test]
fn callback_page_leaves_redirect_mode_and_non_callbacks_alone() {
    let storage = window().session_storage().unwrap().unwrap();
    storage
        .set_item("account-link.tx.redirect-state", "{}")
        .unwrap();
    assert_eq!(
        handle_popup_callback(&fake_location("?code=c&state=redirect-state")),
        "redirect"
    );
    storage
        .remove_item("account-link.tx.redirect-state")
        .unwrap();
    assert_eq!(handle_popup_callback(&fake_location("?foo=1")), "none");
    assert_eq!(handle_popup_callback(&fake_location("?code=c")), "none");
}

#[wasm_bindgen_test]
fn callback_page_without_transaction_is_a_popup_only_when_it_plausibly_is_ours() {
    // This page has no opener and no name: a lost redirect return (no transaction, no popup
    // marker in the state) is left alone, URL included.
    let w = window();
    let path = w.location().pathname().unwrap();
    let history = w.history().unwrap();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}?keep=1")))
        .unwrap();
    assert!(w.opener().unwrap().is_null());
    assert_eq!(
        handle_popup_callback(&fake_location("?code=c&state=lost-redirect")),
        "none"
    );
    assert_eq!(w.location().search().unwrap(), "?keep=1", "the URL is left");
    // The widget's popup marker in the state, or its popup window name: a popup.
    assert_eq!(
        handle_popup_callback(&fake_location("?code=c&state=popup.x")),
        "popup"
    );
    w.set_name(PopupSlot::new().name()).unwrap();
    let named = handle_popup_callback(&fake_location("?error=e&state=named"));
    w.set_name("").unwrap();
    assert_eq!(named, "popup");
}

#[wasm_bindgen_test]
fn each_slot_opens_its_own_popup_window() {
    // Two widgets on one page: each reuses its own popup, never the other's.
    let (a, b) = (PopupSlot::new(), PopupSlot::new());
    assert!(a.name().starts_with("account-link-") && a.name().len() > 13);
    assert_ne!(a.name(), b.name());
    let pa = popup::open_popup(a.name()).unwrap();
    let pb = popup::open_popup(b.name()).unwrap();
    let pa_again = popup::open_popup(a.name()).unwrap();
    let same = |x: &web_sys::Window, y: &web_sys::Window| js_sys::Object::is(x, y);
    assert!(!same(&pa, &pb), "another widget's popup is not reused");
    assert!(same(&pa, &pa_again), "a widget reuses its own popup");
    pa.close().unwrap();
    pb.close().unwrap();
}

/// Whether this page is cross-origin isolated (the runner's default COOP + COEP headers).
fn isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// A cross-origin URL served by the runner itself (`localhost` instead of `127.0.0.1`).
fn cross_origin_url() -> String {
    let port = window().location().port().unwrap();
    format!("http://localhost:{port}/")
}

#[wasm_bindgen_test]
async fn coop_severed_popup_reads_closed_but_can_still_report_within_grace() {
    // The runner page sends `Cross-Origin-Opener-Policy: same-origin`; navigating our popup to
    // another origin severs it, so `popup.closed` reads true while the popup is open.
    assert!(
        isolated(),
        "needs the runner's default cross-origin isolation: run without WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION"
    );
    let popup = popup::open_popup(PopupSlot::new().name()).unwrap();
    let url = cross_origin_url();
    let out = {
        let out: Slot = Rc::new(RefCell::new(None));
        let (popup, out2) = (popup.clone(), out.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let o = RunOptions {
                url: Some(&url),
                closed_grace_ms: 3000,
                ..opts(10_000)
            };
            *out2.borrow_mut() = Some(popup::run(&popup, o, &PopupSlot::new()).await);
        });
        out
    };
    sleep(1000).await;
    assert!(popup.closed().unwrap(), "the severed popup reads closed");
    assert!(
        out.borrow().is_none(),
        "not cancelled within the grace period"
    );
    let channel = web_sys::BroadcastChannel::new(&format!("account-link:{STATE}")).unwrap();
    channel
        .post_message(&response("after-coop", Some(STATE)))
        .unwrap();
    until("the channel delivers", || out.borrow().is_some()).await;
    assert_eq!(code_of(out.borrow().as_ref().unwrap()), "after-coop");
    assert_eq!(live_guards(), 0);
    channel.close();
}

#[wasm_bindgen_test]
async fn coop_severed_popup_without_an_answer_is_cancelled_after_grace() {
    assert!(
        isolated(),
        "needs the runner's default cross-origin isolation: run without WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION"
    );
    let popup = popup::open_popup(PopupSlot::new().name()).unwrap();
    let url = cross_origin_url();
    let out: Slot = Rc::new(RefCell::new(None));
    let (p, out2) = (popup.clone(), out.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let o = RunOptions {
            url: Some(&url),
            ..opts(10_000)
        };
        *out2.borrow_mut() = Some(popup::run(&p, o, &PopupSlot::new()).await);
    });
    until("the grace period ends", || out.borrow().is_some()).await;
    assert_eq!(err_code(&out.borrow()), ErrorCode::Cancelled);
    assert_eq!(live_guards(), 0);
}
