//! Discovery, JWKS, /authorize checks, login pages, response modes, /oauth/token and /userinfo.

use crate::common::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{json, Value};
use sha2::Sha256;

/// Verifies a JWT with the key published at /.well-known/jwks.json (independently of the
/// emulator's own code).
fn verify_with_jwks(emu: &Emu, jwt: &str) -> bool {
    let jwks = emu.get("/.well-known/jwks.json").json();
    let kid = jwt_header(jwt)["kid"].as_str().unwrap().to_string();
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == json!(kid))
        .expect("kid in JWKS");
    assert_eq!(key["alg"], "RS256");
    let n = B64.decode(key["n"].as_str().unwrap()).unwrap();
    let e = B64.decode(key["e"].as_str().unwrap()).unwrap();
    let pk = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)).unwrap();
    let (input, sig) = jwt.rsplit_once('.').unwrap();
    let sig = Signature::try_from(B64.decode(sig).unwrap().as_slice()).unwrap();
    VerifyingKey::<Sha256>::new(pk)
        .verify(input.as_bytes(), &sig)
        .is_ok()
}

fn base_params(ch: &str) -> Vec<(&'static str, String)> {
    vec![
        ("client_id", CLIENT.into()),
        ("response_type", "code".into()),
        ("redirect_uri", CALLBACK.into()),
        ("scope", "openid".into()),
        ("state", "st-123".into()),
        ("code_challenge", ch.into()),
        ("code_challenge_method", "S256".into()),
        ("connection", "github".into()),
    ]
}

