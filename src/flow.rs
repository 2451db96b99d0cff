//! Orchestration: one function per thing the widget does (link by popup or redirect, sign in,
//! list, unlink, legacy variants). Each takes a [`FlowContext`] of plain fields, so the
//! `LinkWidget` facade builds one from its validated options and calls these from
//! `task::promise(Box::pin(async move { ... }))`, holding no `RefCell` borrow across `.await`.
//!
//! ```text
//! click -> popup::open_popup (sync) -> popup_flow(Link): token + user id -> PKCE/state/nonce ->
//!   popup::run (one validated message) -> complete: /oauth/token + JWKS (one browser call) ->
//!   id_token::{decode, check_header, verify_signature, check_claims} ->
//!   POST /api/v2/users/{id}/identities -> { identity, identities }
//! ```
//!
//! How the facade calls it (sketch; `inner: Rc<Inner>` holds the context):
//! ```ignore
//! let popup = popup::open_popup(ctx.popup_slot.name())?; // in the click, before any await
//! let inner = self.inner.clone();
//! task::promise(Box::pin(async move {
//!     let done = flow::popup_flow(&inner.flow, popup, Purpose::Link, &connection).await?;
//!     // a RedirectResult::Linked: fire `linked` with its to_js(), then resolve with it
//! }))
//! ```
//! Redirect mode: `start_link_redirect` (the legacy variant when `legacy`) on click, and
//! `handle_redirect_callback(&ctx, &location.href)` on return. `destroy` ends a running popup.
//! Errors convert to the JS `LinkWidgetError` with `JsValue::from(error)`.

use crate::api::{self, Identity};
use crate::error::{Error, ErrorCode, Result};
use crate::http::{self, set_field};
use crate::id_token::{self, Expected, JwksCache};
use crate::oauth::{self, AuthSecrets, AuthorizeRequest, CallbackFields, Purpose, ResponseMode};
use crate::popup::{self, PopupSlot, RunOptions};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;
use crate::token::{self, TokenSource};
use crate::transaction::{Kind, Transaction};
use core::future::Future;
use core::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::prelude::*;
use web_sys::Window;

/// Everything a flow needs, as plain fields. One per widget; share it in an `Rc`.
#[derive(Debug)]
pub struct FlowContext {
    /// Tenant origin, no trailing slash: `https://tenant.eu.auth0.com` or `http://127.0.0.1:4010`.
    pub origin: String,
    /// The application's client id.
    pub client_id: String,
    /// The callback page, for redirect mode and the popup's query fallback.
    pub redirect_uri: String,
    /// Give the popup this long to answer.
    pub popup_timeout_ms: i32,
    /// `popup.closed` must hold this long before `cancelled`.
    pub closed_grace_ms: i32,
    /// `WebMessage` (default) or `Query` (the popup lands on `redirect_uri`, whose callback page
    /// reports through BroadcastChannel; for apps whose pages set COOP).
    pub popup_response_mode: ResponseMode,
    /// Deprecated Authentication API linking, opt-in only.
    pub legacy: bool,
    /// The primary user id; taken from the access token's `sub` when `None`.
    pub user_id: Option<String>,
    /// Where the primary user's access token comes from.
    pub tokens: TokenSource,
    /// The tenant's keys, fetched once.
    pub jwks: JwksCache,
    /// The running popup transaction, so a new one or `destroy` can end it.
    pub popup_slot: PopupSlot,
}

impl FlowContext {
    /// A context with defaults: 60 s popup timeout, 1.5 s closed grace, `web_message`, not legacy.
    pub fn new(
        origin: impl Into<String>,
        client_id: impl Into<String>,
        redirect_uri: impl Into<String>,
        tokens: TokenSource,
    ) -> Self {
        FlowContext {
            origin: {
                let mut origin = origin.into();
                while origin.ends_with('/') {
                    origin.pop();
                }
                origin
            },
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            popup_timeout_ms: popup::DEFAULT_TIMEOUT_MS,
            closed_grace_ms: popup::DEFAULT_CLOSED_GRACE_MS,
            popup_response_mode: ResponseMode::WebMessage,
            legacy: false,
            user_id: None,
            tokens,
            jwks: JwksCache::new(),
            popup_slot: PopupSlot::new(),
        }
    }

