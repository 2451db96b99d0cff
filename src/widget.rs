//! `LinkWidget`: a thin facade over [`Inner`], and the crate's only `#[wasm_bindgen]` export,
//! [`create_widget`]: it returns the widget as one JS function running [`LinkWidget::call`];
//! js/index.js's `LinkWidget` class gives each public method its name and calls it (one
//! wasm-bindgen shim instead of one per method).
//!
//! State lives in `Rc<Inner>`; `RefCell`s are borrowed only for the duration of a statement, never
//! across a call into JS or an `.await` (see DESIGN.md section 3). Dialog hooks hold a
//! `Weak<Inner>`, so the dialog never keeps the widget alive. Every closure the widget owns sits
//! in the dialog's listener list (dropped on destroy); the unsubscribe functions returned by `on`
//! belong to the caller and hold only a weak reference.
//!
//! Flows (issue 4): the methods `linkWithPopup`, `linkWithRedirect`, `handleRedirectCallback`,
//! `signIn`, `identities` and `unlink` return promises of the actions in [`actions`], which run
//! on a clone of `self.inner` and its [`FlowContext`]; the dialog's clicks run the same actions
//! ([`Inner::connection_clicked`], [`Inner::unlink_confirmed`], [`Inner::redirect_requested`]).

use crate::dialog::{i18n::Msg, Action, Dialog, IdentityRow};
use crate::error::{Error, Result};
use crate::events::{EventKind, Events};
use crate::flow::FlowContext;
use crate::options::{Config, Mode};
#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::Cell;
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;

mod actions;
use actions::{detach, detach_after_frame, promise};

/// The widget state shared by the facade, the dialog hooks and (later) the flows.
pub(crate) struct Inner {
    /// Whether a connection click runs the popup flow (popup mode, not legacy) rather than a
    /// redirect: all the actions need of the validated options after construction, which are
    /// dropped there (the dialog and the flow context took what they show and use).
    popup: bool,
    /// Listeners of `on`/`off`.
    pub(crate) events: Events,
    /// What the flows need (tenant, client, token source, running popup), built from `config`.
    flow: FlowContext,
    /// The latest action that owns the dialog's status (see [`actions`]).
    ticket: Cell<u32>,
    /// `None` once destroyed.
    dialog: RefCell<Option<Dialog>>,
}

