//! Test control API and fault injection.

use crate::common::*;
use account_link_emulator::{Config, Options};
use serde_json::json;
use std::time::Instant;

#[test]
fn test_control_is_off_without_the_flag() {
    let emu = Emu::with(Options {
        test_control: false,
        ..Options::for_tests(Config::builtin())
    });
    assert_eq!(emu.send("POST", "/__test__/reset", &[], None).status, 404);
    assert_eq!(emu.get("/__test__/users").status, 404);
    assert_eq!(
        emu.post_json("/__test__/tokens", &json!({"sub": "auth0|alice"}))
            .status,
        404
    );
}

#[test]
fn reset_restores_the_seed_state() {
    let emu = Emu::new();
    let seed = emu.users();
    assert_eq!(seed.as_array().unwrap().len(), 2);
    let id =
        emu.create_user(json!({"connection": "github", "name": "Temp", "user_id": "github|77"}));
    assert_eq!(id, "github|77");
    let (at, _) = emu.token_for("auth0|alice");
    let (_, id_g) = emu.token_for("google-oauth2|1001");
    emu.api(
        "POST",
        "/api/v2/users/auth0%7Calice/identities",
        &at,
        Some(&json!({"link_with": id_g})),
    );
    assert_ne!(emu.users(), seed);
    let r = emu.post_json("/__test__/reset", &json!({}));
    assert_eq!(r.status, 204);
    let after = emu.users();
    assert_eq!(after.as_array().unwrap().len(), 2);
    for (a, b) in after
        .as_array()
        .unwrap()
        .iter()
        .zip(seed.as_array().unwrap())
    {
        assert_eq!(a["user_id"], b["user_id"]);
        assert_eq!(a["identities"], b["identities"]);
    }
    // Duplicate ids and unknown connections are refused.
    assert_eq!(
        emu.post_json(
            "/__test__/users",
            &json!({"connection": "github", "user_id": "github|1"})
        )
        .status,
        201
    );
    assert_eq!(
        emu.post_json(
            "/__test__/users",
            &json!({"connection": "github", "user_id": "github|1"})
        )
        .status,
        409
    );
    assert_eq!(
        emu.post_json("/__test__/users", &json!({"connection": "nope"}))
            .status,
        400
    );
}

#[test]
fn test_control_is_cors_open_to_web_origins() {
    let emu = Emu::new();
    let r = emu.send(
        "OPTIONS",
        "/__test__/faults",
        &[
            ("origin", APP),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        None,
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some(APP));
}

#[test]
fn test_control_refuses_simple_requests_and_foreign_origins() {
    let emu = Emu::new();
    let seed = emu.users();
    emu.create_user(json!({"connection": "github", "user_id": "github|77"}));
    // A cross-site form or text/plain fetch needs no preflight: refused unless JSON.
    for headers in [
        &[][..],
        &[("content-type", "text/plain")][..],
        &[("content-type", "application/x-www-form-urlencoded")][..],
        &[("content-type", "application/jsonx")][..],
    ] {
        let r = emu.send("POST", "/__test__/reset", headers, Some("{}"));
        assert_eq!(r.status, 415, "{headers:?}");
    }
    // JSON from a browser page of a foreign site (or an opaque origin): 403.
    for origin in ["https://evil.example", "null"] {
        let r = emu.send(
            "POST",
            "/__test__/reset",
            &[("content-type", "application/json"), ("origin", origin)],
            Some("{}"),
        );
        assert_eq!(r.status, 403, "{origin}");
        assert_eq!(
            emu.get_h("/__test__/users", &[("origin", origin)]).status,
            403
        );
    }
    assert_ne!(emu.users(), seed, "nothing was reset");
    // The app's own origin, with JSON, still works.
    let r = emu.send(
        "POST",
        "/__test__/reset",
        &[
            ("content-type", "application/json; charset=utf-8"),
            ("origin", APP),
        ],
        Some("{}"),
    );
    assert_eq!(r.status, 204);
    assert_eq!(emu.users(), seed);
}

#[test]
fn fault_with_status_and_body_hits_the_next_matching_request_once() {
    let emu = Emu::new();
    let (at, _) = emu.token_for("auth0|alice");
    let r = emu.post_json(
        "/__test__/faults",
        &json!({"method": "GET", "path": "/api/v2/users/", "status": 429,
                "body": {"statusCode": 429, "error": "Too Many Requests", "message": "slow down", "errorCode": "too_many_requests"},
                "headers": {"x-ratelimit-reset": "12345"}}),
    );
    assert_eq!(r.status, 201);
    // A different method does not match.
    let other = emu.api(
        "DELETE",
        "/api/v2/users/auth0%7Calice/identities/github/1",
        &at,
        None,
    );
    assert_ne!(other.status, 429);
    let r = emu.get_h(
        "/api/v2/users/auth0%7Calice",
        &[("authorization", &format!("Bearer {at}")), ("origin", APP)],
    );
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["message"], "slow down");
    assert_eq!(r.header("x-ratelimit-reset"), Some("12345"));
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some(APP),
        "faults still carry CORS headers"
    );
    assert_eq!(
        emu.api("GET", "/api/v2/users/auth0%7Calice", &at, None)
            .status,
        200,
        "used up"
    );
}

