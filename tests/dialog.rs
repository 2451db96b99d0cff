//! Browser tests of the dialog, its options, events and lifecycle, in headless Chromium.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test dialog`
//! Each test looks at what a user (or the user's own e2e test) can observe: the DOM in the open
//! shadow root, focus, attributes, events, thrown errors.
#![cfg(target_arch = "wasm32")]

use account_link::dialog::{
    i18n::{Language, Msg},
    Dialog, IdentityRow,
};
use account_link::options::Config;
use account_link::{Error, ErrorCode, LinkWidget};
use js_sys::{Function, Reflect, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement, KeyboardEvent, KeyboardEventInit, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Options for the emulator tenant plus `extra` (JSON members, starting with a comma).
fn options(extra: &str) -> JsValue {
    let json = r#"{"domain":"http://127.0.0.1:4010","clientId":"account-link-demo","connections":["google-oauth2","github"]"#.to_owned()
        + extra
        + "}";
    JSON::parse(&json).expect("test JSON")
}

/// What `createLinkWidget` (js/index.js) passes to the wasm with `options`: the translation of
/// `options.language`, i.e. `i18n/<tag>.json` (the source of `dist/lang/<tag>.js`), or
/// `undefined` for English.
fn translation(options: &JsValue) -> JsValue {
    if !options.is_object() {
        return JsValue::UNDEFINED;
    }
    let tag = Reflect::get(options, &"language".into())
        .unwrap()
        .as_string()
        .unwrap_or_default();
    let json = match Language::parse(&tag) {
        Some(Language::Es) => include_str!("../i18n/es.json"),
        Some(Language::Fr) => include_str!("../i18n/fr.json"),
        Some(Language::De) => include_str!("../i18n/de.json"),
        Some(Language::PtBr) => include_str!("../i18n/pt-BR.json"),
        Some(Language::Ja) => include_str!("../i18n/ja.json"),
        Some(Language::En) | None => return JsValue::UNDEFINED,
    };
    JSON::parse(json).expect("i18n JSON")
}

/// `new LinkWidget(options, translation)` as `createLinkWidget` calls it.
fn create(options: JsValue) -> Result<LinkWidget, JsValue> {
    let translation = translation(&options);
    LinkWidget::new(options, translation)
}

/// Removes hosts left by an earlier failed test.
fn fresh() {
    let hosts = doc().query_selector_all("[data-account-link]").unwrap();
    for i in 0..hosts.length() {
        hosts.item(i).unwrap().unchecked_into::<Element>().remove();
    }
}

fn hosts() -> u32 {
    doc()
        .query_selector_all("[data-account-link]")
        .unwrap()
        .length()
}

fn root() -> ShadowRoot {
    doc()
        .query_selector("[data-account-link]")
        .unwrap()
        .expect("a host element with data-account-link")
        .shadow_root()
        .expect("an open shadow root")
}

fn q(root: &ShadowRoot, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    q(root, selector)
        .unwrap_or_else(|| panic!("{selector} not found"))
        .text_content()
        .unwrap_or_default()
}

fn click(root: &ShadowRoot, selector: &str) {
    q(root, selector)
        .unwrap_or_else(|| panic!("{selector} not found"))
        .unchecked_into::<HtmlElement>()
        .click();
}

fn key(target: &Element, key: &str, shift: bool) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
    event.default_prevented()
}

fn active(root: &ShadowRoot) -> Option<Element> {
    root.active_element()
}

