//! Browser tests of the parts of the OAuth flow that need WebCrypto, sessionStorage, history or
//! the console: PKCE through `crypto.subtle`, random strings, the redirect transaction, the
//! redirect callback's rejections, token sources and the legacy warning. No server needed: the
//! context points at an unroutable origin, so any request would fail as `network_error` and show.

// Browser-only: `cargo test` on the host skips this file.
#![cfg(target_arch = "wasm32")]

use account_link::error::ErrorCode;
use account_link::flow::{self, FlowContext};
use account_link::oauth::{self, AuthSecrets, VERIFIER_ALPHABET};
use account_link::secret::Secret;
use account_link::token::{self, Configured, TokenSource};
use account_link::transaction::{storage_key, Kind, Transaction, MAX_AGE_MS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens here; a request would fail with `network_error`.
const NOWHERE: &str = "http://127.0.0.1:9";

fn ctx() -> FlowContext {
    FlowContext::new(
        NOWHERE,
        "CLIENT",
        "http://127.0.0.1/cb",
        TokenSource::new(Configured::Static(Secret::new(
            "header.eyJzdWIiOiJhdXRoMHxhbGljZSJ9.sig",
        ))),
    )
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

fn tx(state: &str, created_at_ms: f64) -> Transaction {
    Transaction {
        state: state.into(),
        nonce: "nonce".into(),
        verifier: Secret::new("v".repeat(64)),
        connection: "github".into(),
        created_at_ms,
        kind: Kind::Link,
        primary: "auth0|alice".into(),
    }
}

#[wasm_bindgen_test]
async fn rfc7636_appendix_b_through_subtle_digest() {
    // The challenge the flows send (js/wasm/browser.js `s256`), against the RFC's vector.
    assert_eq!(
        oauth::s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            .await
            .unwrap(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[wasm_bindgen_test]
async fn secrets_are_fresh_long_and_in_the_alphabet() {
    let mut seen = std::collections::HashSet::new();
    for _ in 0..50 {
        let s = AuthSecrets::generate().await.unwrap();
        for v in [s.verifier.expose(), &s.state, &s.nonce] {
            assert_eq!(v.len(), oauth::RANDOM_LEN);
            assert!(v.bytes().all(|b| VERIFIER_ALPHABET.contains(&b)));
            assert!(seen.insert(v.to_owned()), "a repeated random value");
        }
        let challenge = oauth::s256_challenge(s.verifier.expose()).await.unwrap();
        assert_eq!(s.challenge, challenge, "the challenge of this verifier");
        assert_ne!(s.challenge, s.verifier.expose(), "never the plain method");
    }
}

/// `random_string` draws through js/wasm/browser.js `fillRandom`: the bytes really land in the
/// wasm (not the zeroed buffer, which would give all `A`s), a long string loops for more bytes,
/// and a request `getRandomValues` refuses (over 65536 bytes at once) is an error, never a
/// predictable string.
#[wasm_bindgen_test]
fn random_string_uses_the_browser_bytes_and_fails_closed() {
    let long = oauth::random_string(2000).unwrap();
    assert_eq!(long.len(), 2000);
    assert!(long.bytes().all(|b| VERIFIER_ALPHABET.contains(&b)));
    // 2000 draws over 66 letters: every letter appears (one missing has odds below 1e-11).
    assert!(VERIFIER_ALPHABET
        .iter()
        .all(|b| long.as_bytes().contains(b)));
    let e = oauth::random_string(50_000).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidOptions);
}

#[wasm_bindgen_test]
fn transaction_round_trips_and_is_single_use() {
    let now = js_sys::Date::now();
    let t = tx("single-use", now);
    t.save().unwrap();
    let raw = storage()
        .get_item(&storage_key("single-use"))
        .unwrap()
        .unwrap();
    assert!(!raw.contains("access_token"), "no token is stored");
    assert_eq!(Transaction::take("single-use", now).unwrap(), t);
    let e = Transaction::take("single-use", now).unwrap_err();
    assert_eq!(
        (e.code, e.detail.as_deref()),
        (ErrorCode::StateMismatch, Some("no_transaction"))
    );
}

/// The record js/wasm/browser.js `txSave` writes: one JSON object with exactly these fields
/// and types, which `txRead` reads back (tests/e2e/journey.spec.mjs checks the keys too).
#[wasm_bindgen_test]
fn transaction_is_stored_as_one_json_object() {
    let now = js_sys::Date::now();
    let mut t = tx("shape", now);
    t.kind = Kind::SignIn;
    t.primary = String::new();
    t.save().unwrap();
    let raw = storage().get_item(&storage_key("shape")).unwrap().unwrap();
    let expected = format!(
        r#"{{"state":"shape","nonce":"nonce","verifier":"{}","connection":"github","createdAt":{},"kind":"signin","primary":""}}"#,
        "v".repeat(64),
        js_sys::JSON::stringify(&now.into())
            .unwrap()
            .as_string()
            .unwrap()
    );
    assert_eq!(raw, expected);
    assert_eq!(Transaction::take("shape", now).unwrap(), t);
}

/// js/wasm/browser.js `txSave` with a URL stores first, then navigates; a URL `location.assign`
/// refuses is `invalid_options` and leaves the page (and the stored transaction) where they are.
#[wasm_bindgen_test]
fn a_refused_navigation_fails_after_storing() {
    let now = js_sys::Date::now();
    let href = web_sys::window().unwrap().location().href().unwrap();
    let e = tx("nav", now).save_and_go("http://[").unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidOptions);
    assert_eq!(e.message, "Could not navigate to the login page.");
    assert_eq!(web_sys::window().unwrap().location().href().unwrap(), href);
    assert_eq!(Transaction::take("nav", now).unwrap(), tx("nav", now));
}

/// `txRead` hands over what the JSON holds and the wasm judges it: a record that is not JSON,
/// not an object, lacks a field, has a field of the wrong type or an unknown kind is
/// `malformed` (and deleted); `purge_stale` deletes such records and leaves other keys alone.
#[wasm_bindgen_test]
fn unreadable_transactions_are_malformed_and_deleted() {
    let now = js_sys::Date::now();
    let good = r#"{"state":"bad","nonce":"n","verifier":"v","connection":"c","kind":"link","primary":"p","createdAt":"#.to_owned() + &now.to_string() + "}";
    assert_eq!(
        Transaction::take("bad", now).unwrap_err().detail.as_deref(),
        Some("no_transaction")
    );
    // The hand-written record is readable as it is...
    storage().set_item(&storage_key("bad"), &good).unwrap();
    assert_eq!(Transaction::take("bad", now).unwrap().primary, "p");
    // ...and each of these is not.
    for text in [
        "not json".to_owned(),
        "null".to_owned(),
        "\"text\"".to_owned(),
        "[1,2,3]".to_owned(),
        "{}".to_owned(),
        good.replace(r#""nonce":"n""#, r#""nonce":1"#),
        good.replace(r#""verifier":"v","#, ""),
        good.replace(r#""kind":"link""#, r#""kind":"LINK""#),
        good.replace(r#""primary":"p""#, r#""primary":null"#),
        good.replace(r#""createdAt":"#, r#""createdAt":"1"#)
            .replace('}', r#""}"#),
    ] {
        storage().set_item(&storage_key("bad"), &text).unwrap();
        let e = Transaction::take("bad", now).unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_deref()),
            (ErrorCode::StateMismatch, Some("malformed")),
            "{text}"
        );
        assert!(
            storage().get_item(&storage_key("bad")).unwrap().is_none(),
            "{text}"
        );
        storage().set_item(&storage_key("bad"), &text).unwrap();
        storage().set_item("account-link.other", &text).unwrap();
        Transaction::purge_stale(now);
        assert!(
            storage().get_item(&storage_key("bad")).unwrap().is_none(),
            "{text}"
        );
        assert!(storage().get_item("account-link.other").unwrap().is_some());
        storage().remove_item("account-link.other").unwrap();
    }
}

#[wasm_bindgen_test]
fn stale_transaction_is_rejected_and_deleted() {
    let now = js_sys::Date::now();
    tx("stale", now - MAX_AGE_MS - 1000.0).save().unwrap();
    let e = Transaction::take("stale", now).unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("stale"));
    assert!(storage().get_item(&storage_key("stale")).unwrap().is_none());
    // purge_stale removes abandoned ones and keeps fresh ones.
    tx("old", now - MAX_AGE_MS - 1000.0).save().unwrap();
    tx("fresh", now).save().unwrap();
    Transaction::purge_stale(now);
    assert!(storage().get_item(&storage_key("old")).unwrap().is_none());
    assert!(storage().get_item(&storage_key("fresh")).unwrap().is_some());
    storage().remove_item(&storage_key("fresh")).unwrap();
}

#[wasm_bindgen_test]
async fn callback_without_transaction_or_state_links_nothing() {
    let c = ctx();
    for url in [
        "http://127.0.0.1/cb?code=abc&state=unknown",
        "http://127.0.0.1/cb?code=abc",
        "http://127.0.0.1/cb?code=abc&state=",
        "http://127.0.0.1/cb",
    ] {
        let e = flow::handle_redirect_callback(&c, url).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::StateMismatch, "{url}");
    }
}

#[wasm_bindgen_test]
async fn callback_with_another_state_leaves_ours_alone() {
    let now = js_sys::Date::now();
    tx("ours", now).save().unwrap();
    let e = flow::handle_redirect_callback(&ctx(), "http://127.0.0.1/cb?code=abc&state=theirs")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::StateMismatch);
    assert!(storage().get_item(&storage_key("ours")).unwrap().is_some());
    storage().remove_item(&storage_key("ours")).unwrap();
}

#[wasm_bindgen_test]
async fn oauth_error_callback_consumes_the_transaction() {
    tx("denied", js_sys::Date::now()).save().unwrap();
    let e = flow::handle_redirect_callback(
        &ctx(),
        "http://127.0.0.1/cb?error=access_denied&error_description=User%20cancelled&state=denied",
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthorizationError);
    assert_eq!(e.oauth_error.as_deref(), Some("access_denied"));
    assert!(storage()
        .get_item(&storage_key("denied"))
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn malformed_callback_with_our_state_deletes_the_transaction() {
    let long = "x".repeat(oauth::MAX_FIELD_LEN + 1);
    for url in [
        "http://127.0.0.1/cb?state=malformed".to_owned(),
        "http://127.0.0.1/cb?code=&state=malformed".to_owned(),
        format!("http://127.0.0.1/cb?code={long}&state=malformed"),
        format!("http://127.0.0.1/cb?error=e&error_description={long}&state=malformed"),
    ] {
        tx("malformed", js_sys::Date::now()).save().unwrap();
        let e = flow::handle_redirect_callback(&ctx(), &url)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::StateMismatch, "{url}");
        assert!(
            storage()
                .get_item(&storage_key("malformed"))
                .unwrap()
                .is_none(),
            "{url}"
        );
    }
    // A stale transaction of another login is purged by any callback.
    let now = js_sys::Date::now();
    tx("abandoned", now - MAX_AGE_MS - 1000.0).save().unwrap();
    let _ = flow::handle_redirect_callback(&ctx(), "http://127.0.0.1/cb").await;
    assert!(storage()
        .get_item(&storage_key("abandoned"))
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn valid_callback_reaches_the_token_endpoint_only_after_the_checks() {
    // With a matching fresh transaction the flow goes on to exchange the code: against NOWHERE
    // that is a network_error, which proves every local check passed.
    tx("good", js_sys::Date::now()).save().unwrap();
    let e = flow::handle_redirect_callback(&ctx(), "http://127.0.0.1/cb?code=abc&state=good")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NetworkError);
    assert!(storage().get_item(&storage_key("good")).unwrap().is_none());
}

#[wasm_bindgen_test]
async fn redirect_link_started_by_another_primary_links_nothing() {
    // Started while Bob was signed in; Alice (the context's token) is signed in on return.
    let mut t = tx("bob", js_sys::Date::now());
    t.primary = "auth0|bob".into();
    t.save().unwrap();
    let e = flow::handle_redirect_callback(&ctx(), "http://127.0.0.1/cb?code=abc&state=bob")
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.detail.as_deref()),
        (ErrorCode::StateMismatch, Some("primary"))
    );
    assert!(storage().get_item(&storage_key("bob")).unwrap().is_none());
}

#[wasm_bindgen_test]
async fn address_bar_is_cleaned_of_code_and_state() {
    let w = web_sys::window().unwrap();
    let history = w.history().unwrap();
    let original = w.location().href().unwrap();
    let dirty = format!(
        "{}?keep=1&code=secret-code&state=s1#frag",
        w.location().pathname().unwrap()
    );
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&dirty))
        .unwrap();
    let href = w.location().href().unwrap();
    let _ = flow::handle_redirect_callback(&ctx(), &href).await;
    assert_eq!(w.location().search().unwrap(), "?keep=1");
    assert_eq!(w.location().hash().unwrap(), "#frag");
    assert!(!w.location().href().unwrap().contains("secret-code"));
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&original))
        .unwrap();
}