    /// The exact `iss` expected in ID tokens: the origin plus `/`.
    pub fn issuer(&self) -> String {
        self.origin.clone() + "/"
    }
}

/// The result of a link: the new identity (when recognisable) and the updated list.
#[derive(Clone, Debug)]
pub struct LinkResult {
    /// The identity just linked.
    pub identity: Option<Identity>,
    /// All identities of the primary user, primary first.
    pub identities: Vec<Identity>,
}

impl LinkResult {
    /// `{ identity, identities }` for JS (`identity` is `null` when unknown).
    pub fn to_js(&self) -> JsValue {
        let o = js_sys::Object::new();
        let identity = self
            .identity
            .as_ref()
            .map_or(JsValue::NULL, Identity::to_js);
        set_field(&o, "identity", &identity);
        set_field(&o, "identities", &api::identities_to_js(&self.identities));
        o.into()
    }
}

/// The result of a primary sign-in.
#[derive(Clone, Debug)]
pub struct SignInResult {
    /// The Management API access token (also kept in the context for linking).
    pub access_token: Secret,
    /// The validated ID token.
    pub id_token: Secret,
    /// The ID token's claims as a JS object.
    pub profile: JsValue,
    /// When the access token expires, ms since the UNIX epoch.
    pub expires_at_ms: Option<f64>,
    /// The signed-in user's id (`sub`).
    pub user_id: String,
}

impl SignInResult {
    /// `{ accessToken, idToken, profile, expiresAt }` for JS (`expiresAt` in ms, `Date`-ready).
    pub fn to_js(&self) -> JsValue {
        let o = js_sys::Object::new();
        set_field(&o, "accessToken", &self.access_token.expose().into());
        set_field(&o, "idToken", &self.id_token.expose().into());
        set_field(&o, "profile", &self.profile);
        let at = self.expires_at_ms.map_or(JsValue::NULL, JsValue::from);
        set_field(&o, "expiresAt", &at);
        o.into()
    }
}

/// What a redirect callback completed.
#[derive(Clone, Debug)]
pub enum RedirectResult {
    /// A link (modern or legacy).
    Linked(LinkResult),
    /// A primary sign-in.
    SignedIn(SignInResult),
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `pageLocation`: `location.href` (`location.origin` with `origin`),
    /// `None` outside a window; one call instead of `window`, `location` and a getter with its
    /// `Result`.
    #[wasm_bindgen(js_name = pageLocation)]
    fn page_location(origin: bool) -> Option<String>;
}

/// The page's `location.href`, or with `origin` its `location.origin`.
pub fn page(origin: bool) -> Result<String> {
    page_location(origin)
        .ok_or_else(|| Error::invalid_options("account-link runs in a browser window."))
}

/// The primary user's id: the `user_id` option, else the access token's `sub`.
pub fn primary_user_id(ctx: &FlowContext, token: &Secret) -> Result<String> {
    ctx.user_id
        .clone()
        .or_else(|| token::jwt_sub(token))
        .ok_or_else(|| {
            Error::invalid_options(
                "userId is required: the access token is not a JWT, so its user cannot be read.",
            )
        })
}

async fn access(ctx: &FlowContext) -> Result<(Secret, String)> {
    let token = ctx.tokens.get().await?;
    let user_id = primary_user_id(ctx, &token)?;
    Ok((token, user_id))
}

/// Closes `popup` when `result` is an error raised before the popup runner took charge of it.
/// Inlined, so each of its three result types does not get a copy that moves the result in and
/// out; the closing is one shared function.
#[inline(always)]
fn close_on_error<T>(popup: &Window, result: Result<T>) -> Result<T> {
    close_if(popup, result.is_err());
    result
}

/// Closes `popup` when `failed`.
fn close_if(popup: &Window, failed: bool) {
    if failed {
        popup::close_popup(popup);
    }
}

fn now_secs() -> f64 {
    oauth::now_ms() / 1000.0
}