fn code_of(error: &JsValue) -> String {
    Reflect::get(error, &"code".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

fn message_of(error: &JsValue) -> String {
    Reflect::get(error, &"message".into())
        .unwrap()
        .as_string()
        .unwrap_or_default()
}

/// A JS listener recording a string derived from its argument.
struct Recorder {
    calls: Rc<RefCell<Vec<String>>>,
    closure: Closure<dyn FnMut(JsValue)>,
}

impl Recorder {
    fn new(field: &'static str) -> Recorder {
        let calls = Rc::new(RefCell::new(Vec::new()));
        let sink = calls.clone();
        let closure = Closure::<dyn FnMut(JsValue)>::new(move |payload: JsValue| {
            let value = if field.is_empty() || payload.is_undefined() {
                "called".to_owned()
            } else {
                Reflect::get(&payload, &field.into())
                    .unwrap()
                    .as_string()
                    .unwrap_or_default()
            };
            sink.borrow_mut().push(value);
        });
        Recorder { calls, closure }
    }
    fn function(&self) -> JsValue {
        self.closure.as_ref().clone()
    }
    fn calls(&self) -> Vec<String> {
        self.calls.borrow().clone()
    }
}

#[wasm_bindgen_test]
fn default_title_and_named_connection_buttons() {
    fresh();
    let widget = create(options(
        r#","connections":["google-oauth2","github","facebook","twitter","windowslive","apple","linkedin",{"name":"acme-sso","displayName":"Acme SSO"},"custom-oidc"]"#,
    ))
    .unwrap();
    let root = root();
    assert_eq!(
        text(&root, "[data-part=title]"),
        "Link with another account"
    );
    let expected = [
        ("google-oauth2", "Continue with Google"),
        ("github", "Continue with GitHub"),
        ("facebook", "Continue with Facebook"),
        ("twitter", "Continue with X (Twitter)"),
        ("windowslive", "Continue with Microsoft"),
        ("apple", "Continue with Apple"),
        ("linkedin", "Continue with LinkedIn"),
        ("acme-sso", "Continue with Acme SSO"),
        ("custom-oidc", "Continue with custom-oidc"),
    ];
    for (name, label) in expected {
        let selector = "button[data-connection=\"".to_owned() + name + "\"]";
        assert_eq!(text(&root, &selector), label);
    }
    assert_eq!(
        root.query_selector_all("button[data-connection]")
            .unwrap()
            .length(),
        9
    );
    let close = q(&root, "button[data-action=close]").unwrap();
    assert_eq!(close.get_attribute("aria-label").as_deref(), Some("Close"));
    widget.destroy();
}

#[wasm_bindgen_test]
fn title_and_buttons_in_each_language() {
    fresh();
    let cases = [
        ("en", "Link with another account", "Continue with GitHub"),
        ("es", "Vincular con otra cuenta", "Continuar con GitHub"),
        ("fr", "Associer un autre compte", "Continuer avec GitHub"),
        (
            "de",
            "Mit einem anderen Konto verknüpfen",
            "Weiter mit GitHub",
        ),
        ("pt-BR", "Vincular a outra conta", "Continuar com GitHub"),
        ("ja", "別のアカウントと連携", "GitHub で続行"),
    ];
    for (language, title, button) in cases {
        let widget = create(options(&(r#","language":""#.to_owned() + language + "\""))).unwrap();
        let root = root();
        assert_eq!(text(&root, "[data-part=title]"), title, "{language}");
        assert_eq!(
            text(&root, "[data-connection=github]"),
            button,
            "{language}"
        );
        assert_eq!(
            q(&root, "[role=dialog]")
                .unwrap()
                .get_attribute("lang")
                .as_deref(),
            Some(language)
        );
        widget.destroy();
    }

    // The wasm alone (no translation passed, as when `new LinkWidget(options)` is called
    // directly): English strings, but the language's `lang` attribute, and the app's
    // dictionary still applies.
    let widget = LinkWidget::new(
        options(r#","language":"ja","languageDictionary":{"close":"閉じる"}"#),
        JsValue::UNDEFINED,
    )
    .unwrap();
    let root = root();
    assert_eq!(
        text(&root, "[data-part=title]"),
        "Link with another account"
    );
    assert_eq!(
        q(&root, "button[data-action=close]")
            .unwrap()
            .get_attribute("aria-label")
            .as_deref(),
        Some("閉じる")
    );
    assert_eq!(
        q(&root, "[role=dialog]")
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("ja")
    );
    widget.destroy();
}

/// The app's `languageDictionary` wins over the language's translation.
#[wasm_bindgen_test]
fn dictionary_wins_over_the_translation() {
    fresh();
    let widget = create(options(
        r#","language":"pt_BR","languageDictionary":{"title":"Minhas contas"}"#,
    ))
    .unwrap();
    let root = root();
    assert_eq!(text(&root, "[data-part=title]"), "Minhas contas");
    assert_eq!(
        text(&root, "[data-connection=github]"),
        "Continuar com GitHub"
    );
    assert_eq!(
        q(&root, "[role=dialog]")
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("pt-BR")
    );
    widget.destroy();
}

#[wasm_bindgen_test]
fn dictionary_overrides_and_markup_in_title_stays_text() {
    fresh();
    // Capture console.warn: unknown keys (e.g. from a Lock dictionary) are ignored with a warning.
    let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let original_warn = Reflect::get(&console, &"warn".into()).unwrap();
    let warnings: Rc<RefCell<Vec<String>>> = Rc::default();
    let sink = warnings.clone();
    let capture = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
        sink.borrow_mut()
            .push(message.as_string().unwrap_or_default())
    });
    Reflect::set(&console, &"warn".into(), capture.as_ref()).unwrap();
    let created = create(options(
        r#","languageDictionary":{"title":"<img src=x onerror=alert(1)>","connectWith":"Use {name}","lockOnlyKey":"ignored"}"#,
    ));
    Reflect::set(&console, &"warn".into(), &original_warn).unwrap();
    let widget = created.unwrap();
    assert_eq!(warnings.borrow().len(), 1, "one warning");
    let warning = warnings.borrow()[0].clone();
    assert!(
        warning.contains("lockOnlyKey") && warning.contains("Known keys: title"),
        "{warning}"
    );
    let root = root();
    assert_eq!(
        text(&root, "[data-part=title]"),
        "<img src=x onerror=alert(1)>"
    );
    assert!(
        q(&root, "img").is_none(),
        "the title must not become markup"
    );
    assert_eq!(text(&root, "[data-connection=github]"), "Use GitHub");
    widget.destroy();
}

#[wasm_bindgen_test]
fn modal_dialog_is_labelled_isolated_and_hidden_until_shown() {
    fresh();
    let widget = create(options("")).unwrap();
    let host = doc()
        .query_selector("[data-account-link]")
        .unwrap()
        .unwrap();
    assert!(host.has_attribute("hidden"), "hidden before show()");
    assert!(!widget.is_open());
    assert!(host
        .parent_element()
        .unwrap()
        .is_same_node(doc().body().as_ref().map(|b| b.as_ref())));
    widget.show().unwrap();
    assert!(!host.has_attribute("hidden"));
    assert!(widget.is_open());
    let root = root();
    let dialog = q(&root, "[role=dialog]").unwrap();
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let labelledby = dialog.get_attribute("aria-labelledby").unwrap();
    let label = root
        .get_element_by_id(&labelledby)
        .expect("labelled by an element");
    assert_eq!(label.get_attribute("data-part").as_deref(), Some("title"));
    assert!(q(&root, "[data-part=backdrop]").is_some());
    assert_eq!(
        q(&root, "[data-part=status]")
            .unwrap()
            .get_attribute("role")
            .as_deref(),
        Some("status")
    );
    assert_eq!(
        q(&root, "[data-part=error]")
            .unwrap()
            .get_attribute("role")
            .as_deref(),
        Some("alert")
    );
    // Styled by one adopted stylesheet: no <style> element, no style attribute inside.
    assert_eq!(root.adopted_style_sheets().length(), 1);
    assert!(q(&root, "style, [style]").is_none());
    widget.destroy();
}

#[wasm_bindgen_test]
fn page_css_cannot_reach_inside_the_dialog() {
    fresh();
    let page_style = doc().create_element("style").unwrap();
    page_style.set_text_content(Some(
        "button{display:none!important} h2{color:rgb(255, 0, 0)!important}",
    ));
    doc().body().unwrap().append_child(&page_style).unwrap();
    let widget = create(options("")).unwrap();
    widget.show().unwrap();
    let root = root();
    let window = web_sys::window().unwrap();
    let button = q(&root, "[data-connection=github]").unwrap();
    let style = window.get_computed_style(&button).unwrap().unwrap();
    assert_ne!(style.get_property_value("display").unwrap(), "none");
    let title = q(&root, "[data-part=title]").unwrap();
    let style = window.get_computed_style(&title).unwrap().unwrap();
    assert_ne!(style.get_property_value("color").unwrap(), "rgb(255, 0, 0)");
    page_style.remove();
    widget.destroy();
}

#[wasm_bindgen_test]
fn focus_moves_in_is_trapped_escape_closes_and_focus_returns() {
    fresh();
    let opener: HtmlElement = doc().create_element("button").unwrap().unchecked_into();
    opener.set_text_content(Some("Add account"));
    doc().body().unwrap().append_child(&opener).unwrap();
    opener.focus().unwrap();

    let widget = create(options("")).unwrap();
    let hides = Recorder::new("");
    widget.on("hide".into(), hides.function()).unwrap();
    widget.show().unwrap();
    let root = root();
    let first_connection = q(&root, "[data-connection=google-oauth2]").unwrap();
    assert!(
        active(&root).is_some_and(|a| a.is_same_node(Some(&first_connection))),
        "focus moves to the first connection button"
    );

    // Focus order: close, google-oauth2, github. Tab on the last wraps to the first...
    let last = q(&root, "[data-connection=github]").unwrap();
    last.unchecked_ref::<HtmlElement>().focus().unwrap();
    assert!(key(&last, "Tab", false), "Tab at the end is taken over");
    let close = q(&root, "[data-action=close]").unwrap();
    assert!(active(&root).is_some_and(|a| a.is_same_node(Some(&close))));
    // ...and Shift+Tab on the first wraps to the last.
    assert!(key(&close, "Tab", true));
    assert!(active(&root).is_some_and(|a| a.is_same_node(Some(&last))));
    // Tab in the middle is left to the browser.
    first_connection
        .unchecked_ref::<HtmlElement>()
        .focus()
        .unwrap();
    assert!(!key(&first_connection, "Tab", false));

    assert!(key(&last, "Escape", false));
    assert!(!widget.is_open());
    assert_eq!(hides.calls(), ["called"]);
    assert!(doc()
        .active_element()
        .is_some_and(|a| a.is_same_node(Some(&opener))));
    widget.destroy();
    opener.remove();
}

#[wasm_bindgen_test]
fn focus_does_not_return_to_an_opener_the_page_removed() {
    fresh();
    let opener: HtmlElement = doc().create_element("button").unwrap().unchecked_into();
    doc().body().unwrap().append_child(&opener).unwrap();
    opener.focus().unwrap();
    let focused = Rc::new(RefCell::new(0));
    let count = focused.clone();
    let on_focus = Closure::<dyn Fn()>::new(move || *count.borrow_mut() += 1);
    opener
        .add_event_listener_with_callback("focus", on_focus.as_ref().unchecked_ref())
        .unwrap();

    let widget = create(options("")).unwrap();
    widget.show().unwrap();
    opener.remove();
    widget.hide().unwrap();
    assert_eq!(*focused.borrow(), 0, "a removed opener is not focused");
    assert!(!doc()
        .active_element()
        .is_some_and(|a| a.is_same_node(Some(&opener))));
    // Put back, it is no longer the opener: destroy leaves it alone too.
    doc().body().unwrap().append_child(&opener).unwrap();
    widget.destroy();
    assert_eq!(*focused.borrow(), 0);
    opener.remove();
}

#[wasm_bindgen_test]
fn close_button_hides_and_fires_hide_once() {
    fresh();
    let widget = create(options("")).unwrap();
    let shows = Recorder::new("");
    let hides = Recorder::new("");
    widget.on("show".into(), shows.function()).unwrap();
    widget.on("hide".into(), hides.function()).unwrap();
    widget.show().unwrap();
    widget.show().unwrap(); // already open: no second event
    click(&root(), "button[data-action=close]");
    assert!(!widget.is_open());
    assert!(doc()
        .query_selector("[data-account-link]")
        .unwrap()
        .unwrap()
        .has_attribute("hidden"));
    widget.hide().unwrap(); // already hidden: no second event
    assert_eq!(shows.calls().len(), 1);
    assert_eq!(hides.calls().len(), 1);
    widget.destroy();
}

#[wasm_bindgen_test]
fn inline_mode_renders_in_container_without_modal_behaviour() {
    fresh();
    let container = doc().create_element("div").unwrap();
    container.set_id("al-inline-test");
    doc().body().unwrap().append_child(&container).unwrap();
    let widget = create(options(r##","container":"#al-inline-test""##)).unwrap();
    let host = container
        .query_selector("[data-account-link]")
        .unwrap()
        .expect("host inside the container");
    widget.show().unwrap();
    let root = host.shadow_root().unwrap();
    let dialog = q(&root, "[role=dialog]").unwrap();
    assert!(dialog.get_attribute("aria-modal").is_none());
    assert!(q(&root, "[data-part=backdrop]").is_none());
    assert!(active(&root).is_none(), "inline does not steal focus");
    let last = q(&root, "[data-connection=github]").unwrap();
    last.unchecked_ref::<HtmlElement>().focus().unwrap();
    assert!(!key(&last, "Tab", false), "no focus trap inline");
    assert!(!key(&last, "Escape", false));
    assert!(widget.is_open(), "Escape does not hide inline");
    widget.destroy();

    // An Element works as container too.
    let options = options("");
    Reflect::set(&options, &"container".into(), &container).unwrap();
    let widget = create(options).unwrap();
    assert!(container
        .query_selector("[data-account-link]")
        .unwrap()
        .is_some());
    widget.destroy();
    container.remove();
}

#[wasm_bindgen_test]
fn fits_a_360px_wide_container() {
    fresh();
    let container: HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    container.style().set_property("width", "360px").unwrap();
    container.set_id("al-narrow");
    doc().body().unwrap().append_child(&container).unwrap();
    let widget = create(options(
        r##","container":"#al-narrow","connections":["google-oauth2",{"name":"x","displayName":"A very long enterprise connection display name that goes on"}]"##,
    ))
    .unwrap();
    widget.show().unwrap();
    let root = container
        .query_selector("[data-account-link]")
        .unwrap()
        .unwrap()
        .shadow_root()
        .unwrap();
    let dialog: HtmlElement = q(&root, "[role=dialog]").unwrap().unchecked_into();
    assert!(dialog.offset_width() <= 360, "{}", dialog.offset_width());
    assert!(
        dialog.scroll_width() <= dialog.client_width(),
        "no horizontal overflow"
    );
    let button: HtmlElement = q(&root, "[data-connection=x]").unwrap().unchecked_into();
    assert!(button.offset_height() >= 44, "touch-sized buttons");
    widget.destroy();
    container.remove();
}

#[wasm_bindgen_test]
fn connection_click_fires_event_and_unsubscribe_works() {
    fresh();
    let widget = create(options("")).unwrap();
    widget.show().unwrap();
    let clicks = Recorder::new("connection");
    let unsubscribe = widget.on("connection".into(), clicks.function()).unwrap();
    let root = root();
    click(&root, "[data-connection=github]");
    assert_eq!(clicks.calls(), ["github"]);
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap();
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap(); // idempotent
    click(&root, "[data-connection=github]");
    assert_eq!(clicks.calls(), ["github"], "no call after unsubscribe");

    let again = Recorder::new("connection");
    widget.on("connection".into(), again.function()).unwrap();
    widget.off("connection".into(), again.function()).unwrap();
    click(&root, "[data-connection=google-oauth2]");
    assert!(again.calls().is_empty(), "no call after off");
    widget.destroy();
}

#[wasm_bindgen_test]
fn a_throwing_listener_does_not_stop_the_others() {
    fresh();
    let widget = create(options("")).unwrap();
    let thrower = Function::new_no_args("throw new Error('listener bug')");
    let after = Recorder::new("");
    widget.on("show".into(), thrower.into()).unwrap();
    widget.on("show".into(), after.function()).unwrap();
    widget.show().unwrap();
    assert_eq!(after.calls(), ["called"]);
    assert!(widget.is_open());
    widget.destroy();
}

/// The registry's rules (js/error.js `fire`, `listen`, `unlisten`): listeners run in the order
/// added; one added during an emit waits for the next emit, one removed during it (by `off`, or
/// by `destroy`) is skipped; `off` removes every registration of that listener for that event
/// only.
#[wasm_bindgen_test]
fn listeners_run_in_order_and_changes_during_an_emit_wait_for_the_next() {
    fresh();
    let widget = Rc::new(create(options("")).unwrap());
    let log: Rc<RefCell<Vec<&'static str>>> = Rc::default();
    let listener = |name: &'static str| {
        let log = log.clone();
        Closure::<dyn FnMut()>::new(move || log.borrow_mut().push(name))
    };
    let (first, late, skipped, twice) = (
        listener("first"),
        listener("late"),
        listener("skipped"),
        listener("twice"),
    );
    let f = |c: &Closure<dyn FnMut()>| -> JsValue { c.as_ref().clone() };
    // Adds `late` and removes `skipped` while `show` is being emitted.
    let changer = {
        let (widget, log, late, skipped) = (widget.clone(), log.clone(), f(&late), f(&skipped));
        Closure::<dyn FnMut()>::new(move || {
            log.borrow_mut().push("changer");
            widget.on("show".into(), late.clone()).unwrap();
            widget.off("show".into(), skipped.clone()).unwrap();
        })
    };
    for (event, closure) in [
        ("show", &first),
        ("show", &changer),
        ("show", &skipped),
        ("show", &twice),
        ("show", &twice),
        ("hide", &twice),
    ] {
        widget.on(event.into(), f(closure)).unwrap();
    }
    widget.show().unwrap();
    widget.hide().unwrap();
    assert_eq!(
        log.borrow_mut().split_off(0),
        ["first", "changer", "twice", "twice", "twice"]
    );
    widget.off("show".into(), f(&twice)).unwrap(); // both `show` registrations, not `hide`'s
    widget.show().unwrap();
    widget.hide().unwrap();
    // `late` (added by the first emit) now runs once; the copy this emit adds waits.
    assert_eq!(
        log.borrow_mut().split_off(0),
        ["first", "changer", "late", "twice"]
    );
    widget.destroy();

    // `destroy` from a listener: the listeners after it are skipped.
    let widget = Rc::new(create(options("")).unwrap());
    let destroyer = {
        let (widget, log) = (widget.clone(), log.clone());
        Closure::<dyn FnMut()>::new(move || {
            log.borrow_mut().push("destroyer");
            widget.destroy();
        })
    };
    widget.on("show".into(), f(&destroyer)).unwrap();
    widget.on("show".into(), f(&first)).unwrap();
    widget.show().unwrap();
    assert_eq!(log.borrow_mut().split_off(0), ["destroyer"]);
    assert_eq!(hosts(), 0);
}

#[wasm_bindgen_test]
fn on_rejects_unknown_events_and_non_functions() {
    fresh();
    let widget = create(options("")).unwrap();
    let error = widget
        .on("click".into(), Function::new_no_args("").into())
        .unwrap_err();
    assert_eq!(code_of(&error), "invalid_options");
    assert!(message_of(&error).contains("show, hide, connection"));
    // The message quotes the name given (read into the wasm for it only).
    assert!(message_of(&error).contains("unknown event 'click'"));
    // Every event name is known (js/error.js `eventIndex`), and matched exactly.
    for name in account_link::events::EventKind::NAMES {
        widget
            .on(name.into(), Function::new_no_args("").into())
            .unwrap();
        widget.off(name.into(), JsValue::NULL).unwrap();
    }
    for name in ["Show", "", " show", "error "] {
        let error = widget
            .on(name.into(), Function::new_no_args("").into())
            .unwrap_err();
        assert_eq!(code_of(&error), "invalid_options", "{name:?}");
    }
    // The event name is read from a JsValue: a non-string is an unknown event, not a panic.
    let error = widget
        .on(JsValue::from(1), Function::new_no_args("").into())
        .unwrap_err();
    assert_eq!(code_of(&error), "invalid_options");
    assert!(message_of(&error).contains("show, hide, connection"));
    let error = widget
        .on("show".into(), JsValue::from_str("nope"))
        .unwrap_err();
    assert_eq!(code_of(&error), "invalid_options");
    assert!(message_of(&error).contains("function"));
    widget.destroy();
}

#[wasm_bindgen_test]
fn destroy_removes_dom_and_later_calls_fail_destroyed() {
    fresh();
    let widget = create(options("")).unwrap();
    let clicks = Recorder::new("connection");
    let unsubscribe = widget.on("connection".into(), clicks.function()).unwrap();
    widget.show().unwrap();
    let root = root();
    let button: HtmlElement = q(&root, "[data-connection=github]")
        .unwrap()
        .unchecked_into();
    assert_eq!(hosts(), 1);
    widget.destroy();
    assert_eq!(hosts(), 0, "DOM removed");
    button.click(); // a stale reference to a button does nothing
    assert!(clicks.calls().is_empty(), "listeners removed");
    for error in [
        widget.show().unwrap_err(),
        widget.hide().unwrap_err(),
        widget
            .on("show".into(), Function::new_no_args("").into())
            .unwrap_err(),
        widget
            .off("show".into(), Function::new_no_args("").into())
            .unwrap_err(),
    ] {
        assert_eq!(code_of(&error), "destroyed");
        assert_eq!(
            Reflect::get(&error, &"name".into())
                .unwrap()
                .as_string()
                .as_deref(),
            Some("LinkWidgetError")
        );
    }
    widget.destroy(); // idempotent
    unsubscribe.call0(&JsValue::UNDEFINED).unwrap(); // harmless after destroy
    assert!(!widget.is_open());
}

#[wasm_bindgen_test]
fn each_bad_option_is_invalid_options_naming_the_fix() {
    fresh();
    let cases: &[(&str, &str)] = &[
        (
            r#","domain":null"#,
            "domain must be a host name such as 'tenant.eu.auth0.com'",
        ),
        (r#","domain":"https://""#, "got 'https://'"),
        (r#","domain":"ftp://tenant.auth0.com""#, "https"),
        (
            r#","domain":"http://tenant.auth0.com""#,
            "only allowed for the local emulator",
        ),
        (r#","domain":"tenant.auth0.com/api""#, "no path"),
        (
            r#","domain":"https://me@tenant.auth0.com""#,
            "no path, query or user name",
        ),
        (
            r#","clientId":"""#,
            "clientId must be the application's Client ID",
        ),
        (r#","clientId":"a b""#, "no spaces"),
        (r#","clientId":42"#, "clientId must be a string"),
        (
            r#","connections":[]"#,
            "connections must be a non-empty array",
        ),
        (
            r#","connections":"github""#,
            "connections must be a non-empty array",
        ),
        (r#","connections":["github","github"]"#, "'github' twice"),
        (
            r#","connections":["git hub"]"#,
            "connection names contain only",
        ),
        (
            r#","connections":[{"displayName":"X"}]"#,
            "{ name, displayName }",
        ),
        (
            r#","mode":"iframe""#,
            "mode must be 'popup' or 'redirect'; got 'iframe'",
        ),
        (
            r#","redirectUri":"/callback""#,
            "redirectUri must be an absolute http(s) URL",
        ),
        (
            r#","language":"xx""#,
            "language must be one of en, es, fr, de, pt-BR, ja; got 'xx'",
        ),
        (
            r#","languageDictionary":{"title":5}"#,
            "languageDictionary.title must be a string",
        ),
        (
            r#","languageDictionary":"title""#,
            "languageDictionary must be an object",
        ),
        (
            r#","theme":{"logo":"http://example.com/logo.png"}"#,
            "theme.logo must be an https URL",
        ),
        (
            r#","theme":{"logo":"javascript:alert(1)"}"#,
            "theme.logo must be an https URL",
        ),
        (
            r#","theme":{"primaryColor":"red;background:url(x)"}"#,
            "theme.primaryColor must be a CSS colour",
        ),
        (r##","container":"#no-such-element""##, "matches no element"),
        (r#","container":"[[[""#, "not a valid CSS selector"),
        (
            r#","container":5"#,
            "container must be a CSS selector string or an Element",
        ),
        (
            r#","popupTimeoutSeconds":0"#,
            "popupTimeoutSeconds must be a positive number",
        ),
        (
            r#","popupTimeoutSeconds":"60""#,
            "popupTimeoutSeconds must be a positive number",
        ),
        (r#","popupTimeoutSeconds":0.5"#, "from 1 to 3600"),
        (r#","popupTimeoutSeconds":1e9"#, "from 1 to 3600"),
        (
            r#","redirectUri":"http://app.example.com/callback.html""#,
            "redirectUri must use https",
        ),
        (r#","legacy":"yes""#, "legacy must be true or false"),
        (
            r#","popupResponseMode":"fragment""#,
            "popupResponseMode must be 'web_message' (default) or 'query'",
        ),
        (
            r#","accessToken":42"#,
            "accessToken must be the Management API access token",
        ),
        (r#","userId":"""#, "userId must be the primary user's id"),
    ];
    for (extra, expected) in cases {
        let error = match create(options(extra)) {
            Ok(_) => panic!("accepted {extra}"),
            Err(error) => error,
        };
        assert_eq!(code_of(&error), "invalid_options", "{extra}");
        let message = message_of(&error);
        assert!(message.contains(expected), "{extra}: {message}");
    }
    for not_an_object in [JsValue::UNDEFINED, JsValue::from_str("tenant.auth0.com")] {
        let error = create(not_an_object).err().unwrap();
        assert_eq!(code_of(&error), "invalid_options");
    }
    assert_eq!(hosts(), 0, "a rejected widget leaves no DOM");
}

#[wasm_bindgen_test]
fn good_options_are_accepted() {
    fresh();
    let options = options(
        r##","domain":"tenant.eu.auth0.com","mode":"redirect","redirectUri":"https://app.example.com/callback.html","language":"pt-br","theme":{"primaryColor":"#0a66c2","logo":"https://example.com/logo.png"},"popupTimeoutSeconds":5,"legacy":true,"accessToken":"eyJ.x.y","userId":"auth0|123""##,
    );
    let config = Config::from_js(&options, &JsValue::UNDEFINED).unwrap();
    assert_eq!(config.origin(), "https://tenant.eu.auth0.com");
    assert_eq!(config.redirect_uri, "https://app.example.com/callback.html");
    assert_eq!(config.popup_timeout_seconds, 5.0);
    assert!(config.legacy);
    assert_eq!(config.user_id.as_deref(), Some("auth0|123"));
    // An async function is kept as is, for the flows to call.
    Reflect::set(
        &options,
        &"accessToken".into(),
        &Function::new_no_args("return Promise.resolve('t')"),
    )
    .unwrap();
    assert!(Config::from_js(&options, &JsValue::UNDEFINED)
        .unwrap()
        .access_token
        .unwrap()
        .is_function());

    let defaults = Config::from_js(&self::options(""), &JsValue::UNDEFINED).unwrap();
    let location = web_sys::window().unwrap().location();
    assert_eq!(
        defaults.redirect_uri,
        location.origin().unwrap() + &location.pathname().unwrap()
    );
    assert_eq!(defaults.popup_timeout_seconds, 60.0);
    assert!(!defaults.legacy);
    assert_eq!(defaults.origin(), "http://127.0.0.1:4010");
}

#[wasm_bindgen_test]
fn theme_colour_and_logo_are_applied() {
    fresh();
    let widget = create(options(
        r##","theme":{"primaryColor":"#0a66c2","logo":"https://example.com/logo.png"}"##,
    ))
    .unwrap();
    let host: HtmlElement = doc()
        .query_selector("[data-account-link]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(
        host.style().get_property_value("--al-primary").unwrap(),
        "#0a66c2"
    );
    assert_eq!(
        host.style().get_property_value("--al-on-primary").unwrap(),
        "#fff"
    );
    let logo = q(&root(), "header img[data-part=logo]").expect("logo");
    assert_eq!(
        logo.get_attribute("src").as_deref(),
        Some("https://example.com/logo.png")
    );
    assert_eq!(logo.get_attribute("alt").as_deref(), Some(""));
    widget.destroy();

    // A light primary colour gets dark text on its buttons.
    let widget = create(options(r##","theme":{"primaryColor":"#ffeb3b"}"##)).unwrap();
    widget.show().unwrap();
    let root = root();
    let offer = q(&root, "[data-action=use-redirect]").unwrap();
    offer.remove_attribute("hidden").unwrap();
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&offer)
        .unwrap()
        .unwrap();
    assert_eq!(style.get_property_value("color").unwrap(), "rgb(0, 0, 0)");
    assert_eq!(
        style.get_property_value("background-color").unwrap(),
        "rgb(255, 235, 59)"
    );
    widget.destroy();
}

fn rows() -> Vec<IdentityRow> {
    vec![
        IdentityRow {
            provider: "auth0".into(),
            user_id: "primary1".into(),
            connection: "Username-Password-Authentication".into(),
            email: Some("ana@example.com".into()),
            primary: true,
            ..Default::default()
        },
        IdentityRow {
            provider: "github".into(),
            user_id: "12345".into(),
            connection: "github".into(),
            name: Some("<b>Octo</b>".into()),
            email: Some("octo@example.com".into()),
            picture: Some("https://avatars.example.com/octo.png".into()),
            ..Default::default()
        },
        IdentityRow {
            provider: "windowslive".into(),
            user_id: "ms|77".into(),
            connection: "windowslive".into(),
            name: Some("Ana M".into()),
            picture: Some("http://evil.example.com/pixel.png".into()),
            ..Default::default()
        },
        IdentityRow {
            provider: "google-oauth2".into(),
            user_id: "g1".into(),
            connection: "google-oauth2".into(),
            picture: Some("http://127.0.0.1:4010/avatar/g1.png".into()),
            ..Default::default()
        },
    ]
}

fn dialog(extra: &str) -> Dialog {
    fresh();
    let options = options(extra);
    Dialog::new(&Config::from_js(&options, &translation(&options)).unwrap()).unwrap()
}

#[wasm_bindgen_test]
fn identities_list_primary_and_secondaries() {
    let dialog = dialog("");
    let root = dialog.shadow_root().clone();
    assert!(q(&root, "[data-part=identities]")
        .unwrap()
        .has_attribute("hidden"));
    dialog.render_identities(&rows());
    assert!(!q(&root, "[data-part=identities]")
        .unwrap()
        .has_attribute("hidden"));
    assert_eq!(
        root.query_selector_all("[data-part=identities] [data-identity]")
            .unwrap()
            .length(),
        4
    );
    let primary = q(&root, "[data-identity=\"auth0|primary1\"]").unwrap();
    assert!(primary
        .query_selector("[data-action=unlink]")
        .unwrap()
        .is_none());
    assert_eq!(
        primary.text_content().unwrap(),
        "Emailana@example.comSigned in"
    );
    let github = q(&root, "[data-identity=\"github|12345\"]").unwrap();
    assert_eq!(
        github
            .query_selector("[data-part=provider]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "GitHub"
    );
    assert_eq!(
        github
            .query_selector("[data-part=detail]")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "<b>Octo</b> · octo@example.com",
        "profile fields are text"
    );
    assert!(github.query_selector("b").unwrap().is_none());
    assert_eq!(
        github
            .query_selector("img")
            .unwrap()
            .unwrap()
            .get_attribute("src")
            .as_deref(),
        Some("https://avatars.example.com/octo.png")
    );
    let microsoft = q(&root, "[data-identity=\"windowslive|ms|77\"]").unwrap();
    assert!(
        microsoft.query_selector("img").unwrap().is_none(),
        "no picture over plain http from elsewhere"
    );
    assert!(microsoft.text_content().unwrap().starts_with("Microsoft"));
    let google = q(&root, "[data-identity=\"google-oauth2|g1\"]").unwrap();
    assert!(
        google.query_selector("img").unwrap().is_some(),
        "the loopback emulator origin may serve pictures"
    );
    dialog.render_identities(&[]);
    assert!(q(&root, "[data-part=identities]")
        .unwrap()
        .has_attribute("hidden"));
    dialog.dispose();
}

#[wasm_bindgen_test]
fn the_list_rendered_after_an_unlink_keeps_focus_in_the_modal_and_the_primary_profile() {
    let dialog = dialog("");
    dialog.show();
    dialog.set_on_unlink(|_, _| {});
    dialog.render_identities(&rows());
    let root = dialog.shadow_root().clone();
    let row = "[data-identity=\"github|12345\"] ";
    click(&root, &(row.to_owned() + "[data-action=unlink]"));
    let confirm = q(&root, &(row.to_owned() + "[data-action=confirm-unlink]")).unwrap();
    confirm.unchecked_ref::<HtmlElement>().focus().unwrap();
    confirm.unchecked_ref::<HtmlElement>().click();

    // What the Management API answers after an unlink: the primary without profileData.
    let mut after = rows();
    after.remove(1);
    after[0].email = None;
    dialog.render_identities(&after);

    assert!(
        active(&root).is_some(),
        "focus stays inside the modal dialog, so Escape and Tab still work"
    );
    let primary = q(
        &root,
        "[data-identity=\"auth0|primary1\"] [data-part=detail]",
    )
    .unwrap();
    assert_eq!(
        primary.text_content().unwrap(),
        "ana@example.com",
        "the primary keeps the email it was shown with, not its bare id"
    );
    assert!(key(&active(&root).unwrap(), "Escape", false));
    assert!(
        !dialog.is_visible(),
        "Escape closes the dialog after an unlink"
    );
}

/// The unlink calls a dialog's hook received, as `(provider, user_id)`.
type UnlinkCalls = Rc<RefCell<Vec<(String, String)>>>;

/// A shown dialog with `rows()` listed and its unlink hook recording into the returned list.
fn shown_with_rows(extra: &str) -> (Dialog, ShadowRoot, UnlinkCalls) {
    let dialog = dialog(extra);
    dialog.show();
    let calls: UnlinkCalls = Rc::default();
    let sink = calls.clone();
    dialog.set_on_unlink(move |provider, user_id| {
        sink.borrow_mut().push((provider.into(), user_id.into()))
    });
    dialog.render_identities(&rows());
    let root = dialog.shadow_root().clone();
    (dialog, root, calls)
}

#[wasm_bindgen_test]
fn unlink_asks_for_confirmation_before_calling_back() {
    let (dialog, root, calls) = shown_with_rows("");
    let row = "[data-identity=\"windowslive|ms|77\"] ";

    click(&root, &(row.to_owned() + "[data-action=unlink]"));
    assert_eq!(
        text(&root, &(row.to_owned() + "[data-part=confirm] span")),
        "Unlink Microsoft?"
    );
    assert!(q(&root, &(row.to_owned() + "[data-action=unlink]"))
        .unwrap()
        .has_attribute("hidden"));
    let cancel = q(&root, &(row.to_owned() + "[data-action=cancel-unlink]")).unwrap();
    assert!(
        active(&root).is_some_and(|a| a.is_same_node(Some(&cancel))),
        "focus on Cancel"
    );
    click(&root, &(row.to_owned() + "[data-action=cancel-unlink]"));
    assert!(q(&root, &(row.to_owned() + "[data-part=confirm]")).is_none());
    assert!(calls.borrow().is_empty(), "cancel does not unlink");

    click(&root, &(row.to_owned() + "[data-action=unlink]"));
    click(&root, &(row.to_owned() + "[data-action=confirm-unlink]"));
    assert_eq!(
        *calls.borrow(),
        [("windowslive".to_owned(), "ms|77".to_owned())]
    );
    assert!(q(&root, "[data-action=confirm-unlink]").is_none());

    // Escape cancels an open confirmation first (focus back on Unlink), then closes the dialog.
    click(&root, &(row.to_owned() + "[data-action=unlink]"));
    let cancel = q(&root, &(row.to_owned() + "[data-action=cancel-unlink]")).unwrap();
    assert!(key(&cancel, "Escape", false));
    assert!(q(&root, "[data-part=confirm]").is_none());
    assert!(dialog.is_visible(), "the first Escape only cancels");
    let unlink = q(&root, &(row.to_owned() + "[data-action=unlink]")).unwrap();
    assert!(active(&root).is_some_and(|a| a.is_same_node(Some(&unlink))));
    assert!(key(&unlink, "Escape", false));
    assert!(!dialog.is_visible());
    assert_eq!(calls.borrow().len(), 1, "no unlink on Escape");
    dialog.dispose();
}

#[wasm_bindgen_test]
fn one_confirmation_at_a_time_and_a_prompt_without_a_name() {
    // The dialog finds the open confirmation by its row's hidden Unlink button: opening a
    // second one must close the first, so there is never more than one hidden button.
    let (dialog, root, calls) =
        shown_with_rows(r#","languageDictionary":{"unlinkPrompt":"Remove this account?"}"#);
    let count = |selector: &str| root.query_selector_all(selector).unwrap().length();
    let a = "[data-identity=\"github|12345\"] ";
    let b = "[data-identity=\"windowslive|ms|77\"] ";

    click(&root, &(a.to_owned() + "[data-action=unlink]"));
    click(&root, &(b.to_owned() + "[data-action=unlink]"));
    assert_eq!(count("[data-part=confirm]"), 1);
    assert_eq!(count("[data-action=unlink][hidden]"), 1);
    assert!(q(&root, &(b.to_owned() + "[data-part=confirm]")).is_some());
    assert!(q(&root, &(b.to_owned() + "[data-action=unlink][hidden]")).is_some());
    // A prompt without `{name}` is shown as given.
    assert_eq!(
        text(&root, &(b.to_owned() + "[data-part=confirm] span")),
        "Remove this account?"
    );

    // Cancel returns focus to that row's Unlink button, and nothing is unlinked.
    click(&root, &(b.to_owned() + "[data-action=cancel-unlink]"));
    assert_eq!(count("[data-part=confirm]"), 0);
    assert_eq!(count("[data-action=unlink][hidden]"), 0);
    let b_unlink = q(&root, &(b.to_owned() + "[data-action=unlink]")).unwrap();
    assert!(active(&root).is_some_and(|e| e.is_same_node(Some(&b_unlink))));
    assert!(calls.borrow().is_empty());

    // Confirm acts on its own row, after another row's confirmation was opened and closed.
    click(&root, &(b.to_owned() + "[data-action=unlink]"));
    click(&root, &(a.to_owned() + "[data-action=unlink]"));
    click(&root, &(a.to_owned() + "[data-action=confirm-unlink]"));
    assert_eq!(*calls.borrow(), [("github".to_owned(), "12345".to_owned())]);
    assert_eq!(count("[data-part=confirm]"), 0);
    dialog.dispose();
}

#[wasm_bindgen_test]
fn errors_status_busy_and_redirect_offer() {
    let dialog = dialog(r#","language":"es""#);
    dialog.show();
    let root = dialog.shadow_root().clone();
    assert_eq!(text(&root, "[data-part=error]"), "");
    dialog.show_error(&Error::new(ErrorCode::AlreadyLinked, "409 from the API"));
    assert_eq!(
        text(&root, "[data-part=error]"),
        "Esa cuenta ya está vinculada."
    );
    dialog.set_status(Some(Msg::WaitingForPopup));
    assert_eq!(
        text(&root, "[data-part=status]"),
        "Esperando la ventana emergente…"
    );
    dialog.set_status(None);
    assert_eq!(text(&root, "[data-part=status]"), "");

    let connections: Rc<RefCell<Vec<String>>> = Rc::default();
    let sink = connections.clone();
    dialog.set_on_connection(move |c| sink.borrow_mut().push(c.into()));
    dialog.set_busy(true);
    let github = q(&root, "[data-connection=github]").unwrap();
    assert!(github.has_attribute("disabled"));
    click(&root, "[data-connection=github]");
    assert!(
        connections.borrow().is_empty(),
        "busy: no click gets through"
    );
    dialog.set_busy(false);
    click(&root, "[data-connection=github]");
    assert_eq!(*connections.borrow(), ["github"]);

    let redirects: Rc<RefCell<Vec<String>>> = Rc::default();
    let sink = redirects.clone();
    dialog.set_on_use_redirect(move |c| sink.borrow_mut().push(c.into()));
    let offer = q(&root, "button[data-action=use-redirect]").unwrap();
    assert!(offer.has_attribute("hidden"));
    dialog.show_error(&Error::new(ErrorCode::PopupBlocked, "blocked"));
    assert!(!offer.has_attribute("hidden"));
    assert_eq!(offer.text_content().unwrap(), "Continuar en esta ventana");
    click(&root, "button[data-action=use-redirect]");
    assert_eq!(
        *redirects.borrow(),
        ["github"],
        "continues with the last connection"
    );
    dialog.clear_error();
    assert!(offer.has_attribute("hidden"));
    assert_eq!(text(&root, "[data-part=error]"), "");
    dialog.dispose();
}

#[wasm_bindgen_test]
fn every_error_code_has_a_translated_message() {
    let dialog = dialog(r#","language":"ja""#);
    let root = dialog.shadow_root().clone();
    let codes = [
        ErrorCode::InvalidOptions,
        ErrorCode::PopupBlocked,
        ErrorCode::Cancelled,
        ErrorCode::Timeout,
        ErrorCode::StateMismatch,
        ErrorCode::AuthorizationError,
        ErrorCode::InvalidIdToken,
        ErrorCode::SameIdentity,
        ErrorCode::AlreadyLinked,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::RateLimited,
        ErrorCode::ApiError,
        ErrorCode::NetworkError,
        ErrorCode::Destroyed,
    ];
    for code in codes {
        dialog.show_error(&Error::new(code, "technical detail"));
        let shown = text(&root, "[data-part=error]");
        assert!(
            !shown.is_empty() && !shown.contains("technical"),
            "{code:?}"
        );
        assert!(!shown.is_ascii(), "{code:?} is Japanese: {shown}");
    }
    dialog.dispose();
}

/// A listener that destroys the widget (e.g. `widget.on('hide', () => widget.destroy())`) runs
/// inside the dialog's own click/keydown handler: nothing may panic or leak.
#[wasm_bindgen_test]
fn listeners_may_destroy_the_widget_from_inside_an_event() {
    fresh();
    for (event, trigger) in [
        ("connection", "[data-connection=github]"),
        ("hide", "[data-action=close]"),
    ] {
        let slot: Rc<RefCell<Option<LinkWidget>>> = Rc::default();
        *slot.borrow_mut() = Some(create(options("")).unwrap());
        let inner = slot.clone();
        let destroyer = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            if let Some(widget) = inner.borrow().as_ref() {
                widget.destroy();
            }
        });
        let widget_ref = slot.borrow();
        let widget = widget_ref.as_ref().unwrap();
        widget.on(event.into(), destroyer.as_ref().clone()).unwrap();
        widget.show().unwrap();
        let root = root();
        drop(widget_ref);
        click(&root, trigger);
        assert_eq!(hosts(), 0, "{event}: destroyed from its own listener");
        let error = slot.borrow().as_ref().unwrap().show().unwrap_err();
        assert_eq!(code_of(&error), "destroyed");
    }

    // Escape in the keydown handler, with a hide listener that destroys.
    let slot: Rc<RefCell<Option<LinkWidget>>> = Rc::default();
    *slot.borrow_mut() = Some(create(options("")).unwrap());
    let inner = slot.clone();
    let destroyer = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        if let Some(widget) = inner.borrow().as_ref() {
            widget.destroy();
        }
    });
    {
        let widget_ref = slot.borrow();
        let widget = widget_ref.as_ref().unwrap();
        widget
            .on("hide".into(), destroyer.as_ref().clone())
            .unwrap();
        widget.show().unwrap();
    }
    let root = root();
    let focused = active(&root).unwrap();
    assert!(key(&focused, "Escape", false));
    assert_eq!(hosts(), 0);
}

#[wasm_bindgen_test]
fn two_widgets_are_independent() {
    fresh();
    let first = create(options(r#","language":"fr""#)).unwrap();
    let second = create(options(r#","language":"de""#)).unwrap();
    assert_eq!(hosts(), 2);
    first.destroy();
    assert_eq!(hosts(), 1);
    second.show().unwrap();
    assert_eq!(
        text(&root(), "[data-part=title]"),
        "Mit einem anderen Konto verknüpfen"
    );
    second.destroy();
}

/// The serialized markup of `node` (`innerHTML` read, never written).
fn markup(node: &JsValue) -> String {
    Reflect::get(node, &"innerHTML".into())
        .unwrap()
        .as_string()
        .unwrap()
}

/// Pins the whole DOM the dialog builds, byte for byte: tags, attributes in their order, texts.
/// The static tree, the connection buttons and the identity rows are built by snippet calls
/// (js/wasm/dialog.js); markup in any string the options or the API supply must come out as
/// text (escaped in the serialization), never as elements.
#[wasm_bindgen_test]
fn the_dom_is_exactly_the_documented_tree() {
    fresh();
    let evil = "<img src=x onerror=alert(1)>";
    let extra = r##","theme":{"primaryColor":"#0a66c2","logo":"https://example.com/l.png?a=1&b=\"2\""},"connections":["github",{"name":"x-y","displayName":""##.to_owned()
        + evil
        + r#""}],"languageDictionary":{"title":"<b>T</b>","close":"<i>c</i>"}"#;
    let widget = create(options(&extra)).unwrap();
    let modal = markup(&root());
    widget.destroy();
    assert_eq!(modal, "<div data-part=\"backdrop\"></div><div role=\"dialog\" data-part=\"dialog\" aria-labelledby=\"al-title\" tabindex=\"-1\" lang=\"en\" aria-modal=\"true\"><header><img data-part=\"logo\" alt=\"\" src=\"https://example.com/l.png?a=1&amp;b=&quot;2&quot;\"><h2 data-part=\"title\" id=\"al-title\">&lt;b&gt;T&lt;/b&gt;</h2><button type=\"button\" data-action=\"close\" aria-label=\"&lt;i&gt;c&lt;/i&gt;\">×</button></header><section data-part=\"identities\" aria-labelledby=\"al-identities\" hidden=\"\"><h3 id=\"al-identities\">Linked accounts</h3><ul></ul></section><div data-part=\"connections\"><button type=\"button\" data-connection=\"github\">Continue with GitHub</button><button type=\"button\" data-connection=\"x-y\">Continue with &lt;img src=x onerror=alert(1)&gt;</button></div><p data-part=\"status\" role=\"status\" aria-live=\"polite\"></p><p data-part=\"error\" role=\"alert\"></p><button type=\"button\" data-action=\"use-redirect\" hidden=\"\">Continue in this window</button></div>");

    // Inline, in French, without a logo: no backdrop, no aria-modal.
    let container = doc().create_element("div").unwrap();
    container.set_id("al-tree-inline");
    doc().body().unwrap().append_child(&container).unwrap();
    let widget = create(options(
        r##","language":"fr","container":"#al-tree-inline""##,
    ))
    .unwrap();
    let inline = markup(&root());
    widget.destroy();
    container.remove();
    assert_eq!(inline, "<div role=\"dialog\" data-part=\"dialog\" aria-labelledby=\"al-title\" tabindex=\"-1\" lang=\"fr\"><header><h2 data-part=\"title\" id=\"al-title\">Associer un autre compte</h2><button type=\"button\" data-action=\"close\" aria-label=\"Fermer\">×</button></header><section data-part=\"identities\" aria-labelledby=\"al-identities\" hidden=\"\"><h3 id=\"al-identities\">Comptes associés</h3><ul></ul></section><div data-part=\"connections\"><button type=\"button\" data-connection=\"google-oauth2\">Continuer avec Google</button><button type=\"button\" data-connection=\"github\">Continuer avec GitHub</button></div><p data-part=\"status\" role=\"status\" aria-live=\"polite\"></p><p data-part=\"error\" role=\"alert\"></p><button type=\"button\" data-action=\"use-redirect\" hidden=\"\">Continuer dans cette fenêtre</button></div>");

    // The identity rows: primary, pictures allowed or not, labels from the options (markup
    // as text), details from the profile (markup as text), unlink buttons disabled while busy.
    let dialog = dialog(&extra);
    let mut rows = rows();
    rows.push(IdentityRow {
        provider: "oauth2".into(),
        user_id: "e1".into(),
        connection: "x-y".into(),
        name: Some(evil.into()),
        email: Some(evil.into()),
        picture: Some("https://example.com/p.png\" onerror=\"alert(1)".into()),
        ..Default::default()
    });
    dialog.render_identities(&rows);
    let root = dialog.shadow_root().clone();
    let list = q(&root, "[data-part=identities]").unwrap();
    assert_eq!(markup(&list), "<h3 id=\"al-identities\">Linked accounts</h3><ul><li data-identity=\"auth0|primary1\"><div data-part=\"who\"><span data-part=\"provider\">Email</span><span data-part=\"detail\">ana@example.com</span></div><span data-part=\"badge\">Signed in</span></li><li data-identity=\"github|12345\"><img alt=\"\" referrerpolicy=\"no-referrer\" src=\"https://avatars.example.com/octo.png\"><div data-part=\"who\"><span data-part=\"provider\">GitHub</span><span data-part=\"detail\">&lt;b&gt;Octo&lt;/b&gt; · octo@example.com</span></div><button type=\"button\" data-action=\"unlink\" aria-label=\"Unlink GitHub\">Unlink</button></li><li data-identity=\"windowslive|ms|77\"><div data-part=\"who\"><span data-part=\"provider\">Microsoft</span><span data-part=\"detail\">Ana M</span></div><button type=\"button\" data-action=\"unlink\" aria-label=\"Unlink Microsoft\">Unlink</button></li><li data-identity=\"google-oauth2|g1\"><img alt=\"\" referrerpolicy=\"no-referrer\" src=\"http://127.0.0.1:4010/avatar/g1.png\"><div data-part=\"who\"><span data-part=\"provider\">Google</span><span data-part=\"detail\">g1</span></div><button type=\"button\" data-action=\"unlink\" aria-label=\"Unlink Google\">Unlink</button></li><li data-identity=\"oauth2|e1\"><div data-part=\"who\"><span data-part=\"provider\">&lt;img src=x onerror=alert(1)&gt;</span><span data-part=\"detail\">&lt;img src=x onerror=alert(1)&gt;</span></div><button type=\"button\" data-action=\"unlink\" aria-label=\"Unlink &lt;img src=x onerror=alert(1)&gt;\">Unlink</button></li></ul>");
    dialog.set_busy(true);
    dialog.render_identities(&rows[3..]);
    assert_eq!(markup(&list), "<h3 id=\"al-identities\">Linked accounts</h3><ul><li data-identity=\"google-oauth2|g1\"><img alt=\"\" referrerpolicy=\"no-referrer\" src=\"http://127.0.0.1:4010/avatar/g1.png\"><div data-part=\"who\"><span data-part=\"provider\">Google</span><span data-part=\"detail\">g1</span></div><button type=\"button\" data-action=\"unlink\" aria-label=\"Unlink Google\" disabled=\"\">Unlink</button></li><li data-identity=\"oauth2|e1\"><div data-part=\"who\"><span data-part=\"provider\">&lt;img src=x onerror=alert(1)&gt;</span><span data-part=\"detail\">&lt;img src=x onerror=alert(1)&gt;</span></div><button type=\"button\" data-action=\"unlink\" aria-label=\"Unlink &lt;img src=x onerror=alert(1)&gt;\" disabled=\"\">Unlink</button></li></ul>");
    let panel = q(&root, "[role=dialog]").unwrap();
    assert_eq!(panel.get_attribute("aria-busy").as_deref(), Some("true"));
    let disabled = || {
        root.query_selector_all("button[disabled]")
            .unwrap()
            .length()
    };
    // The two connection buttons, the two unlink buttons (rendered while busy) and the hidden
    // redirect offer; Close stays enabled.
    assert_eq!(disabled(), 5);
    assert!(q(&root, "[data-action=close]:not([disabled])").is_some());
    dialog.set_busy(false);
    assert_eq!(panel.get_attribute("aria-busy").as_deref(), Some("false"));
    assert_eq!(disabled(), 0);
    dialog.show();
    click(&root, "[data-identity=\"oauth2|e1\"] [data-action=unlink]");
    assert_eq!(
        markup(&q(&root, "[data-identity=\"oauth2|e1\"]").unwrap()),
        "<div data-part=\"who\"><span data-part=\"provider\">&lt;img src=x onerror=alert(1)&gt;</span><span data-part=\"detail\">&lt;img src=x onerror=alert(1)&gt;</span></div><button type=\"button\" data-action=\"unlink\" aria-label=\"Unlink &lt;img src=x onerror=alert(1)&gt;\" hidden=\"\">Unlink</button><div data-part=\"confirm\" role=\"group\"><span>Unlink &lt;img src=x onerror=alert(1)&gt;?</span><button type=\"button\" data-action=\"confirm-unlink\">Unlink</button><button type=\"button\" data-action=\"cancel-unlink\">Cancel</button></div>"
    );
    dialog.dispose();
}

#[wasm_bindgen_test]
fn a_modal_dialog_needs_the_body_an_inline_one_only_its_container() {
    fresh();
    let config = Config::from_js(&options(""), &JsValue::UNDEFINED).unwrap();
    let container = doc().create_element("div").unwrap();
    let options = options("");
    Reflect::set(&options, &"container".into(), &container).unwrap();
    let inline = Config::from_js(&options, &JsValue::UNDEFINED).unwrap();

    // Without document.body (removed for this test, put back below).
    let body = doc().body().unwrap();
    body.remove();
    let modal = Dialog::new(&config).err().map(Error::into_details);
    let detached = Dialog::new(&inline);
    doc()
        .document_element()
        .unwrap()
        .append_child(&body)
        .unwrap();

    let modal = modal.expect("a modal dialog without a body is refused");
    assert_eq!(modal.code, ErrorCode::InvalidOptions);
    assert_eq!(modal.message, "the dialog needs document.body");
    let detached = detached.expect("an inline dialog only needs its container");
    assert!(detached
        .host()
        .parent_node()
        .unwrap()
        .is_same_node(Some(&container)));
    assert_eq!(hosts(), 0, "nothing was added to the page");
    detached.dispose();
}
