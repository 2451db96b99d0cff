//! Shared by the browser test files that talk to the running emulator (tests/api.rs,
//! tests/widget.rs): where it is, the seed users, and calls to its `/__test__/` control API.
//!
//! Each test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

use account_link::http::{self, set_field, Body, Request};
use account_link::secret::Secret;
use wasm_bindgen::prelude::*;

/// The emulator's default SPA client.
pub const CLIENT: &str = "account-link-demo";
/// The seed primary user (Username-Password-Authentication).
pub const ALICE: &str = "auth0|alice";
/// The seed Google user, Alice's second account.
pub const ALICE_GOOGLE: &str = "google-oauth2|1001";

/// The emulator's URL, given at compile time (tests are compiled ahead of time).
pub fn emu() -> &'static str {
    // A match, not `.expect()`: clippy denies `option_env!(..).expect(..)` (option_env_unwrap).
    match option_env!("EMULATOR_URL") {
        Some(url) => url.trim_end_matches('/'),
        None => panic!("EMULATOR_URL was not set at compile time: start the emulator and set it (see tests/api.rs), or run `npm test`"),
    }
}

/// `{ key: value, ... }`.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        set_field(&o, k, v);
    }
    o.into()
}

/// A JSON request through the crate's own HTTP layer; panics with the error on failure.
pub async fn send(method: &str, url: &str, bearer: Option<&str>, body: &JsValue) -> JsValue {
    let token = bearer.map(|b| Secret::new(b.to_owned()));
    http::send(Request {
        method,
        url,
        bearer: token.as_ref(),
        body: Body::Json(body),
        timeout_ms: 10_000,
    })
    .await
    .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// `POST /__test__/{path}` with a JSON body (the control API refuses anything else).
pub async fn control(base: &str, path: &str, body: &JsValue) -> JsValue {
    send("POST", &format!("{base}/__test__/{path}"), None, body).await
}

/// Back to the seed state.
pub async fn reset(base: &str) {
    control(base, "reset", &js_sys::Object::new().into()).await;
}
