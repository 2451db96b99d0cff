//! The glue between the facade, the dialog and the flows (issue 4): each action is a future that
//! reports to the dialog, the events and its caller. [`promise`] hands one to JS; [`detach`] runs
//! one for a dialog click (its failure is already shown and fired, so nothing is left unhandled).
//!
//! The dialog's status belongs to the latest action (a ticket from [`Inner::begin`]): an action
//! replaced by a newer one (a second connection click cancels the first popup) still rejects its
//! promise and fires `error`, but leaves the dialog to the newer one.

use super::{object, Inner};
use crate::api::{self, Identity};
use crate::dialog::{i18n::Msg, IdentityRow};
use crate::error::{Error, Result};
use crate::events::EventKind;
use crate::flow::{self, FlowContext, LinkResult, RedirectResult, SignInResult};
use crate::http;
use crate::id_token::JwksCache;
use crate::oauth::{Purpose, ResponseMode};
use crate::options::{check_connection_name, Config};
use crate::popup;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;
use crate::token::{Configured, TokenSource};
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::Window;

pub(super) use crate::task::Action;

/// The flow context of a widget, from its validated options: their strings and token source
/// are moved in, not copied (the widget keeps no `Config`). A struct literal rather than
/// `FlowContext::new` and field updates: the origin has no trailing slash already
/// (`parse_domain`), and every field is written once.
pub(super) fn flow_context(config: Config) -> FlowContext {
    let popup_timeout_ms = (config.popup_timeout_seconds * 1000.0).min(i32::MAX as f64) as i32;
    // The COOP case (`popupResponseMode: 'query'`): a severed popup reads `closed` from the
    // moment it leaves for the tenant (seen in Chromium with `same-origin`), so `closed` proves
    // nothing; only the callback page's answer or the timeout end the wait.
    let (popup_response_mode, closed_grace_ms) = if config.popup_query {
        (ResponseMode::Query, popup_timeout_ms)
    } else {
        (ResponseMode::WebMessage, popup::DEFAULT_CLOSED_GRACE_MS)
    };
    FlowContext {
        origin: config.origin,
        client_id: config.client_id,
        redirect_uri: config.redirect_uri,
        popup_timeout_ms,
        closed_grace_ms,
        popup_response_mode,
        legacy: config.legacy,
        user_id: config.user_id,
        tokens: TokenSource::new(match config.access_token {
            // `Config::from_js` has checked it: a function, or a token string (non-empty, no
            // spaces); `TokenSource::from_js` would check it again.
            None => Configured::None,
            Some(value) => match value.as_string() {
                Some(token) => Configured::Static(Secret::new(token)),
                None => Configured::Provider(value.unchecked_into()),
            },
        }),
        jwks: JwksCache::new(),
        popup_slot: popup::PopupSlot::new(),
    }
}

pub(super) use crate::task::{detach, detach_after_frame, promise};

/// The dialog rows of `list` (the first is the primary identity).
fn rows(list: &[Identity]) -> Vec<IdentityRow> {
    let mut rows = Vec::with_capacity(list.len());
    for id in list {
        rows.push(IdentityRow {
            provider: id.provider.clone(),
            user_id: id.user_id.clone(),
            connection: id.connection.clone(),
            name: id.name.clone(),
            email: id.email.clone(),
            picture: id.picture.clone(),
            primary: rows.is_empty(),
        });
    }
    rows
}

/// A string argument (numbers are accepted and printed by JS, e.g. GitHub's numeric ids).
fn arg(value: &JsValue, what: &str) -> Result<String> {
    let text = match value.as_f64() {
        Some(n) => Some(api::number_text(n)),
        None => value.as_string(),
    };
    text.filter(|s| !s.is_empty())
        .ok_or_else(|| Error::invalid_options(what.to_owned() + " must be a non-empty string"))
}

fn connection_arg(value: &JsValue) -> Result<String> {
    let name = arg(value, "connection")?;
    check_connection_name(&name)?;
    Ok(name)
}

/// Opens the popup now, in the caller's click (before any await).
fn open_popup(slot: &popup::PopupSlot) -> Result<Window> {
    popup::open_popup(slot.name())
}

impl Inner {
    /// Starts an action that owns the dialog's status line; returns its ticket.
    fn begin(&self, status: Option<Msg>, busy: bool) -> u32 {
        let ticket = self.ticket.get().wrapping_add(1);
        self.ticket.set(ticket);
        self.progress(status, busy);
        ticket
    }

    /// Whether `ticket` is still the latest action.
    fn current(&self, ticket: u32) -> bool {
        self.ticket.get() == ticket
    }

    /// Ends the action `ticket` with `status` (when still the latest).
    fn end(&self, ticket: u32, status: Option<Msg>) {
        if self.current(ticket) {
            self.progress(status, false);
        }
    }

