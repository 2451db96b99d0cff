//! Browser tests of the `LinkWidget` facade wired to the flows, against the running emulator:
//! identities listed when the dialog is shown, unlink through the dialog's confirmation, the
//! promise / `error` event / dialog message of a failure, the primary identity refused locally,
//! and `destroyed` after `destroy()`. (Linking through a real popup login is covered end to end
//! by tests/e2e/journey.spec.mjs.)
//!
//! Needs `EMULATOR_URL` at compile time and the runner page on an allowed web origin, as
//! tests/api.rs (fails without them); runs with `WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION=1`.

// Browser-only: `cargo test` on the host skips this file.
#![cfg(target_arch = "wasm32")]

use account_link::http::{field, field_str};
use account_link::LinkWidget;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{control, emu, obj, reset, send, ALICE, ALICE_GOOGLE, CLIENT};

/// A fresh tenant, Alice's Management API token, and (when `link`) her Google identity linked.
async fn setup(base: &str, link: bool) -> String {
    reset(base).await;
    let mint = |sub: &str| obj(&[("sub", sub.into()), ("client_id", CLIENT.into())]);
    let alice = control(base, "tokens", &mint(ALICE)).await;
    let token = field_str(&alice, "access_token").unwrap();
    if link {
        let google = control(base, "tokens", &mint(ALICE_GOOGLE)).await;
        let body = obj(&[("link_with", field(&google, "id_token"))]);
        let url = format!("{base}/api/v2/users/auth0%7Calice/identities");
        send("POST", &url, Some(&token), &body).await;
    }
    token
}

fn widget(base: &str, token: &str) -> LinkWidget {
    widget_with(base, token.into())
}

/// [`widget`] with any `accessToken` option value (a provider function, say).
fn widget_with(base: &str, token: JsValue) -> LinkWidget {
    let connections = js_sys::Array::of2(&"google-oauth2".into(), &"github".into());
    let options = obj(&[
        ("domain", base.into()),
        ("clientId", CLIENT.into()),
        ("connections", connections.into()),
        ("accessToken", token),
    ]);
    // English: no translation, as `createLinkWidget` passes for `language: 'en'`.
    LinkWidget::new(options, JsValue::UNDEFINED).unwrap_or_else(|e| panic!("options: {e:?}"))
}

/// Records the payloads of one event.
struct Recorder {
    seen: Rc<RefCell<Vec<JsValue>>>,
    _closure: Closure<dyn FnMut(JsValue)>,
}