/// Builds `{ key: value }`.
pub(crate) fn object(entries: &[(&str, &JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        crate::http::set_field(&object, key, value);
    }
    object.into()
}

impl Inner {
    /// The dialog, or `destroyed`. A clone: no borrow is kept.
    pub(crate) fn dialog(&self) -> Result<Dialog> {
        self.alive().ok_or_else(Error::destroyed)
    }

    /// The dialog, or `None` once destroyed. A clone, returned from a function so that the
    /// `RefCell` borrow ends here: in `if let Some(d) = self.dialog.borrow().clone() { .. }` it
    /// lasted through the block, where a focus change can run page code that calls `destroy()`.
    /// Out of line: one copy of the borrow and the `Rc` clone for every caller.
    #[inline(never)]
    fn alive(&self) -> Option<Dialog> {
        self.dialog.borrow().clone()
    }

    /// Shows the dialog, fires `show`, and lists the identities when a token is at hand.
    pub(crate) fn show(self: &Rc<Self>) -> Result<()> {
        let dialog = self.dialog()?;
        if dialog.is_visible() {
            return Ok(());
        }
        // The listing begins (its "Loading" status in the DOM) before the dialog appears, so the
        // status is laid out with the dialog in the one layout that moving focus into it forces,
        // not in a second one before the first frame.
        let listing = self.can_list().then(|| self.load_identities());
        // Shown: it was hidden above, and nothing since could run page code (the status change
        // moves no focus in a hidden dialog).
        let shown = dialog.show();
        debug_assert!(shown);
        self.events.emit(EventKind::Show, &JsValue::UNDEFINED);
        // Its request waits for the dialog's first frame: asking for the token and starting a
        // fetch took several ms that frame would otherwise wait for (bench/README.md, thirteenth
        // round). A widget destroyed by then (a focus handler, a `show` listener, the caller
        // right after `show()`) sends nothing: its ended token source answers `destroyed`.
        if let Some(listing) = listing {
            detach_after_frame(listing);
        }
        Ok(())
    }

    /// Hides the dialog and fires `hide`.
    pub(crate) fn hide(&self) -> Result<()> {
        if self.dialog()?.hide() {
            self.events.emit(EventKind::Hide, &JsValue::UNDEFINED);
        }
        Ok(())
    }

    /// Reports a failure: the dialog (when alive) shows its translated message and leaves the
    /// busy state, the `error` event fires, and the JS `LinkWidgetError` is returned for
    /// rejecting a promise.
    pub(crate) fn fail(&self, error: Error) -> JsValue {
        if let Some(dialog) = self.alive() {
            dialog.set_busy(false);
            dialog.set_status(None);
            dialog.show_error(&error);
        }
        let value: JsValue = error.into();
        self.events.emit(EventKind::Error, &value);
        value
    }

    /// Shows progress in the dialog (no-op once destroyed).
    pub(crate) fn progress(&self, status: Option<Msg>, busy: bool) {
        if let Some(dialog) = self.alive() {
            dialog.clear_error();
            dialog.set_status(status);
            dialog.set_busy(busy);
        }
    }

    /// Shows the identities in the dialog (no-op once destroyed).
    pub(crate) fn render_identities(&self, rows: &[IdentityRow]) {
        if let Some(dialog) = self.alive() {
            dialog.render_identities(rows);
        }
    }

    /// A connection button was clicked (synchronously inside the click event).
    fn connection_clicked(self: &Rc<Self>, connection: &str) {
        // One JS string for the event and the action.
        let connection = JsValue::from_str(connection);
        let payload = object(&[("connection", &connection)]);
        self.events.emit(EventKind::Connection, &payload);
        if self.popup {
            // Opens the popup now, inside the click.
            detach(self.link_with_popup(&connection));
        } else {
            detach(self.link_with_redirect(&connection));
        }
    }

    /// The user confirmed unlinking `provider|user_id` in the dialog.
    fn unlink_confirmed(self: &Rc<Self>, provider: &str, user_id: &str) {
        detach(self.unlink(&provider.into(), &user_id.into()));
    }

    /// "Continue in this window" after `popup_blocked`.
    fn redirect_requested(self: &Rc<Self>, connection: &str) {
        detach(self.link_with_redirect(&connection.into()));
    }
}

/// The "Link with another account" widget. JS gets it through `createLinkWidget(options)` from
/// the package entry (which loads the wasm once, and the translation of `language`), whose
/// `LinkWidget` class wraps the function [`create_widget`] returns.
pub struct LinkWidget {
    inner: Rc<Inner>,
}

fn js<T>(result: Result<T>) -> core::result::Result<T, JsValue> {
    result.map_err(JsValue::from)
}

fn callback(value: JsValue) -> Result<Function> {
    value.dyn_into::<Function>().map_err(|_| {
        Error::invalid_options("the listener must be a function, e.g. widget.on('show', () => {})")
    })
}

impl LinkWidget {
    /// Validates `options` and builds the (hidden) dialog. Throws a `LinkWidgetError` with code
    /// `invalid_options` naming the fix.
    ///
    /// `translation` is the built-in dictionary of `options.language` (the default export of
    /// `lang/<tag>.js`). Only `createLinkWidget` loads it: constructed without it, the dialog
    /// shows English strings (the app's `languageDictionary` still applies) with the `lang`
    /// attribute of the language.
    pub fn new(
        options: JsValue,
        translation: JsValue,
    ) -> core::result::Result<LinkWidget, JsValue> {
        let mut config = js(Config::from_js(&options, &translation))?;
        // The dialog takes the connections (their labels) instead of a copy, then the flow
        // context takes the rest of `config` (nothing after the dialog can fail).
        let connections = core::mem::take(&mut config.connections);
        let dialog = js(Dialog::with_connections(&config, connections))?;
        let inner = Rc::new(Inner {
            popup: config.mode == Mode::Popup && !config.legacy,
            events: Events::new(),
            dialog: RefCell::new(Some(dialog.clone())),
            flow: actions::flow_context(config),
            ticket: Cell::new(0),
        });
        let weak: Weak<Inner> = Rc::downgrade(&inner);
        // One hook for the four actions (one closure, one `Weak`).
        dialog.set_hook(move |action| {
            if let Some(inner) = weak.upgrade() {
                match action {
                    Action::Close => {
                        let _ = inner.hide();
                    }
                    Action::Connection(connection) => inner.connection_clicked(connection),
                    Action::Unlink(provider, user_id) => inner.unlink_confirmed(provider, user_id),
                    Action::UseRedirect(connection) => inner.redirect_requested(connection),
                }
            }
        });
        Ok(LinkWidget { inner })
    }

    /// Runs the method `op` of the JS `LinkWidget` (js/index.js) with its arguments `a` and `b`
    /// (`undefined` when the method takes fewer): 0 `show`, 1 `hide`, 2 `isOpen`, 3 `on`,
    /// 4 `off`, 5 `destroy`, 6 `linkWithPopup`, 7 `linkWithRedirect`, 8 `handleRedirectCallback`,
    /// 9 `signIn`, 10 `identities`, 11 `unlink`. Returns what the method returns (`undefined`
    /// for none) or throws its `LinkWidgetError`; another `op` returns `undefined`.
    ///
    /// JS reaches it through the function [`create_widget`] returns, not through exported
    /// methods: each exported method pays its own wasm-bindgen shim (the externref slots of its
    /// arguments, the `&self` borrow, the `Result` thrown), 0.3-0.5 KB each before compression.
    ///
    /// `a` and `b` are only borrowed below, so each is dropped once at the end rather than in
    /// every arm, and the six actions share one `promise` call.
    pub fn call(&self, op: u32, a: JsValue, b: JsValue) -> core::result::Result<JsValue, JsValue> {
        let inner = &self.inner;
        let action = match op {
            6 => inner.link_with_popup(&a),
            7 => inner.link_with_redirect(&a),
            8 => inner.handle_redirect_callback(url(&a)),
            9 => inner.sign_in(&a),
            10 => inner.load_identities(),
            11 => inner.unlink(&a, &b),
            _ => {
                return js(match op {
                    0 => inner.show().map(|()| JsValue::UNDEFINED),
                    1 => inner.hide().map(|()| JsValue::UNDEFINED),
                    2 => Ok(self.is_open().into()),
                    3 => self.listen(&a, &b, true),
                    4 => self.listen(&a, &b, false),
                    5 => {
                        self.destroy();
                        Ok(JsValue::UNDEFINED)
                    }
                    _ => Ok(JsValue::UNDEFINED),
                })
            }
        };
        Ok(promise(action).into())
    }

    /// `on` (returning the unsubscribe function) or `off` (returning `undefined`): the
    /// destroyed check and the event parsing once for both.
    fn listen(&self, event: &JsValue, listener: &JsValue, on: bool) -> Result<JsValue> {
        self.inner.dialog()?;
        let kind = EventKind::from_js(event)?;
        Ok(if on {
            self.inner
                .events
                .on(kind, callback(listener.clone())?)
                .into()
        } else {
            self.inner.events.off(kind, listener);
            JsValue::UNDEFINED
        })
    }
}

/// Validates `options` and builds the (hidden) widget, as [`LinkWidget::new`]; returns it as a JS
/// function `(op, a, b)` that runs [`LinkWidget::call`] (what js/index.js's `LinkWidget` calls),
/// or the `invalid_options` `LinkWidgetError`. The function owns the widget: the JS garbage
/// collector drops it with the function.
///
/// Failures are returned, not thrown, here and by the function (a `LinkWidgetError` is never a
/// method's result): js/index.js's `checked` throws them. wasm-bindgen's `Result` return costs
/// a multivalue shim in the wasm and a `throw` path in the glue for each of the two.
///
/// A function rather than a `#[wasm_bindgen]` class with one method: the class costs its glue
/// (pointer field, `free`, its own `FinalizationRegistry`) and a borrow check at each call in
/// the wasm, and measured 0.5 KB larger. The closure is `Fn`, not `FnMut`: wasm-bindgen refuses
/// to re-enter an `FnMut` closure, and a listener may call the widget from inside a call (a
/// `hide` listener that calls `destroy()`).
#[wasm_bindgen(js_name = createWidget)]
pub fn create_widget(options: JsValue, translation: JsValue) -> JsValue {
    match LinkWidget::new(options, translation) {
        Ok(widget) => {
            // `Option` (always `Some`; `None` would read as `undefined`) only for the closure's
            // Rust signature: returning a bare `JsValue` (an `i32` in the wasm) gave its
            // indirect call the wasm type of core's `Display::fmt` table entries, and wasm-opt
            // then kept `Formatter::pad` (+2.2 KB raw, measured).
            let call = move |op, a, b| match widget.call(op, a, b) {
                Ok(value) | Err(value) => Some(value),
            };
            Closure::<dyn Fn(u32, JsValue, JsValue) -> Option<JsValue>>::new(call).into_js_value()
        }
        Err(error) => error,
    }
}

/// `handleRedirectCallback`'s optional `url`: `undefined` and `null` are the current address (js/index.js
/// passes a `URL` object as its `href`). Any other value that is not a string reads as the empty
/// string, which carries no login result (`state_mismatch`); wasm-bindgen's `Option<String>`
/// argument threw a `TypeError` for it.
fn url(value: &JsValue) -> Option<String> {
    if value.is_undefined() || value.is_null() {
        None
    } else {
        Some(value.as_string().unwrap_or_default())
    }
}

/// The methods of the JS `LinkWidget`, each reached through [`LinkWidget::call`] (the browser
/// tests call them directly).
impl LinkWidget {
    /// Shows the dialog (modal: moves focus in; inline: reveals it in its container) and fires
    /// `show`. Throws `destroyed` after `destroy()`.
    pub fn show(&self) -> core::result::Result<(), JsValue> {
        js(self.inner.show())
    }

    /// Hides the dialog, returns focus to the opener and fires `hide`.
    pub fn hide(&self) -> core::result::Result<(), JsValue> {
        js(self.inner.hide())
    }

    /// Adds a listener; returns a function that removes it.
    ///
    /// `event` is taken as a `JsValue` and read with `as_string()` (a non-string is an unknown
    /// event): a `&str` parameter makes wasm-bindgen copy the string into the wasm through
    /// `passStringToWasm0` and free it again, about 0.5 KB of shim in each export.
    pub fn on(&self, event: JsValue, listener: JsValue) -> core::result::Result<Function, JsValue> {
        js(self.listen(&event, &listener, true)).map(JsCast::unchecked_into)
    }

    /// Removes every registration of `listener` for `event` (a `JsValue`, as in [`Self::on`]).
    pub fn off(&self, event: JsValue, listener: JsValue) -> core::result::Result<(), JsValue> {
        js(self.listen(&event, &listener, false)).map(drop)
    }

    /// Removes the dialog's DOM and every listener and callback, and ends a running popup
    /// transaction (the popup closes; its promise rejects with `destroyed`). Idempotent; every
    /// other method throws (or rejects with) `destroyed` afterwards.
    pub fn destroy(&self) {
        self.inner.end_flows();
        let dialog = self.inner.dialog.borrow_mut().take();
        if let Some(dialog) = dialog {
            dialog.dispose();
        }
        self.inner.events.clear();
    }

    /// Whether the dialog is currently shown.
    pub fn is_open(&self) -> bool {
        self.inner
            .dialog
            .borrow()
            .as_ref()
            .is_some_and(Dialog::is_visible)
    }

    /// Links the account the user logs into in a popup to the signed-in user. Opens the popup
    /// synchronously, so call it inside a click handler. Resolves with `{ identity, identities }`
    /// and fires `linked`; rejects with a `LinkWidgetError` (`popup_blocked`, `cancelled`,
    /// `timeout`, `same_identity`, `already_linked`, ...) and fires `error`.
    pub fn link_with_popup(&self, connection: JsValue) -> Promise {
        promise(self.inner.link_with_popup(&connection))
    }

    /// Redirect mode: keeps the transaction in `sessionStorage` and navigates to the login page
    /// (with `legacy: true`, the deprecated flow). Finish on return with `handleRedirectCallback`.
    pub fn link_with_redirect(&self, connection: JsValue) -> Promise {
        promise(self.inner.link_with_redirect(&connection))
    }

    /// Finishes a redirect (default URL: the current address): validates the state, exchanges
    /// the code, links, cleans `code` and `state` from the address bar. Resolves with
    /// `{ identity, identities }` (firing `linked`), or for a redirect sign-in with the sign-in
    /// result (firing `authenticated`).
    pub fn handle_redirect_callback(&self, url: Option<String>) -> Promise {
        promise(self.inner.handle_redirect_callback(url))
    }

    /// Signs the primary user in through a popup (opened synchronously: call it in a click) for
    /// the Management API; resolves with `{ accessToken, idToken, profile, expiresAt }`, fires
    /// `authenticated`, and keeps the token in memory for linking.
    pub fn sign_in(&self, options: JsValue) -> Promise {
        promise(self.inner.sign_in(&options))
    }

    /// The signed-in user's identities, primary first (also shown in the dialog).
    pub fn identities(&self) -> Promise {
        promise(self.inner.load_identities())
    }

    /// Unlinks `provider`/`userId` (the bare id) from the signed-in user; resolves with the
    /// remaining identities and fires `unlinked`. The primary identity is refused locally.
    pub fn unlink(&self, provider: JsValue, user_id: JsValue) -> Promise {
        promise(self.inner.unlink(&provider, &user_id))
    }
}
