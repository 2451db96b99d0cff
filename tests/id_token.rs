//! Browser tests of ID token decoding and RS256 verification with WebCrypto. Self-contained: the
//! test generates an RSA key pair, signs tokens with it and seeds the JWKS cache with its public JWK.

// Browser-only: `cargo test` on the host skips this file.
#![cfg(target_arch = "wasm32")]

use account_link::error::ErrorCode;
use account_link::id_token::{self, Expected, JwksCache};
use account_link::secret::Secret;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

/// Unpadded base64url (RFC 4648 5) of `bytes`, through the browser's `btoa`: builds the test tokens.
fn b64url(bytes: &[u8]) -> String {
    let binary: String = bytes.iter().map(|&b| char::from(b)).collect();
    let base64 = web_sys::window().unwrap().btoa(&binary).unwrap();
    base64
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

wasm_bindgen_test_configure!(run_in_browser);

const ORIGIN: &str = "https://tenant.example.com";

fn subtle() -> web_sys::SubtleCrypto {
    web_sys::window().unwrap().crypto().unwrap().subtle()
}

fn set(o: &js_sys::Object, k: &str, v: JsValue) {
    js_sys::Reflect::set(o, &k.into(), &v).unwrap();
}

fn alg() -> js_sys::Object {
    let a = js_sys::Object::new();
    set(&a, "name", "RSASSA-PKCS1-v1_5".into());
    set(&a, "hash", "SHA-256".into());
    a
}

/// Returns (private key, public JWK with `kid`).
async fn key_pair(kid: &str) -> (web_sys::CryptoKey, JsValue) {
    let params = alg();
    set(&params, "modulusLength", 2048.into());
    set(
        &params,
        "publicExponent",
        js_sys::Uint8Array::from(&[1u8, 0, 1][..]).into(),
    );
    let usages = js_sys::Array::of2(&"sign".into(), &"verify".into());
    let pair = JsFuture::from(
        subtle()
            .generate_key_with_object(&params, true, &usages)
            .unwrap(),
    )
    .await
    .unwrap();
    let private: web_sys::CryptoKey = js_sys::Reflect::get(&pair, &"privateKey".into())
        .unwrap()
        .unchecked_into();
    let public: web_sys::CryptoKey = js_sys::Reflect::get(&pair, &"publicKey".into())
        .unwrap()
        .unchecked_into();
    let jwk = JsFuture::from(subtle().export_key("jwk", &public).unwrap())
        .await
        .unwrap();
    js_sys::Reflect::set(&jwk, &"kid".into(), &kid.into()).unwrap();
    (private, jwk)
}

async fn sign(key: &web_sys::CryptoKey, header: &str, payload: &JsValue) -> String {
    let h = b64url(header.as_bytes());
    let p = b64url(String::from(js_sys::JSON::stringify(payload).unwrap()).as_bytes());
    let input = format!("{h}.{p}");
    let sig = JsFuture::from(
        subtle()
            .sign_with_object_and_u8_array(&alg(), key, input.as_bytes())
            .unwrap(),
    )
    .await
    .unwrap();
    format!(
        "{input}.{}",
        b64url(&js_sys::Uint8Array::new(&sig).to_vec())
    )
}

fn now() -> f64 {
    (js_sys::Date::now() / 1000.0).floor()
}

fn claims(nonce: &str) -> JsValue {
    let c = js_sys::Object::new();
    set(&c, "iss", format!("{ORIGIN}/").into());
    set(&c, "sub", "github|42".into());
    set(&c, "aud", "CLIENT".into());
    set(&c, "exp", (now() + 600.0).into());
    set(&c, "iat", now().into());
    set(&c, "nonce", nonce.into());
    set(&c, "name", "Octo Cat".into());
    c.into()
}

fn expected(nonce: &str) -> Expected<'_> {
    Expected {
        issuer: "https://tenant.example.com/",
        client_id: "CLIENT",
        nonce,
        primary_user_id: Some("auth0|primary"),
        now_secs: now(),
        auth_after_secs: None,
    }
}

