//! Redirect mode's only persisted state: one transaction per `state` in `sessionStorage`
//! (DESIGN.md 6.5). It holds the PKCE verifier, state, nonce, connection, creation time, kind and
//! the primary user id; never a token. It is read and deleted in one step when the callback arrives, whatever the
//! outcome, so it is single-use (DESIGN.md 6.2).

use crate::error::{Error, ErrorCode, Result};
use crate::http::{field_f64, field_str, set_field};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;
use wasm_bindgen::prelude::*;

/// Key prefix; the state follows. The callback page uses it to tell redirect mode (a transaction
/// exists for this state) from a popup fallback (none here).
pub const KEY_PREFIX: &str = "account-link.tx.";

/// A transaction older than this is stale and rejected (10 minutes, like an authorization code's
/// maximum lifetime recommended by RFC 6749 4.1.2).
pub const MAX_AGE_MS: f64 = 600_000.0;

/// What the redirect was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Link a secondary account through the Management API.
    Link,
    /// Sign in the primary user and capture the access token.
    SignIn,
    /// Deprecated: the server linked on login (`access_token` in the authorize URL).
    Legacy,
}

impl Kind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Link => "link",
            Kind::SignIn => "signin",
            Kind::Legacy => "legacy",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "link" => Some(Kind::Link),
            "signin" => Some(Kind::SignIn),
            "legacy" => Some(Kind::Legacy),
            _ => None,
        }
    }
}

/// One pending redirect transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct Transaction {
    /// The `state` sent (also the storage key's suffix).
    pub state: String,
    /// The `nonce` sent.
    pub nonce: String,
    /// The PKCE verifier.
    pub verifier: Secret,
    /// The connection chosen.
    pub connection: String,
    /// Creation time, ms since the UNIX epoch.
    pub created_at_ms: f64,
    /// What the redirect was for.
    pub kind: Kind,
    /// The primary user id when the link started (empty for a sign-in). Not a secret; the return
    /// is refused if another user is signed in by then.
    pub primary: String,
}

/// The storage key for a state.
pub fn storage_key(state: &str) -> String {
    KEY_PREFIX.to_owned() + state
}

/// Whether a transaction created at `created_at_ms` is stale at `now_ms`: older than
/// [`MAX_AGE_MS`], or dated more than a minute in the future (a tampered entry).
pub fn is_stale(created_at_ms: f64, now_ms: f64) -> bool {
    !(now_ms - created_at_ms <= MAX_AGE_MS && created_at_ms - now_ms <= 60_000.0)
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `storageKeys`: the keys of `storage` starting with `prefix`, as a new
    /// array. One import call instead of `length`, `key(i)` per item and a `Vec<String>`.
    #[wasm_bindgen(js_name = storageKeys)]
    fn storage_keys(storage: &web_sys::Storage, prefix: &str) -> js_sys::Array;
}

fn mismatch(message: &str, detail: &str) -> Error {
    Error::new(ErrorCode::StateMismatch, message).with_detail(detail)
}

fn storage() -> Result<web_sys::Storage> {
    crate::prelude::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .ok_or_else(|| {
            Error::invalid_options(
                "sessionStorage is unavailable; redirect mode needs it (use popup mode).",
            )
        })
}

impl Transaction {
    /// Serialises with the browser's `JSON`.
    pub fn to_json(&self) -> String {
        let o = js_sys::Object::new();
        set_field(&o, "state", &self.state.as_str().into());
        set_field(&o, "nonce", &self.nonce.as_str().into());
        set_field(&o, "verifier", &self.verifier.expose().into());
        set_field(&o, "connection", &self.connection.as_str().into());
        set_field(&o, "createdAt", &self.created_at_ms.into());
        set_field(&o, "kind", &self.kind.as_str().into());
        set_field(&o, "primary", &self.primary.as_str().into());
        js_sys::JSON::stringify(&o)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }

    /// Parses what [`Transaction::to_json`] wrote; `None` when anything is missing.
    pub fn from_json(text: &str) -> Option<Transaction> {
        let o: JsValue = js_sys::JSON::parse(text).ok()?;
        Some(Transaction {
            state: field_str(&o, "state")?,
            nonce: field_str(&o, "nonce")?,
            verifier: Secret::new(field_str(&o, "verifier")?),
            connection: field_str(&o, "connection")?,
            created_at_ms: field_f64(&o, "createdAt")?,
            kind: Kind::parse(&field_str(&o, "kind")?)?,
            primary: field_str(&o, "primary")?,
        })
    }

    /// Stores the transaction under its state's key.
    pub fn save(&self) -> Result<()> {
        storage()?
            .set_item(&storage_key(&self.state), &self.to_json())
            .map_err(|_| {
                Error::invalid_options("sessionStorage is full or disabled; use popup mode.")
            })
    }

    /// Reads and deletes the transaction for `state`. Missing, malformed, mismatched or stale
    /// transactions are `state_mismatch` (and are deleted all the same).
    pub fn take(state: &str, now_ms: f64) -> Result<Transaction> {
        let storage = storage()?;
        let key = storage_key(state);
        let text = storage.get_item(&key).ok().flatten();
        let _ = storage.remove_item(&key);
        let text = text.ok_or_else(|| {
            mismatch(
                "No login is pending for this callback (it was used already, or started in another tab).",
                "no_transaction",
            )
        })?;
        let tx = Transaction::from_json(&text).ok_or_else(|| {
            mismatch("The pending login is unreadable; start again.", "malformed")
        })?;
        if tx.state != state {
            return Err(mismatch("The callback belongs to another login.", "state"));
        }
        if is_stale(tx.created_at_ms, now_ms) {
            return Err(mismatch(
                "The pending login is too old; start again.",
                "stale",
            ));
        }
        Ok(tx)
    }

    /// Deletes every stored transaction older than [`MAX_AGE_MS`] (abandoned redirects).
    pub fn purge_stale(now_ms: f64) {
        let Ok(storage) = storage() else { return };
        for key in storage_keys(&storage, KEY_PREFIX).iter() {
            let key = key.as_string().unwrap_or_default();
            let stale = storage
                .get_item(&key)
                .ok()
                .flatten()
                .and_then(|t| Transaction::from_json(&t))
                .is_none_or(|tx| is_stale(tx.created_at_ms, now_ms));
            if stale {
                let _ = storage.remove_item(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness() {
        let now = 1_764_000_000_000.0;
        assert!(!is_stale(now, now));
        assert!(!is_stale(now - MAX_AGE_MS, now));
        assert!(is_stale(now - MAX_AGE_MS - 1.0, now));
        assert!(is_stale(now + 120_000.0, now));
        assert!(is_stale(f64::NAN, now));
    }

    #[test]
    fn kinds_round_trip() {
        for k in [Kind::Link, Kind::SignIn, Kind::Legacy] {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("LINK"), None);
        assert_eq!(storage_key("abc"), "account-link.tx.abc");
    }
}
