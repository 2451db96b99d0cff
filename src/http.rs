//! The one place that calls `fetch`: JSON in and out through the browser's own `JSON`, a timeout
//! through `AbortController`, and every non-2xx answer turned into a typed [`Error`]
//! (DESIGN.md 4, "Errors"). Raw web-sys instead of gloo-net: it adds no code of its own to the wasm.
//!
//! Requests carry tokens only in the `Authorization` header or a body, never in the URL, and no
//! error built here contains a token (DESIGN.md 6.5).

use crate::error::{Error, ErrorCode, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;
use crate::task::{Outcome, Then};
use wasm_bindgen::prelude::*;

/// Default time a request may take before it is aborted and reported as `network_error`.
pub const DEFAULT_TIMEOUT_MS: i32 = 15_000;

/// Longest server error text copied into an [`Error`], so a hostile body cannot bloat the UI.
const MAX_SERVER_TEXT: usize = 300;

/// A request body.
#[derive(Clone, Copy, Debug)]
pub enum Body<'a> {
    /// No body (GET, DELETE).
    Empty,
    /// A JS value sent as `application/json` through `JSON.stringify`.
    Json(&'a JsValue),
    /// An already encoded `application/x-www-form-urlencoded` body (RFC 6749 4.1.3).
    Form(&'a str),
}

/// One HTTP request.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// `GET`, `POST`, `DELETE`...
    pub method: &'a str,
    /// Absolute URL; path segments already percent-encoded.
    pub url: &'a str,
    /// Bearer token for the `Authorization` header (RFC 6750 2.1).
    pub bearer: Option<&'a Secret>,
    /// Body.
    pub body: Body<'a>,
    /// Abort after this many milliseconds.
    pub timeout_ms: i32,
}

/// The fields of an Auth0 error body (`{ statusCode, error, message, errorCode }`) or an OAuth
/// error (`{ error, error_description }`, RFC 6749 5.2).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorBody {
    /// `error`: HTTP reason or OAuth error code.
    pub error: Option<String>,
    /// `message` (Management API) or `error_description` (OAuth).
    pub message: Option<String>,
    /// Auth0's `errorCode`, e.g. `inexistent_user`.
    pub error_code: Option<String>,
}

fn clip(mut text: String) -> String {
    if text.len() <= MAX_SERVER_TEXT {
        return text;
    }
    let mut end = MAX_SERVER_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text + "..."
}

/// Maps a non-2xx answer to its error code (DESIGN.md 4 and issue 4 item 5):
/// 400 with Auth0's "Main identity and the new one are the same." -> `same_identity`,
/// 409 -> `already_linked`, 401 -> `unauthorized`, 403 -> `forbidden`, 429 -> `rate_limited` with `reset_at` from
/// `x-ratelimit-reset` (UNIX seconds), anything else -> `api_error` with the status and Auth0's
/// `message`/`errorCode` in `detail`.
pub fn error_for_status(status: u16, body: ErrorBody, ratelimit_reset: Option<&str>) -> Error {
    // Auth0's exact message (its errorCode is the generic `invalid_body`, as in the emulator):
    // any other 400 that merely mentions "same" is an ordinary `api_error`.
    let is_same_identity = status == 400
        && body.message.as_deref().map(str::trim)
            == Some("Main identity and the new one are the same.");
    let (code, message) = match status {
        _ if is_same_identity => (
            ErrorCode::SameIdentity,
            "That account is the one you are signed in with; choose another account.",
        ),
        409 => (
            ErrorCode::AlreadyLinked,
            "That account is already linked to a user.",
        ),
        401 => (
            ErrorCode::Unauthorized,
            "The access token is missing, expired or was rejected; sign in again.",
        ),
        403 => (
            ErrorCode::Forbidden,
            "The access token may not do this: it needs the read:current_user and \
             update:current_user_identities scopes for this user.",
        ),
        429 => (
            ErrorCode::RateLimited,
            "Too many requests; try again after the rate limit resets.",
        ),
        _ => (ErrorCode::ApiError, "The server refused the request."),
    };
    let mut error = Error::new(code, message).with_status(status);
    // Moved, not cloned: the message was only read above. Each part is clipped on its own.
    error.detail = match (body.error_code.map(clip), body.message.map(clip)) {
        (Some(c), Some(m)) => Some(concat(&[&c, ": ", &m])),
        (Some(c), None) => Some(c),
        (None, Some(m)) => Some(m),
        (None, None) => body.error.map(clip),
    };
    if code == ErrorCode::RateLimited {
        // UNIX seconds are integers; integer parsing keeps float parsing (~5 KB) out of the wasm.
        error.reset_at = ratelimit_reset.and_then(|r| parse_unsigned(r.trim()).map(|v| v as f64));
    }
    if code == ErrorCode::ApiError {
        let status = decimal(status);
        let head = "The server refused the request (HTTP ";
        error.message = match &error.detail {
            Some(d) => concat(&[head, &status, "): ", d]),
            None => concat(&[head, &status, ")."]),
        };
    }
    error
}