#[wasm_bindgen_test]
async fn good_signature_is_accepted_and_claims_decoded() {
    let (key, jwk) = key_pair("k1").await;
    let token = sign(
        &key,
        r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#,
        &claims("n1"),
    )
    .await;
    let jwks = JwksCache::new();
    jwks.set(js_sys::Array::of1(&jwk));
    let decoded = id_token::validate(&Secret::new(token), ORIGIN, &expected("n1"), &jwks)
        .await
        .unwrap();
    assert_eq!(decoded.claims.sub.as_deref(), Some("github|42"));
    assert_eq!(decoded.claims.aud, vec!["CLIENT".to_string()]);
    assert_eq!(decoded.claims.name.as_deref(), Some("Octo Cat"));
}

#[wasm_bindgen_test]
async fn bad_signature_is_rejected() {
    let (key, jwk) = key_pair("k1").await;
    let (other_key, _) = key_pair("k2").await;
    let jwks = JwksCache::new();
    jwks.set(js_sys::Array::of1(&jwk));
    // Signed by another key under our kid.
    let forged = sign(&other_key, r#"{"alg":"RS256","kid":"k1"}"#, &claims("n1")).await;
    let e = id_token::validate(&Secret::new(forged), ORIGIN, &expected("n1"), &jwks)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.detail.as_deref()),
        (ErrorCode::InvalidIdToken, Some("signature"))
    );
    // A genuine token whose payload was swapped after signing.
    let good = sign(&key, r#"{"alg":"RS256","kid":"k1"}"#, &claims("n1")).await;
    let other_payload = sign(&key, r#"{"alg":"RS256","kid":"k1"}"#, &claims("n2")).await;
    let parts: Vec<&str> = good.split('.').collect();
    let swapped = format!(
        "{}.{}.{}",
        parts[0],
        other_payload.split('.').nth(1).unwrap(),
        parts[2]
    );
    let e = id_token::validate(&Secret::new(swapped), ORIGIN, &expected("n2"), &jwks)
        .await
        .unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("signature"));
    // The signature is decoded by verifyRs256 (js/wasm/browser.js): a genuine one cut short
    // (still valid base64url) or with its first character changed does not verify.
    let cut = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        &parts[2][..parts[2].len() - 4]
    );
    // (Not the last character: in a 256-byte signature it also carries 4 unused bits, which
    // atob does not read, so some changes there decode to the same bytes.)
    let first = if parts[2].starts_with('A') { "B" } else { "A" };
    let changed = format!("{}.{}.{first}{}", parts[0], parts[1], &parts[2][1..]);
    for token in [cut, changed] {
        let e = id_token::validate(&Secret::new(token), ORIGIN, &expected("n1"), &jwks)
            .await
            .unwrap_err();
        assert_eq!(e.detail.as_deref(), Some("signature"));
    }
}

#[wasm_bindgen_test]
async fn alg_none_and_hs256_are_rejected_before_any_key_lookup() {
    let jwks = JwksCache::new(); // empty: a lookup would try the network and fail differently
    let payload = b64url(String::from(js_sys::JSON::stringify(&claims("n1")).unwrap()).as_bytes());
    for header in [r#"{"alg":"none"}"#, r#"{"alg":"HS256","kid":"k1"}"#] {
        let token = format!("{}.{payload}.c2ln", b64url(header.as_bytes()));
        let e = id_token::validate(&Secret::new(token), ORIGIN, &expected("n1"), &jwks)
            .await
            .unwrap_err();
        assert_eq!(e.detail.as_deref(), Some("alg"), "{header}");
    }
}

#[wasm_bindgen_test]
async fn signed_token_with_wrong_nonce_or_same_sub_is_rejected() {
    let (key, jwk) = key_pair("k1").await;
    let jwks = JwksCache::new();
    jwks.set(js_sys::Array::of1(&jwk));
    let token = sign(&key, r#"{"alg":"RS256","kid":"k1"}"#, &claims("n1")).await;
    let e = id_token::validate(
        &Secret::new(token.clone()),
        ORIGIN,
        &expected("other"),
        &jwks,
    )
    .await
    .unwrap_err();
    assert_eq!(e.detail.as_deref(), Some("nonce"));
    let same = Expected {
        primary_user_id: Some("github|42"),
        ..expected("n1")
    };
    let e = id_token::validate(&Secret::new(token), ORIGIN, &same, &jwks)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::SameIdentity);
}