fn authorize_with(emu: &Emu, change: &[(&'static str, Option<&str>)]) -> Resp {
    let ch = challenge(VERIFIER);
    let mut p = base_params(&ch);
    for (k, v) in change {
        p.retain(|(k2, _)| k2 != k);
        if let Some(v) = v {
            p.push((k, v.to_string()));
        }
    }
    let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
    emu.authorize(&pairs)
}

/// Asserts an error redirect to the callback with `error` (and state when given).
fn assert_error_redirect(r: &Resp, error: &str, state: Option<&str>) {
    assert_eq!(r.status, 302, "{}", r.text());
    let loc = r.header("location").unwrap();
    assert!(loc.starts_with(CALLBACK), "{loc}");
    assert_eq!(query_param(loc, "error").as_deref(), Some(error), "{loc}");
    assert!(query_param(loc, "error_description").is_some());
    assert_eq!(query_param(loc, "state").as_deref(), state);
    assert!(query_param(loc, "code").is_none());
}

#[test]
fn discovery_document_names_the_endpoints() {
    let emu = Emu::new();
    let d = emu.get("/.well-known/openid-configuration").json();
    assert_eq!(d["issuer"], json!(emu.issuer));
    assert!(emu.issuer.ends_with('/'));
    assert_eq!(
        d["authorization_endpoint"],
        json!(format!("{}authorize", emu.issuer))
    );
    assert_eq!(
        d["token_endpoint"],
        json!(format!("{}oauth/token", emu.issuer))
    );
    assert_eq!(
        d["jwks_uri"],
        json!(format!("{}.well-known/jwks.json", emu.issuer))
    );
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    let jwks = emu.get("/.well-known/jwks.json").json();
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "no private parts in the JWKS"
    );
}

#[test]
fn pkce_success_gives_verifiable_id_token() {
    let emu = Emu::new();
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    let r = emu.exchange(&code, VERIFIER, CALLBACK);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let v = r.json();
    assert_eq!(v["token_type"], "Bearer");
    let id = v["id_token"].as_str().unwrap();
    assert_eq!(jwt_header(id)["alg"], "RS256");
    assert!(verify_with_jwks(&emu, id));
    let mut tampered = id.to_string();
    tampered.replace_range(tampered.len() - 3.., "AAA");
    assert!(!verify_with_jwks(&emu, &tampered));
    let c = claims(id);
    assert_eq!(c["iss"], json!(emu.issuer));
    assert_eq!(c["aud"], CLIENT);
    assert_eq!(c["sub"], "google-oauth2|1001");
    assert_eq!(c["nonce"], "n-456");
    assert_eq!(c["email"], "alice.g@example.com");
    assert_eq!(c["name"], "Alice on Google");
    assert!(c["auth_time"].as_i64().unwrap() <= c["iat"].as_i64().unwrap() + 1);
    assert!(c["exp"].as_i64().unwrap() > c["iat"].as_i64().unwrap());
    // No audience: an opaque access token that works at /userinfo.
    let at = v["access_token"].as_str().unwrap();
    assert_eq!(at.split('.').count(), 1);
    let ui = emu.api("GET", "/userinfo", at, None);
    assert_eq!(ui.status, 200);
    assert_eq!(ui.json()["sub"], "google-oauth2|1001");
}

#[test]
fn api_audience_gives_jwt_access_token_with_granted_scope() {
    let emu = Emu::new();
    let aud = format!("{}api/v2/", emu.issuer);
    let code = emu.code_for(
        &[
            ("audience", aud.as_str()),
            (
                "scope",
                "openid profile read:current_user update:current_user_identities delete:users",
            ),
        ],
        "google-oauth2",
        "google-oauth2|1001",
    );
    let v = emu.exchange(&code, VERIFIER, CALLBACK).json();
    let at = v["access_token"].as_str().unwrap();
    assert!(verify_with_jwks(&emu, at));
    let c = claims(at);
    assert_eq!(c["aud"], json!([aud, format!("{}userinfo", emu.issuer)]));
    assert_eq!(c["azp"], CLIENT);
    assert_eq!(c["sub"], "google-oauth2|1001");
    assert_eq!(
        c["scope"],
        "openid profile read:current_user update:current_user_identities"
    );
    let r = emu.api("GET", "/api/v2/users/google-oauth2%7C1001", at, None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(emu.api("GET", "/userinfo", at, None).status, 200);
}

#[test]
fn unknown_audience_is_refused() {
    let emu = Emu::new();
    let r = authorize_with(&emu, &[("audience", Some("https://other.example/api"))]);
    assert_error_redirect(&r, "access_denied", Some("st-123"));
}

#[test]
fn wrong_verifier_is_refused_and_burns_the_code() {
    let emu = Emu::new();
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    let r = emu.exchange(
        &code,
        "another-verifier-0123456789-abcdefghijklmnopqrstuvwxyz",
        CALLBACK,
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "invalid_grant");
    // Codes are single-use even after a failed attempt.
    assert_eq!(emu.exchange(&code, VERIFIER, CALLBACK).status, 403);
}

#[test]
fn missing_or_short_verifier_is_refused() {
    let emu = Emu::new();
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    let r = emu.post_form(
        "/oauth/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ],
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "invalid_grant");
    // A verifier shorter than 43 characters whose S256 matches is still refused.
    let short = "short-verifier";
    let ch = challenge(short);
    let code = emu.code_for(
        &[("code_challenge", &ch)],
        "google-oauth2",
        "google-oauth2|1001",
    );
    assert_eq!(emu.exchange(&code, short, CALLBACK).status, 403);
}

#[test]
fn plain_pkce_and_missing_challenge_are_refused() {
    let emu = Emu::new();
    let r = authorize_with(&emu, &[("code_challenge_method", Some("plain"))]);
    assert_error_redirect(&r, "invalid_request", Some("st-123"));
    let r = authorize_with(&emu, &[("code_challenge_method", None)]);
    assert_error_redirect(&r, "invalid_request", Some("st-123"));
    let r = authorize_with(&emu, &[("code_challenge", None)]);
    assert_error_redirect(&r, "invalid_request", Some("st-123"));
    let r = authorize_with(&emu, &[("code_challenge", Some("too-short"))]);
    assert_error_redirect(&r, "invalid_request", Some("st-123"));
}

#[test]
fn state_and_code_response_type_are_required() {
    let emu = Emu::new();
    let r = authorize_with(&emu, &[("state", None)]);
    assert_error_redirect(&r, "invalid_request", None);
    let r = authorize_with(&emu, &[("response_type", Some("token"))]);
    assert_error_redirect(&r, "unsupported_response_type", Some("st-123"));
    let r = authorize_with(&emu, &[("connection", Some("facebook"))]);
    assert_error_redirect(&r, "invalid_request", Some("st-123"));
    let r = authorize_with(&emu, &[("prompt", Some("none"))]);
    assert_error_redirect(&r, "login_required", Some("st-123"));
}

#[test]
fn unknown_client_and_bad_redirect_uri_are_shown_not_redirected() {
    let emu = Emu::new();
    for change in [
        vec![("client_id", Some("nope"))],
        vec![("client_id", None)],
        vec![(
            "redirect_uri",
            Some("http://127.0.0.1:4000/callback.html/evil"),
        )],
        vec![("redirect_uri", Some("http://evil.example/callback.html"))],
        vec![("redirect_uri", Some("http://127.0.0.1:4000"))], // an origin is only for web_message
        vec![("redirect_uri", None)],
        vec![("response_mode", Some("form_post"))],
    ] {
        let r = authorize_with(&emu, &change);
        assert_eq!(r.status, 400, "{change:?}");
        assert!(r.header("location").is_none(), "{change:?}");
        assert!(r.text().contains("data-part=\"error\""));
        assert!(r
            .header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'"));
    }
}

#[test]
fn prompt_login_and_max_age_zero_still_show_the_page() {
    let emu = Emu::new();
    let r = authorize_with(&emu, &[("prompt", Some("login")), ("max_age", Some("0"))]);
    assert_eq!(r.status, 302);
    let page = emu.get(r.header("location").unwrap());
    assert_eq!(page.status, 200);
    assert!(page.text().contains("data-action=\"create\""));
}

#[test]
fn replayed_code_is_refused() {
    let emu = Emu::new();
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    assert_eq!(emu.exchange(&code, VERIFIER, CALLBACK).status, 200);
    let r = emu.exchange(&code, VERIFIER, CALLBACK);
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "invalid_grant");
}

#[test]
fn expired_code_is_refused() {
    let emu = Emu::with_config(|c| c.code_ttl_seconds = 1);
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = emu.exchange(&code, VERIFIER, CALLBACK);
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "invalid_grant");
}

#[test]
fn token_redirect_uri_must_equal_the_authorize_one() {
    let emu = Emu::new();
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    let r = emu.exchange(&code, VERIFIER, "http://127.0.0.1:4000/");
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "invalid_grant");
}