/// Exchanges `code`, validates the ID token, then links it to `link`'s primary user (a link
/// started at `link`'s time, UNIX seconds) or, without `link`, keeps the sign-in's access token.
/// The one ending of every link and sign-in, popup or redirect.
///
/// One async function with only promise awaits (no nested async fns): each nested one was a
/// state machine of its own, inlined here with its drop paths. While no keys are cached the
/// JWKS is fetched together with the token request ([`http::fetch_pair`]); its answer is read
/// only after the token's, in the order of the checks before (token reply, ID token format and
/// header, JWKS, key, signature, claims).
async fn complete(
    ctx: &FlowContext,
    code: &Secret,
    verifier: &Secret,
    redirect_uri: &str,
    nonce: &str,
    link: Option<(&str, f64)>,
) -> Result<RedirectResult> {
    let fetch_keys = ctx.jwks.is_empty();
    // Requests are made (and their strings dropped) before the await: fewer locals live across
    // it, fewer drop paths in the state machine.
    let pair = {
        let form = api::token_form(&ctx.client_id, code, verifier, redirect_uri);
        let jwks_url = JwksCache::url(&ctx.origin);
        http::fetch_pair(
            &api::token_url(&ctx.origin),
            &form,
            fetch_keys.then_some(jwks_url.as_str()),
        )
    };
    let (token_reply, jwks_reply) = pair.await;
    let tokens = api::token_response(http::reply(token_reply))?;
    let decoded = id_token::decode(tokens.id_token.expose())?;
    id_token::check_header(&decoded.header)?;
    let kid = decoded.header.kid.as_deref();
    // The key from the JWKS fetched with the token, else from the cached keys, else (an unknown
    // `kid`: key rotation) from the JWKS fetched again now: one `store` for both answers.
    let cached = if fetch_keys {
        None
    } else {
        ctx.jwks.cached(kid)
    };
    let key = match cached {
        Some(key) => key,
        None => {
            let reply = if fetch_keys {
                http::reply(jwks_reply)
            } else {
                JwksCache::fetch(&ctx.origin).await
            };
            ctx.jwks.store(reply, kid)?
        }
    };
    id_token::verify_signature(tokens.id_token.expose(), &key)?.await?;
    id_token::check_claims(
        &decoded.claims,
        &Expected {
            issuer: &ctx.issuer(),
            client_id: &ctx.client_id,
            nonce,
            primary_user_id: link.map(|(user_id, _)| user_id),
            now_secs: now_secs(),
            auth_after_secs: link.map(|(_, started)| started),
        },
    )?;
    let Some((user_id, _)) = link else {
        return finish_sign_in(ctx, tokens, decoded).map(RedirectResult::SignedIn);
    };
    let request = {
        // Ask the source again: a provider may have refreshed the token while the user logged
        // in. Dropped before the request's await (fewer drop paths).
        let token = ctx.tokens.get().await?;
        api::link_request(&ctx.origin, &token, user_id, &tokens.id_token)?
    };
    let json = request.await?;
    let identities = api::identities_from_json(&json, None);
    let sub = decoded.claims.sub.as_deref();
    let identity = identities
        .iter()
        .find(|i| Some(i.full_id().as_str()) == sub)
        .cloned();
    Ok(RedirectResult::Linked(LinkResult {
        identity,
        identities,
    }))
}

