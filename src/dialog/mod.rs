//! The dialog's DOM: in an open shadow root, styled by an adopted stylesheet, every string set
//! as text. No network and no OAuth here: the widget wires callbacks ("hooks") for clicks, and
//! calls the render functions to show identities, progress and errors.
//!
//! The elements are created by js/wasm/dialog.js (the static tree, connection buttons, identity
//! rows and the unlink confirmation, one call each): every element built from the wasm cost an
//! import call with its strings, and a `Result` per attribute. What is shown, and what a click or
//! key means, is decided here.
//!
//! Selectors follow the DOM contract in docs/ARCHITECTURE.md (`data-part`, `data-action`,
//! `data-connection`, `data-identity`).

#[allow(unused_imports)]
use crate::prelude::*;
mod dom;
pub mod i18n;
mod styles;

use crate::error::{Error, ErrorCode};
use crate::options::{provider_label, Config, Connection};
use alloc::rc::Rc;
use core::cell::Cell;
use dom::Listener;
use i18n::{Msg, Strings};
use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, Node, ShadowRoot};

#[wasm_bindgen(module = "/js/wasm/dialog.js")]
extern "C" {
    /// js/wasm/dialog.js `dialogTree`: the whole static dialog in one call, hidden, appended
    /// to `parent` (inline) or, with `None`, to `document.body` (modal): the host
    /// `<div data-account-link data-mode>`, its open shadow root adopting a
    /// stylesheet of `css`, the theme's colour (already checked by `is_safe_color`) as CSS
    /// custom properties, and the tree of the DOM contract with the given texts set as text.
    /// Returns `[root, host, panel, identities, list, connections, status, error,
    /// use_redirect]`; `undefined` without a document, `null` (modal) without a body. Looking
    /// the body up here rather than through web-sys saves two imports and their `Option`s.
    /// One import call instead of one per element and attribute (building the tree from a
    /// table in Rust measured larger: the loop and the element vector).
    #[wasm_bindgen(js_name = dialogTree)]
    #[allow(clippy::too_many_arguments)]
    fn dialog_tree(
        parent: Option<&Element>,
        css: &str,
        color: Option<&str>,
        on_color: &str,
        lang: &str,
        logo: Option<&str>,
        title: &str,
        close: &str,
        identities_title: &str,
        use_redirect: &str,
    ) -> JsValue;

    /// js/wasm/dialog.js `identityRow`: appends one `<li data-identity="provider|user_id">`
    /// to `list`: the picture (`None`: none), the label and detail spans, then the `text` as the
    /// primary badge or as the unlink button (`aria-label` "text label", `disabled`). One
    /// import call per row instead of one per element and attribute.
    #[wasm_bindgen(js_name = identityRow)]
    #[allow(clippy::too_many_arguments)]
    fn identity_row(
        list: &Element,
        provider: &str,
        user_id: &str,
        picture: Option<&str>,
        label: &str,
        detail: &str,
        primary: bool,
        text: &str,
        disabled: bool,
    );

    /// js/wasm/dialog.js `connectionButton`: appends
    /// `<button type=button data-connection="name">text</button>` to `parent`.
    #[wasm_bindgen(js_name = connectionButton)]
    fn connection_button(parent: &Element, name: &str, text: &str);

    /// js/wasm/dialog.js `confirmation`: hides `row`'s Unlink button, appends the unlink
    /// confirmation (`<div data-part=confirm role=group>`: the prompt, Unlink and Cancel
    /// buttons) to `row` and returns the Cancel button. The prompt is `before`, then (when
    /// `after` is given: the text has a `{name}`) the row's label as shown and `after`: the
    /// label is read back from the row there rather than copied into the wasm and out again.
    #[wasm_bindgen(js_name = confirmation)]
    fn confirmation(
        row: &Element,
        before: &str,
        after: Option<&str>,
        confirm: &str,
        cancel: &str,
    ) -> HtmlElement;

    /// js/wasm/dialog.js `focus`: `element.focus()`, bound without web-sys's `catch` (focus
    /// never throws), so no call site handles a `Result`.
    fn focus(element: &HtmlElement);

    /// js/wasm/dialog.js `find`: `scope.querySelector(selector)`, bound without web-sys's
    /// `catch`: every selector here is a valid literal, so it cannot throw.
    fn find(scope: &Node, selector: &str) -> Option<HtmlElement>;

    /// js/wasm/dialog.js `setBusy`: `aria-busy="true|false"` on `panel` and `disabled` on every
    /// element of `root` matching `selector`, both following `busy`.
    #[wasm_bindgen(js_name = setBusy)]
    fn set_busy(root: &Node, panel: &Element, selector: &str, busy: bool);

    /// js/wasm/dialog.js `focused`: the page's `document.activeElement` when it is an HTML
    /// element (one that can take focus back) other than `except`, else `None`. `except`
    /// compared there: an `isSameNode` import less.
    fn focused(except: &HtmlElement) -> Option<HtmlElement>;

    /// js/wasm/dialog.js `toggleAll`: `toggleAttribute(name, on)` on every element of `root`
    /// (an element or the shadow root) matching `selector`.
    #[wasm_bindgen(js_name = toggleAll)]
    fn toggle_all(root: &Node, selector: &str, name: &str, on: bool);

    /// js/wasm/dialog.js `removeAll`: removes every element of `root` matching `selector`.
    #[wasm_bindgen(js_name = removeAll)]
    fn remove_all(root: &Node, selector: &str);

    /// js/wasm/dialog.js `wrapTab`: the modal dialog's focus trap for one Tab keydown. Among
    /// the enabled, visible buttons of `root`, Tab on the last (Shift+Tab on the first), or with
    /// focus outside them, is taken over (`preventDefault`) and moves focus to the other end;
    /// with no such button it is only taken over; otherwise the browser moves focus.
    #[wasm_bindgen(js_name = wrapTab)]
    fn wrap_tab(event: &KeyboardEvent, root: &ShadowRoot);
}

