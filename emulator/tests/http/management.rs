//! Management API: get, link, unlink; token, scope and ownership checks; error bodies; rate
//! limits; CORS.

use crate::common::*;
use serde_json::{json, Value};

const ALICE: &str = "/api/v2/users/auth0%7Calice";

fn assert_auth0_error(r: &Resp, status: u16, error_code: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    let v = r.json();
    assert_eq!(v["statusCode"], json!(status));
    assert!(v["error"].is_string());
    assert!(v["message"].is_string());
    assert_eq!(v["errorCode"], error_code, "{v}");
}

#[test]
fn get_user_returns_auth0_shaped_user() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("auth0|alice");
    let r = emu.api("GET", ALICE, &at, None);
    assert_eq!(r.status, 200, "{}", r.text());
    let u = r.json();
    assert_eq!(u["user_id"], "auth0|alice");
    assert_eq!(u["email"], "alice@example.com");
    assert_eq!(u["name"], "Alice Example");
    assert_eq!(u["nickname"], "alice");
    assert_eq!(
        u["picture"],
        json!(format!("{}avatars/alice.svg", emu.issuer))
    );
    assert_eq!(
        u["identities"],
        json!([{ "provider": "auth0", "user_id": "alice", "connection": "Username-Password-Authentication", "isSocial": false }])
    );
    // The avatar is served by the emulator.
    let a = emu.get("/avatars/alice.svg");
    assert_eq!(a.status, 200);
    assert_eq!(a.header("content-type"), Some("image/svg+xml"));
}

#[test]
fn bearer_token_is_verified() {
    let emu = Emu::new();
    let r = emu.get(ALICE);
    assert_auth0_error(&r, 401, "invalid_token");
    let r = emu.get_h(ALICE, &[("authorization", "Basic abc")]);
    assert_auth0_error(&r, 401, "invalid_token");
    let r = emu.api("GET", ALICE, "not-a-jwt", None);
    assert_auth0_error(&r, 401, "invalid_token");
    // Expired.
    let (at, _) = emu.tokens(json!({"sub": "auth0|alice", "expires_in": -30}));
    let r = emu.api("GET", ALICE, &at, None);
    assert_auth0_error(&r, 401, "invalid_token");
    assert!(r.json()["message"].as_str().unwrap().contains("Expired"));
    // Wrong audience: an ID token is not an API token.
    let (_, id) = emu.token_for("auth0|alice");
    assert_auth0_error(&emu.api("GET", ALICE, &id, None), 401, "invalid_token");
    // Bad signature.
    let (at, _) = emu.token_for("auth0|alice");
    let mut parts: Vec<String> = at.split('.').map(str::to_string).collect();
    let mut c = claims(&at);
    c["scope"] = json!("read:current_user update:current_user_identities update:users");
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string());
    let forged = parts.join(".");
    assert_auth0_error(&emu.api("GET", ALICE, &forged, None), 401, "invalid_token");
    // alg=none.
    let parts: Vec<&str> = at.split('.').collect();
    let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1]);
    assert_auth0_error(&emu.api("GET", ALICE, &none, None), 401, "invalid_token");
    // A token from another tenant (another key) is refused.
    let other = Emu::with(account_link_emulator::Options {
        keys: Some(account_link_emulator::Keys::generate()),
        ..account_link_emulator::Options::for_tests(account_link_emulator::Config::builtin())
    });
    let (foreign, _) = other.token_for("auth0|alice");
    assert_auth0_error(&emu.api("GET", ALICE, &foreign, None), 401, "invalid_token");
}

#[test]
fn scopes_and_ownership_are_checked() {
    let emu = Emu::new();
    let (read_only, _) = emu.tokens(json!({"sub": "auth0|alice", "scope": "read:current_user"}));
    assert_eq!(emu.api("GET", ALICE, &read_only, None).status, 200);
    let (_, id_g) = emu.token_for("google-oauth2|1001");
    let body = json!({"link_with": id_g});
    assert_auth0_error(
        &emu.api(
            "POST",
            &format!("{ALICE}/identities"),
            &read_only,
            Some(&body),
        ),
        403,
        "insufficient_scope",
    );
    assert_auth0_error(
        &emu.api(
            "DELETE",
            &format!("{ALICE}/identities/github/1"),
            &read_only,
            None,
        ),
        403,
        "insufficient_scope",
    );
    let (update_only, _) =
        emu.tokens(json!({"sub": "auth0|alice", "scope": "update:current_user_identities"}));
    assert_auth0_error(
        &emu.api("GET", ALICE, &update_only, None),
        403,
        "insufficient_scope",
    );
    // Another user's token cannot touch alice.
    let (bobs, _) = emu.token_for("google-oauth2|1001");
    assert_auth0_error(
        &emu.api("GET", ALICE, &bobs, None),
        403,
        "insufficient_scope",
    );
    assert_auth0_error(
        &emu.api("POST", &format!("{ALICE}/identities"), &bobs, Some(&body)),
        403,
        "insufficient_scope",
    );
    // The provider/user_id form needs update:users.
    let (at, _) = emu.token_for("auth0|alice");
    let r = emu.api(
        "POST",
        &format!("{ALICE}/identities"),
        &at,
        Some(&json!({"provider": "google-oauth2", "user_id": "1001"})),
    );
    assert_auth0_error(&r, 403, "insufficient_scope");
}