    /// Reports a failure of `ticket`: shown in the dialog when it is still the latest action,
    /// fired as `error` always; returns the `LinkWidgetError` to reject with.
    fn fail_action(&self, ticket: u32, error: Error) -> JsValue {
        if self.current(ticket) {
            return self.fail(error);
        }
        self.report(error)
    }

    /// Ends every running action: the popup is closed and its promise rejects with `destroyed`.
    pub(super) fn end_flows(&self) {
        self.ticket.set(self.ticket.get().wrapping_add(1));
        flow::destroy(&self.flow);
    }

    /// Shows a link's result: the list, the "linked" status and the `linked` event.
    fn linked(&self, ticket: u32, result: &LinkResult) -> JsValue {
        let value = result.to_js();
        self.render_identities(&rows(&result.identities));
        self.end(ticket, Some(Msg::Linked));
        self.events.emit(EventKind::Linked, &value);
        value
    }

    /// A completed link or sign-in: [`Inner::linked`], or [`Inner::signed_in`] after ending the
    /// status of `ticket` (`None`: `signIn`, which does not own the dialog's status).
    fn done(self: &Rc<Self>, ticket: Option<u32>, done: RedirectResult) -> JsValue {
        match done {
            // Only link actions, which always hold a ticket, get here: `signIn` runs
            // `popup_flow(Purpose::SignIn)`, which never links.
            RedirectResult::Linked(result) => self.linked(ticket.unwrap_or_default(), &result),
            RedirectResult::SignedIn(result) => {
                if let Some(ticket) = ticket {
                    self.end(ticket, None);
                }
                self.signed_in(&result)
            }
        }
    }

    /// `authenticated` with `{ profile, expiresAt }`; the full result for the caller.
    fn signed_in(self: &Rc<Self>, result: &SignInResult) -> JsValue {
        let value = result.to_js();
        let payload = object(&[
            ("profile", &result.profile),
            (
                "expiresAt",
                &result.expires_at_ms.map_or(JsValue::NULL, JsValue::from),
            ),
        ]);
        self.events.emit(EventKind::Authenticated, &payload);
        if self.dialog().is_ok_and(|d| d.is_visible()) {
            detach(self.load_identities());
        }
        value
    }

    /// `linkWithPopup(connection)` and popup-mode clicks: opens the popup synchronously (now),
    /// then runs the link in it.
    pub(super) fn link_with_popup(self: &Rc<Self>, connection: &JsValue) -> Action {
        let started = self
            .dialog()
            .and_then(|_| connection_arg(connection))
            .and_then(|name| match open_popup(&self.flow.popup_slot) {
                Ok(popup) => Ok((name, popup)),
                Err(blocked) => {
                    // For the "Continue in this window" offer that follows `popup_blocked`.
                    if let Ok(dialog) = self.dialog() {
                        dialog.remember_connection(&name);
                    }
                    Err(blocked)
                }
            })
            .map(|(name, popup)| {
                let ticket = self.begin(Some(Msg::WaitingForPopup), false);
                (name, popup, Some(ticket))
            });
        self.popup_action(started, Purpose::Link)
    }

    /// The running part of [`Inner::link_with_popup`] (with a ticket) and [`Inner::sign_in`]
    /// (without: a failure is only fired as `error`), one future for both: `started` is the
    /// connection, the popup opened in the click and the ticket, or the failure to report when
    /// the action first runs (shown in the dialog for a link, only fired for `signIn`).
    fn popup_action(
        self: &Rc<Self>,
        started: Result<(String, Window, Option<u32>)>,
        purpose: Purpose,
    ) -> Action {
        let inner = self.clone();
        Box::pin(async move {
            let (connection, popup, ticket) = started.map_err(|e| match purpose {
                Purpose::Link => inner.fail(e),
                Purpose::SignIn => inner.report(e),
            })?;
            match flow::popup_flow(&inner.flow, popup, purpose, &connection).await {
                Ok(done) => Ok(inner.done(ticket, done)),
                Err(e) => Err(match ticket {
                    Some(ticket) => inner.fail_action(ticket, e),
                    None => inner.report(e),
                }),
            }
        })
    }

    /// Fires `error` with `error` (nothing shown); returns the `LinkWidgetError` to reject with.
    fn report(&self, error: Error) -> JsValue {
        let value: JsValue = error.into();
        self.events.emit(EventKind::Error, &value);
        value
    }

