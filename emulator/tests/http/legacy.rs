//! The deprecated Authentication API linking: /authorize?access_token= and POST /unlink.

use crate::common::*;
use serde_json::json;

#[test]
fn authorize_with_access_token_links_the_new_login() {
    let emu = Emu::new();
    let gh = emu.create_user(json!({"connection": "github", "name": "Alice GH"}));
    let (at, _) = emu.token_for("auth0|alice");
    let code = emu.code_for(&[("access_token", &at)], "github", &gh);
    // The login answers for the primary user, now with the GitHub identity.
    let t = emu.exchange(&code, VERIFIER, CALLBACK).json();
    assert_eq!(
        claims(t["id_token"].as_str().unwrap())["sub"],
        "auth0|alice"
    );
    let u = emu
        .api("GET", "/api/v2/users/auth0%7Calice", &at, None)
        .json();
    assert_eq!(u["identities"][1]["provider"], "github");
    assert_eq!(
        u["identities"][1]["user_id"],
        json!(gh.split_once('|').unwrap().1)
    );
}

#[test]
fn authorize_with_a_bad_access_token_is_refused() {
    let emu = Emu::new();
    // Refused before the login page: an error redirect with the state.
    let ch = challenge(VERIFIER);
    let r = emu.authorize(&[
        ("client_id", CLIENT),
        ("response_type", "code"),
        ("redirect_uri", CALLBACK),
        ("state", "s1"),
        ("code_challenge", &ch),
        ("code_challenge_method", "S256"),
        ("connection", "github"),
        ("access_token", "garbage"),
    ]);
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    assert_eq!(query_param(loc, "error").as_deref(), Some("access_denied"));
    assert_eq!(query_param(loc, "state").as_deref(), Some("s1"));
}

#[test]
fn legacy_link_to_itself_is_refused_with_an_error_redirect() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("google-oauth2|1001");
    let r = emu.login_as(
        &[("access_token", &at)],
        "google-oauth2",
        "google-oauth2|1001",
    );
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    assert_eq!(query_param(loc, "error").as_deref(), Some("access_denied"));
    assert!(query_param(loc, "code").is_none());
}

#[test]
fn post_unlink_unlinks_with_the_primary_token() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("auth0|alice");
    let (_, id_g) = emu.token_for("google-oauth2|1001");
    assert_eq!(
        emu.api(
            "POST",
            "/api/v2/users/auth0%7Calice/identities",
            &at,
            Some(&json!({"link_with": id_g}))
        )
        .status,
        201
    );
    let bad = emu.post_json(
        "/unlink",
        &json!({"access_token": "nope", "user_id": "google-oauth2|1001"}),
    );
    assert_eq!(bad.status, 401);
    let missing = emu.post_json("/unlink", &json!({"access_token": at}));
    assert_eq!(missing.status, 400);
    let r = emu.send(
        "POST",
        "/unlink",
        &[("origin", APP), ("content-type", "application/json")],
        Some(&json!({"access_token": at, "user_id": "google-oauth2|1001"}).to_string()),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("access-control-allow-origin"), Some(APP));
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let users = emu.users();
    assert!(users
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["user_id"] == "google-oauth2|1001"));
    // Unlinking the main identity is refused.
    let r = emu.post_form(
        "/unlink",
        &[("access_token", &at), ("user_id", "auth0|alice")],
    );
    assert_eq!(r.status, 400);
}
