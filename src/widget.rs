//! `LinkWidget`: the crate's only `#[wasm_bindgen]` export, a thin facade over [`Inner`].
//!
//! State lives in `Rc<Inner>`; `RefCell`s are borrowed only for the duration of a statement, never
//! across a call into JS or an `.await` (see DESIGN.md section 3). Dialog hooks hold a
//! `Weak<Inner>`, so the dialog never keeps the widget alive. Every closure the widget owns sits
//! in the dialog's listener list (dropped on destroy); the unsubscribe functions returned by `on`
//! belong to the caller and hold only a weak reference.
//!
//! Flow integration (issue 4): the flow methods (`linkWithPopup`, `linkWithRedirect`,
//! `handleRedirectCallback`, `signIn`, `identities`, `unlink`) go in the marked `impl` block
//! below as `js_name`d methods returning `js_sys::Promise` built with
//! `wasm_bindgen_futures::future_to_promise(async move { ... })` on a clone of `self.inner`; the
//! dialog's clicks arrive in [`Inner::connection_clicked`], [`Inner::unlink_confirmed`] and
//! [`Inner::redirect_requested`].

use crate::dialog::{i18n::Msg, Dialog, IdentityRow};
use crate::error::{Error, ErrorCode, Result};
use crate::events::{EventKind, Events};
use crate::options::Config;
use js_sys::{Function, Object, Reflect};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

/// The widget state shared by the facade, the dialog hooks and (later) the flows.
pub(crate) struct Inner {
    /// The validated options.
    #[allow(dead_code)] // read by the flows (issue 4)
    pub(crate) config: Config,
    /// Listeners of `on`/`off`.
    pub(crate) events: Events,
    /// `None` once destroyed.
    dialog: RefCell<Option<Dialog>>,
}

fn destroyed() -> Error {
    Error::new(
        ErrorCode::Destroyed,
        "this widget was destroyed; create a new one with createLinkWidget(options)",
    )
}

/// Builds `{ key: value }`.
pub(crate) fn object(entries: &[(&str, &JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

#[allow(dead_code)] // helpers for the flows (issue 4)
impl Inner {
    /// The dialog, or `destroyed`. A clone: no borrow is kept.
    pub(crate) fn dialog(&self) -> Result<Dialog> {
        self.dialog.borrow().clone().ok_or_else(destroyed)
    }

    /// Whether `destroy()` was called.
    pub(crate) fn is_destroyed(&self) -> bool {
        self.dialog.borrow().is_none()
    }

    pub(crate) fn show(&self) -> Result<()> {
        if self.dialog()?.show() {
            self.events.emit(EventKind::Show, &JsValue::UNDEFINED);
            // FLOW (issue 4): load the identities here (`progress(Some(Msg::Loading), false)`,
            // then `render_identities`), without holding any borrow across the await.
        }
        Ok(())
    }

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
        if let Some(dialog) = self.dialog.borrow().clone() {
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
        if let Some(dialog) = self.dialog.borrow().clone() {
            dialog.clear_error();
            dialog.set_status(status);
            dialog.set_busy(busy);
        }
    }

    /// Shows the identities in the dialog (no-op once destroyed).
    pub(crate) fn render_identities(&self, rows: &[IdentityRow]) {
        if let Some(dialog) = self.dialog.borrow().clone() {
            dialog.render_identities(rows);
        }
    }

    /// A connection button was clicked (synchronously inside the click event).
    fn connection_clicked(self: &Rc<Self>, connection: &str) {
        let payload = object(&[("connection", &JsValue::from_str(connection))]);
        self.events.emit(EventKind::Connection, &payload);
        // FLOW (issue 4): open the popup here, before any await, e.g.
        // `crate::flow::start_link(self, connection)` choosing popup/redirect by `config.mode`.
    }

    /// The user confirmed unlinking `provider|user_id` in the dialog.
    fn unlink_confirmed(self: &Rc<Self>, provider: &str, user_id: &str) {
        let _ = (provider, user_id);
        // FLOW (issue 4): `crate::flow::unlink(self, provider, user_id)`, then
        // `render_identities` and emit `unlinked`.
    }

    /// "Continue in this window" after `popup_blocked`.
    fn redirect_requested(self: &Rc<Self>, connection: &str) {
        let _ = connection;
        // FLOW (issue 4): `crate::flow::link_with_redirect(self, connection)`.
    }
}

/// The "Link with another account" widget. Create it with `createLinkWidget(options)` from the
/// package entry (which loads the wasm once), or `new LinkWidget(options)` after `init()`.
#[wasm_bindgen]
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

#[wasm_bindgen]
impl LinkWidget {
    /// Validates `options` and builds the (hidden) dialog. Throws a `LinkWidgetError` with code
    /// `invalid_options` naming the fix.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> core::result::Result<LinkWidget, JsValue> {
        let config = js(Config::from_js(&options))?;
        let dialog = js(Dialog::new(&config))?;
        let inner = Rc::new(Inner {
            config,
            events: Events::new(),
            dialog: RefCell::new(Some(dialog.clone())),
        });
        let weak: Weak<Inner> = Rc::downgrade(&inner);
        dialog.set_on_close({
            let weak = weak.clone();
            move || {
                if let Some(inner) = weak.upgrade() {
                    let _ = inner.hide();
                }
            }
        });
        dialog.set_on_connection({
            let weak = weak.clone();
            move |connection| {
                if let Some(inner) = weak.upgrade() {
                    inner.connection_clicked(connection);
                }
            }
        });
        dialog.set_on_unlink({
            let weak = weak.clone();
            move |provider, user_id| {
                if let Some(inner) = weak.upgrade() {
                    inner.unlink_confirmed(provider, user_id);
                }
            }
        });
        dialog.set_on_use_redirect(move |connection| {
            if let Some(inner) = weak.upgrade() {
                inner.redirect_requested(connection);
            }
        });
        Ok(LinkWidget { inner })
    }

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
    pub fn on(&self, event: &str, listener: JsValue) -> core::result::Result<Function, JsValue> {
        js((|| {
            self.inner.dialog()?;
            let kind = EventKind::parse(event)?;
            Ok(self.inner.events.on(kind, callback(listener)?))
        })())
    }

    /// Removes every registration of `listener` for `event`.
    pub fn off(&self, event: &str, listener: JsValue) -> core::result::Result<(), JsValue> {
        js((|| {
            self.inner.dialog()?;
            let kind = EventKind::parse(event)?;
            self.inner.events.off(kind, &listener);
            Ok(())
        })())
    }

    /// Removes the dialog's DOM and every listener and callback. Idempotent; every other method
    /// throws (or rejects with) `destroyed` afterwards.
    pub fn destroy(&self) {
        let dialog = self.inner.dialog.borrow_mut().take();
        if let Some(dialog) = dialog {
            dialog.dispose();
        }
        self.inner.events.clear();
    }

    /// Whether the dialog is currently shown.
    #[wasm_bindgen(getter, js_name = isOpen)]
    pub fn is_open(&self) -> bool {
        self.inner
            .dialog
            .borrow()
            .as_ref()
            .is_some_and(Dialog::is_visible)
    }
}

// FLOW (issue 4): `#[wasm_bindgen] impl LinkWidget { #[wasm_bindgen(js_name = linkWithPopup)] ... }`
// with linkWithPopup, linkWithRedirect, handleRedirectCallback, signIn, identities and unlink,
// each starting with `self.inner.dialog()?` (or rejecting with `destroyed`).