#[test]
fn token_endpoint_accepts_json_and_checks_client_and_grant() {
    let emu = Emu::new();
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    let body = json!({
        "grant_type": "authorization_code", "client_id": CLIENT, "code": code,
        "code_verifier": VERIFIER, "redirect_uri": CALLBACK,
    });
    let r = emu.post_json("/oauth/token", &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = emu.post_json(
        "/oauth/token",
        &json!({"grant_type": "password", "client_id": CLIENT}),
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "unsupported_grant_type");
    let r = emu.post_json(
        "/oauth/token",
        &json!({"grant_type": "authorization_code", "client_id": "nope"}),
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    // A code issued to one client cannot be used by another (same id here, so just check
    // an unknown code).
    let r = emu.exchange("not-a-code", VERIFIER, CALLBACK);
    assert_eq!(r.json()["error"], "invalid_grant");
}

#[test]
fn userinfo_requires_a_valid_token() {
    let emu = Emu::new();
    assert_eq!(emu.get("/userinfo").status, 401);
    assert_eq!(emu.api("GET", "/userinfo", "garbage", None).status, 401);
    let (at, _) = emu.tokens(json!({"sub": "auth0|alice", "expires_in": -10}));
    assert_eq!(emu.api("GET", "/userinfo", &at, None).status, 401);
    let (at, _) = emu.token_for("auth0|alice");
    let r = emu.api("GET", "/userinfo", &at, None);
    assert_eq!(r.json()["email"], "alice@example.com");
}

#[test]
fn fragment_mode_puts_the_answer_in_the_fragment() {
    let emu = Emu::new();
    let r = emu.login_as(
        &[("response_mode", "fragment")],
        "google-oauth2",
        "google-oauth2|1001",
    );
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    let (before, frag) = loc.split_once('#').unwrap();
    assert_eq!(before, CALLBACK);
    assert!(frag.contains("code=") && frag.contains("state=st-123"));
}

#[test]
fn web_message_posts_to_the_exact_opener_origin_then_closes() {
    let emu = Emu::new();
    let r = emu.login_as(
        &[("response_mode", "web_message"), ("redirect_uri", APP)],
        "google-oauth2",
        "google-oauth2|1001",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let html = r.text();
    let csp = r.header("content-security-policy").unwrap().to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(html.contains(&format!("<script nonce=\"{nonce}\">")));
    assert!(!csp.contains("unsafe-inline"));
    assert!(html.contains("\"type\":\"authorization_response\""));
    assert!(html.contains("\"state\":\"st-123\""));
    assert!(html.contains("postMessage(m,t)"));
    assert!(html.contains("var t=\"http://127.0.0.1:4000\""));
    assert!(!html.contains("'*'") && !html.contains("\"*\""));
    assert!(html.contains("window.close()"));
    // The code in the page works with redirect_uri = the origin.
    let code = html
        .split("\"code\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(emu.exchange(code, VERIFIER, APP).status, 200);
    // An origin that is not a web origin is refused (shown, not posted).
    let r = authorize_with(
        &emu,
        &[
            ("response_mode", Some("web_message")),
            ("redirect_uri", Some("http://127.0.0.1:4999")),
        ],
    );
    assert_eq!(r.status, 400);
}

#[test]
fn web_message_errors_are_posted_too() {
    let emu = Emu::new();
    let r = authorize_with(
        &emu,
        &[
            ("response_mode", Some("web_message")),
            ("redirect_uri", Some(APP)),
            ("code_challenge_method", Some("plain")),
        ],
    );
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("\"error\":\"invalid_request\""));
    assert!(html.contains("\"state\":\"st-123\""));
}

/// auth0-spa-js's silent authentication (`getTokenSilently` with no cached token, and
/// `createAuth0Client`'s session check after a login): a hidden iframe on the app origin loads
/// `/authorize?prompt=none&response_mode=web_message&redirect_uri=<origin>`. The answer must be
/// framable by that origin and post `login_required` to the parent (there is no opener), or spa-js
/// waits for its 60 s timeout; and the app origin's CSP must let the app frame the issuer.
#[test]
fn silent_authentication_in_an_iframe_answers_login_required_to_the_parent() {
    let emu = Emu::new();
    let r = authorize_with(
        &emu,
        &[
            ("response_mode", Some("web_message")),
            ("redirect_uri", Some(APP)),
            ("prompt", Some("none")),
            ("connection", None),
            ("nonce", Some("n-1")),
            ("auth0Client", Some("eyJuYW1lIjoiYXV0aDAtc3BhLWpzIn0%3D")),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains(&format!("frame-ancestors {APP}")), "{csp}");
    assert!(r.header("x-frame-options").is_none());
    let html = r.text();
    assert!(html.contains("\"error\":\"login_required\""));
    assert!(html.contains("\"state\":\"st-123\""));
    assert!(!html.contains("\"code\""));
    assert!(html.contains("window.parent.postMessage(m,t)"));
    assert!(html.contains(&format!("var t=\"{APP}\"")));
}

fn login_page(emu: &Emu, connection: Option<&str>) -> (String, String) {
    let r = authorize_with(emu, &[("connection", connection)]);
    let loc = r.header("location").unwrap().to_string();
    let txn = query_param(&format!("http://x{loc}"), "txn").unwrap();
    (txn, emu.get(&loc).text())
}

#[test]
fn chooser_lists_connections_without_connection_param() {
    let emu = Emu::new();
    let (txn, html) = login_page(&emu, None);
    for c in [
        "google-oauth2",
        "github",
        "windowslive",
        "Username-Password-Authentication",
    ] {
        assert!(html.contains(&format!("data-connection=\"{c}\"")), "{c}");
    }
    let page = emu.get(&format!("/login?txn={txn}&connection=github"));
    assert!(page.text().contains("data-action=\"create\""));
}

#[test]
fn social_page_lists_users_escaped_and_creates_new_ones() {
    let emu = Emu::new();
    let id = emu.create_user(json!({"connection": "github", "name": "<img src=x onerror=alert(1)>", "email": "m@example.com"}));
    assert!(id.starts_with("github|"));
    let (txn, html) = login_page(&emu, Some("github"));
    assert!(html.contains(&format!("data-user-id=\"{id}\"")));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("input name=\"name\"") && html.contains("input name=\"email\""));
    let r = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", "github"),
            ("action", "create"),
            ("name", "Bob"),
            ("email", "bob@example.com"),
        ],
    );
    assert_eq!(r.status, 302, "{}", r.text());
    let code = query_param(r.header("location").unwrap(), "code").unwrap();
    let c = claims(
        emu.exchange(&code, VERIFIER, CALLBACK).json()["id_token"]
            .as_str()
            .unwrap(),
    );
    assert!(c["sub"].as_str().unwrap().starts_with("github|"));
    // The login transaction is single-use.
    let again = emu.post_form(
        "/login",
        &[("txn", &txn), ("connection", "github"), ("user_id", &id)],
    );
    assert_eq!(again.status, 400);
    // A user of another connection cannot be picked on this page.
    let (txn, _) = login_page(&emu, Some("github"));
    let r = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", "github"),
            ("user_id", "google-oauth2|1001"),
        ],
    );
    assert_eq!(r.status, 400);
}

