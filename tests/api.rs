//! Browser tests of the Management API client, the token endpoint, JWKS validation and the flow
//! helpers against the running emulator over real HTTP.
//!
//! Run with the emulator on 4110 and the runner page on 4120 (an allowed web origin):
//! ```sh
//! account-link-emulator --memory --test-control --port 4110 --config tests/emulator.toml &
//! EMULATOR_URL=http://127.0.0.1:4110 WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:4120 \
//!   CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test api
//! ```
//! Without `EMULATOR_URL` at compile time every test fails with a message saying so: these tests
//! exist to talk to the real emulator, and a silent pass would prove nothing (`npm test` sets it).
//!
//! The popup tests need `WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION=1`: by default the runner page
//! is served with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy:
//! require-corp`, which blocks the emulator's page in a frame and severs a popup's opener.
//! Without it they fail with a message saying so (`npm test` sets it).

// Browser-only: `cargo test` on the host skips this file.
#![cfg(target_arch = "wasm32")]

use account_link::api;
use account_link::error::ErrorCode;
use account_link::flow::{self, FlowContext};
use account_link::http::{self, field_str, Body, Request};
use account_link::id_token::{self, Expected, JwksCache};
use account_link::oauth::Purpose;
use account_link::secret::Secret;
use account_link::token::{Configured, TokenSource};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{control, emu, obj, reset, ALICE, ALICE_GOOGLE, CLIENT};

/// Mints `{ access_token, id_token }` for `sub` through the control API.
async fn mint(base: &str, sub: &str, scope: Option<&str>, nonce: Option<&str>) -> (Secret, Secret) {
    let mut pairs = vec![
        ("sub", JsValue::from_str(sub)),
        ("client_id", CLIENT.into()),
    ];
    if let Some(s) = scope {
        pairs.push(("scope", s.into()));
    }
    if let Some(n) = nonce {
        pairs.push(("nonce", n.into()));
    }
    let t = control(base, "tokens", &obj(&pairs)).await;
    (
        Secret::new(field_str(&t, "access_token").unwrap()),
        Secret::new(field_str(&t, "id_token").unwrap()),
    )
}

async fn fault(base: &str, pairs: &[(&str, JsValue)]) {
    control(base, "faults", &obj(pairs)).await;
}

#[wasm_bindgen_test]
async fn get_identities_lists_the_primary_with_its_profile() {
    let base = emu();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    let list = api::get_identities(base, &token, ALICE).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].provider.as_str(), list[0].user_id.as_str()),
        ("auth0", "alice")
    );
    assert_eq!(list[0].name.as_deref(), Some("Alice Example"));
    assert_eq!(list[0].full_id(), ALICE);
}

#[wasm_bindgen_test]
async fn link_then_unlink() {
    let base = emu();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    let (_, google_id) = mint(base, ALICE_GOOGLE, None, None).await;
    let list = api::link(base, &token, ALICE, &google_id).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().any(|i| i.full_id() == ALICE_GOOGLE));
    let list = api::get_identities(base, &token, ALICE).await.unwrap();
    assert_eq!(list.len(), 2, "the link persisted");
    let list = api::unlink(base, &token, ALICE, "google-oauth2", "1001")
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].full_id(), ALICE);
}

#[wasm_bindgen_test]
async fn linking_yourself_is_same_identity() {
    let base = emu();
    reset(base).await;
    let (token, own_id) = mint(base, ALICE, None, None).await;
    let e = api::link(base, &token, ALICE, &own_id).await.unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::SameIdentity, Some(400)));
}

#[wasm_bindgen_test]
async fn linking_an_account_linked_elsewhere_is_already_linked() {
    let base = emu();
    reset(base).await;
    let bob = control(
        base,
        "users",
        &obj(&[("connection", "github".into()), ("name", "Bob".into())]),
    )
    .await;
    let bob_id = field_str(&bob, "user_id").unwrap();
    let (bob_token, _) = mint(base, &bob_id, None, None).await;
    let (_, google_id) = mint(base, ALICE_GOOGLE, None, None).await;
    api::link(base, &bob_token, &bob_id, &google_id)
        .await
        .unwrap();
    let (alice_token, _) = mint(base, ALICE, None, None).await;
    let e = api::link(base, &alice_token, ALICE, &google_id)
        .await
        .unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::AlreadyLinked, Some(409)));
}