/// js/wasm/browser.js `pageLocation`: the page's `href` (handleRedirectCallback's default) and
/// `origin` (the popup's `web_message` redirect URI).
#[wasm_bindgen_test]
fn page_location_is_href_or_origin() {
    let location = web_sys::window().unwrap().location();
    assert_eq!(flow::page(false).unwrap(), location.href().unwrap());
    assert_eq!(flow::page(true).unwrap(), location.origin().unwrap());
    assert_ne!(location.href().unwrap(), location.origin().unwrap());
}

#[wasm_bindgen_test]
async fn legacy_needs_the_flag_and_warns_once_without_the_url() {
    let e = flow::start_legacy_link(&ctx(), "github").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidOptions);

    let console: JsValue = js_sys::Reflect::get(&js_sys::global(), &"console".into()).unwrap();
    let original = js_sys::Reflect::get(&console, &"warn".into()).unwrap();
    let calls = js_sys::Array::new();
    let counting =
        js_sys::Function::new_with_args("calls", "return function (m) { calls.push(String(m)); };")
            .call1(&JsValue::NULL, &calls)
            .unwrap();
    js_sys::Reflect::set(&console, &"warn".into(), &counting).unwrap();
    flow::warn_legacy_once();
    flow::warn_legacy_once();
    js_sys::Reflect::set(&console, &"warn".into(), &original).unwrap();
    assert_eq!(calls.length(), 1);
    let text = calls.get(0).as_string().unwrap();
    assert!(text.contains("RFC 9700") && !text.contains("/authorize?"));
}