#[test]
fn a_login_submitted_twice_gives_one_code() {
    let emu = Emu::new();
    let submit = |addr, txn: &str| {
        let body = form(&[("txn", txn), ("connection", "github"), ("action", "create")]);
        let h = [("content-type", "application/x-www-form-urlencoded")];
        request(addr, "POST", "/login", &h, Some(body.as_bytes())).unwrap()
    };
    let has_code = |r: &Resp| {
        r.header("location")
            .is_some_and(|l| query_param(l, "code").is_some())
    };
    // Concurrent submits (a double click): never two codes.
    for _ in 0..20 {
        let (txn, _) = login_page(&emu, Some("github"));
        let barrier = std::sync::Barrier::new(2);
        let codes = std::thread::scope(|s| {
            let runs: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        barrier.wait();
                        submit(emu.addr, &txn)
                    })
                })
                .collect();
            runs.into_iter()
                .map(|r| r.join().unwrap())
                .filter(has_code)
                .count()
        });
        assert_eq!(codes, 1);
    }
    // A submit refused with an error page (not a re-rendered form) uses the login up too.
    let (txn, _) = login_page(&emu, Some("github"));
    let r = emu.post_form("/login", &[("txn", &txn), ("connection", "windowslive")]);
    assert_eq!(r.status, 400);
    let second = submit(emu.addr, &txn);
    assert_eq!(second.status, 400, "{}", second.text());
    assert!(!has_code(&second));
    // A validation error re-renders the form and keeps the login usable.
    let (txn, _) = login_page(&emu, Some("github"));
    let r = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", "github"),
            ("user_id", "github|nobody"),
        ],
    );
    assert_eq!(r.status, 400);
    assert!(has_code(&submit(emu.addr, &txn)));
    assert!(!has_code(&submit(emu.addr, &txn)));
}