/// A decimal integer of at most 15 digits (UNIX seconds, ports), without `str::parse`.
pub fn parse_unsigned(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 15 {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

/// A network failure (offline, DNS, CORS, abort); `detail` says which when known.
pub fn network_error(detail: &str) -> Error {
    Error::new(
        ErrorCode::NetworkError,
        "The request got no answer: check the connection and the tenant's allowed web origins.",
    )
    .with_detail(detail)
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// Reads any property of a JS object: js/wasm/browser.js `field`, `Reflect.get(object, key)`
    /// when `object` is an object (`typeof` `'object'`, not `null`), else `undefined`, also when
    /// a getter throws. One call with the key as text, where `Reflect::get` needed a JS string
    /// made from it first and a catching import.
    pub fn field(object: &JsValue, key: &str) -> JsValue;
}

/// Reads a string property of a JS object; `None` when absent or not a string (or `object` is
/// not an object).
pub fn field_str(object: &JsValue, key: &str) -> Option<String> {
    field(object, key).as_string()
}

/// Reads a number property of a JS object; `None` when absent or not a number (or `object` is
/// not an object).
pub fn field_f64(object: &JsValue, key: &str) -> Option<f64> {
    field(object, key).as_f64()
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `setField`: defines `object[key]` as an own data property on a fresh
    /// plain object of ours (no inherited setter runs, nothing throws). The crate's one property
    /// write: `Reflect.set` and its catching glue leave.
    #[wasm_bindgen(js_name = setField)]
    pub fn set_field(object: &js_sys::Object, key: &str, value: &JsValue);
}

/// Reads an Auth0 or OAuth error body.
pub fn error_body(json: &JsValue) -> ErrorBody {
    ErrorBody {
        error: field_str(json, "error"),
        message: field_str(json, "message").or_else(|| field_str(json, "error_description")),
        error_code: field_str(json, "errorCode"),
    }
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `send`: fetch, status, `x-ratelimit-reset` and the body parsed as JSON in one
    /// promise (one `.await` here instead of two, and no Headers/RequestInit/AbortController/
    /// timer imports); rejects with the failed step's name or `timeout`.
    #[wasm_bindgen(js_name = send)]
    fn js_send(
        method: &str,
        url: &str,
        bearer: Option<&str>,
        kind: u8,
        body: &JsValue,
        timeout_ms: i32,
    ) -> js_sys::Promise;
}

/// A response whose body was read: the status, the parsed JSON (`null` when empty or not JSON)
/// and the rate-limit reset header.
#[derive(Clone, Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Parsed body, `null` when empty or not JSON.
    pub json: JsValue,
    /// Whether the body was non-empty and not JSON.
    pub invalid_json: bool,
    /// `x-ratelimit-reset`, when the server exposes it through CORS.
    pub ratelimit_reset: Option<String>,
}

impl Reply {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends a request and reads the whole answer, whatever its status. Fails only with
/// `network_error` (fetch failed, or the timeout aborted it: detail `timeout`). The request,
/// its timer (cleared when the call settles, at the latest after the timeout) and the reading of
/// the body are js/wasm/browser.js `send`.
pub fn fetch(req: Request<'_>) -> Then<impl Fn(Outcome) -> Result<Reply>> {
    Then::new(start(req), |settled| {
        // `send` rejects only with a string, which `reply` reads as the failure.
        reply(settled.unwrap_or_else(|reason| reason))
    })
}

/// Calls the snippet's `send` for `req`.
fn start(req: Request<'_>) -> js_sys::Promise {
    let (kind, body) = match req.body {
        Body::Empty => (0, JsValue::UNDEFINED),
        Body::Json(value) => (1, value.clone()),
        Body::Form(text) => (2, JsValue::from_str(text)),
    };
    js_send(
        req.method,
        req.url,
        req.bearer.map(Secret::expose),
        kind,
        &body,
        req.timeout_ms,
    )
}

/// Reads what `send` settled with: its `{ status, json, invalid, reset }`, or its rejection
/// reason (a string) as `network_error`.
pub fn reply(settled: JsValue) -> Result<Reply> {
    if let Some(reason) = settled.as_string() {
        return Err(network_error(&reason));
    }
    Ok(Reply {
        status: field_f64(&settled, "status").unwrap_or(0.0) as u16,
        json: field(&settled, "json"),
        invalid_json: field(&settled, "invalid").is_truthy(),
        ratelimit_reset: field_str(&settled, "reset"),
    })
}

/// Sends a request and returns the parsed JSON body (`null` for an empty 2xx body).
///
/// Errors: `network_error` when fetch fails or the timeout aborts it; the mapping of
/// [`error_for_status`] for non-2xx; `api_error` for a 2xx body that is not JSON.
pub fn send(req: Request<'_>) -> Then<impl Fn(Outcome) -> Result<JsValue>> {
    Then::new(start(req), |settled| {
        json_of(reply(settled.unwrap_or_else(|reason| reason))?)
    })
}

/// The parsed JSON body of a 2xx `reply` (`null` when empty); the errors of [`send`] otherwise.
pub fn json_of(reply: Reply) -> Result<JsValue> {
    if reply.ok() {
        if reply.invalid_json {
            return Err(Error::new(
                ErrorCode::ApiError,
                "The server answered with invalid JSON.",
            )
            .with_status(reply.status));
        }
        return Ok(reply.json);
    }
    Err(error_for_status(
        reply.status,
        error_body(&reply.json),
        reply.ratelimit_reset.as_deref(),
    ))
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `sendPair`: the token request and (with `jwks_url`) the JWKS GET
    /// started together, one promise of `[token, jwks]`, each `send`'s result or rejection.
    #[wasm_bindgen(js_name = sendPair)]
    fn js_send_pair(
        url: &str,
        form: &str,
        jwks_url: Option<&str>,
        timeout_ms: i32,
    ) -> js_sys::Promise;
}

/// POSTs the form-encoded `form` to `url` (the token endpoint) and, when `jwks_url` is given,
/// GETs it at the same time (one round trip instead of two in a row): what each settled with,
/// for [`reply`] (the JWKS one `undefined` when not asked). Nothing is judged here or in the
/// snippet; the caller reads the token's reply first.
pub fn fetch_pair(
    url: &str,
    form: &str,
    jwks_url: Option<&str>,
) -> Then<impl Fn(Outcome) -> (JsValue, JsValue)> {
    Then::new(
        js_send_pair(url, form, jwks_url, DEFAULT_TIMEOUT_MS),
        // `sendPair` never rejects: each request's failure is its element.
        |pair| {
            let pair = pair.unwrap_or_default();
            (field(&pair, "0"), field(&pair, "1"))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(message: &str, code: Option<&str>) -> ErrorBody {
        ErrorBody {
            error: Some("Bad Request".into()),
            message: Some(message.into()),
            error_code: code.map(Into::into),
        }
    }

    #[test]
    fn maps_each_status() {
        let same = error_for_status(
            400,
            body("Main identity and the new one are the same.", None),
            None,
        );
        assert_eq!(same.code, ErrorCode::SameIdentity);
        for (message, code) in [
            (
                "Payload validation error: same value twice",
                Some("invalid_body"),
            ),
            ("Not the same", None),
            ("bad", Some("same_identity_not_allowed")),
        ] {
            let other = error_for_status(400, body(message, code), None);
            assert_eq!(other.code, ErrorCode::ApiError, "{message}");
        }
        let conflict = error_for_status(
            409,
            body("Main identity and the new one are the same.", None),
            None,
        );
        assert_eq!(conflict.code, ErrorCode::AlreadyLinked);
        let bad = error_for_status(
            400,
            body("Payload validation error", Some("invalid_body")),
            None,
        );
        assert_eq!(bad.code, ErrorCode::ApiError);
        assert_eq!(bad.status, Some(400));
        assert_eq!(
            bad.detail.as_deref(),
            Some("invalid_body: Payload validation error")
        );
        assert!(bad.message.contains("HTTP 400"));
        assert_eq!(
            error_for_status(409, ErrorBody::default(), None).code,
            ErrorCode::AlreadyLinked
        );
        assert_eq!(
            error_for_status(401, ErrorBody::default(), None).code,
            ErrorCode::Unauthorized
        );
        assert_eq!(
            error_for_status(403, ErrorBody::default(), None).code,
            ErrorCode::Forbidden
        );
        let e500 = error_for_status(500, ErrorBody::default(), None);
        assert_eq!((e500.code, e500.status), (ErrorCode::ApiError, Some(500)));
    }

    #[test]
    fn rate_limit_carries_reset() {
        let e = error_for_status(429, body("Too Many Requests", None), Some("1764000000"));
        assert_eq!(e.code, ErrorCode::RateLimited);
        assert_eq!(e.reset_at, Some(1_764_000_000.0));
        assert_eq!(
            error_for_status(429, ErrorBody::default(), Some("soon")).reset_at,
            None
        );
    }

    #[test]
    fn server_text_is_clipped() {
        let e = error_for_status(500, body(&"x".repeat(5000), None), None);
        assert!(e.into_details().detail.unwrap().len() < 400);
    }
}
