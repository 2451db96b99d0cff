//! Auth0 endpoints the widget calls: the Management API (list, link, unlink identities), the
//! token endpoint, and the deprecated `POST /unlink`. Plain async functions over [`crate::http`].
//!
//! Nothing here retries: a link sent twice could link twice (DESIGN.md 4).

use crate::error::{Error, ErrorCode, Result};
use crate::http::{self, field, field_f64, field_str, set_field, Body, Request};
use crate::oauth::{self, percent_encode};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;
use crate::task::{Outcome, Then};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One identity of a user, as `GET /api/v2/users/{id}` lists it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Identity {
    /// Provider, e.g. `github`, `google-oauth2`, `auth0`.
    pub provider: String,
    /// The bare user id within the provider (the part after `|` of the full id).
    pub user_id: String,
    /// Connection name.
    pub connection: String,
    /// Whether the provider is a social one.
    pub is_social: bool,
    /// Display name (from `profileData`, or the user's own for the primary identity).
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Picture URL, not yet vetted: the dialog shows only https (or the emulator's origin).
    pub picture: Option<String>,
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `numberText`: `String(n)`, the text `Number#toString` gives, which
    /// keeps float formatting out of the wasm. One plain call, where `js_sys::Number` took a JS
    /// number made from `n` and a `toString` import that may throw (it cannot with radix 10).
    #[wasm_bindgen(js_name = numberText)]
    pub(crate) fn number_text(n: f64) -> String;
}

/// Reads a user id that Auth0 may send as a string or, for some providers (GitHub), a number.
/// The number is printed by JS ([`number_text`]).
fn id_string(value: &JsValue) -> Option<String> {
    if let Some(s) = value.as_string() {
        return Some(s);
    }
    let n = value.as_f64()?;
    // Not `fract()`: without std there is no libm; the cast truncates.
    if n.is_nan() || n.abs() >= 9.0e15 || n != (n as i64) as f64 {
        return None;
    }
    Some(number_text(n))
}

impl Identity {
    /// The full id `provider|user_id`, as in `sub` and in the DOM's `data-identity`.
    pub fn full_id(&self) -> String {
        concat(&[self.provider.as_str(), "|", &self.user_id])
    }

    /// Reads one element of `identities[]`; `None` when `provider` or `user_id` is missing.
    pub fn from_json(json: &JsValue) -> Option<Identity> {
        let profile = field(json, "profileData");
        Some(Identity {
            provider: field_str(json, "provider").filter(|p| !p.is_empty())?,
            user_id: id_string(&field(json, "user_id")).filter(|u| !u.is_empty())?,
            connection: field_str(json, "connection").unwrap_or_default(),
            is_social: field(json, "isSocial").as_bool().unwrap_or(false),
            name: field_str(&profile, "name").or_else(|| field_str(&profile, "nickname")),
            email: field_str(&profile, "email"),
            picture: field_str(&profile, "picture"),
        })
    }

    /// A plain JS object: `{ provider, userId, connection, isSocial, profile: { name, email,
    /// picture } }` (absent profile fields are left out).
    pub fn to_js(&self) -> JsValue {
        // Built by js/wasm/browser.js `identityObject` in one call, not two `Object.new` and up
        // to seven `Reflect.set` with a string each.
        identity_object(
            &self.provider,
            &self.user_id,
            &self.connection,
            self.is_social,
            self.name.as_deref(),
            self.email.as_deref(),
            self.picture.as_deref(),
        )
    }
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `identityObject`: `{ provider, userId, connection, isSocial, profile:
    /// { name, email, picture } }`, an absent (`None`) profile field left out.
    #[wasm_bindgen(js_name = identityObject)]
    fn identity_object(
        provider: &str,
        user_id: &str,
        connection: &str,
        is_social: bool,
        name: Option<&str>,
        email: Option<&str>,
        picture: Option<&str>,
    ) -> JsValue;
}

/// A list of identities as a JS array of [`Identity::to_js`] objects.
pub fn identities_to_js(list: &[Identity]) -> js_sys::Array {
    list.iter().map(Identity::to_js).collect()
}

/// Reads an `identities` array (the link and unlink answers, or a user's `identities`).
/// The first entry is the primary identity; when `user` is given its top-level profile fills in
/// the primary's, which has no `profileData`.
pub fn identities_from_json(array: &JsValue, user: Option<&JsValue>) -> Vec<Identity> {
    if !js_sys::Array::is_array(array) {
        return Vec::new();
    }
    // A plain loop: `iter().filter_map().collect()` brought a `FilterMap::next` and the `Vec`
    // collection code (about 1 KB) for the same work. The array itself (checked just above), not
    // an `Array.from` copy: one import less.
    let array: &js_sys::Array = array.unchecked_ref();
    let mut list = Vec::new();
    for i in 0..array.length() {
        if let Some(identity) = Identity::from_json(&array.get(i)) {
            list.push(identity);
        }
    }
    if let (Some(user), Some(primary)) = (user, list.first_mut()) {
        primary.name = primary.name.take().or_else(|| field_str(user, "name"));
        primary.email = primary.email.take().or_else(|| field_str(user, "email"));
        primary.picture = primary
            .picture
            .take()
            .or_else(|| field_str(user, "picture"));
    }
    list
}

/// `https://DOMAIN/api/v2/users/{id}` with the id percent-encoded (`auth0|x` -> `auth0%7Cx`).
pub fn user_url(origin: &str, user_id: &str) -> String {
    concat(&[origin, "/api/v2/users/", &percent_encode(user_id)])
}

/// `.../users/{id}/identities/{provider}/{user_id}`, every segment percent-encoded (DESIGN.md 6.8).
pub fn identity_url(origin: &str, user_id: &str, provider: &str, bare_user_id: &str) -> String {
    concat(&[
        &user_url(origin, user_id),
        "/identities/",
        &percent_encode(provider),
        "/",
        &percent_encode(bare_user_id),
    ])
}

/// Refuses a path segment that is empty, `.` or `..`: percent-encoding keeps those, and the URL
/// parser would resolve them as dot-segments (`unlink(".", "..")` would become a `DELETE` of the
/// user). Checked before any URL is built.
pub fn check_segments(segments: &[&str]) -> Result<()> {
    if segments.iter().any(|s| matches!(*s, "" | "." | "..")) {
        return Err(Error::invalid_options(
            "A user id, provider or identity id is empty, \".\" or \"..\"; pass the real id.",
        ));
    }
    Ok(())
}

/// Whether `provider` + `bare_user_id` is the primary identity of `user_id`.
pub fn is_primary(user_id: &str, provider: &str, bare_user_id: &str) -> bool {
    split_byte(user_id, b'|') == Some((provider, bare_user_id))
}

/// The error for an attempt to unlink the primary identity (refused locally, DESIGN.md 4).
pub fn primary_unlink_error() -> Error {
    Error::invalid_options("The primary identity cannot be unlinked; choose a linked account.")
        .with_detail("primary_identity")
}

fn req<'a>(
    method: &'a str,
    url: &'a str,
    token: Option<&'a Secret>,
    body: Body<'a>,
) -> Request<'a> {
    Request {
        method,
        url,
        bearer: token,
        body,
        timeout_ms: http::DEFAULT_TIMEOUT_MS,
    }
}