#[wasm_bindgen_test]
async fn token_sources() {
    let f = |body: &str| -> JsValue { js_sys::Function::new_no_args(body).into() };
    let ok = TokenSource::from_js(&f("return 'plain';")).unwrap();
    assert_eq!(ok.get().await.unwrap().expose(), "plain");
    let promised = TokenSource::from_js(&f("return Promise.resolve('later');")).unwrap();
    assert_eq!(promised.get().await.unwrap().expose(), "later");
    // js/wasm/browser.js `callProvider`: called with no arguments, a foreign thenable followed.
    let thenable = TokenSource::from_js(&f(
        "return arguments.length ? 'args' : { then(resolve) { resolve('thenable'); } };",
    ))
    .unwrap();
    assert_eq!(thenable.get().await.unwrap().expose(), "thenable");
    for body in [
        "throw new Error('secret-in-error');",
        "return Promise.reject(new Error('x'));",
        "return '';",
        "return 42;",
    ] {
        let e = TokenSource::from_js(&f(body))
            .unwrap()
            .get()
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Unauthorized, "{body}");
        assert!(!e.message.contains("secret-in-error"));
    }
    assert_eq!(
        TokenSource::from_js(&JsValue::from(42)).unwrap_err().code,
        ErrorCode::InvalidOptions
    );
    assert_eq!(
        TokenSource::from_js(&"".into()).unwrap_err().code,
        ErrorCode::InvalidOptions
    );

    // Captured by sign-in: used until it expires.
    let none = TokenSource::from_js(&JsValue::UNDEFINED).unwrap();
    assert_eq!(none.get().await.unwrap_err().code, ErrorCode::Unauthorized);
    none.set_captured(
        Secret::new("captured"),
        Some(js_sys::Date::now() + 60_000.0),
    );
    assert_eq!(none.get().await.unwrap().expose(), "captured");
    none.set_captured(Secret::new("old"), Some(js_sys::Date::now() - 1.0));
    assert_eq!(none.get().await.unwrap_err().code, ErrorCode::Unauthorized);

    // The user id from a JWT access token's sub; none from an opaque token.
    assert_eq!(
        token::jwt_sub(&Secret::new(
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoMHxhbGljZSJ9.c2ln"
        ))
        .as_deref(),
        Some("auth0|alice")
    );
    assert_eq!(token::jwt_sub(&Secret::new("opaque-token")), None);
}