#[wasm_bindgen_test]
async fn bad_token_is_unauthorized_and_missing_scope_is_forbidden() {
    let base = emu();
    reset(base).await;
    let e = api::get_identities(base, &Secret::new("not-a-token"), ALICE)
        .await
        .unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::Unauthorized, Some(401)));
    assert!(
        !e.message.contains("not-a-token")
            && !e.detail.clone().unwrap_or_default().contains("not-a-token")
    );
    let (read_only, _) = mint(base, ALICE, Some("read:current_user"), None).await;
    let (_, google_id) = mint(base, ALICE_GOOGLE, None, None).await;
    let e = api::link(base, &read_only, ALICE, &google_id)
        .await
        .unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::Forbidden, Some(403)));
    // Another user's id with alice's token.
    let (token, _) = mint(base, ALICE, None, None).await;
    let e = api::get_identities(base, &token, ALICE_GOOGLE)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

#[wasm_bindgen_test]
async fn injected_429_is_rate_limited_with_reset_time() {
    let base = emu();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    fault(
        base,
        &[
            ("path", "/api/v2/users".into()),
            ("status", 429.into()),
            (
                "headers",
                obj(&[("x-ratelimit-reset", "1764000000".into())]),
            ),
        ],
    )
    .await;
    let e = api::get_identities(base, &token, ALICE).await.unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::RateLimited, Some(429)));
    assert_eq!(e.reset_at, Some(1_764_000_000.0));
}

#[wasm_bindgen_test]
async fn injected_500_is_api_error_with_the_server_message() {
    let base = emu();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    fault(
        base,
        &[
            ("path", "/api/v2/users".into()),
            ("status", 500.into()),
            (
                "body",
                obj(&[
                    ("statusCode", 500.into()),
                    ("message", "boom".into()),
                    ("errorCode", "internal".into()),
                ]),
            ),
        ],
    )
    .await;
    let e = api::get_identities(base, &token, ALICE).await.unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::ApiError, Some(500)));
    assert_eq!(e.detail.as_deref(), Some("internal: boom"));
}

#[wasm_bindgen_test]
async fn dropped_connection_and_timeout_are_network_errors() {
    let base = emu();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    // Chromium retries a GET once when a reused connection closes with no answer, so the fault
    // applies to a few requests; the reset below clears what is left.
    fault(
        base,
        &[
            ("path", "/api/v2/users".into()),
            ("drop", true.into()),
            ("times", 3.into()),
        ],
    )
    .await;
    let e = api::get_identities(base, &token, ALICE).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NetworkError);
    reset(base).await;
    fault(
        base,
        &[("path", "/api/v2/users".into()), ("delay_ms", 2000.into())],
    )
    .await;
    let url = api::user_url(base, ALICE);
    let e = http::send(Request {
        method: "GET",
        url: &url,
        bearer: Some(&token),
        body: Body::Empty,
        timeout_ms: 300,
    })
    .await
    .unwrap_err();
    assert_eq!(
        (e.code, e.detail.as_deref()),
        (ErrorCode::NetworkError, Some("timeout"))
    );
}

#[wasm_bindgen_test]
async fn unlinking_the_primary_is_refused_locally() {
    let base = emu();
    // A fault that would fail the request proves no request was sent.
    reset(base).await;
    fault(
        base,
        &[("path", "/api/v2/users".into()), ("status", 500.into())],
    )
    .await;
    let (token, _) = mint(base, ALICE, None, None).await;
    let e = api::unlink(base, &token, ALICE, "auth0", "alice")
        .await
        .unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("primary_identity"));
    // The fault is still pending: the next real request meets it.
    let e = api::get_identities(base, &token, ALICE).await.unwrap_err();
    assert_eq!(e.status, Some(500));
}

