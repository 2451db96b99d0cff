//! The static app origin: MIME types, index.html, CSP, no-store, no listing, no traversal.

use crate::common::*;
use account_link_emulator::{AppOptions, AppSite, Config, Options};

fn site() -> (Emu, std::path::PathBuf) {
    let dir =
        std::env::temp_dir().join(format!("emu-site-{}-{}", std::process::id(), rand_suffix()));
    let www = dir.join("www");
    let dist = dir.join("dist");
    std::fs::create_dir_all(www.join("sub")).unwrap();
    std::fs::create_dir_all(www.join("empty")).unwrap();
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(www.join("index.html"), "<h1>app</h1>").unwrap();
    std::fs::write(www.join("main.js"), "console.log(1)").unwrap();
    std::fs::write(www.join("sub/index.html"), "sub").unwrap();
    std::fs::write(dir.join("secret.txt"), "secret").unwrap();
    std::fs::write(dist.join("account_link_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dist.join("index.js"), "export {}").unwrap();
    std::fs::write(dist.join("a.mjs"), "export {}").unwrap();
    let emu = Emu::with(Options {
        app: Some(AppOptions {
            port: 0,
            site: AppSite {
                root: Some(www),
                mounts: vec![("/pkg".into(), dist)],
                coop: Some("same-origin".into()),
            },
        }),
        ..Options::for_tests(Config::builtin())
    });
    (emu, dir)
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

#[test]
fn app_origin_serves_files_with_the_right_headers() {
    let (emu, dir) = site();
    let app = emu.running.as_ref().unwrap().app_addr.unwrap();
    let get = |p: &str| request(app, "GET", p, &[], None).unwrap();
    let r = get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "<h1>app</h1>");
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("cross-origin-opener-policy"), Some("same-origin"));
    let csp = r.header("content-security-policy").unwrap();
    let issuer_origin = emu.issuer.trim_end_matches('/');
    assert_eq!(
        csp,
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' https: {issuer_origin}; connect-src 'self' {issuer_origin}; frame-src 'self' {issuer_origin}; frame-ancestors 'none'"
        )
    );
    // auth0-spa-js authenticates silently in a hidden iframe on the issuer
    // (oidc.rs: silent_authentication_in_an_iframe_answers_login_required_to_the_parent).
    assert!(
        csp.contains(&format!("frame-src 'self' {issuer_origin};")),
        "the app may frame the issuer: {csp}"
    );
    assert!(get("/main.js")
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(get("/pkg/a.mjs")
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert_eq!(
        get("/pkg/account_link_bg.wasm").header("content-type"),
        Some("application/wasm")
    );
    assert_eq!(get("/sub/").text(), "sub");
    // No listing, no traversal.
    assert_eq!(get("/empty/").status, 404);
    for p in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/pkg/../../secret.txt",
        "/..%5csecret.txt",
        "/nope.js",
    ] {
        let r = get(p);
        assert_eq!(r.status, 404, "{p}");
        assert!(r.header("content-security-policy").is_some());
    }
    let _ = std::fs::remove_dir_all(dir);
}