#[test]
fn database_connection_checks_hashed_passwords_and_signs_up() {
    let emu = Emu::new();
    let c = "Username-Password-Authentication";
    let (txn, html) = login_page(&emu, Some(c));
    assert!(
        html.contains("name=\"password\"")
            && html.contains("data-action=\"login\"")
            && html.contains("data-action=\"signup\"")
    );
    let bad = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", c),
            ("action", "login"),
            ("email", "alice@example.com"),
            ("password", "nope"),
        ],
    );
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("Wrong email or password"));
    let ok = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", c),
            ("action", "login"),
            ("email", "alice@example.com"),
            ("password", "alice-password-1"),
        ],
    );
    assert_eq!(ok.status, 302, "{}", ok.text());
    let code = query_param(ok.header("location").unwrap(), "code").unwrap();
    let t = emu.exchange(&code, VERIFIER, CALLBACK).json();
    assert_eq!(
        claims(t["id_token"].as_str().unwrap())["sub"],
        "auth0|alice"
    );
    // Sign-up, then log in with the new password.
    let (txn, _) = login_page(&emu, Some(c));
    let r = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", c),
            ("action", "signup"),
            ("email", "carol@example.com"),
            ("password", "carol-password-1"),
        ],
    );
    assert_eq!(r.status, 302, "{}", r.text());
    let (txn, _) = login_page(&emu, Some(c));
    let r = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", c),
            ("action", "login"),
            ("email", "carol@example.com"),
            ("password", "carol-password-1"),
        ],
    );
    assert_eq!(r.status, 302);
    let users: Value = emu.users();
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["email"] == "carol@example.com"));
    // Signing up twice with the same email is refused.
    let (txn, _) = login_page(&emu, Some(c));
    let r = emu.post_form(
        "/login",
        &[
            ("txn", &txn),
            ("connection", c),
            ("action", "signup"),
            ("email", "carol@example.com"),
            ("password", "x-password-2"),
        ],
    );
    assert_eq!(r.status, 400);
}

#[test]
fn signing_in_with_a_linked_identity_yields_the_primary_user() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("auth0|alice");
    let (_, id_g) = emu.token_for("google-oauth2|1001");
    let r = emu.api(
        "POST",
        "/api/v2/users/auth0%7Calice/identities",
        &at,
        Some(&json!({"link_with": id_g})),
    );
    assert_eq!(r.status, 201);
    let code = emu.code_for(&[], "google-oauth2", "google-oauth2|1001");
    let t = emu.exchange(&code, VERIFIER, CALLBACK).json();
    assert_eq!(
        claims(t["id_token"].as_str().unwrap())["sub"],
        "auth0|alice"
    );
}