#[wasm_bindgen_test]
async fn dot_segments_are_refused_without_a_request() {
    let base = emu();
    // `unlink(".", "..")` would resolve to `DELETE /api/v2/users/{primary}/` (delete the user).
    reset(base).await;
    fault(
        base,
        &[("path", "/api/v2/users".into()), ("status", 500.into())],
    )
    .await;
    let (token, _) = mint(base, ALICE, None, None).await;
    for (provider, id) in [
        (".", ".."),
        ("..", "."),
        ("google-oauth2", ""),
        ("", "1001"),
    ] {
        let e = api::unlink(base, &token, ALICE, provider, id)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidOptions, "{provider:?} {id:?}");
    }
    let ctx = FlowContext::new(
        base,
        CLIENT,
        "http://127.0.0.1:4120/",
        TokenSource::new(Configured::Static(token.clone())),
    );
    let e = flow::unlink(&ctx, ".", "..").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidOptions);
    // The fault is still pending: no request reached the API.
    let e = api::get_identities(base, &token, ALICE).await.unwrap_err();
    assert_eq!(e.status, Some(500));
}

#[wasm_bindgen_test]
async fn legacy_unlink_removes_the_identity() {
    let base = emu();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    let (_, google_id) = mint(base, ALICE_GOOGLE, None, None).await;
    api::link(base, &token, ALICE, &google_id).await.unwrap();
    api::legacy_unlink(base, &token, ALICE_GOOGLE)
        .await
        .unwrap();
    assert_eq!(
        api::get_identities(base, &token, ALICE)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[wasm_bindgen_test]
async fn unknown_code_is_an_authorization_error() {
    let base = emu();
    reset(base).await;
    let e = api::exchange_code(
        base,
        CLIENT,
        &Secret::new("nope"),
        &Secret::new("v".repeat(43)),
        "http://127.0.0.1:4120",
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthorizationError);
    assert!(e.oauth_error.is_some());
}

#[wasm_bindgen_test]
async fn fetch_pair_sends_the_token_request_and_the_jwks_get_together() {
    let base = emu();
    reset(base).await;
    let form = api::token_form(
        CLIENT,
        &Secret::new("nope"),
        &Secret::new("v".repeat(43)),
        "http://127.0.0.1:4120",
    );
    let token_url = api::token_url(base);
    let jwks_url = JwksCache::url(base);
    // The form POST reached the token endpoint (403 invalid_grant for the code, not a 404/405),
    // and the JWKS answer is the tenant's key set, which `store` caches and picks from.
    let (token, jwks) = http::fetch_pair(&token_url, &form, Some(&jwks_url)).await;
    let e = api::token_response(http::reply(token)).unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthorizationError);
    assert_eq!(e.oauth_error.as_deref(), Some("invalid_grant"));
    let cache = JwksCache::new();
    assert!(cache.is_empty());
    let key = cache.store(http::reply(jwks), None).unwrap();
    assert_eq!(field_str(&key, "kty").as_deref(), Some("RSA"));
    assert!(!cache.is_empty());
    // Without a JWKS URL only the token request is sent.
    let (token, jwks) = http::fetch_pair(&token_url, &form, None).await;
    assert_eq!(http::reply(token).unwrap().status, 403);
    assert!(jwks.is_undefined());
    // One request failing does not hide the other's answer: each is settled on its own. (A
    // refused connection rather than an emulator fault: the browser may answer a JWKS GET from
    // its cache.)
    let nowhere = "http://127.0.0.1:9/.well-known/jwks.json";
    let (token, jwks) = http::fetch_pair(&token_url, &form, Some(nowhere)).await;
    assert_eq!(http::reply(token).unwrap().status, 403);
    let e = JwksCache::new().store(http::reply(jwks), None).unwrap_err();
    assert_eq!(e.code, ErrorCode::NetworkError);
}

#[wasm_bindgen_test]
async fn emulator_id_token_validates_against_its_jwks() {
    let base = emu();
    reset(base).await;
    let (_, id) = mint(base, ALICE_GOOGLE, None, Some("the-nonce")).await;
    let issuer = format!("{base}/");
    let now = js_sys::Date::now() / 1000.0;
    let expected = Expected {
        issuer: &issuer,
        client_id: CLIENT,
        nonce: "the-nonce",
        primary_user_id: Some(ALICE),
        now_secs: now,
        auth_after_secs: None,
    };
    let jwks = JwksCache::new();
    let decoded = id_token::validate(&id, base, &expected, &jwks)
        .await
        .unwrap();
    assert_eq!(decoded.claims.sub.as_deref(), Some(ALICE_GOOGLE));
    let wrong = Expected {
        nonce: "other",
        ..expected
    };
    assert_eq!(
        id_token::validate(&id, base, &wrong, &jwks)
            .await
            .unwrap_err()
            .detail
            .as_deref(),
        Some("nonce")
    );
}

#[wasm_bindgen_test]
async fn flow_helpers_use_a_token_provider_and_the_jwt_sub() {
    let base = emu();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    // An async provider: returns a Promise of the token; the user id comes from its `sub`.
    let provider = js_sys::Function::new_with_args("t", "return Promise.resolve(t);")
        .bind1(&JsValue::NULL, &token.expose().into())
        .unchecked_into::<js_sys::Function>();
    let ctx = FlowContext::new(
        base,
        CLIENT,
        "http://127.0.0.1:4120/",
        TokenSource::new(Configured::Provider(provider)),
    );
    let list = flow::identities(&ctx).await.unwrap();
    assert_eq!(list[0].full_id(), ALICE);
    let e = flow::unlink(&ctx, "auth0", "alice").await.unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("primary_identity"));
    // No token at all: unauthorized, with a message naming the fix.
    let empty = FlowContext::new(
        base,
        CLIENT,
        "http://127.0.0.1:4120/",
        TokenSource::new(Configured::None),
    );
    let e = flow::identities(&empty).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
}

