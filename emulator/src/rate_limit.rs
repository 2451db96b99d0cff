//! Per-token Management API budgets and the `x-ratelimit-*` headers Auth0 sends.

use crate::keys::now;
use crate::state::lock;
use axum::http::{HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// A fixed one-minute window budget per bearer token.
#[derive(Debug)]
pub struct Limiter {
    limit: u32,
    windows: Mutex<HashMap<[u8; 32], (i64, u32)>>,
}

/// The outcome of one request against its budget.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Requests per window.
    pub limit: u32,
    /// Requests left in this window.
    pub remaining: u32,
    /// When the window ends (UNIX seconds).
    pub reset: i64,
    /// Whether this request is refused (429).
    pub exceeded: bool,
}

impl Limiter {
    /// A limiter allowing `limit` requests per minute per token.
    pub fn new(limit: u32) -> Self {
        Limiter {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request for `key` (the bearer token, or empty when there is none).
    pub fn hit(&self, key: &str) -> Budget {
        let k: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let t = now();
        let mut w = lock(&self.windows);
        let entry = w.entry(k).or_insert((t, 0));
        if t >= entry.0 + 60 {
            *entry = (t, 0);
        }
        let exceeded = entry.1 >= self.limit;
        if !exceeded {
            entry.1 += 1;
        }
        Budget {
            limit: self.limit,
            remaining: self.limit - entry.1,
            reset: entry.0 + 60,
            exceeded,
        }
    }

    /// Forgets every window.
    pub fn clear(&self) {
        lock(&self.windows).clear();
    }
}

impl Budget {
    /// Adds `x-ratelimit-limit`, `x-ratelimit-remaining`, `x-ratelimit-reset` (and
    /// `retry-after` when exceeded).
    pub fn apply(&self, headers: &mut HeaderMap) {
        let n = |v: i64| HeaderValue::from_str(&v.to_string()).expect("digits");
        headers.insert("x-ratelimit-limit", n(self.limit as i64));
        headers.insert("x-ratelimit-remaining", n(self.remaining as i64));
        headers.insert("x-ratelimit-reset", n(self.reset));
        if self.exceeded {
            headers.insert("retry-after", n((self.reset - now()).max(1)));
        }
    }
}