#[wasm_bindgen_test]
fn malformed_tokens_are_rejected() {
    for t in [
        "",
        "a.b",
        "a.b.c",
        "!!.e30.c2ln",
        "e30.bm90IGpzb24.c2ln",
        "e30.e30.c2ln.c2ln",
        ".e30.c2ln",
        "e30..c2ln",
        "e30.e30.",
    ] {
        let e = id_token::decode(t).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidIdToken, "{t}");
    }
    // The signature's syntax is checked while decoding (before any key is fetched), with the
    // rules of unpadded base64url: padding, plain base64's `+` and `/`, other characters and an
    // impossible length are `format` errors.
    for sig in ["c2ln=", "c2+n", "c2/n", "c2 n", "c2lnY", "c2ln."] {
        let t = format!("e30.e30.{sig}");
        let e = id_token::decode(&t).unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_deref()),
            (ErrorCode::InvalidIdToken, Some("format")),
            "{t}"
        );
    }
    // The smallest well-formed signature text (3 base64url characters) passes the syntax check.
    assert!(id_token::decode("e30.e30.-_8").is_ok());
}

#[wasm_bindgen_test]
async fn unusable_keys_are_reported_and_jwk_extras_are_ignored() {
    let (key, jwk) = key_pair("k1").await;
    let token = Secret::new(sign(&key, r#"{"alg":"RS256","kid":"k1"}"#, &claims("n1")).await);
    // A JWK with hostile extras (`alg`, `use`, `key_ops`) still verifies: only n and e are used.
    let hostile = js_sys::Object::assign(&js_sys::Object::new(), jwk.unchecked_ref());
    set(&hostile, "alg", "HS256".into());
    set(&hostile, "use", "enc".into());
    set(
        &hostile,
        "key_ops",
        js_sys::Array::of1(&"encrypt".into()).into(),
    );
    let jwks = JwksCache::new();
    jwks.set(js_sys::Array::of1(&hostile));
    id_token::validate(&token, ORIGIN, &expected("n1"), &jwks)
        .await
        .unwrap();
    // A modulus WebCrypto cannot import, and a key without `e`: the tenant's key is unusable.
    for (field, value) in [("n", JsValue::from_str("AQAB")), ("e", JsValue::UNDEFINED)] {
        let broken = js_sys::Object::assign(&js_sys::Object::new(), jwk.unchecked_ref());
        set(&broken, field, value);
        let jwks = JwksCache::new();
        jwks.set(js_sys::Array::of1(&broken));
        let e = id_token::validate(&token, ORIGIN, &expected("n1"), &jwks)
            .await
            .unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_deref(), e.message.as_str()),
            (
                ErrorCode::InvalidIdToken,
                Some("signature"),
                "The tenant's signing key is unusable."
            ),
            "{field}"
        );
    }
}

#[wasm_bindgen_test]
fn json_parts_are_strict_base64url_utf8_objects() {
    let part = |bytes: &[u8]| b64url(bytes);
    let ok = |text: &str| id_token::decode_json_part(text).is_ok();
    assert!(ok(&part(b"{}")));
    assert!(ok(&part(b"[]")), "an array is an object, as before");
    let name = id_token::decode_json_part(&part("{\"name\":\"Zoë 日本\"}".as_bytes())).unwrap();
    assert_eq!(
        account_link::http::field_str(&name, "name").as_deref(),
        Some("Zoë 日本")
    );
    for (bad, why) in [
        ("e30=".to_owned(), "padding"),
        ("e30+".to_owned(), "plain base64 +"),
        ("e3/9".to_owned(), "plain base64 /"),
        ("e30ab".to_owned(), "impossible length"),
        ("e30 ".to_owned(), "whitespace"),
        (part(b"1"), "a number"),
        (part(b"null"), "null"),
        (part(b"\"text\""), "a string"),
        (part(b"{\"a\":1"), "not JSON"),
        (
            part(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}']),
            "invalid UTF-8",
        ),
        (part(&[0xef, 0xbb, 0xbf, b'{', b'}']), "a byte order mark"),
    ] {
        let e = id_token::decode_json_part(&bad).unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_deref()),
            (ErrorCode::InvalidIdToken, Some("format")),
            "{why}"
        );
    }
}