/// Links (`Purpose::Link`) the account the user logs into in `popup` (already opened by
/// [`popup::open_popup`] in the click handler) to the primary user, or signs the primary user in
/// (`Purpose::SignIn`) for the Management API audience and keeps the access token for linking
/// (issue 4 item 6). Errors: `unauthorized`/`invalid_options` before the popup is used (it is
/// then closed), `cancelled`, `timeout`, `authorization_error`, `invalid_id_token`,
/// `same_identity`, the API errors.
pub async fn popup_flow(
    ctx: &FlowContext,
    popup: Window,
    purpose: Purpose,
    connection: &str,
) -> Result<RedirectResult> {
    let primary = match purpose {
        Purpose::Link => Some((close_on_error(&popup, access(ctx).await)?.1, now_secs())),
        Purpose::SignIn => None,
    };
    // The authorize step, in `popup`.
    let mut secrets = close_on_error(&popup, AuthSecrets::generate().await)?;
    secrets.state.insert_str(0, popup::POPUP_STATE_PREFIX);
    let redirect_uri = match ctx.popup_response_mode {
        ResponseMode::WebMessage => close_on_error(&popup, page(true))?,
        ResponseMode::Query => ctx.redirect_uri.clone(),
    };
    let url = oauth::authorize_url(&AuthorizeRequest {
        origin: &ctx.origin,
        client_id: &ctx.client_id,
        redirect_uri: &redirect_uri,
        response_mode: ctx.popup_response_mode,
        purpose,
        connection,
        state: &secrets.state,
        nonce: &secrets.nonce,
        code_challenge: &secrets.challenge,
    });
    let response = popup::run(
        &popup,
        RunOptions {
            url: Some(&url),
            expected_origin: &ctx.origin,
            state: &secrets.state,
            timeout_ms: ctx.popup_timeout_ms,
            closed_grace_ms: ctx.closed_grace_ms,
        },
        &ctx.popup_slot,
    )
    .await?;
    let code = response.into_code(&secrets.state)?;
    complete(
        ctx,
        &code,
        &secrets.verifier,
        &redirect_uri,
        &secrets.nonce,
        primary
            .as_ref()
            .map(|(user_id, started)| (user_id.as_str(), *started)),
    )
    .await
}

fn finish_sign_in(
    ctx: &FlowContext,
    tokens: api::TokenResponse,
    decoded: id_token::Decoded,
) -> Result<SignInResult> {
    let access_token = tokens.access_token.filter(|t| !t.is_empty()).ok_or_else(|| {
        Error::new(
            ErrorCode::AuthorizationError,
            "The sign-in returned no access token: authorize the application for the Management API.",
        )
    })?;
    let expires_at_ms = tokens.expires_in.map(|s| oauth::now_ms() + s * 1000.0);
    ctx.tokens.set_captured(access_token.clone(), expires_at_ms);
    Ok(SignInResult {
        access_token,
        id_token: tokens.id_token,
        profile: decoded.payload,
        expires_at_ms,
        user_id: decoded.claims.sub.unwrap_or_default(),
    })
}

/// Stores a redirect transaction of `kind` and navigates to `/authorize`. A link (modern or
/// legacy) gets the access token and its user first, so a missing one fails before anything is
/// drawn; the legacy URL carries that same token. One state machine for every kind.
async fn start_redirect(ctx: &FlowContext, kind: Kind, connection: &str) -> Result<()> {
    let (token, primary) = match kind {
        Kind::SignIn => (None, String::new()),
        Kind::Link | Kind::Legacy => {
            let (token, primary) = access(ctx).await?;
            (Some(token), primary)
        }
    };
    let secrets = AuthSecrets::generate().await?;
    let request = AuthorizeRequest {
        origin: &ctx.origin,
        client_id: &ctx.client_id,
        redirect_uri: &ctx.redirect_uri,
        response_mode: ResponseMode::Query,
        purpose: if kind == Kind::SignIn {
            Purpose::SignIn
        } else {
            Purpose::Link
        },
        connection,
        state: &secrets.state,
        nonce: &secrets.nonce,
        code_challenge: &secrets.challenge,
    };
    // A legacy link always holds the token here (from `access` above).
    let url = match (kind, &token) {
        (Kind::Legacy, Some(token)) => {
            warn_legacy_once();
            oauth::legacy_authorize_url(&request, token)
        }
        _ => oauth::authorize_url(&request),
    };
    let now = oauth::now_ms();
    Transaction::purge_stale(now);
    Transaction {
        state: secrets.state.clone(),
        nonce: secrets.nonce.clone(),
        verifier: secrets.verifier.clone(),
        connection: connection.to_owned(),
        created_at_ms: now,
        kind,
        primary,
    }
    .save_and_go(&url)
}

/// Redirect mode: stores the transaction and navigates to `/authorize` (the promise never
/// matters: the page unloads). Checks the access token first, so a missing one fails here. With
/// `legacy: true` this is the legacy link ([`start_legacy_link`]), so the widget awaits one
/// function for both.
pub fn start_link_redirect<'a>(
    ctx: &'a FlowContext,
    connection: &'a str,
) -> impl Future<Output = Result<()>> + 'a {
    let kind = if ctx.legacy { Kind::Legacy } else { Kind::Link };
    start_redirect(ctx, kind, connection)
}

