//! Shared server state: configuration, store, keys and the short-lived in-memory records
//! (pending logins, authorization codes, opaque access tokens).

use crate::config::Config;
use crate::faults::Faults;
use crate::keys::Keys;
use crate::rate_limit::Limiter;
use crate::store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// How `/authorize` answers (OAuth 2.0 Multiple Response Type Encoding Practices, and Auth0's
/// `web_message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    /// Redirect with the answer in the query string.
    Query,
    /// Redirect with the answer in the fragment.
    Fragment,
    /// A page that posts the answer to `window.opener`.
    WebMessage,
}

/// A validated `/authorize` request waiting for the user to sign in.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    /// Client.
    pub client_id: String,
    /// Where the answer goes (a callback URL, or a web origin for `web_message`).
    pub redirect_uri: String,
    /// How the answer is sent.
    pub response_mode: ResponseMode,
    /// The client's `state`, returned unchanged.
    pub state: String,
    /// The client's `nonce`, copied into the ID token.
    pub nonce: Option<String>,
    /// PKCE S256 challenge.
    pub code_challenge: String,
    /// Requested scopes.
    pub scope: String,
    /// Requested API audience, if any.
    pub audience: Option<String>,
    /// Requested connection, if any.
    pub connection: Option<String>,
    /// Legacy linking: the user (`sub` of the `access_token` parameter) to link the new login to.
    pub link_to: Option<String>,
    /// When the request was made (UNIX seconds).
    pub created_at: i64,
}

/// An issued authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// The request it answers.
    pub request: AuthRequest,
    /// The signed-in user.
    pub sub: String,
    /// Login time.
    pub auth_time: i64,
    /// Expiry (UNIX seconds).
    pub expires_at: i64,
}

/// An opaque access token (no API audience requested), usable at `/userinfo`.
#[derive(Debug, Clone)]
pub struct OpaqueToken {
    /// The user.
    pub sub: String,
    /// Granted scopes.
    pub scope: String,
    /// Expiry (UNIX seconds).
    pub expires_at: i64,
}

/// Everything the handlers share.
pub struct AppState {
    /// Tenant configuration.
    pub config: Config,
    /// Issuer URL with trailing slash.
    pub issuer: String,
    /// Signing key.
    pub keys: Keys,
    /// Users and links.
    pub store: Mutex<Store>,
    /// Pending logins by transaction id.
    pub logins: Mutex<HashMap<String, AuthRequest>>,
    /// Authorization codes.
    pub codes: Mutex<HashMap<String, AuthCode>>,
    /// Opaque access tokens.
    pub opaque_tokens: Mutex<HashMap<String, OpaqueToken>>,
    /// Injected faults.
    pub faults: Faults,
    /// Management API budgets.
    pub limiter: Limiter,
    /// Whether `/__test__/*` is enabled.
    pub test_control: bool,
}

/// The state as handlers receive it.
pub type Shared = Arc<AppState>;

/// Locks a mutex, recovering from poisoning (a panicking request must not wedge the tenant).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    /// The Management API audience, `ISSUER + "api/v2/"`.
    pub fn api_audience(&self) -> String {
        format!("{}api/v2/", self.issuer)
    }

    /// The userinfo audience, `ISSUER + "userinfo"`.
    pub fn userinfo_audience(&self) -> String {
        format!("{}userinfo", self.issuer)
    }

    /// Drops every short-lived record (used by the test reset).
    pub fn clear_ephemeral(&self) {
        lock(&self.logins).clear();
        lock(&self.codes).clear();
        lock(&self.opaque_tokens).clear();
        self.faults.clear();
        self.limiter.clear();
    }
}