/// `GET /api/v2/users/{id}` -> the user's identities, primary first.
/// Not called by the shipped flows (src/flow.rs builds the same request from the same parts and
/// awaits it in its own state machine); the one-call form the browser tests (tests/api.rs) run
/// against the emulator.
pub async fn get_identities(origin: &str, token: &Secret, user_id: &str) -> Result<Vec<Identity>> {
    let user = user_request(origin, token, user_id)?.await?;
    Ok(user_identities(&user))
}

/// The request of [`get_identities`], sent: the user's JSON once it settles.
pub fn user_request(
    origin: &str,
    token: &Secret,
    user_id: &str,
) -> Result<Then<impl Fn(Outcome) -> Result<JsValue>>> {
    check_segments(&[user_id])?;
    let url = user_url(origin, user_id);
    Ok(http::send(req("GET", &url, Some(token), Body::Empty)))
}

/// The identities of a user object (`GET /api/v2/users/{id}`), its profile filling in the
/// primary's.
pub fn user_identities(user: &JsValue) -> Vec<Identity> {
    identities_from_json(&field(user, "identities"), Some(user))
}

/// `POST /api/v2/users/{id}/identities { link_with }` -> the new identities array.
/// Sent once, never retried.
/// Not called by the shipped flows (src/flow.rs builds the same request from the same parts and
/// awaits it in its own state machine); the one-call form the browser tests (tests/api.rs) run
/// against the emulator.
pub async fn link(
    origin: &str,
    token: &Secret,
    user_id: &str,
    id_token: &Secret,
) -> Result<Vec<Identity>> {
    let json = link_request(origin, token, user_id, id_token)?.await?;
    Ok(identities_from_json(&json, None))
}