/// One row of the identities list, as the flows map it from the Management API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdentityRow {
    /// e.g. `github`, `google-oauth2`, `auth0`.
    pub provider: String,
    /// The bare user id (the part after `provider|`).
    pub user_id: String,
    /// The connection name, for the label (`windowslive` -> "Microsoft").
    pub connection: String,
    /// A display name, when known.
    pub name: Option<String>,
    /// An email address, when known.
    pub email: Option<String>,
    /// A picture URL; shown only when https (or the emulator's loopback origin).
    pub picture: Option<String>,
    /// The primary identity: listed, never offered for unlinking.
    pub primary: bool,
}

/// What the user asked for in the dialog: the argument of the dialog's one hook (see
/// [`Dialog::set_hook`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    /// The close button, or Escape in a modal dialog.
    Close,
    /// A connection button was clicked, with the connection name (synchronously in the click, so
    /// a popup may be opened there).
    Connection(&'a str),
    /// The user confirmed unlinking `(provider, user_id)`.
    Unlink(&'a str, &'a str),
    /// "Continue in this window", with the connection clicked last.
    UseRedirect(&'a str),
}

/// The dialog's hook. It returns nothing: a `bool` result gave its indirect call the wasm type
/// `(i32, i32) -> i32` of core's `Display::fmt` functions in the function table, and wasm-opt
/// then kept their bodies (1.4 KB of `Formatter::pad`) as possibly called.
type Hook = dyn Fn(Action<'_>);

struct Inner {
    strings: Rc<Strings>,
    loopback_origin: Option<String>,
    labels: Vec<Connection>,
    modal: bool,
    host: HtmlElement,
    root: ShadowRoot,
    panel: HtmlElement,
    identities: HtmlElement,
    list: Element,
    status: Element,
    error: Element,
    use_redirect: HtmlElement,
    opener: RefCell<Option<HtmlElement>>,
    last_connection: RefCell<Option<String>>,
    /// The primary row as last rendered with a name or email: link and unlink answers list the
    /// primary identity without `profileData`, and the row should not fall back to a bare id.
    primary_profile: RefCell<Option<IdentityRow>>,
    visible: Cell<bool>,
    busy: Cell<bool>,
    /// One hook for every action rather than one boxed closure per action: each `Rc<dyn>` cost
    /// its allocation, vtable, clone and drop in the constructor, the click handler and
    /// `dispose`. Cloned out of its cell before being called, so it may replace the hook, hide
    /// the dialog or destroy the widget.
    hook: RefCell<Option<Rc<Hook>>>,
    /// Whether a hook handles [`Action::UseRedirect`]: only then does `popup_blocked` offer
    /// "Continue in this window".
    redirect_hook: Cell<bool>,
    /// The click and keydown listeners, removed on dispose.
    listener: RefCell<Option<Listener>>,
}

/// A handle to the dialog. Cheap to clone; the DOM is removed by [`Dialog::dispose`] or when the
/// last handle is dropped.
#[derive(Clone)]
pub struct Dialog {
    inner: Rc<Inner>,
}

impl Dialog {
    /// Builds the dialog, hidden, in `config.container` (inline) or at the end of `document.body`
    /// (modal).
    pub fn new(config: &Config) -> Result<Dialog, Error> {
        Dialog::with_connections(config, config.connections.clone())
    }

    /// [`Dialog::new`] with `config`'s connections given by value (the widget moves them out of
    /// its `Config`, which it does not keep: no copy of the list).
    pub(crate) fn with_connections(
        config: &Config,
        connections: Vec<Connection>,
    ) -> Result<Dialog, Error> {
        let strings = config.strings.clone();
        let modal = config.container.is_none();
        let color = config.theme.primary_color.as_deref();
        let parts = dialog_tree(
            config.container.as_ref(),
            styles::CSS,
            color,
            color.map_or("", crate::options::text_color_on),
            strings.language().tag(),
            config.theme.logo.as_deref(),
            strings.get(Msg::Title),
            strings.get(Msg::Close),
            strings.get(Msg::IdentitiesTitle),
            strings.get(Msg::UseRedirect),
        );
        if !parts.is_object() {
            return Err(Error::invalid_options(if parts.is_undefined() {
                "the dialog needs a browser document"
            } else {
                "the dialog needs document.body"
            }));
        }
        let parts: Array = parts.unchecked_into();
        let part = |i| parts.get(i).unchecked_into::<HtmlElement>();
        let root: ShadowRoot = parts.get(0).unchecked_into();
        let buttons = part(5);
        for connection in &connections {
            connection_button(
                &buttons,
                &connection.name,
                &strings.with_name(Msg::ConnectWith, &connection.display_name),
            );
        }

        let inner = Rc::new(Inner {
            strings,
            loopback_origin: config.loopback_origin().map(str::to_owned),
            labels: connections,
            modal,
            host: part(1),
            root,
            panel: part(2),
            identities: part(3),
            list: part(4).into(),
            status: part(6).into(),
            error: part(7).into(),
            use_redirect: part(8),
            opener: RefCell::new(None),
            last_connection: RefCell::new(None),
            primary_profile: RefCell::new(None),
            visible: Cell::new(false),
            busy: Cell::new(false),
            hook: RefCell::new(None),
            redirect_hook: Cell::new(false),
            listener: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        *inner.listener.borrow_mut() = Some(Listener::new(&inner.root, move |code, value| {
            if let Some(inner) = weak.upgrade() {
                inner.on_event(code, value);
            }
        }));
        Ok(Dialog { inner })
    }

    /// The host element carrying `data-account-link`.
    pub fn host(&self) -> &HtmlElement {
        &self.inner.host
    }

    /// The open shadow root holding the dialog.
    pub fn shadow_root(&self) -> &ShadowRoot {
        &self.inner.root
    }

    /// Whether the dialog is shown.
    pub fn is_visible(&self) -> bool {
        self.inner.visible.get()
    }

    /// Sets the one hook every [`Action`] is passed to (the widget's), replacing any hook set
    /// before. With a hook, [`Action::Close`] is left to it (the widget hides the dialog and
    /// fires `hide`).
    pub fn set_hook(&self, hook: impl Fn(Action<'_>) + 'static) {
        *self.inner.hook.borrow_mut() = Some(Rc::new(hook));
        self.inner.redirect_hook.set(true);
    }

    /// Runs `hook` for the actions it accepts (returns true for) and, for the others, the hook
    /// set before; with none before, an unaccepted [`Action::Close`] hides the dialog, as
    /// without a hook. What the four `set_on_*` methods build on.
    fn chain(&self, hook: impl Fn(Action<'_>) -> bool + 'static) {
        let before = self.inner.hook.borrow_mut().take();
        let redirect = self.inner.redirect_hook.get();
        let dialog = Rc::downgrade(&self.inner);
        self.set_hook(move |action| {
            if hook(action) {
                return;
            }
            match &before {
                Some(before) => before(action),
                None => {
                    if let (Action::Close, Some(dialog)) = (action, dialog.upgrade()) {
                        dialog.hide();
                    }
                }
            }
        });
        self.inner.redirect_hook.set(redirect);
    }

    /// Called when the close button or Escape asks to hide the dialog. Without a hook, the dialog
    /// hides itself.
    pub fn set_on_close(&self, hook: impl Fn() + 'static) {
        self.chain(move |action| {
            action == Action::Close && {
                hook();
                true
            }
        });
    }

    /// Called with the connection name when a connection button is clicked (synchronously in the
    /// click, so a popup may be opened there).
    pub fn set_on_connection(&self, hook: impl Fn(&str) + 'static) {
        self.chain(move |action| match action {
            Action::Connection(connection) => {
                hook(connection);
                true
            }
            _ => false,
        });
    }

    /// Called with `(provider, user_id)` when the user confirms an unlink.
    pub fn set_on_unlink(&self, hook: impl Fn(&str, &str) + 'static) {
        self.chain(move |action| match action {
            Action::Unlink(provider, user_id) => {
                hook(provider, user_id);
                true
            }
            _ => false,
        });
    }

    /// Called with the last clicked connection when "Continue in this window" is clicked.
    pub fn set_on_use_redirect(&self, hook: impl Fn(&str) + 'static) {
        self.chain(move |action| match action {
            Action::UseRedirect(connection) => {
                hook(connection);
                true
            }
            _ => false,
        });
        self.inner.redirect_hook.set(true);
    }

    /// Shows the dialog. Modal: remembers the focused element and moves focus into the dialog.
    /// Returns false when it was already shown.
    pub fn show(&self) -> bool {
        let inner = &self.inner;
        if inner.visible.replace(true) {
            return false;
        }
        if inner.modal {
            // Not our host: focus inside the dialog is not an opener to return to.
            let opener = focused(&inner.host);
            *inner.opener.borrow_mut() = opener;
        }
        inner.host.set_hidden(false);
        if inner.modal {
            inner.focus_first();
        }
        true
    }

    /// Hides the dialog, closes a pending unlink confirmation, and (modal) returns focus to the
    /// element that had it before [`Dialog::show`]. Returns false when it was already hidden.
    pub fn hide(&self) -> bool {
        self.inner.hide()
    }

    /// Replaces the identities list. Hidden when `rows` is empty.
    pub fn render_identities(&self, rows: &[IdentityRow]) {
        let inner = &self.inner;
        inner.list.set_text_content(None);
        let known_primary = inner.primary_profile.borrow().clone();
        for row in rows {
            let row = match known_primary.as_ref() {
                Some(known)
                    if row.primary
                        && row.name.is_none()
                        && row.email.is_none()
                        && known.provider == row.provider
                        && known.user_id == row.user_id =>
                {
                    known
                }
                _ => row,
            };
            if row.primary && (row.name.is_some() || row.email.is_some()) {
                *inner.primary_profile.borrow_mut() = Some(row.clone());
            }
            let picture = row
                .picture
                .as_deref()
                .filter(|p| crate::options::image_url_allowed(p, inner.loopback_origin.as_deref()));
            let joined;
            let detail: &str = match (&row.name, &row.email) {
                (Some(name), Some(email)) if name != email => {
                    joined = concat(&[name, " · ", email]);
                    &joined
                }
                (Some(name), _) => name,
                (None, Some(email)) => email,
                (None, None) => &row.user_id,
            };
            // Everything the row shows is decided above; the snippet only builds it.
            identity_row(
                &inner.list,
                &row.provider,
                &row.user_id,
                picture,
                inner.label_for(row),
                detail,
                row.primary,
                inner.strings.get(if row.primary {
                    Msg::Primary
                } else {
                    Msg::Unlink
                }),
                inner.busy.get(),
            );
        }
        inner.identities.set_hidden(rows.is_empty());
        // The focused button (e.g. the unlink confirmation) may have been in the old list.
        inner.keep_focus_inside();
    }

    /// Sets the status line (`role=status`) to a built-in message, or clears it.
    pub fn set_status(&self, msg: Option<Msg>) {
        let text = msg.map(|m| self.inner.strings.get(m));
        self.inner.status.set_text_content(text);
    }

    /// Shows the translated short message for `error`'s code in the alert area. After
    /// `popup_blocked`, also offers "Continue in this window" when a redirect hook is set.
    pub fn show_error(&self, error: &Error) {
        let inner = &self.inner;
        inner
            .error
            .set_text_content(Some(inner.strings.error(error.code)));
        if error.code == ErrorCode::PopupBlocked && inner.redirect_hook.get() {
            self.offer_redirect(true);
        }
    }

    /// Empties the alert area and withdraws the redirect offer.
    pub fn clear_error(&self) {
        self.inner.error.set_text_content(None);
        self.offer_redirect(false);
    }

    /// Shows or hides the "Continue in this window" button (`data-action=use-redirect`).
    pub fn offer_redirect(&self, on: bool) {
        self.inner.use_redirect.set_hidden(!on);
    }

    /// Busy: connection, unlink and redirect buttons are disabled and the dialog is `aria-busy`.
    pub fn set_busy(&self, busy: bool) {
        let inner = &self.inner;
        inner.busy.set(busy);
        set_busy(
            &inner.root,
            &inner.panel,
            "[data-connection],[data-action=unlink],[data-action=confirm-unlink],[data-action=use-redirect]",
            busy,
        );
        // A disabled button loses focus: keep it inside the modal dialog.
        inner.keep_focus_inside();
    }

    /// The connection clicked last (for the redirect offer).
    pub fn last_connection(&self) -> Option<String> {
        self.inner.last_connection.borrow().clone()
    }

    /// Records the connection of a popup started from code (`linkWithPopup`), so that "Continue
    /// in this window" after `popup_blocked` continues with it, as after a click.
    pub fn remember_connection(&self, connection: &str) {
        *self.inner.last_connection.borrow_mut() = Some(connection.to_owned());
    }

    /// Removes the DOM and every listener. Idempotent; the dialog is unusable afterwards.
    pub fn dispose(&self) {
        self.inner.dispose();
    }
}

impl Inner {
    fn dispose(&self) {
        self.listener.borrow_mut().take();
        self.host.remove();
        self.visible.set(false);
        self.return_focus();
        self.hook.borrow_mut().take();
    }

    fn label_for<'a>(&'a self, row: &'a IdentityRow) -> &'a str {
        if let Some(c) = self.labels.iter().find(|c| c.name == row.connection) {
            return &c.display_name;
        }
        let by_connection = provider_label(&row.connection);
        if by_connection != row.connection {
            return by_connection;
        }
        let by_provider = provider_label(&row.provider);
        if by_provider != row.provider || row.connection.is_empty() {
            return by_provider;
        }
        &row.connection
    }

    /// Modal and shown, with focus lost to the page (the focused element was disabled or
    /// removed): focus goes back to the dialog, so Tab and Escape keep working.
    fn keep_focus_inside(&self) {
        if self.modal && self.visible.get() && self.root.active_element().is_none() {
            focus(&self.panel);
        }
    }

    fn focus_first(&self) {
        match find(&self.root, "[data-connection]:not([disabled])") {
            Some(button) => {
                focus(&button);
            }
            None => {
                focus(&self.panel);
            }
        }
    }

    /// Runs the hook (a clone: no borrow is held while it runs); false without one.
    fn run_hook(&self, action: Action<'_>) -> bool {
        let hook = self.hook.borrow().clone();
        if let Some(hook) = &hook {
            hook(action);
        }
        hook.is_some()
    }

    fn request_close(&self) {
        if !self.run_hook(Action::Close) {
            self.hide();
        }
    }

    fn hide(&self) -> bool {
        if !self.visible.replace(false) {
            return false;
        }
        self.close_confirmations();
        self.host.set_hidden(true);
        self.return_focus();
        true
    }

    /// Focus back to the element that had it before [`Dialog::show`] (modal). An element the
    /// page removed meanwhile stays unfocused: `focus()` does nothing on an element that is not
    /// in a document (HTML's focusing steps: it is not a focusable area), so no `isConnected`
    /// check is needed here. Shared by `hide` and `dispose`: one copy of the take and drop. The
    /// opener is taken in its own statement: the focus change runs page code (focus events),
    /// which may show the dialog again and so borrow the cell.
    #[inline(never)]
    fn return_focus(&self) {
        let opener = self.opener.borrow_mut().take();
        if let Some(opener) = opener {
            focus(&opener);
        }
    }

    /// What [`Listener`] forwards: the `code` js/wasm/dialog.js `listen` gives a click or key
    /// (numbers, so no attribute or key string is read and compared here) and its `value`.
    fn on_event(&self, code: u32, value: JsValue) {
        match code {
            // The backdrop: focus back into the dialog.
            0 => self.focus_first(),
            1 => {
                let connection = value.as_string().unwrap_or_default();
                *self.last_connection.borrow_mut() = Some(connection.clone());
                self.run_hook(Action::Connection(&connection));
            }
            2 => self.request_close(),
            3 => {
                let connection = self.last_connection.borrow().clone();
                if let Some(connection) = connection {
                    self.run_hook(Action::UseRedirect(&connection));
                }
            }
            // Unlink: `value` is its row.
            4 => self.open_confirmation(value.unchecked_ref()),
            // Cancel and confirm in a row's confirmation: `value` is the row's `data-identity`.
            5 | 6 => {
                self.cancel_confirmation();
                if code == 6 {
                    if let Some((provider, user_id)) =
                        split_byte(&value.as_string().unwrap_or_default(), b'|')
                    {
                        self.run_hook(Action::Unlink(provider, user_id));
                    }
                }
            }
            _ if !self.visible.get() => {}
            // Escape: an open unlink confirmation is cancelled first (both modes); then Escape
            // closes a modal dialog.
            7 => {
                let event: &KeyboardEvent = value.unchecked_ref();
                if self.cancel_confirmation() {
                    event.prevent_default();
                } else if self.modal {
                    event.prevent_default();
                    self.request_close();
                }
            }
            // Tab: the modal focus trap.
            _ if self.modal => wrap_tab(value.unchecked_ref(), &self.root),
            _ => {}
        }
    }

    fn open_confirmation(&self, row: &Element) {
        self.close_confirmations();
        let (before, after) = self.strings.name_parts(Msg::UnlinkPrompt);
        let cancel = confirmation(
            row,
            before,
            after,
            self.strings.get(Msg::ConfirmUnlink),
            self.strings.get(Msg::CancelUnlink),
        );
        focus(&cancel);
    }

    /// Closes the open unlink confirmation and focuses its row's Unlink button again; false
    /// when none is open. That button is the list's one hidden Unlink button: opening a
    /// confirmation closes any other and hides its row's button, and nothing else hides one
    /// (so no row has to be looked up, and no attribute read, here).
    fn cancel_confirmation(&self) -> bool {
        let Some(unlink) = find(&self.list, "[data-action=unlink][hidden]") else {
            return false;
        };
        self.close_confirmations();
        focus(&unlink);
        true
    }

    /// Removes every unlink confirmation (at most one is open) and shows every Unlink button
    /// again, without moving focus.
    fn close_confirmations(&self) {
        remove_all(&self.list, "[data-part=confirm]");
        toggle_all(&self.list, "[data-action=unlink]", "hidden", false);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.host.remove();
    }
}
