//! OAuth 2.0 authorization code flow with PKCE: verifier, challenge, state, nonce, the authorize URL
//! and callback parsing.
//!
//! The logic is pure where it can be (it takes random bytes, digests and strings), so host tests
//! cover it; the few browser calls (`crypto.getRandomValues`, `crypto.subtle.digest`, and
//! `form_decode` and the callback's fields by `URLSearchParams`, which makes callback parsing a
//! browser test) are thin wrappers.

use crate::error::{Error, ErrorCode, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;

/// The characters RFC 7636 section 4.1 allows in a code verifier (`unreserved` of RFC 3986).
pub const VERIFIER_ALPHABET: &[u8; 66] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// Length of verifiers, states and nonces: 64 characters of a 66-letter alphabet is about 386 bits,
/// well above RFC 7636 section 7.1's 256 bits; the RFC allows 43 to 128.
pub const RANDOM_LEN: usize = 64;

/// Bytes at or above this are rejected: 198 = 3 * 66 is the largest multiple of 66 below 256, so
/// `byte % 66` over the accepted bytes is exactly uniform (no modulo bias).
const REJECT_FROM: u8 = (256 - 256 % VERIFIER_ALPHABET.len()) as u8;

/// Appends characters of [`VERIFIER_ALPHABET`] drawn from `random` to `out` until it holds `len`
/// characters, by rejection sampling. Returns how many characters are still missing (0 when done),
/// so the caller can fetch more random bytes.
pub fn fill_from_random(out: &mut String, len: usize, random: &[u8]) -> usize {
    for &byte in random {
        if out.len() >= len {
            break;
        }
        if byte < REJECT_FROM {
            out.push(char::from(
                VERIFIER_ALPHABET[usize::from(byte) % VERIFIER_ALPHABET.len()],
            ));
        }
    }
    len.saturating_sub(out.len())
}

/// Percent-encodes everything but RFC 3986 `unreserved` characters. Safe for query values and for
/// path segments (DESIGN.md 6.8): it encodes more than `encodeURIComponent` (also `!*'()`), never less.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `formDecode`: one `application/x-www-form-urlencoded` value decoded by
    /// the browser's `URLSearchParams` (`+` is a space, `%XX` a byte, malformed escapes kept
    /// literally, invalid UTF-8 replaced), so the wasm carries no decoder and no
    /// `from_utf8_lossy`. Browser tests: tests/oauth_browser.rs.
    #[wasm_bindgen(js_name = formDecode)]
    pub fn form_decode(text: &str) -> String;

    /// js/wasm/browser.js `callbackFields`: `[code, state, error, error_description]` of a query,
    /// each the first value decoded like [`form_decode`], or `null`; with `clean`, after
    /// cleaning the address bar.
    #[wasm_bindgen(js_name = callbackFields)]
    fn callback_fields(query: &str, clean: bool) -> js_sys::Array;
}

/// Builds `k1=v1&k2=v2` with every key and value percent-encoded. A pair with an empty key is
/// left out (an optional parameter that does not apply).
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if k.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// How the authorization server returns the result (OAuth 2.0 Multiple Response Type Encoding
/// Practices, and Auth0's `web_message`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseMode {
    /// The server's page posts the result to `window.opener` (popup mode).
    WebMessage,
    /// The server redirects to `redirect_uri?code=...&state=...` (redirect mode, callback page).
    Query,
}

/// What an authorization request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Log in the secondary account to link it: `openid profile email`, no API audience.
    Link,
    /// Sign in the primary user and get a Management API token for linking (issue 4, item 6).
    SignIn,
}

/// Scopes a sign-in asks for: OIDC plus the two Management API scopes linking needs.
pub const SIGN_IN_SCOPE: &str =
    "openid profile email read:current_user update:current_user_identities";

/// Scopes a link asks for: the secondary login only needs an ID token.
pub const LINK_SCOPE: &str = "openid profile email";

