//! Links and the signing key survive a restart on a file database.

use crate::common::*;
use account_link_emulator::{Config, Options};
use serde_json::json;

#[test]
fn links_and_key_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!("emu-persist-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("nested/tenant.sqlite");
    let opts = |port: u16| Options {
        db: Some(db.clone()),
        port,
        ..Options::for_tests(Config::builtin())
    };
    let emu = Emu::with(opts(0));
    // The restart uses the same port, hence the same issuer.
    let port = emu.addr.port();
    let kid = emu.get("/.well-known/jwks.json").json()["keys"][0]["kid"].clone();
    let gh = emu.create_user(json!({"connection": "github", "name": "Persisted"}));
    let (at, _) = emu.token_for("auth0|alice");
    let (_, id_gh) = emu.token_for(&gh);
    assert_eq!(
        emu.api(
            "POST",
            "/api/v2/users/auth0%7Calice/identities",
            &at,
            Some(&json!({"link_with": id_gh}))
        )
        .status,
        201
    );
    emu.stop();

    let emu = Emu::with(opts(port));
    assert_eq!(
        emu.get("/.well-known/jwks.json").json()["keys"][0]["kid"],
        kid,
        "same key after restart"
    );
    // The old token still verifies, and the link is still there.
    let u = emu.api("GET", "/api/v2/users/auth0%7Calice", &at, None);
    assert_eq!(u.status, 200, "{}", u.text());
    assert_eq!(u.json()["identities"][1]["provider"], "github");
    // Seeds are not re-inserted over existing data.
    assert_eq!(emu.users().as_array().unwrap().len(), 2);
    emu.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