// Callback parsing and address-bar cleaning decode with `oauth::form_decode`, which is the
// browser's URLSearchParams (js/wasm/browser.js `formDecode`), so their tests run here.

#[wasm_bindgen_test]
fn form_decode_follows_the_url_standard() {
    assert_eq!(oauth::form_decode("a+b%20c%7C%zz%"), "a b c|%zz%");
    assert_eq!(oauth::form_decode("%C3%A9t%C3%A9"), "été");
    // Invalid UTF-8 is replaced (one U+FFFD per maximal invalid subpart), as from_utf8_lossy did.
    assert_eq!(oauth::form_decode("a%FFb%C3"), "a\u{FFFD}b\u{FFFD}");
    // Separators inside the text stay part of it; a trailing or short escape stays literal.
    assert_eq!(oauth::form_decode("x=y&z"), "x=y&z");
    assert_eq!(oauth::form_decode("%2&%"), "%2&%");
    assert_eq!(oauth::form_decode("?#"), "?#");
    assert_eq!(oauth::form_decode(""), "");
}

#[wasm_bindgen_test]
fn parses_success_query() {
    let r = oauth::CallbackFields::from_query("?code=abc&state=xyz&foo=1")
        .into_response()
        .unwrap();
    assert_eq!(
        r,
        oauth::CallbackResponse::Success {
            code: Secret::new("abc"),
            state: "xyz".into()
        }
    );
    assert_eq!(r.into_code("xyz").unwrap().expose(), "abc");
}