fn record(widget: &LinkWidget, event: &str) -> Recorder {
    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = seen.clone();
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |v| sink.borrow_mut().push(v));
    widget
        .on(event.into(), closure.as_ref().clone())
        .expect("listener added");
    Recorder {
        seen,
        _closure: closure,
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// The newest widget's shadow root.
fn root() -> ShadowRoot {
    let hosts = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .query_selector_all("[data-account-link]")
        .unwrap();
    let host: web_sys::Element = hosts.item(hosts.length() - 1).unwrap().unchecked_into();
    host.shadow_root().expect("open shadow root")
}

fn count(selector: &str) -> u32 {
    root().query_selector_all(selector).unwrap().length()
}

fn text(selector: &str) -> String {
    root()
        .query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn click(selector: &str) {
    let element = root()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"));
    element.unchecked_into::<HtmlElement>().click();
}

/// Waits up to 5 s for `check`.
/// Whether `check` holds within 5 s (polled every 50 ms); never panics.
async fn holds_soon(check: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if check() {
            return true;
        }
        sleep(50).await;
    }
    false
}

async fn until(what: &str, check: impl Fn() -> bool) {
    assert!(holds_soon(check).await, "timed out waiting for {what}");
}

/// Waits (at most 5 s) until no more tasks are alive than `before`: the tasks started since have
/// run to their end, so a check after this is not just early.
async fn tasks_back_to(before: usize) {
    until("the started tasks to end", || {
        account_link::task::live_tasks() <= before
    })
    .await;
}

fn code(error: &JsValue) -> String {
    field_str(error, "code").unwrap_or_default()
}

#[wasm_bindgen_test]
async fn show_lists_identities_and_the_dialog_unlinks_after_confirmation() {
    let base = emu();
    let token = setup(base, true).await;
    let w = widget(base, &token);
    let unlinked = record(&w, "unlinked");
    let errors = record(&w, "error");
    w.show().unwrap();
    let google = "[data-identity=\"google-oauth2|1001\"]";
    until("two identity rows", || count("[data-identity]") == 2).await;
    assert_eq!(
        count("[data-identity=\"auth0|alice\"] [data-action=unlink]"),
        0
    );
    assert!(text(google).contains("Alice on Google"));

    click(&format!("{google} [data-action=unlink]"));
    click(&format!("{google} [data-action=confirm-unlink]"));
    until("the row removed", || count(google) == 0).await;
    until("`unlinked`", || unlinked.seen.borrow().len() == 1).await;
    let payload = unlinked.seen.borrow()[0].clone();
    assert_eq!(
        field_str(&payload, "provider").as_deref(),
        Some("google-oauth2")
    );
    assert_eq!(field_str(&payload, "userId").as_deref(), Some("1001"));
    let identities: js_sys::Array = field(&payload, "identities").unchecked_into();
    assert_eq!(identities.length(), 1);
    assert!(errors.seen.borrow().is_empty());

    let list: js_sys::Array = JsFuture::from(w.identities())
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(list.length(), 1, "the unlink persisted");
    assert_eq!(field_str(&list.get(0), "userId").as_deref(), Some("alice"));
    w.destroy();
}

/// The dialog appears with its "Loading" status already in place (`show()` starts the listing
/// before it reveals the dialog: one layout for both, not a second one before the first frame),
/// and a second `show()` while it is open neither fires `show` again nor lists again.
#[wasm_bindgen_test]
async fn show_returns_with_the_loading_status_in_place_and_a_second_show_is_a_no_op() {
    let base = emu();
    let token = setup(base, true).await;
    let w = widget(base, &token);
    let shows = record(&w, "show");
    w.show().unwrap();
    assert_eq!(text("[data-part=status]"), "Loading linked accounts…");
    assert_eq!(shows.seen.borrow().len(), 1);
    until("two identity rows", || count("[data-identity]") == 2).await;
    assert_eq!(
        text("[data-part=status]"),
        "",
        "the status ends with the list"
    );
    w.show().unwrap();
    assert_eq!(text("[data-part=status]"), "", "no second listing");
    assert_eq!(shows.seen.borrow().len(), 1, "no second show event");
    w.destroy();
}

/// An `accessToken` provider answering `token`, and how many times it was asked.
fn counting_provider(token: String) -> (Rc<Cell<u32>>, Closure<dyn FnMut() -> JsValue>) {
    let asked = Rc::new(Cell::new(0));
    let counter = asked.clone();
    let provider = Closure::<dyn FnMut() -> JsValue>::new(move || {
        counter.set(counter.get() + 1);
        JsValue::from_str(&token)
    });
    (asked, provider)
}

/// Resolves inside the next animation frame's callbacks (a `requestAnimationFrame` callback
/// registered now): where the frame that draws the page's latest changes begins.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .expect("requestAnimationFrame");
    });
    let _ = JsFuture::from(promise).await;
}

/// `show()` begins the listing before it fires `show`: a `show` listener that destroys the
/// widget leaves that listing unrun (no token asked of the app's provider, no request). The same
/// widget without the listener asks once, so the count can tell.
#[wasm_bindgen_test]
async fn a_show_listener_that_destroys_the_widget_stops_its_listing() {
    let base = emu();
    let token = setup(base, true).await;
    let (asked, provider) = counting_provider(token);
    let make = || Rc::new(widget_with(base, provider.as_ref().clone()));

    let listed = make();
    listed.show().unwrap();
    until("the identity rows", || count("[data-identity]") == 2).await;
    assert_eq!(asked.get(), 1, "showing lists with one token");
    listed.destroy();

    let destroyed = make();
    let target = Rc::downgrade(&destroyed);
    let destroyer = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        if let Some(widget) = target.upgrade() {
            widget.destroy();
        }
    });
    destroyed
        .on("show".into(), destroyer.as_ref().clone())
        .expect("listener added");
    let before = account_link::task::live_tasks();
    destroyed.show().unwrap();
    tasks_back_to(before).await;
    assert_eq!(asked.get(), 1, "no token asked for the destroyed widget");
    let error = JsFuture::from(destroyed.identities())
        .await
        .expect_err("destroyed");
    assert_eq!(code(&error), "destroyed");
}