/// Everything an authorization request (RFC 6749 4.1.1, RFC 7636 4.3, OIDC Core 3.1.2.1) carries.
#[derive(Clone, Debug)]
pub struct AuthorizeRequest<'a> {
    /// Tenant origin without a trailing slash, e.g. `https://tenant.eu.auth0.com`.
    pub origin: &'a str,
    /// The application's client id.
    pub client_id: &'a str,
    /// Where the result goes: the app origin for `web_message`, the callback page for `query`.
    pub redirect_uri: &'a str,
    /// How the result comes back.
    pub response_mode: ResponseMode,
    /// Link or sign-in; decides scope and audience.
    pub purpose: Purpose,
    /// The connection to log in with, e.g. `github`.
    pub connection: &'a str,
    /// Fresh per transaction (RFC 6749 10.12).
    pub state: &'a str,
    /// Fresh per transaction (OIDC Core 3.1.2.1), checked in the ID token.
    pub nonce: &'a str,
    /// `BASE64URL(SHA256(verifier))`.
    pub code_challenge: &'a str,
}

/// The Management API audience of a tenant: `https://DOMAIN/api/v2/`.
pub fn management_audience(origin: &str) -> String {
    origin.to_owned() + "/api/v2/"
}

/// The `/authorize` URL for a code + PKCE S256 request (DESIGN.md 4). For a link, `prompt=login`
/// and `max_age=0` force a fresh login, so the user picks the account to link rather than reusing
/// the primary session; a sign-in may reuse the tenant session.
pub fn authorize_url(req: &AuthorizeRequest<'_>) -> String {
    let link = req.purpose == Purpose::Link;
    let audience = management_audience(req.origin);
    // One fixed list (no `Vec` grown by pushes); parameters that do not apply have an empty key,
    // which `form_encode` leaves out.
    let only = |applies: bool, key: &'static str| if applies { key } else { "" };
    let pairs = [
        ("client_id", req.client_id),
        ("response_type", "code"),
        (
            "response_mode",
            match req.response_mode {
                ResponseMode::WebMessage => "web_message",
                ResponseMode::Query => "query",
            },
        ),
        ("redirect_uri", req.redirect_uri),
        ("scope", if link { LINK_SCOPE } else { SIGN_IN_SCOPE }),
        (only(!link, "audience"), audience.as_str()),
        ("state", req.state),
        ("nonce", req.nonce),
        ("code_challenge", req.code_challenge),
        ("code_challenge_method", "S256"),
        ("connection", req.connection),
        // Linking must not silently reuse the tenant session (that is the primary user): force
        // a fresh login (OIDC Core 3.1.2.1 `prompt`, `max_age`). A sign-in may reuse the session.
        (only(link, "prompt"), "login"),
        (only(link, "max_age"), "0"),
    ];
    concat(&[req.origin, "/authorize?", &form_encode(&pairs)])
}

/// The deprecated linking request (DESIGN.md 4, "Legacy"): the server links the account that logs in
/// to the owner of `access_token`. Only called when the app set `legacy: true`. Carrying a token in a
/// URL breaks RFC 9700 section 4.3.2 (it lands in history and logs): never log the result.
/// State, nonce and PKCE are still sent and checked; `prompt=login` and `max_age=0` force a fresh
/// login as for a modern link (a reused session would link whichever account owns it).
pub fn legacy_authorize_url(req: &AuthorizeRequest<'_>, access_token: &Secret) -> String {
    let pairs: [(&str, &str); 12] = [
        ("response_type", "code"),
        ("scope", "openid"),
        ("client_id", req.client_id),
        ("redirect_uri", req.redirect_uri),
        ("state", req.state),
        ("nonce", req.nonce),
        ("code_challenge", req.code_challenge),
        ("code_challenge_method", "S256"),
        ("connection", req.connection),
        ("prompt", "login"),
        ("max_age", "0"),
        ("access_token", access_token.expose()),
    ];
    concat(&[req.origin, "/authorize?", &form_encode(&pairs)])
}