/// An iframe plays the popup: the emulator's web_message page posts to `window.parent` when
/// there is no opener, and its frame-ancestors allow the app origin.
fn frame_window() -> (web_sys::HtmlIFrameElement, web_sys::Window) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let f: web_sys::HtmlIFrameElement = doc.create_element("iframe").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&f).unwrap();
    let w = f.content_window().unwrap();
    (f, w)
}

/// Fails when the runner page is cross-origin isolated (COOP + COEP), which blocks the frame.
fn assert_not_isolated() {
    let isolated = js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    assert!(
        !isolated,
        "the runner page is cross-origin isolated: set WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION=1"
    );
}

fn app_redirect() -> String {
    web_sys::window().unwrap().location().origin().unwrap() + "/"
}

#[wasm_bindgen_test]
async fn popup_flow_against_the_emulator_delivers_its_oauth_error() {
    let base = emu();
    assert_not_isolated();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    let (frame, popup) = frame_window();
    let ctx = FlowContext::new(
        base,
        CLIENT,
        app_redirect(),
        TokenSource::new(Configured::Static(token)),
    );
    // An unknown connection makes the real /authorize answer with an OAuth error through
    // web_message: exact origin, our frame as source, our state: accepted and reported.
    let e = flow::popup_flow(&ctx, popup, Purpose::Link, "no-such-connection")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthorizationError);
    assert_eq!(e.oauth_error.as_deref(), Some("invalid_request"));
    assert_eq!(account_link::popup::live_guards(), 0);
    frame.remove();
}

#[wasm_bindgen_test]
async fn popup_flow_times_out_on_the_login_page_and_cleans_up() {
    let base = emu();
    assert_not_isolated();
    reset(base).await;
    let (token, _) = mint(base, ALICE, None, None).await;
    let (frame, popup) = frame_window();
    let mut ctx = FlowContext::new(
        base,
        CLIENT,
        app_redirect(),
        TokenSource::new(Configured::Static(token)),
    );
    ctx.popup_timeout_ms = 1500;
    // A valid request stops at the emulator's login page, waiting for a person: timeout.
    let e = flow::popup_flow(&ctx, popup, Purpose::SignIn, "github")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Timeout);
    assert_eq!(account_link::popup::live_guards(), 0);
    frame.remove();
}

