//! The crate's one error type, and its conversion to the JS `LinkWidgetError`.
//!
//! Every failure a caller can see carries a stable [`ErrorCode`] (snake_case on the JS side).
//! Messages name the fix where there is one and never contain tokens, codes or verifiers.

#[allow(unused_imports)]
use crate::prelude::*;
use core::fmt;

/// Stable error codes, shown to JS as `error.code`. Never rename one: apps switch on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// An option passed to `createLinkWidget` is missing or malformed.
    InvalidOptions,
    /// `window.open` returned null: the browser blocked the popup.
    PopupBlocked,
    /// The user closed the popup, or a newer transaction replaced this one.
    Cancelled,
    /// No answer from the popup within `popupTimeoutSeconds`.
    Timeout,
    /// The callback's `state` is missing, unknown, already used or not ours.
    StateMismatch,
    /// The authorization server answered with an OAuth `error` (carried in `error`).
    AuthorizationError,
    /// The ID token failed a check (signature, `iss`, `aud`, `azp`, times, `nonce`, `sub`).
    InvalidIdToken,
    /// The account chosen is the signed-in user itself.
    SameIdentity,
    /// The account chosen is already linked (to this or another user).
    AlreadyLinked,
    /// The access token is missing, expired or rejected (HTTP 401).
    Unauthorized,
    /// The access token lacks a scope or does not own the user (HTTP 403).
    Forbidden,
    /// The Management API rate limit is spent (HTTP 429); `resetAt` tells when it refills.
    RateLimited,
    /// Any other non-2xx answer from the API; `status` and the server's message are carried.
    ApiError,
    /// The request never got an answer: offline, DNS, CORS, or the request timed out.
    NetworkError,
    /// The widget was destroyed; create a new one.
    Destroyed,
}

impl ErrorCode {
    /// The stable snake_case name seen by JS.
    pub fn as_str(self) -> &'static str {
        // One string in declaration order, scanned (no table of `&str` in the data).
        const CODES: &str = "invalid_options popup_blocked cancelled timeout state_mismatch \
            authorization_error invalid_id_token same_identity already_linked unauthorized \
            forbidden rate_limited api_error network_error destroyed";
        let mut rest = CODES;
        for _ in 0..self as usize {
            next_field(&mut rest, b' ');
        }
        next_field(&mut rest, b' ')
    }
}

/// A failure: [`ErrorDetails`] behind one pointer, read through `Deref` (`error.code`,
/// `error.message`...). Boxed so every `Result` the flows pass around is small: moving and
/// dropping a 60-byte error through each `?` and `.await` cost several KB of wasm (issue 5).
#[derive(Clone, Debug, PartialEq)]
pub struct Error(Box<ErrorDetails>);

impl core::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

/// A failure with its code, a message for people, and optional details.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorDetails {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// Human-readable, names the fix where there is one. Never contains secrets.
    pub message: String,
    /// HTTP status, for API errors.
    pub status: Option<u16>,
    /// Extra detail, e.g. Auth0's `errorCode` or the failing ID token check.
    pub detail: Option<String>,
    /// The OAuth `error` value, for `authorization_error`.
    pub oauth_error: Option<String>,
    /// The OAuth `error_description`, for `authorization_error`.
    pub oauth_error_description: Option<String>,
    /// When a rate limit refills, in UNIX seconds, for `rate_limited`.
    pub reset_at: Option<f64>,
}

impl Error {
    /// An error with a code and a message and no details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::with_message(code, message.into())
    }

    // Out of line: one copy of the construction code for every call site.
    #[inline(never)]
    fn with_message(code: ErrorCode, message: String) -> Self {
        Error(Box::new(ErrorDetails {
            code,
            message,
            status: None,
            detail: None,
            oauth_error: None,
            oauth_error_description: None,
            reset_at: None,
        }))
    }

    /// The details, out of the box (to move fields out).
    pub fn into_details(self) -> ErrorDetails {
        *self.0
    }

    /// The `destroyed` error: every call on a destroyed widget, and every action it had begun.
    pub fn destroyed() -> Self {
        Error::new(
            ErrorCode::Destroyed,
            "this widget was destroyed; create a new one with createLinkWidget(options)",
        )
    }

    /// Shorthand for [`ErrorCode::InvalidOptions`].
    pub fn invalid_options(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidOptions, message)
    }

    /// Adds an HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds a detail string.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

/// Shorthand used across the crate.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(target_arch = "wasm32")]
mod js {
    use super::Error;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/js/error.js")]
    extern "C" {
        /// The JS class from `js/error.js`, re-exported by the package entry.
        #[wasm_bindgen(js_name = LinkWidgetError)]
        type JsLinkWidgetError;

        #[wasm_bindgen(constructor, js_class = "LinkWidgetError")]
        fn new(code: &str, message: &str, extra: &JsValue) -> JsLinkWidgetError;
    }

    fn set(target: &js_sys::Object, key: &str, value: JsValue) {
        crate::http::set_field(target, key, &value);
    }

    impl From<Error> for JsValue {
        fn from(error: Error) -> JsValue {
            let extra = js_sys::Object::new();
            if let Some(status) = error.status {
                set(&extra, "status", JsValue::from(status));
            }
            if let Some(detail) = &error.detail {
                set(&extra, "detail", JsValue::from_str(detail));
            }
            if let Some(oauth_error) = &error.oauth_error {
                set(&extra, "error", JsValue::from_str(oauth_error));
            }
            if let Some(description) = &error.oauth_error_description {
                set(&extra, "errorDescription", JsValue::from_str(description));
            }
            if let Some(reset_at) = error.reset_at {
                set(&extra, "resetAt", JsValue::from(reset_at));
            }
            JsLinkWidgetError::new(error.code.as_str(), &error.message, &extra).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        assert_eq!(ErrorCode::InvalidOptions.as_str(), "invalid_options");
        assert_eq!(ErrorCode::RateLimited.as_str(), "rate_limited");
        assert_eq!(ErrorCode::NetworkError.as_str(), "network_error");
    }

    #[test]
    fn every_code_has_its_name() {
        let all = [
            (ErrorCode::InvalidOptions, "invalid_options"),
            (ErrorCode::PopupBlocked, "popup_blocked"),
            (ErrorCode::Cancelled, "cancelled"),
            (ErrorCode::Timeout, "timeout"),
            (ErrorCode::StateMismatch, "state_mismatch"),
            (ErrorCode::AuthorizationError, "authorization_error"),
            (ErrorCode::InvalidIdToken, "invalid_id_token"),
            (ErrorCode::SameIdentity, "same_identity"),
            (ErrorCode::AlreadyLinked, "already_linked"),
            (ErrorCode::Unauthorized, "unauthorized"),
            (ErrorCode::Forbidden, "forbidden"),
            (ErrorCode::RateLimited, "rate_limited"),
            (ErrorCode::ApiError, "api_error"),
            (ErrorCode::NetworkError, "network_error"),
            (ErrorCode::Destroyed, "destroyed"),
        ];
        for (code, name) in all {
            assert_eq!(code.as_str(), name);
        }
    }

    #[test]
    fn display_shows_code_and_message() {
        let e = Error::invalid_options("domain is required").with_status(400);
        assert_eq!(e.to_string(), "invalid_options: domain is required");
        assert_eq!(e.status, Some(400));
    }
}