/// The request of [`link`], sent: its JSON answer once it settles (the flows await this
/// directly, without a state machine for `link` inside theirs).
pub fn link_request(
    origin: &str,
    token: &Secret,
    user_id: &str,
    id_token: &Secret,
) -> Result<Then<impl Fn(Outcome) -> Result<JsValue>>> {
    check_segments(&[user_id])?;
    let url = user_url(origin, user_id) + "/identities";
    let body = js_sys::Object::new();
    set_field(&body, "link_with", &id_token.expose().into());
    Ok(http::send(req(
        "POST",
        &url,
        Some(token),
        Body::Json(&body),
    )))
}

/// `DELETE /api/v2/users/{id}/identities/{provider}/{user_id}` -> the remaining identities.
/// Refuses the primary identity without a request.
/// Not called by the shipped flows (src/flow.rs builds the same request from the same parts and
/// awaits it in its own state machine); the one-call form the browser tests (tests/api.rs) run
/// against the emulator.
pub async fn unlink(
    origin: &str,
    token: &Secret,
    user_id: &str,
    provider: &str,
    bare_user_id: &str,
) -> Result<Vec<Identity>> {
    check_segments(&[user_id, provider, bare_user_id])?;
    if is_primary(user_id, provider, bare_user_id) {
        return Err(primary_unlink_error());
    }
    let url = identity_url(origin, user_id, provider, bare_user_id);
    let json = http::send(req("DELETE", &url, Some(token), Body::Empty)).await?;
    Ok(identities_from_json(&json, None))
}

/// Deprecated `POST /unlink { access_token, user_id: "provider|id" }` (legacy mode only).
/// Not called by the shipped flows (src/flow.rs builds the same request from the same parts and
/// awaits it in its own state machine); the one-call form the browser tests (tests/api.rs) run
/// against the emulator.
pub async fn legacy_unlink(origin: &str, token: &Secret, full_user_id: &str) -> Result<()> {
    legacy_unlink_request(origin, token, full_user_id).await?;
    Ok(())
}

/// The request of [`legacy_unlink`], sent: its (ignored) JSON answer once it settles.
pub fn legacy_unlink_request(
    origin: &str,
    token: &Secret,
    full_user_id: &str,
) -> Then<impl Fn(Outcome) -> Result<JsValue>> {
    let url = origin.to_owned() + "/unlink";
    let body = js_sys::Object::new();
    set_field(&body, "access_token", &token.expose().into());
    set_field(&body, "user_id", &full_user_id.into());
    http::send(req("POST", &url, None, Body::Json(&body)))
}

/// The token endpoint's answer (RFC 6749 5.1, OIDC Core 3.1.3.3).
#[derive(Clone, Debug)]
pub struct TokenResponse {
    /// The ID token (not yet validated).
    pub id_token: Secret,
    /// The access token (for sign-in: the Management API token).
    pub access_token: Option<Secret>,
    /// Lifetime of the access token in seconds.
    pub expires_in: Option<f64>,
    /// Granted scopes, when the server says.
    pub scope: Option<String>,
}