#[wasm_bindgen_test]
fn the_key_is_chosen_by_kid_among_rsa_keys_only() {
    let key = |kty: &str, kid: Option<&str>, n: &str| {
        let k = js_sys::Object::new();
        set(&k, "kty", kty.into());
        if let Some(kid) = kid {
            set(&k, "kid", kid.into());
        }
        set(&k, "n", n.into());
        JsValue::from(k)
    };
    let pick = |keys: &[JsValue], kid: Option<&str>| {
        let set_of_keys = js_sys::Object::new();
        set(
            &set_of_keys,
            "keys",
            keys.iter().collect::<js_sys::Array>().into(),
        );
        let reply = account_link::http::Reply {
            status: 200,
            json: set_of_keys.into(),
            invalid_json: false,
            ratelimit_reset: None,
        };
        JwksCache::new()
            .store(Ok(reply), kid)
            .map(|k| {
                js_sys::Reflect::get(&k, &"n".into())
                    .unwrap()
                    .as_string()
                    .unwrap()
            })
            .map_err(|e| e.detail.clone().unwrap())
    };
    let ec_k1 = key("EC", Some("k1"), "ec-k1");
    let rsa_k2 = key("RSA", Some("k2"), "rsa-k2");
    let rsa_k1 = key("RSA", Some("k1"), "rsa-k1");
    let rsa_k1_again = key("RSA", Some("k1"), "rsa-k1-again");
    let all = [ec_k1.clone(), rsa_k2.clone(), rsa_k1, rsa_k1_again];
    // By kid: the first RSA key with it; a non-RSA key with the same kid is skipped.
    assert_eq!(pick(&all, Some("k1")), Ok("rsa-k1".into()));
    assert_eq!(pick(&all, Some("k2")), Ok("rsa-k2".into()));
    assert_eq!(pick(&all, Some("k3")), Err("kid".into()));
    assert_eq!(
        pick(std::slice::from_ref(&ec_k1), Some("k1")),
        Err("kid".into())
    );
    // Without a kid: only an only RSA key (other key types do not count), never a guess.
    assert_eq!(
        pick(&[ec_k1.clone(), rsa_k2.clone()], None),
        Ok("rsa-k2".into())
    );
    assert_eq!(pick(&all, None), Err("kid".into()));
    assert_eq!(pick(&[ec_k1], None), Err("kid".into()));
    assert_eq!(pick(&[], None), Err("kid".into()));
    // A kid-less RSA key is not a match for a token with a kid.
    assert_eq!(
        pick(&[key("RSA", None, "bare")], Some("k1")),
        Err("kid".into())
    );
    assert_eq!(pick(&[key("RSA", None, "bare")], None), Ok("bare".into()));
}

#[wasm_bindgen_test]
fn aud_is_read_as_a_string_or_the_strings_of_an_array() {
    let aud = |json: &str| id_token::claims_from_json(&js_sys::JSON::parse(json).unwrap()).aud;
    assert_eq!(aud(r#"{"aud":"one"}"#), vec!["one".to_string()]);
    assert_eq!(
        aud(r#"{"aud":["a",1,null,{"b":1},"c"]}"#),
        vec!["a".to_string(), "c".to_string()]
    );
    assert!(aud(r#"{"aud":[]}"#).is_empty());
    assert!(aud(r#"{"aud":42}"#).is_empty());
    assert!(aud(r#"{}"#).is_empty());
}
