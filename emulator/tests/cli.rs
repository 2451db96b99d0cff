//! The binary: flags, start-up lines and readiness.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn binary_prints_issuer_app_and_ready_then_serves() {
    let dir = std::env::temp_dir().join(format!("emu-cli-{}", std::process::id()));
    let www = dir.join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("index.html"), "hello").unwrap();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_account-link-emulator"))
        .args([
            "--memory",
            "--port",
            "0",
            "--app-port",
            "0",
            "--test-control",
        ])
        .arg("--key-file")
        .arg(dir.join("key.pem"))
        .arg("--app-dir")
        .arg(&www)
        .arg("--config")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/emulator.toml"
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut issuer = None;
    let mut app = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(i) = line.strip_prefix("account-link-emulator: issuer ") {
            issuer = Some(i.to_string());
        }
        if let Some(a) = line.strip_prefix("account-link-emulator: app ") {
            app = Some(a.to_string());
        }
        if line.contains("ready") {
            break;
        }
    }
    let elapsed = started.elapsed();
    let issuer = issuer.expect("issuer line");
    let app = app.expect("app line");
    assert!(
        issuer.starts_with("http://127.0.0.1:") && issuer.ends_with('/'),
        "{issuer}"
    );
    let get = |base: &str, path: &str| {
        let hostport = base
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let mut s = TcpStream::connect(&hostport).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let d = get(&issuer, "/.well-known/openid-configuration");
    assert!(d.starts_with("HTTP/1.1 200"), "{d}");
    assert!(d.contains(&format!("\"issuer\":\"{issuer}\"")));
    let a = get(&app, "/");
    assert!(a.starts_with("HTTP/1.1 200") && a.ends_with("hello"), "{a}");
    child.kill().unwrap();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    // Generous bound: the first start also makes the key file (debug build, busy machine).
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[test]
fn binary_rejects_bad_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_account-link-emulator"))
        .args(["--memory", "--app-dir", "www"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_account-link-emulator"))
        .args(["--memory", "--config", "/nonexistent.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nonexistent"));
}