/// `POST /oauth/token` with `grant_type=authorization_code` and the PKCE verifier
/// (RFC 6749 4.1.3, RFC 7636 4.5), form-encoded. An OAuth error answer (e.g. `invalid_grant` for
/// a used code) becomes `authorization_error`; 429 stays `rate_limited`. (The flows send the
/// same request through [`http::fetch_pair`], together with the JWKS.)
/// Not called by the shipped flows (src/flow.rs builds the same request from the same parts and
/// awaits it in its own state machine); the one-call form the browser tests (tests/api.rs) run
/// against the emulator.
pub async fn exchange_code(
    origin: &str,
    client_id: &str,
    code: &Secret,
    verifier: &Secret,
    redirect_uri: &str,
) -> Result<TokenResponse> {
    let url = token_url(origin);
    let form = token_form(client_id, code, verifier, redirect_uri);
    token_response(http::fetch(req("POST", &url, None, Body::Form(&form))).await)
}

/// The token endpoint of `origin`.
pub fn token_url(origin: &str) -> String {
    origin.to_owned() + "/oauth/token"
}

/// The form body of the code exchange (RFC 6749 4.1.3 with RFC 7636 4.5's `code_verifier`).
pub fn token_form(client_id: &str, code: &Secret, verifier: &Secret, redirect_uri: &str) -> String {
    oauth::form_encode(&[
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code.expose()),
        ("code_verifier", verifier.expose()),
        ("redirect_uri", redirect_uri),
    ])
}

/// Reads the token endpoint's answer (or the failure to get one): the errors of
/// [`exchange_code`], or the tokens with a non-empty `id_token` (not yet validated).
pub fn token_response(reply: Result<http::Reply>) -> Result<TokenResponse> {
    let reply = reply?;
    if !reply.ok() {
        let body = http::error_body(&reply.json);
        return Err(match (reply.status, body.error.clone()) {
            (429, _) | (500.., _) | (_, None) => {
                http::error_for_status(reply.status, body, reply.ratelimit_reset.as_deref())
            }
            (status, Some(error)) => {
                oauth::authorization_error(error, body.message).with_status(status)
            }
        });
    }
    let id_token = field_str(&reply.json, "id_token")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidIdToken,
                "The token endpoint returned no ID token.",
            )
            .with_detail("missing")
        })?;
    Ok(TokenResponse {
        id_token: Secret::new(id_token),
        access_token: field_str(&reply.json, "access_token").map(Secret::new),
        expires_in: field_f64(&reply.json, "expires_in"),
        scope: field_str(&reply.json, "scope"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_every_segment() {
        assert_eq!(
            user_url("https://t.example", "auth0|a/b?c"),
            "https://t.example/api/v2/users/auth0%7Ca%2Fb%3Fc"
        );
        assert_eq!(
            identity_url("https://t.example", "auth0|1", "google-oauth2", "../../x#y"),
            "https://t.example/api/v2/users/auth0%7C1/identities/google-oauth2/..%2F..%2Fx%23y"
        );
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for bad in [[".", ".."], ["", "x"], ["github", "."], ["github", ""]] {
            let e = check_segments(&["auth0|1", bad[0], bad[1]]).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidOptions);
        }
        for bad in ["", ".", ".."] {
            assert!(check_segments(&[bad]).is_err());
        }
        assert!(check_segments(&["auth0|1", "github", ".x."]).is_ok());
        assert!(check_segments(&["auth0|1", "github", "..."]).is_ok());
    }

    #[test]
    fn primary_identity_is_recognised() {
        assert!(is_primary("auth0|abc", "auth0", "abc"));
        assert!(is_primary("oauth2|custom|x|y", "oauth2", "custom|x|y"));
        assert!(!is_primary("auth0|abc", "github", "abc"));
        assert!(!is_primary("auth0|abc", "auth0", "abcd"));
        assert_eq!(
            primary_unlink_error().detail.as_deref(),
            Some("primary_identity")
        );
    }
}