/// Redirect mode sign-in of the primary user.
pub fn start_sign_in_redirect<'a>(
    ctx: &'a FlowContext,
    connection: &'a str,
) -> impl Future<Output = Result<()>> + 'a {
    start_redirect(ctx, Kind::SignIn, connection)
}

/// Legacy link (only with `legacy: true`): redirects with the primary access token in the URL,
/// and the server links on login. Warns once in the console; never logs the URL.
pub async fn start_legacy_link(ctx: &FlowContext, connection: &str) -> Result<()> {
    if !ctx.legacy {
        return Err(Error::invalid_options(
            "Legacy linking is off: set legacy: true only if your tenant still needs it.",
        ));
    }
    start_link_redirect(ctx, connection).await
}

// An atomic rather than a `thread_local!` (std only); the wasm is single-threaded.
static LEGACY_WARNED: AtomicBool = AtomicBool::new(false);

/// Prints the legacy warning once per page.
pub fn warn_legacy_once() {
    if !LEGACY_WARNED.swap(true, Ordering::Relaxed) {
        web_sys::console::warn_1(&JsValue::from_str(
            "account-link: legacy mode puts the user's access token in the /authorize URL, where \
             browser history, proxies and server logs can keep it (RFC 9700 section 4.3.2). \
             Remove `legacy: true` to use the Management API flow (code + PKCE, token in a header).",
        ));
    }
}

/// The query part of a URL (without `?` and fragment).
pub fn query_of(url: &str) -> &str {
    let no_fragment = split_byte(url, b'#').map_or(url, |(before, _)| before);
    split_byte(no_fragment, b'?').map_or("", |(_, q)| q)
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `stripCallback`: the split, decoding and rejoining of the query in one
    /// call instead of a pair loop with a `formDecode` import call per key.
    #[wasm_bindgen(js_name = stripCallback)]
    fn strip_callback(url: &str) -> String;
}

/// `url` without the OAuth callback parameters (`code`, `state`, `error`, `error_description`,
/// keys compared decoded), other parameters (as written) and the fragment kept; what
/// `history.replaceState` gets.
pub fn strip_callback_params(url: &str) -> String {
    strip_callback(url)
}

/// Completes a redirect: parses `url` (the current `location.href` when the widget passes it),
/// cleans `code`/`state` from the address bar, takes (reads and deletes) the stored transaction
/// for the state (as soon as the state is readable, so every failure deletes it; stale ones are
/// purged first), then finishes the link, sign-in or legacy link. A callback with no state, no
/// transaction, a stale one or a wrong state is `state_mismatch` and links nothing.
pub async fn handle_redirect_callback(ctx: &FlowContext, url: &str) -> Result<RedirectResult> {
    let now = oauth::now_ms();
    Transaction::purge_stale(now);
    // Parsed, and the address bar cleaned (`history.replaceState` with
    // `strip_callback_params(location.href)`), in one browser call.
    let fields = CallbackFields::read(query_of(url), true);
    // A readable state consumes its transaction now, so no failure below leaves the verifier in
    // sessionStorage (DESIGN.md 6.5).
    let taken = fields
        .state
        .as_deref()
        .filter(|s| !s.is_empty() && s.len() <= oauth::MAX_FIELD_LEN)
        .map(|s| Transaction::take(s, now));
    if !fields.is_response() {
        return Err(Error::new(
            ErrorCode::StateMismatch,
            "This URL carries no login result: call handleRedirectCallback() on the callback page.",
        ));
    }
    let response = fields.into_response()?;
    let tx = taken.unwrap_or_else(|| Transaction::take(response.state(), now))?;
    let code = response.into_code(&tx.state)?;
    if tx.kind != Kind::SignIn {
        // The link was started for the user signed in then; another one now must not get it.
        let (_, user_id) = access(ctx).await?;
        if user_id != tx.primary {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "The account link was started by another signed-in user; nothing was linked. Start again.",
            )
            .with_detail("primary"));
        }
    }
    match tx.kind {
        Kind::Link | Kind::SignIn => {
            let link =
                (tx.kind == Kind::Link).then_some((tx.primary.as_str(), tx.created_at_ms / 1000.0));
            complete(ctx, &code, &tx.verifier, &ctx.redirect_uri, &tx.nonce, link).await
        }
        Kind::Legacy => {
            // The server linked during the login; the code is not needed. Report the new list.
            let identities = identities(ctx).await?;
            let identity = identities
                .iter()
                .skip(1)
                .rfind(|i| i.connection == tx.connection)
                .cloned();
            Ok(RedirectResult::Linked(LinkResult {
                identity,
                identities,
            }))
        }
    }
}

