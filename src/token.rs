//! Where the primary user's Management API access token comes from (issue 4, item 6): a static
//! string, an async provider function called before each API request (so an SDK such as
//! auth0-spa-js can refresh it), or the token captured by `signIn`.
//!
//! Tokens stay in memory only (DESIGN.md 6.5).

use crate::error::{Error, ErrorCode, Result};
use crate::id_token;
use crate::options::ACCESS_TOKEN_HINT;
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The configured source, as given in the `accessToken` option.
#[derive(Clone, Debug)]
pub enum Configured {
    /// No `accessToken` option: only a token captured by sign-in can be used.
    None,
    /// A fixed token string.
    Static(Secret),
    /// A function returning a token or a Promise of one, called before each request.
    Provider(js_sys::Function),
}

#[derive(Clone, Debug)]
struct Captured {
    token: Secret,
    expires_at_ms: Option<f64>,
}

/// The access token source of one widget.
#[derive(Debug)]
pub struct TokenSource {
    configured: Configured,
    captured: RefCell<Option<Captured>>,
    /// Set by [`TokenSource::end`]: no token is given any more.
    ended: core::cell::Cell<bool>,
}

fn unauthorized(message: &str) -> Error {
    Error::new(ErrorCode::Unauthorized, message)
}

impl TokenSource {
    /// A source from a configured value.
    pub fn new(configured: Configured) -> Self {
        TokenSource {
            configured,
            captured: RefCell::new(None),
            ended: core::cell::Cell::new(false),
        }
    }

    /// Reads the `accessToken` option: a non-empty string, a function, or `undefined`/`null`.
    /// Anything else is `invalid_options` with the message `Config::from_js` gives (which has
    /// checked the option already when the widget builds its source; one string in the wasm).
    pub fn from_js(value: &JsValue) -> Result<Self> {
        let configured = if value.is_undefined() || value.is_null() {
            Configured::None
        } else if let Some(s) = value.as_string() {
            if s.trim().is_empty() {
                return Err(Error::invalid_options(ACCESS_TOKEN_HINT));
            }
            Configured::Static(Secret::new(s))
        } else if let Some(f) = value.dyn_ref::<js_sys::Function>() {
            Configured::Provider(f.clone())
        } else {
            return Err(Error::invalid_options(ACCESS_TOKEN_HINT));
        };
        Ok(Self::new(configured))
    }

    /// Keeps the token a sign-in returned; used when no `accessToken` option was given.
    pub fn set_captured(&self, token: Secret, expires_at_ms: Option<f64>) {
        *self.captured.borrow_mut() = Some(Captured {
            token,
            expires_at_ms,
        });
    }

    /// Forgets the captured token, and from now on answers every request for a token with
    /// `destroyed`, without asking the app's provider (`destroy`).
    pub fn end(&self) {
        self.ended.set(true);
        *self.captured.borrow_mut() = None;
    }

    /// Whether a token can be had without calling anything (static, or captured and unexpired).
    pub fn has_token(&self) -> bool {
        matches!(
            self.configured,
            Configured::Static(_) | Configured::Provider(_)
        ) || self.captured_token().is_some()
    }

    fn captured_token(&self) -> Option<Secret> {
        let captured = self.captured.borrow();
        let c = captured.as_ref()?;
        match c.expires_at_ms {
            Some(at) if js_sys::Date::now() >= at => None,
            _ => Some(c.token.clone()),
        }
    }

    /// The token to use now. A provider is called each time and may return a Promise; it must
    /// yield a non-empty string. Failures are `unauthorized` (the provider's own error text is
    /// not copied: it might contain a token). After [`TokenSource::end`], `destroyed`: checked
    /// before the provider is asked and again once it answered (the widget may have been
    /// destroyed meanwhile), so a destroyed widget's flows stop here, before any request.
    pub async fn get(&self) -> Result<Secret> {
        if self.ended.get() {
            return Err(Error::destroyed());
        }
        match &self.configured {
            Configured::Static(t) => Ok(t.clone()),
            Configured::Provider(f) => {
                let fail = || unauthorized("The accessToken function failed or returned no token.");
                // One promise of the call's outcome (js/wasm/browser.js `callProvider`): a throw, a
                // plain string or a foreign thenable all settle it.
                let value = crate::task::PromiseFuture::from(call_provider(f))
                    .await
                    .map_err(|_| fail())?;
                if self.ended.get() {
                    return Err(Error::destroyed());
                }
                match value.as_string() {
                    Some(s) if !s.trim().is_empty() => Ok(Secret::new(s)),
                    _ => Err(fail()),
                }
            }
            Configured::None => self.captured_token().ok_or_else(|| {
                unauthorized(
                    "No access token: pass accessToken to createLinkWidget, or call signIn() first.",
                )
            }),
        }
    }
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `callProvider`: `f()` (no `this`) inside an async function, so its
    /// value, a promise or thenable it returns, or its throw settles one promise. All-reference,
    /// so imported directly (no `call0` catch glue, no `Promise.resolve`).
    #[wasm_bindgen(js_name = callProvider)]
    fn call_provider(f: &js_sys::Function) -> js_sys::Promise;
}

/// The `sub` of a JWT access token, without verifying it: only used to learn the primary user's
/// id when `userId` is not given (the API checks the token itself). `None` for opaque tokens.
pub fn jwt_sub(token: &Secret) -> Option<String> {
    let parts = id_token::split(token.expose()).ok()?;
    let payload = id_token::decode_json_part(parts.payload).ok()?;
    crate::http::field_str(&payload, "sub").filter(|s| !s.is_empty())
}