#[test]
fn inexistent_user_is_404() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("github|999");
    assert_auth0_error(
        &emu.api("GET", "/api/v2/users/github%7C999", &at, None),
        404,
        "inexistent_user",
    );
    let (_, id_g) = emu.token_for("google-oauth2|1001");
    let r = emu.api(
        "POST",
        "/api/v2/users/github%7C999/identities",
        &at,
        Some(&json!({"link_with": id_g})),
    );
    assert_auth0_error(&r, 404, "inexistent_user");
}

fn user<'a>(users: &'a Value, id: &str) -> Option<&'a Value> {
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user_id"] == id)
}

#[test]
fn link_merges_secondary_and_unlink_splits_it_again() {
    let emu = Emu::new();
    let gh = emu.create_user(
        json!({"connection": "github", "name": "Alice on GitHub", "email": "a.gh@example.com"}),
    );
    let bare = gh.split_once('|').unwrap().1.to_string();
    let (at, _) = emu.token_for("auth0|alice");
    let (_, id_gh) = emu.token_for(&gh);
    let r = emu.api(
        "POST",
        &format!("{ALICE}/identities"),
        &at,
        Some(&json!({"link_with": id_gh})),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let ids = r.json();
    assert_eq!(ids[0]["provider"], "auth0");
    assert_eq!(ids[1]["provider"], "github");
    assert_eq!(ids[1]["user_id"], json!(bare));
    assert_eq!(ids[1]["isSocial"], true);
    assert_eq!(ids[1]["connection"], "github");
    assert_eq!(ids[1]["profileData"]["email"], "a.gh@example.com");
    assert_eq!(ids[1]["profileData"]["name"], "Alice on GitHub");
    let users = emu.users();
    assert!(
        user(&users, &gh).is_none(),
        "the secondary is no longer a separate user"
    );
    assert_eq!(
        user(&users, "auth0|alice").unwrap()["identities"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(emu.api("GET", ALICE, &at, None).json()["identities"], ids);

    // Unlink the primary: refused.
    let r = emu.api(
        "DELETE",
        &format!("{ALICE}/identities/auth0/alice"),
        &at,
        None,
    );
    assert_auth0_error(&r, 400, "operation_not_supported");
    // Unknown identity.
    let r = emu.api(
        "DELETE",
        &format!("{ALICE}/identities/github/424242"),
        &at,
        None,
    );
    assert_auth0_error(&r, 404, "inexistent_identity");
    // Unlink the secondary.
    let r = emu.api(
        "DELETE",
        &format!("{ALICE}/identities/github/{bare}"),
        &at,
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let users = emu.users();
    let back = user(&users, &gh).expect("a separate user again");
    assert_eq!(back["email"], "a.gh@example.com");
    assert_eq!(back["identities"].as_array().unwrap().len(), 1);
}

#[test]
fn linking_to_itself_is_400() {
    let emu = Emu::new();
    let (at, id) = emu.token_for("auth0|alice");
    let r = emu.api(
        "POST",
        &format!("{ALICE}/identities"),
        &at,
        Some(&json!({"link_with": id})),
    );
    assert_auth0_error(&r, 400, "invalid_body");
    assert_eq!(
        r.json()["message"],
        "Main identity and the new one are the same."
    );
}

#[test]
fn linking_an_identity_linked_elsewhere_is_409() {
    let emu = Emu::new();
    let bob = emu.create_user(json!({"connection": "windowslive", "name": "Bob"}));
    let (at_alice, _) = emu.token_for("auth0|alice");
    let (at_bob, _) = emu.token_for(&bob);
    let (_, id_g) = emu.token_for("google-oauth2|1001");
    let link_body = json!({"link_with": id_g});
    assert_eq!(
        emu.api(
            "POST",
            &format!("{ALICE}/identities"),
            &at_alice,
            Some(&link_body)
        )
        .status,
        201
    );
    let path = format!("/api/v2/users/{}/identities", bob.replace('|', "%7C"));
    let before = emu.users();
    let r = emu.api("POST", &path, &at_bob, Some(&link_body));
    assert_auth0_error(&r, 409, "identity_already_linked");
    assert_eq!(emu.users(), before, "a failed link changes nothing");
}

#[test]
fn bad_link_with_is_400_and_leaves_both_users_as_they_were() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("auth0|alice");
    let before = emu.users();
    let path = format!("{ALICE}/identities");
    // Audience is another client (aud != azp).
    let (_, other_aud) =
        emu.tokens(json!({"sub": "google-oauth2|1001", "client_id": "another-client"}));
    // Expired.
    let (_, expired) = emu.tokens(json!({"sub": "google-oauth2|1001", "expires_in": -5}));
    // Signed by another key.
    let other = Emu::with(account_link_emulator::Options {
        keys: Some(account_link_emulator::Keys::generate()),
        ..account_link_emulator::Options::for_tests(account_link_emulator::Config::builtin())
    });
    let (_, foreign) = other.token_for("google-oauth2|1001");
    for (what, tok) in [
        ("aud", other_aud),
        ("exp", expired),
        ("sig", foreign),
        ("junk", "a.b.c".to_string()),
    ] {
        let r = emu.api("POST", &path, &at, Some(&json!({"link_with": tok})));
        assert_eq!(r.status, 400, "{what}: {}", r.text());
        assert_eq!(r.json()["errorCode"], "invalid_body", "{what}");
    }
    let r = emu.send(
        "POST",
        &path,
        &[
            ("authorization", &format!("Bearer {at}")),
            ("content-type", "application/json"),
        ],
        Some("{nope"),
    );
    assert_auth0_error(&r, 400, "invalid_body");
    let r = emu.api("POST", &path, &at, Some(&json!({})));
    assert_auth0_error(&r, 400, "invalid_body");
    // A link_with for a user that does not exist.
    let (_, ghost) = emu.token_for("github|31337");
    let r = emu.api("POST", &path, &at, Some(&json!({"link_with": ghost})));
    assert_eq!(r.status, 400);
    assert_eq!(emu.users(), before);
}

#[test]
fn every_management_response_carries_rate_limit_headers_and_budget_is_enforced() {
    let emu = Emu::with_config(|c| c.rate_limit_per_minute = 3);
    let (at, _) = emu.token_for("auth0|alice");
    let unauth = emu.get(ALICE);
    assert_eq!(unauth.status, 401);
    assert_eq!(unauth.header("x-ratelimit-limit"), Some("3"));
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let r = emu.api("GET", ALICE, &at, None);
        assert_eq!(r.status, 200);
        remaining.push(r.header("x-ratelimit-remaining").unwrap().to_string());
        let reset: i64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        assert!(reset > now && reset <= now + 61);
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let r = emu.api("GET", ALICE, &at, None);
    assert_auth0_error(&r, 429, "too_many_requests");
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    assert!(r.header("retry-after").is_some());
    // The budget is per token: another token still works.
    let (at2, _) = emu.tokens(json!({"sub": "auth0|alice", "scope": "read:current_user"}));
    assert_eq!(emu.api("GET", ALICE, &at2, None).status, 200);
    // Reset restores budgets.
    assert_eq!(emu.post_json("/__test__/reset", &json!({})).status, 204);
    assert_eq!(emu.api("GET", ALICE, &at, None).status, 200);
}

#[test]
fn cors_allows_web_origins_only() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("auth0|alice");
    let auth = format!("Bearer {at}");
    // Preflight from the app origin.
    let r = emu.send(
        "OPTIONS",
        &format!("{ALICE}/identities"),
        &[
            ("origin", APP),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization,content-type",
            ),
        ],
        None,
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some(APP));
    assert!(r
        .header("access-control-allow-methods")
        .unwrap()
        .contains("DELETE"));
    assert!(r
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase()
        .contains("authorization"));
    // Actual request from the app origin.
    let r = emu.get_h(ALICE, &[("origin", APP), ("authorization", &auth)]);
    assert_eq!(r.header("access-control-allow-origin"), Some(APP));
    assert!(r
        .header("access-control-expose-headers")
        .unwrap()
        .contains("x-ratelimit-reset"));
    // Refused origins.
    for bad in [
        "http://evil.example",
        "http://127.0.0.1:4001",
        "http://127.0.0.1:4000/",
    ] {
        let r = emu.send(
            "OPTIONS",
            "/oauth/token",
            &[("origin", bad), ("access-control-request-method", "POST")],
            None,
        );
        assert_eq!(r.status, 403, "{bad}");
        assert!(r.header("access-control-allow-origin").is_none());
        let r = emu.get_h(ALICE, &[("origin", bad), ("authorization", &auth)]);
        assert!(r.header("access-control-allow-origin").is_none(), "{bad}");
    }
    // Token and userinfo endpoints.
    let r = emu.send(
        "POST",
        "/oauth/token",
        &[("origin", APP), ("content-type", "application/json")],
        Some("{}"),
    );
    assert_eq!(r.header("access-control-allow-origin"), Some(APP));
    let r = emu.get_h("/userinfo", &[("origin", APP), ("authorization", &auth)]);
    assert_eq!(r.header("access-control-allow-origin"), Some(APP));
    // Discovery and JWKS are public documents.
    let r = emu.get_h(
        "/.well-known/jwks.json",
        &[("origin", "http://anything.example")],
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    // Pages get no CORS headers.
    let r = emu.get_h("/authorize?client_id=x", &[("origin", APP)]);
    assert!(r.header("access-control-allow-origin").is_none());
}