/// The primary user's identities, primary first.
pub fn identities(ctx: &FlowContext) -> impl Future<Output = Result<Vec<Identity>>> + '_ {
    identities_after(ctx, None)
}

/// Unlinks `provider`/`bare_user_id` from the primary user and returns the remaining identities.
/// The primary identity is refused locally. In legacy mode uses `POST /unlink`.
pub fn unlink<'a>(
    ctx: &'a FlowContext,
    provider: &'a str,
    bare_user_id: &'a str,
) -> impl Future<Output = Result<Vec<Identity>>> + 'a {
    identities_after(ctx, Some((provider, bare_user_id)))
}

/// [`identities`] (`unlink` `None`) and [`unlink`] (`Some((provider, bare_user_id))`), one state
/// machine for both: the list is the user's (`GET /api/v2/users/{id}`), or the DELETE's answer;
/// a legacy unlink (`POST /unlink`) is followed by the user's list, as a plain list is.
pub async fn identities_after(
    ctx: &FlowContext,
    unlink: Option<(&str, &str)>,
) -> Result<Vec<Identity>> {
    if let Some((provider, bare_user_id)) = unlink {
        api::check_segments(&[provider, bare_user_id])?;
    }
    let (token, user_id) = access(ctx).await?;
    api::check_segments(&[&user_id])?;
    let mut delete = None;
    if let Some((provider, bare_user_id)) = unlink {
        if api::is_primary(&user_id, provider, bare_user_id) {
            return Err(api::primary_unlink_error());
        }
        if ctx.legacy {
            warn_legacy_once();
            // Made in a block that drops the id before the await (fewer drop paths).
            let unlinked = {
                let full_id = concat(&[provider, "|", bare_user_id]);
                api::legacy_unlink_request(&ctx.origin, &token, &full_id)
            };
            unlinked.await?;
        } else {
            delete = Some((provider, bare_user_id));
        }
    }
    // One request awaited here for every case, made in a block that drops its URL first.
    let request = {
        let (method, url) = match delete {
            Some((provider, bare_user_id)) => (
                "DELETE",
                api::identity_url(&ctx.origin, &user_id, provider, bare_user_id),
            ),
            None => ("GET", api::user_url(&ctx.origin, &user_id)),
        };
        crate::http::send(crate::http::Request {
            method,
            url: &url,
            bearer: Some(&token),
            body: crate::http::Body::Empty,
            timeout_ms: crate::http::DEFAULT_TIMEOUT_MS,
        })
    };
    let json = request.await?;
    Ok(if delete.is_some() {
        api::identities_from_json(&json, None)
    } else {
        api::user_identities(&json)
    })
}

/// Ends the running popup transaction with `destroyed` (closing the popup) and ends the token
/// source: any flow still to ask for a token (a listing waiting for its frame, an unlink or a
/// redirect called in the same task as `destroy()`) fails with `destroyed` there, before it asks
/// the app or sends anything. For `LinkWidget.destroy()`.
pub fn destroy(ctx: &FlowContext) {
    ctx.popup_slot.cancel(Error::destroyed(), true);
    ctx.tokens.end();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_extraction() {
        assert_eq!(
            query_of("https://a.test/cb?code=1&state=2#frag"),
            "code=1&state=2"
        );
        assert_eq!(query_of("https://a.test/cb#x?code=1"), "");
        assert_eq!(query_of("https://a.test/cb"), "");
    }
}