#[wasm_bindgen_test]
fn identities_read_numeric_ids_profiles_and_skip_junk() {
    // No emulator needed: GitHub identities carry a numeric user_id in Auth0.
    let list = js_sys::JSON::parse(
        r#"[{"provider":"auth0","user_id":"alice","connection":"db","isSocial":false},
            {"provider":"github","user_id":1234567,"connection":"github","isSocial":true,
             "profileData":{"name":"Octo","email":"o@example.com","picture":"https://p/x.png"}},
            {"provider":"github","user_id":1.5},
            {"user_id":"x"}, 42, null]"#,
    )
    .unwrap();
    let user = obj(&[("name", "Alice".into()), ("email", "a@example.com".into())]);
    let ids = api::identities_from_json(&list, Some(&user));
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].name.as_deref(), Some("Alice"));
    assert_eq!(ids[1].full_id(), "github|1234567");
    assert!(ids[1].is_social);
    assert_eq!(ids[1].picture.as_deref(), Some("https://p/x.png"));
    let js = ids[1].to_js();
    assert_eq!(field_str(&js, "userId").as_deref(), Some("1234567"));
    let profile = js_sys::Reflect::get(&js, &"profile".into()).unwrap();
    assert_eq!(field_str(&profile, "name").as_deref(), Some("Octo"));
    // js/wasm/browser.js `identityObject`: every field, the key order, absent profile fields
    // left out (the primary has no picture).
    let json = |v: &JsValue| String::from(js_sys::JSON::stringify(v).unwrap());
    assert_eq!(
        json(&js),
        r#"{"provider":"github","userId":"1234567","connection":"github","isSocial":true,"profile":{"name":"Octo","email":"o@example.com","picture":"https://p/x.png"}}"#
    );
    assert_eq!(
        json(&ids[0].to_js()),
        r#"{"provider":"auth0","userId":"alice","connection":"db","isSocial":false,"profile":{"name":"Alice","email":"a@example.com"}}"#
    );
}

#[wasm_bindgen_test]
async fn a_2xx_answer_that_is_not_json_is_an_api_error() {
    // The runner page itself: same origin, 200, HTML.
    let url = web_sys::window().unwrap().location().href().unwrap();
    let request = || Request {
        method: "GET",
        url: &url,
        bearer: None,
        body: Body::Empty,
        timeout_ms: 5000,
    };
    let reply = http::fetch(request()).await.unwrap();
    assert_eq!(
        (reply.status, reply.invalid_json, reply.json.is_null()),
        (200, true, true)
    );
    let e = http::send(request()).await.unwrap_err();
    assert_eq!((e.code, e.status), (ErrorCode::ApiError, Some(200)));
    assert_eq!(e.message, "The server answered with invalid JSON.");
}

#[wasm_bindgen_test]
async fn flow_unlink_returns_the_remaining_identities_in_both_modes() {
    let base = emu();
    for legacy in [false, true] {
        reset(base).await;
        let (token, _) = mint(base, ALICE, None, None).await;
        let (_, google_id) = mint(base, ALICE_GOOGLE, None, None).await;
        api::link(base, &token, ALICE, &google_id).await.unwrap();
        let mut ctx = FlowContext::new(
            base,
            CLIENT,
            "http://127.0.0.1:4120/",
            TokenSource::new(Configured::Static(token)),
        );
        ctx.legacy = legacy;
        let list = flow::unlink(&ctx, "google-oauth2", "1001").await.unwrap();
        assert_eq!(list.len(), 1, "legacy: {legacy}");
        assert_eq!(list[0].full_id(), ALICE, "legacy: {legacy}");
        // Legacy reads the user after `POST /unlink`, whose top-level profile fills in the
        // primary's; the DELETE's answer is the bare identities array (as api::unlink reads it).
        assert_eq!(list[0].email.is_some(), legacy, "legacy: {legacy}");
    }
}

#[wasm_bindgen_test]
fn set_field_defines_an_own_property_and_runs_no_inherited_setter() {
    // A page may have put a setter on Object.prototype (a polyfill, or an attack). The objects the
    // wasm builds (request bodies such as `{ link_with }`, errors, event payloads) must get their
    // own property without that setter seeing the value, or throwing through the wasm.
    let key = "accountLinkSetFieldProbe";
    let install = js_sys::Function::new_with_args(
        "key",
        "globalThis.__setFieldSeen = []; Object.defineProperty(Object.prototype, key, \
         { configurable: true, set(v) { globalThis.__setFieldSeen.push(v); throw new Error('page setter'); } });",
    );
    install.call1(&JsValue::NULL, &key.into()).unwrap();
    let object = js_sys::Object::new();
    http::set_field(&object, key, &JsValue::from_str("secret"));
    let cleanup = js_sys::Function::new_with_args(
        "key",
        "delete Object.prototype[key]; return globalThis.__setFieldSeen.length;",
    );
    let seen = cleanup.call1(&JsValue::NULL, &key.into()).unwrap();
    assert_eq!(seen.as_f64(), Some(0.0), "the inherited setter ran");
    assert!(js_sys::Object::has_own(&object, &key.into()));
    assert_eq!(field_str(&object, key).as_deref(), Some("secret"));
}