/// The listing `show()` starts waits for the frame that first draws the dialog (asking for the
/// token and starting the fetch would delay that frame): no token is asked before that frame
/// begins, and the list arrives after it. A widget destroyed meanwhile, even by the caller right
/// after `show()`, asks for no token at all.
#[wasm_bindgen_test]
async fn show_lists_after_the_dialogs_first_frame_and_not_once_destroyed() {
    let base = emu();
    let token = setup(base, true).await;
    let (asked, provider) = counting_provider(token);
    let make = || widget_with(base, provider.as_ref().clone());

    let w = make();
    w.show().unwrap();
    assert_eq!(text("[data-part=status]"), "Loading linked accounts…");
    next_frame().await;
    assert_eq!(
        asked.get(),
        0,
        "no token asked before the dialog's first frame"
    );
    until("two identity rows", || count("[data-identity]") == 2).await;
    assert_eq!(asked.get(), 1, "then one token for the listing");
    w.destroy();

    let gone = make();
    let before = account_link::task::live_tasks();
    gone.show().unwrap();
    assert!(
        account_link::task::live_tasks() > before,
        "a listing task waits for the frame"
    );
    gone.destroy();
    tasks_back_to(before).await;
    assert_eq!(
        asked.get(),
        1,
        "no token asked for a widget destroyed right after show()"
    );
}

/// In a page that draws no frames (a tab opened in the background) the listing cannot wait for
/// one: it starts anyway (after `afterFrame`'s 100 ms) and the list is there when the tab is shown.
/// Headless Chromium cannot hide a page, so this one acts hidden: `document.hidden` reads `true`
/// and `requestAnimationFrame` never calls back.
#[wasm_bindgen_test]
async fn in_a_page_that_draws_no_frames_show_still_lists() {
    let base = emu();
    let token = setup(base, true).await;
    let act_hidden = js_sys::Function::new_no_args(
        "const raf = window.requestAnimationFrame;
         Object.defineProperty(document, 'hidden', { get: () => true, configurable: true });
         window.requestAnimationFrame = () => 0;
         return () => { delete document.hidden; window.requestAnimationFrame = raf; };",
    );
    let restore: js_sys::Function = act_hidden.call0(&JsValue::NULL).unwrap().unchecked_into();
    let w = widget(base, &token);
    w.show().unwrap();
    // Polled here, and the page restored before any assertion: a panic on wasm32 aborts (no
    // destructor runs), and a page left without frames would hang the tests after this one.
    let listed = holds_soon(|| count("[data-identity]") == 2).await;
    restore.call0(&JsValue::NULL).unwrap();
    assert!(
        listed,
        "the identities listed in a page that draws no frames"
    );
    w.destroy();
}