#[wasm_bindgen_test]
fn parses_error_query() {
    let r = oauth::CallbackFields::from_query(
        "error=access_denied&error_description=User+said+no&state=xyz",
    )
    .into_response()
    .unwrap();
    let e = r.into_code("xyz").unwrap_err();
    assert_eq!(e.code, ErrorCode::AuthorizationError);
    assert_eq!(e.oauth_error.as_deref(), Some("access_denied"));
    assert_eq!(e.oauth_error_description.as_deref(), Some("User said no"));
}

#[wasm_bindgen_test]
fn missing_empty_or_wrong_state_is_state_mismatch() {
    for q in ["code=abc", "code=abc&state=", "error=x"] {
        let e = oauth::CallbackFields::from_query(q)
            .into_response()
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::StateMismatch, "{q}");
    }
    let e = oauth::CallbackFields::from_query("code=abc&state=other")
        .into_response()
        .unwrap()
        .into_code("ours")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::StateMismatch);
    // An error with a wrong state is a state mismatch too: we never trust its content.
    let e = oauth::CallbackFields::from_query("error=x&state=other")
        .into_response()
        .unwrap()
        .into_code("ours")
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::StateMismatch);
}

#[wasm_bindgen_test]
fn neither_code_nor_error_and_oversized_are_rejected() {
    let e = oauth::CallbackFields::from_query("state=x")
        .into_response()
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::StateMismatch);
    let huge = format!("code={}&state=x", "a".repeat(oauth::MAX_FIELD_LEN + 1));
    assert!(oauth::CallbackFields::from_query(&huge)
        .into_response()
        .is_err());
}

