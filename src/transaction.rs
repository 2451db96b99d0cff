//! Redirect mode's only persisted state: one transaction per `state` in `sessionStorage`
//! (DESIGN.md 6.5). It holds the PKCE verifier, state, nonce, connection, creation time, kind and
//! the primary user id; never a token. It is read and deleted in one step when the callback arrives, whatever the
//! outcome, so it is single-use (DESIGN.md 6.2).

use crate::error::{Error, ErrorCode, Result};
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
    // js/wasm/browser.js: sessionStorage, each step one call instead of the `Storage` imports,
    // their `Result`s and a JS object built or read field by field. Every check stays here.

    /// `storageKeys`: the keys of sessionStorage starting with `prefix`, as a new array (empty
    /// without sessionStorage).
    #[wasm_bindgen(js_name = storageKeys)]
    fn storage_keys(prefix: &str) -> js_sys::Array;

    /// `txSave`: stores the record as a JSON object under `key`, then navigates to `url` unless
    /// it is empty; 0 done, 1 no sessionStorage, 2 `setItem` threw, 3 the navigation threw.
    #[wasm_bindgen(js_name = txSave)]
    #[allow(clippy::too_many_arguments)]
    fn tx_save(
        key: &str,
        state: &str,
        nonce: &str,
        verifier: &str,
        connection: &str,
        created_at: f64,
        kind: &str,
        primary: &str,
        url: &str,
    ) -> u32;

    /// `txRead`: the record under `key` as `[state, nonce, verifier, connection, createdAt, kind,
    /// primary]` (unchecked values; `[]` when not a JSON object), `null` when there is none,
    /// `undefined` without sessionStorage; `remove` deletes it too.
    #[wasm_bindgen(js_name = txRead)]
    fn tx_read(key: &str, remove: bool) -> JsValue;
}

fn mismatch(message: &str, detail: &str) -> Error {
    Error::new(ErrorCode::StateMismatch, message).with_detail(detail)
}

fn unavailable() -> Error {
    Error::invalid_options(
        "sessionStorage is unavailable; redirect mode needs it (use popup mode).",
    )
}

impl Transaction {
    /// The transaction of a record [`tx_read`] gave; `None` when a field is missing or of the
    /// wrong type, or the kind is unknown.
    fn from_record(record: &JsValue) -> Option<Transaction> {
        let record: &js_sys::Array = record.unchecked_ref();
        let text = |i| record.get(i).as_string();
        Some(Transaction {
            state: text(0)?,
            nonce: text(1)?,
            verifier: Secret::new(text(2)?),
            connection: text(3)?,
            created_at_ms: record.get(4).as_f64()?,
            kind: Kind::parse(&text(5)?)?,
            primary: text(6)?,
        })
    }

    /// Stores the transaction under its state's key, as a JSON object.
    pub fn save(&self) -> Result<()> {
        self.save_and_go("")
    }

    /// [`Transaction::save`], then leaves for `url` (`location.assign`) in the same browser call.
    pub fn save_and_go(&self, url: &str) -> Result<()> {
        match tx_save(
            &storage_key(&self.state),
            &self.state,
            &self.nonce,
            self.verifier.expose(),
            &self.connection,
            self.created_at_ms,
            self.kind.as_str(),
            &self.primary,
            url,
        ) {
            0 => Ok(()),
            1 => Err(unavailable()),
            2 => Err(Error::invalid_options(
                "sessionStorage is full or disabled; use popup mode.",
            )),
            _ => Err(Error::invalid_options(
                "Could not navigate to the login page.",
            )),
        }
    }

    /// Reads and deletes the transaction for `state`. Missing, malformed, mismatched or stale
    /// transactions are `state_mismatch` (and are deleted all the same).
    pub fn take(state: &str, now_ms: f64) -> Result<Transaction> {
        let record = tx_read(&storage_key(state), true);
        if record.is_undefined() {
            return Err(unavailable());
        }
        if record.is_null() {
            return Err(mismatch(
                "No login is pending for this callback (it was used already, or started in another tab).",
                "no_transaction",
            ));
        }
        let tx = Transaction::from_record(&record).ok_or_else(|| {
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

    /// Deletes every stored transaction older than [`MAX_AGE_MS`] (abandoned redirects) or
    /// unreadable.
    pub fn purge_stale(now_ms: f64) {
        let keys = storage_keys(KEY_PREFIX);
        for i in 0..keys.length() {
            let key = keys.get(i).as_string().unwrap_or_default();
            let record = tx_read(&key, false);
            // Missing (removed meanwhile: deleting again changes nothing), unreadable and stale
            // records are deleted. `null` must not reach `from_record`, which reads an array.
            if record.is_null()
                || Transaction::from_record(&record)
                    .is_none_or(|tx| is_stale(tx.created_at_ms, now_ms))
            {
                tx_read(&key, true);
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