#[wasm_bindgen_test]
async fn an_api_error_rejects_fires_error_and_shows_in_the_dialog() {
    let base = emu();
    let token = setup(base, true).await;
    let w = widget(base, &token);
    let errors = record(&w, "error");
    w.show().unwrap();
    until("two identity rows", || count("[data-identity]") == 2).await;
    let fault = obj(&[
        ("method", "DELETE".into()),
        ("path", "/api/v2/users/".into()),
        ("status", 403.into()),
    ]);
    control(base, "faults", &fault).await;
    let rejected = JsFuture::from(w.unlink("google-oauth2".into(), "1001".into()))
        .await
        .expect_err("rejects");
    assert_eq!(code(&rejected), "forbidden");
    assert_eq!(field(&rejected, "status").as_f64(), Some(403.0));
    assert_eq!(
        field_str(&rejected, "name").as_deref(),
        Some("LinkWidgetError")
    );
    assert_eq!(errors.seen.borrow().len(), 1);
    assert_eq!(code(&errors.seen.borrow()[0]), "forbidden");
    assert!(!text("[data-part=error]").is_empty(), "shown in the dialog");
    // Still usable: the identity is still there and a retry works.
    assert_eq!(count("[data-identity=\"google-oauth2|1001\"]"), 1);
    assert_eq!(count("[data-connection]:not([disabled])"), 2);
    // The retry passes the id as a number (GitHub-style numeric ids): printed by JS, the same
    // identity.
    JsFuture::from(w.unlink("google-oauth2".into(), JsValue::from(1001)))
        .await
        .expect("the retry unlinks");
    assert_eq!(count("[data-identity=\"google-oauth2|1001\"]"), 0);
    assert!(text("[data-part=error]").is_empty(), "the error is cleared");
    w.destroy();
}

/// An `unlink()` the caller follows with `destroy()` in the same task rejects with `destroyed`
/// and sends nothing: the identity is still linked afterwards.
#[wasm_bindgen_test]
async fn unlink_then_destroy_in_the_same_task_sends_nothing() {
    let base = emu();
    let token = setup(base, true).await;
    let w = widget(base, &token);
    let pending = w.unlink("google-oauth2".into(), "1001".into());
    w.destroy();
    let error = JsFuture::from(pending).await.expect_err("destroyed");
    assert_eq!(code(&error), "destroyed");
    let other = widget(base, &token);
    let list: js_sys::Array = JsFuture::from(other.identities())
        .await
        .expect("listed")
        .unchecked_into();
    assert_eq!(list.length(), 2, "the Google identity is still linked");
    other.destroy();
}

/// A `destroy()` while the app's `accessToken` function is still answering: the token it then
/// gives is not used, and the call rejects with `destroyed` (no request sent for a destroyed
/// widget).
#[wasm_bindgen_test]
async fn destroy_while_the_token_function_answers_rejects_with_destroyed() {
    let base = emu();
    let token = setup(base, true).await;
    let slow = js_sys::Function::new_with_args(
        "t",
        "return () => new Promise((resolve) => setTimeout(() => resolve(t), 100));",
    )
    .call1(&JsValue::NULL, &token.into())
    .unwrap();
    let w = widget_with(base, slow);
    let listing = w.identities();
    sleep(20).await;
    w.destroy();
    let error = JsFuture::from(listing).await.expect_err("destroyed");
    assert_eq!(code(&error), "destroyed");
}

#[wasm_bindgen_test]
async fn the_primary_identity_is_refused_locally_and_destroy_rejects_later_calls() {
    let base = emu();
    let token = setup(base, false).await;
    let w = widget(base, &token);
    let rejected = JsFuture::from(w.unlink("auth0".into(), "alice".into()))
        .await
        .expect_err("refused");
    assert_eq!(code(&rejected), "invalid_options");
    assert_eq!(
        field_str(&rejected, "detail").as_deref(),
        Some("primary_identity")
    );
    w.destroy();
    for promise in [
        w.identities(),
        w.link_with_popup("github".into()),
        w.link_with_redirect("github".into()),
        w.unlink("google-oauth2".into(), "1001".into()),
    ] {
        let error = JsFuture::from(promise).await.expect_err("destroyed");
        assert_eq!(code(&error), "destroyed");
    }
}

#[wasm_bindgen_test]
async fn bad_arguments_are_invalid_options() {
    let base = emu();
    let token = setup(base, false).await;
    let w = widget(base, &token);
    for promise in [
        w.link_with_popup(JsValue::UNDEFINED),
        w.link_with_popup("<script>".into()),
        w.sign_in(JsValue::NULL),
        w.unlink("github".into(), JsValue::NULL),
    ] {
        let error = JsFuture::from(promise).await.expect_err("rejects");
        assert_eq!(code(&error), "invalid_options");
    }
    w.destroy();
}