    /// `linkWithRedirect(connection)`, redirect-mode and legacy clicks, and "continue in this
    /// window": stores the transaction and leaves for `/authorize` (the legacy variant when
    /// `legacy: true`).
    pub(super) fn link_with_redirect(self: &Rc<Self>, connection: &JsValue) -> Action {
        let connection = self.dialog().and_then(|_| connection_arg(connection));
        let inner = self.clone();
        Box::pin(async move {
            let connection = connection.map_err(|e| inner.fail(e))?;
            let ticket = inner.begin(Some(Msg::Redirecting), true);
            // The legacy variant when `legacy: true`.
            flow::start_link_redirect(&inner.flow, &connection)
                .await
                .map(|()| JsValue::UNDEFINED)
                .map_err(|e| inner.fail_action(ticket, e))
        })
    }

    /// `handleRedirectCallback(url?)`: finishes a redirect link (`linked`) or sign-in
    /// (`authenticated`).
    pub(super) fn handle_redirect_callback(self: &Rc<Self>, url: Option<String>) -> Action {
        let url = self.dialog().and_then(|_| match url {
            Some(url) => Ok(url),
            None => flow::page(false),
        });
        let inner = self.clone();
        Box::pin(async move {
            let url = url.map_err(|e| inner.fail(e))?;
            let ticket = inner.begin(Some(Msg::Linking), true);
            match flow::handle_redirect_callback(&inner.flow, &url).await {
                Ok(done) => Ok(inner.done(Some(ticket), done)),
                Err(e) => Err(inner.fail_action(ticket, e)),
            }
        })
    }

    /// `signIn({ connection })`: the primary user's popup login (opened synchronously, now). The
    /// dialog is not involved; failures reject and fire `error`.
    pub(super) fn sign_in(self: &Rc<Self>, options: &JsValue) -> Action {
        let started = self.dialog().and_then(|_| {
            // `undefined` unless `options` is an object (or when its getter throws).
            let connection = http::field(options, "connection");
            let connection = connection_arg(&connection).map_err(|_| {
                Error::invalid_options(
                    "signIn needs the primary user's connection, such as signIn({ connection: 'github' })",
                )
            })?;
            Ok((connection, open_popup(&self.flow.popup_slot)?, None))
        });
        // No ticket: the dialog's status is not this action's.
        self.popup_action(started, Purpose::SignIn)
    }

    /// Loads the identities into the dialog (when it is shown, and for `identities()`).
    pub(super) fn load_identities(self: &Rc<Self>) -> Action {
        self.list_action(self.dialog().map(|_| None))
    }

    /// Whether a token is at hand, so showing the dialog can list identities without asking.
    pub(super) fn can_list(&self) -> bool {
        self.flow.tokens.has_token()
    }

    /// `unlink(provider, userId)` and a confirmed Unlink in the dialog: `unlinked` with the list.
    pub(super) fn unlink(self: &Rc<Self>, provider: &JsValue, user_id: &JsValue) -> Action {
        let args = self
            .dialog()
            .and_then(|_| Ok(Some((arg(provider, "provider")?, arg(user_id, "userId")?))));
        self.list_action(args)
    }

    /// The running part of [`Inner::load_identities`] (`target` `None`) and [`Inner::unlink`]
    /// (`Some((provider, userId))`), one future for both (as `flow::identities_after` is one for
    /// the two flows): the list rendered, the status ended, `unlinked` fired after an unlink.
    /// `target`'s failure is reported when the action first runs.
    fn list_action(self: &Rc<Self>, target: Result<Option<(String, String)>>) -> Action {
        let inner = self.clone();
        // Begun now, not at the first poll: the status is in the DOM when the caller returns
        // (`show()` lays it out with the dialog).
        let started = target.map(|target| {
            let ticket = match target {
                Some(_) => self.begin(Some(Msg::Unlinking), true),
                None => self.begin(Some(Msg::Loading), false),
            };
            (target, ticket)
        });
        Box::pin(async move {
            // A widget destroyed since the call (`show()`'s listing waits for a frame) stops at
            // its token: `TokenSource::get` answers `destroyed` before asking for one.
            let (target, ticket) = started.map_err(|e| inner.fail(e))?;
            let unlink = target.as_ref().map(|(p, u)| (p.as_str(), u.as_str()));
            match flow::identities_after(&inner.flow, unlink).await {
                Ok(list) => {
                    inner.render_identities(&rows(&list));
                    inner.end(ticket, unlink.map(|_| Msg::Unlinked));
                    let identities: JsValue = api::identities_to_js(&list).into();
                    if let Some((provider, user_id)) = unlink {
                        let payload = object(&[
                            ("provider", &JsValue::from_str(provider)),
                            ("userId", &JsValue::from_str(user_id)),
                            ("identities", &identities),
                        ]);
                        inner.events.emit(EventKind::Unlinked, &payload);
                    }
                    Ok(identities)
                }
                Err(e) => Err(inner.fail_action(ticket, e)),
            }
        })
    }
}