/// Longest value accepted in a callback field. Codes and states are well under 100 characters;
/// bounding them keeps a hostile page from handing us megabytes (DESIGN.md 6.3).
pub const MAX_FIELD_LEN: usize = 2048;

/// The fields of an authorization response, as found in a query string or a `web_message` payload.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallbackFields {
    /// `code` (RFC 6749 4.1.2).
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error` (RFC 6749 4.1.2.1).
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
}

/// A parsed authorization response whose state is known to be present.
#[derive(Clone, Debug, PartialEq)]
pub enum CallbackResponse {
    /// The server issued a code.
    Success {
        /// Single-use authorization code.
        code: Secret,
        /// The state the server echoed.
        state: String,
    },
    /// The server refused (e.g. `access_denied`).
    Failure {
        /// OAuth `error` value.
        error: String,
        /// OAuth `error_description`, if any.
        error_description: Option<String>,
        /// The state the server echoed.
        state: String,
    },
}

impl CallbackResponse {
    /// The echoed state.
    pub fn state(&self) -> &str {
        match self {
            CallbackResponse::Success { state, .. } | CallbackResponse::Failure { state, .. } => {
                state
            }
        }
    }

    /// Checks the state against ours (RFC 6749 10.12, exact comparison) and yields the code, or the
    /// typed error: `state_mismatch` or `authorization_error` carrying the OAuth error.
    pub fn into_code(self, expected_state: &str) -> Result<Secret> {
        if self.state() != expected_state {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "The authorization response belongs to another transaction; start again.",
            ));
        }
        match self {
            CallbackResponse::Success { code, .. } => Ok(code),
            CallbackResponse::Failure {
                error,
                error_description,
                ..
            } => Err(authorization_error(error, error_description)),
        }
    }
}

/// An `authorization_error` carrying the server's OAuth `error` and description.
pub fn authorization_error(error: String, description: Option<String>) -> Error {
    let mut e = Error::new(
        ErrorCode::AuthorizationError,
        match &description {
            Some(d) => "The login was refused: ".to_owned() + d,
            None => concat(&["The login was refused (", &error, ")."]),
        },
    );
    e.oauth_error = Some(error);
    e.oauth_error_description = description;
    e
}

/// Whether a callback field is longer than [`MAX_FIELD_LEN`].
fn oversized(value: &Option<String>) -> bool {
    value.as_ref().is_some_and(|v| v.len() > MAX_FIELD_LEN)
}

fn malformed() -> Error {
    Error::new(
        ErrorCode::StateMismatch,
        "The authorization response is malformed.",
    )
    .with_detail("oversized field")
}

impl CallbackFields {
    /// Parses a query string (with or without the leading `?`). Repeated keys keep the first value.
    pub fn from_query(query: &str) -> CallbackFields {
        CallbackFields::read(query, false)
    }

    /// [`CallbackFields::from_query`]; with `clean_address_bar`, the page's address loses its
    /// callback parameters first (`history.replaceState`, see `flow::strip_callback_params`).
    pub fn read(query: &str, clean_address_bar: bool) -> CallbackFields {
        // The browser's URLSearchParams splits and decodes (js/wasm/browser.js `callbackFields`);
        // which fields make a response, and their checks, are `into_response`'s.
        let fields = callback_fields(query, clean_address_bar);
        let text = |i| fields.get(i).as_string();
        CallbackFields {
            code: text(0),
            state: text(1),
            error: text(2),
            error_description: text(3),
        }
    }

    /// Whether these fields look like an authorization response at all (a `code` or an `error`).
    pub fn is_response(&self) -> bool {
        self.code.is_some() || self.error.is_some()
    }

    /// Classifies the fields. A missing or empty state is `state_mismatch` (DESIGN.md 6.2); a
    /// response with neither code nor error is malformed, also `state_mismatch`.
    pub fn into_response(self) -> Result<CallbackResponse> {
        // Lengths are checked by reference, in the order the fields are judged (state first),
        // before anything is moved: one drop of `self` on each early return.
        if oversized(&self.state) {
            return Err(malformed());
        }
        let Some(state) = self.state.filter(|s| !s.is_empty()) else {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "The authorization response has no state; start again.",
            ));
        };
        if oversized(&self.code) || oversized(&self.error) || oversized(&self.error_description) {
            return Err(malformed());
        }
        match (self.error, self.code) {
            (Some(error), _) => Ok(CallbackResponse::Failure {
                error,
                error_description: self.error_description,
                state,
            }),
            (None, Some(code)) if !code.is_empty() => Ok(CallbackResponse::Success {
                code: Secret::new(code),
                state,
            }),
            _ => Err(Error::new(
                ErrorCode::StateMismatch,
                "The authorization response has neither a code nor an error.",
            )),
        }
    }
}

/// Current time in milliseconds since the UNIX epoch (`Date.now()`).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A random string of `len` characters from [`VERIFIER_ALPHABET`], from `crypto.getRandomValues`.
/// Used for verifiers, states and nonces alike (DESIGN.md 4).
pub fn random_string(len: usize) -> Result<String> {
    let mut out = String::with_capacity(len);
    // 77% of bytes are accepted; ask for a margin and loop in the rare case it is not enough.
    let mut buf = vec![0u8; len + len / 2 + 8];
    loop {
        if !fill_random(&mut buf) {
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                "WebCrypto is not available here.",
            ));
        }
        if fill_from_random(&mut out, len, &buf) == 0 {
            break;
        }
    }
    Ok(out)
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `fillRandom`: `crypto.getRandomValues` on `bytes` (copied back into the
    /// wasm), `false` where WebCrypto is missing or the call threw. One import instead of
    /// `window`, `crypto` and `getRandomValues` with their `Result`s.
    #[wasm_bindgen(js_name = fillRandom)]
    fn fill_random(bytes: &mut [u8]) -> bool;
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `s256`: `crypto.subtle.digest` and the base64url encoding in one
    /// promise.
    #[wasm_bindgen(js_name = s256)]
    fn js_s256(verifier: &str) -> js_sys::Promise;
}

/// The S256 challenge of `verifier` (RFC 7636 4.2: `BASE64URL(SHA256(ASCII(verifier)))`, no
/// padding; there is deliberately no `plain` method), computed by the browser with one `.await`
/// and no copy of the digest into the wasm (tests/oauth_browser.rs checks the RFC's vector).
pub fn s256_challenge(
    verifier: &str,
) -> crate::task::Then<impl Fn(crate::task::Outcome) -> Result<String>> {
    crate::task::Then::new(js_s256(verifier), |challenge| {
        challenge.ok().and_then(|c| c.as_string()).ok_or_else(|| {
            Error::new(
                ErrorCode::InvalidOptions,
                "crypto.subtle is not available: serve the page over https (or localhost).",
            )
        })
    })
}

/// One transaction's fresh secrets: PKCE pair, state and nonce.
#[derive(Clone, Debug)]
pub struct AuthSecrets {
    /// PKCE code verifier (RFC 7636 4.1).
    pub verifier: Secret,
    /// S256 challenge of the verifier.
    pub challenge: String,
    /// `state`, single-use.
    pub state: String,
    /// `nonce`, single-use.
    pub nonce: String,
}

impl AuthSecrets {
    /// Draws a verifier, state and nonce and computes the challenge.
    pub async fn generate() -> Result<AuthSecrets> {
        let verifier = random_string(RANDOM_LEN)?;
        let state = random_string(RANDOM_LEN)?;
        let nonce = random_string(RANDOM_LEN)?;
        let challenge = s256_challenge(&verifier).await?;
        Ok(AuthSecrets {
            verifier: Secret::new(verifier),
            challenge,
            state,
            nonce,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_has_length_and_alphabet_and_skips_biased_bytes() {
        let random: Vec<u8> = (0..=255u8).cycle().take(400).collect();
        let mut out = String::new();
        assert_eq!(fill_from_random(&mut out, RANDOM_LEN, &random), 0);
        assert_eq!(out.len(), RANDOM_LEN);
        assert!(out.len() >= 43 && out.len() <= 128);
        assert!(out.bytes().all(|b| VERIFIER_ALPHABET.contains(&b)));
        // Bytes 198..=255 are rejected, so they never produce a character.
        let mut none = String::new();
        let biased: Vec<u8> = (198..=255u8).collect();
        assert_eq!(fill_from_random(&mut none, 10, &biased), 10);
        assert!(none.is_empty());
    }

    #[test]
    fn rejection_sampling_is_uniform() {
        // Over all 256 byte values, each alphabet letter appears exactly 3 times.
        let all: Vec<u8> = (0..=255u8).collect();
        let mut out = String::new();
        fill_from_random(&mut out, 1000, &all);
        assert_eq!(out.len(), 198);
        for &c in VERIFIER_ALPHABET {
            assert_eq!(out.bytes().filter(|&b| b == c).count(), 3);
        }
    }

    #[test]
    fn fill_resumes_where_it_stopped() {
        let mut out = String::new();
        assert_eq!(fill_from_random(&mut out, 5, &[0, 1, 250]), 3);
        assert_eq!(fill_from_random(&mut out, 5, &[2, 3, 4, 5]), 0);
        assert_eq!(out, "ABCDE");
    }

    fn request(purpose: Purpose, mode: ResponseMode) -> AuthorizeRequest<'static> {
        AuthorizeRequest {
            origin: "https://tenant.eu.auth0.com",
            client_id: "CLIENT",
            redirect_uri: "https://app.example.com",
            response_mode: mode,
            purpose,
            connection: "google-oauth2",
            state: "st",
            nonce: "no",
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        }
    }

    #[test]
    fn popup_link_url() {
        let url = authorize_url(&request(Purpose::Link, ResponseMode::WebMessage));
        assert_eq!(
            url,
            "https://tenant.eu.auth0.com/authorize?client_id=CLIENT&response_type=code\
             &response_mode=web_message&redirect_uri=https%3A%2F%2Fapp.example.com\
             &scope=openid%20profile%20email&state=st&nonce=no\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256&connection=google-oauth2&prompt=login&max_age=0"
        );
        assert!(!url.contains("access_token"));
        assert!(!url.contains("audience"));
        assert!(!url.contains("plain"));
    }

    #[test]
    fn redirect_sign_in_url_has_audience_and_scopes() {
        let url = authorize_url(&request(Purpose::SignIn, ResponseMode::Query));
        assert!(url.contains("&response_mode=query&"));
        assert!(url.contains(
            "&scope=openid%20profile%20email%20read%3Acurrent_user%20update%3Acurrent_user_identities&"
        ));
        assert!(url.contains("&audience=https%3A%2F%2Ftenant.eu.auth0.com%2Fapi%2Fv2%2F&"));
        assert!(url.contains("&code_challenge_method=S256&"));
        assert!(
            url.ends_with("&connection=google-oauth2"),
            "no forced login for sign-in"
        );
    }

    #[test]
    fn legacy_url_carries_token_only_there() {
        let req = request(Purpose::Link, ResponseMode::Query);
        let url = legacy_authorize_url(&req, &Secret::new("tok.en"));
        assert!(url.starts_with(
            "https://tenant.eu.auth0.com/authorize?response_type=code&scope=openid&client_id=CLIENT"
        ));
        assert!(url.contains("&state=st&nonce=no&"));
        assert!(
            url.ends_with("&connection=google-oauth2&prompt=login&max_age=0&access_token=tok.en")
        );
    }

    #[test]
    fn values_are_encoded() {
        assert_eq!(percent_encode("a b&c=d|e/é"), "a%20b%26c%3Dd%7Ce%2F%C3%A9");
        assert_eq!(percent_encode("!*'()"), "%21%2A%27%28%29");
    }
}