#[test]
fn fault_times_and_default_body() {
    let emu = Emu::new();
    emu.post_json(
        "/__test__/faults",
        &json!({"path": "/oauth/token", "status": 503, "times": 2}),
    );
    for _ in 0..2 {
        let r = emu.post_json("/oauth/token", &json!({}));
        assert_eq!(r.status, 503);
        assert_eq!(r.json()["statusCode"], 503);
    }
    assert_eq!(emu.post_json("/oauth/token", &json!({})).status, 400);
    // Faults never apply to /__test__ itself.
    emu.post_json("/__test__/faults", &json!({"path": "/", "status": 500}));
    assert_eq!(emu.get("/__test__/users").status, 200);
    assert_eq!(emu.get("/.well-known/jwks.json").status, 500);
}

#[test]
fn fault_delay_slows_the_real_answer() {
    let emu = Emu::new();
    emu.post_json(
        "/__test__/faults",
        &json!({"path": "/.well-known/jwks.json", "delay_ms": 400}),
    );
    let t = Instant::now();
    let r = emu.get("/.well-known/jwks.json");
    assert_eq!(r.status, 200);
    assert!(t.elapsed().as_millis() >= 400);
    let t = Instant::now();
    emu.get("/.well-known/jwks.json");
    assert!(t.elapsed().as_millis() < 400);
}

#[test]
fn fault_drop_closes_the_connection_without_an_answer() {
    let emu = Emu::new();
    emu.post_json(
        "/__test__/faults",
        &json!({"path": "/api/v2/", "drop": true}),
    );
    let r = request(emu.addr, "GET", "/api/v2/users/x", &[], None);
    assert!(r.is_err(), "{r:?}");
    // The server is still fine afterwards.
    assert_eq!(emu.get("/.well-known/jwks.json").status, 200);
    // Bad fault definitions are refused.
    assert_eq!(
        emu.post_json("/__test__/faults", &json!({"path": "nope"}))
            .status,
        400
    );
    assert_eq!(
        emu.post_json("/__test__/faults", &json!({"path": "/x", "status": 1000}))
            .status,
        400
    );
    assert_eq!(
        emu.post_json("/__test__/faults", &json!({"path": "/x", "bogus": 1}))
            .status,
        400
    );
}

#[test]
fn minted_tokens_have_the_documented_claims() {
    let emu = Emu::new();
    let (at, id) = emu.tokens(json!({"sub": "auth0|alice", "nonce": "abc"}));
    let a = claims(&at);
    assert_eq!(a["azp"], CLIENT);
    assert_eq!(
        a["scope"],
        "read:current_user update:current_user_identities"
    );
    assert_eq!(a["aud"][0], json!(format!("{}api/v2/", emu.issuer)));
    let i = claims(&id);
    assert_eq!(i["aud"], CLIENT);
    assert_eq!(i["nonce"], "abc");
    assert_eq!(i["email"], "alice@example.com");
    assert_eq!(
        jwt_header(&id)["kid"],
        emu.get("/.well-known/jwks.json").json()["keys"][0]["kid"]
    );
}