#[wasm_bindgen_test]
fn query_pairs_are_split_like_split_and_split_once() {
    // Leading `?`s skipped, empty pairs and a key without `=` tolerated, `=` inside a value kept.
    let f = oauth::CallbackFields::from_query("??&state=a=b&&error&code=c&");
    assert_eq!(f.state.as_deref(), Some("a=b"));
    assert_eq!(f.error.as_deref(), Some(""));
    assert_eq!(f.code.as_deref(), Some("c"));
    assert_eq!(f.error_description, None);
    let f = oauth::CallbackFields::from_query("");
    assert!(!f.is_response() && f.state.is_none());
}

#[wasm_bindgen_test]
fn first_value_wins_and_code_is_redacted() {
    let f =
        oauth::CallbackFields::from_query("state=a&state=b&code=c&error_description=a+%C3%A9%FF");
    assert_eq!(f.error_description.as_deref(), Some("a \u{e9}\u{FFFD}"));
    assert_eq!(f.state.as_deref(), Some("a"));
    let r = f.into_response().unwrap();
    assert!(!format!("{r:?}").contains("code: \"c\""));
}

/// js/wasm/browser.js `callbackFields`: keys and values decoded (`%XX`, `+`), a decoded `&` or
/// `=` stays in its value, a key that only decodes to something else is not a callback key.
#[wasm_bindgen_test]
fn callback_fields_are_decoded_by_the_browser() {
    let f = oauth::CallbackFields::from_query(
        "c%6Fde=a%26b&%73tate=%3D+x&error+description=no&error_description=y%2Bz",
    );
    assert_eq!(f.code.as_deref(), Some("a&b"));
    assert_eq!(f.state.as_deref(), Some("= x"));
    assert_eq!(f.error, None);
    assert_eq!(f.error_description.as_deref(), Some("y+z"));
    // Only the query handed over is read; `code` after a `#` is not part of it.
    let f = oauth::CallbackFields::from_query(flow::query_of("https://a.test/cb?state=s#code=c"));
    assert_eq!((f.state.as_deref(), f.code), (Some("s"), None));
}

/// js/wasm/browser.js `stripCallback`: a `?` left alone goes, empty pairs go, the kept pairs
/// are not re-encoded, and a `?` or callback key inside the fragment is the fragment's.
#[wasm_bindgen_test]
fn strip_keeps_the_rest_as_written() {
    assert_eq!(
        flow::strip_callback_params("https://a.test/cb?"),
        "https://a.test/cb"
    );
    assert_eq!(
        flow::strip_callback_params("https://a.test/cb?&&x&a=b%20c+d&state=1#h?code=2"),
        "https://a.test/cb?x&a=b%20c+d#h?code=2"
    );
    assert_eq!(
        flow::strip_callback_params("https://a.test/cb?error+description=1&code"),
        "https://a.test/cb?error+description=1"
    );
    assert_eq!(
        flow::strip_callback_params("https://a.test/cb#code=1"),
        "https://a.test/cb#code=1"
    );
}

#[wasm_bindgen_test]
fn strips_only_callback_params() {
    assert_eq!(
        flow::strip_callback_params("https://a.test/cb?code=1&state=2"),
        "https://a.test/cb"
    );
    assert_eq!(
        flow::strip_callback_params(
            "https://a.test/cb?x=1&code=1&state=2&error=e&error_description=d&y=2#h"
        ),
        "https://a.test/cb?x=1&y=2#h"
    );
    // Keys are compared decoded: an escaped `code` is still the code.
    assert_eq!(
        flow::strip_callback_params("https://a.test/cb?c%6Fde=1&st%61te=2&x=%41"),
        "https://a.test/cb?x=%41"
    );
    assert_eq!(
        flow::strip_callback_params("https://a.test/"),
        "https://a.test/"
    );
}
