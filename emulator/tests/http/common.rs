//! Test harness: an emulator on a free loopback port (in-memory SQLite) and a tiny blocking
//! HTTP/1.1 client, so every test talks real HTTP.
#![allow(dead_code)]

use account_link_emulator::{start, Config, Keys, Options, Running};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

/// One RSA key for the whole test binary (key generation is the slow part of a start).
pub fn shared_keys() -> Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(Keys::generate).clone()
}

/// A running emulator and the runtime that drives it.
pub struct Emu {
    pub rt: tokio::runtime::Runtime,
    pub running: Option<Running>,
    pub addr: SocketAddr,
    pub issuer: String,
}

pub const CLIENT: &str = "account-link-demo";
pub const APP: &str = "http://127.0.0.1:4000";
pub const CALLBACK: &str = "http://127.0.0.1:4000/callback.html";
pub const VERIFIER: &str = "test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz";

impl Emu {
    /// The built-in tenant with test control.
    pub fn new() -> Self {
        Self::with(Options::for_tests(Config::builtin()))
    }

    /// The built-in tenant with a config tweak.
    pub fn with_config(f: impl FnOnce(&mut Config)) -> Self {
        let mut c = Config::builtin();
        f(&mut c);
        Self::with(Options::for_tests(c))
    }

    /// Any options (the shared key is used unless set).
    pub fn with(mut opts: Options) -> Self {
        if opts.keys.is_none() && opts.db.is_none() {
            opts.keys = Some(shared_keys());
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let running = rt.block_on(start(opts)).expect("emulator starts");
        Emu {
            addr: running.addr,
            issuer: running.issuer.clone(),
            running: Some(running),
            rt,
        }
    }

    /// Stops the servers (for restart tests).
    pub fn stop(mut self) {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.stop());
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        request(self.addr, "GET", path, &[], None).unwrap()
    }

    pub fn get_h(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        request(self.addr, "GET", path, headers, None).unwrap()
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        request(self.addr, method, path, headers, body.map(str::as_bytes)).unwrap()
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Resp {
        self.send(
            "POST",
            path,
            &[("content-type", "application/json")],
            Some(&body.to_string()),
        )
    }

    pub fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let body = form(pairs);
        self.send(
            "POST",
            path,
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(&body),
        )
    }

    /// Management API call with a bearer token.
    pub fn api(&self, method: &str, path: &str, token: &str, body: Option<&Value>) -> Resp {
        let auth = format!("Bearer {token}");
        let b = body.map(|b| b.to_string());
        let mut h = vec![("authorization", auth.as_str())];
        if b.is_some() {
            h.push(("content-type", "application/json"));
        }
        self.send(method, path, &h, b.as_deref())
    }

    /// Test-control tokens for `sub`: (access_token, id_token).
    pub fn tokens(&self, body: Value) -> (String, String) {
        let r = self.post_json("/__test__/tokens", &body);
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        (
            v["access_token"].as_str().unwrap().to_string(),
            v["id_token"].as_str().unwrap().to_string(),
        )
    }

    pub fn token_for(&self, sub: &str) -> (String, String) {
        self.tokens(serde_json::json!({ "sub": sub }))
    }

    /// Creates a user through test control; returns its user_id.
    pub fn create_user(&self, body: Value) -> String {
        let r = self.post_json("/__test__/users", &body);
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["user_id"].as_str().unwrap().to_string()
    }

    pub fn users(&self) -> Value {
        self.get("/__test__/users").json()
    }

    /// Runs /authorize with the given extra params and returns the response.
    pub fn authorize(&self, params: &[(&str, &str)]) -> Resp {
        self.get(&format!("/authorize?{}", form(params)))
    }

    /// A full login: /authorize (query mode, PKCE) then picking `user_id` on the login page.
    /// Returns the final response (a redirect to the callback).
    pub fn login_as(&self, extra: &[(&str, &str)], connection: &str, user_id: &str) -> Resp {
        let challenge = challenge(VERIFIER);
        let mut params = vec![
            ("client_id", CLIENT),
            ("response_type", "code"),
            ("redirect_uri", CALLBACK),
            ("scope", "openid profile email"),
            ("state", "st-123"),
            ("nonce", "n-456"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("connection", connection),
        ];
        params.extend_from_slice(extra);
        // Later duplicates override earlier ones.
        let mut dedup: Vec<(&str, &str)> = Vec::new();
        for (k, v) in params {
            dedup.retain(|(k2, _)| *k2 != k);
            dedup.push((k, v));
        }
        let r = self.authorize(&dedup);
        assert_eq!(r.status, 302, "authorize: {}", r.text());
        let loc = r.header("location").unwrap().to_string();
        assert!(loc.starts_with("/login?txn="), "{loc}");
        let page = self.get(&loc);
        assert_eq!(page.status, 200);
        let txn = query_param(&format!("http://x{loc}"), "txn").unwrap();
        self.post_form(
            "/login",
            &[
                ("txn", &txn),
                ("connection", connection),
                ("action", "select"),
                ("user_id", user_id),
            ],
        )
    }

    /// A full login that must succeed; returns the code.
    pub fn code_for(&self, extra: &[(&str, &str)], connection: &str, user_id: &str) -> String {
        let r = self.login_as(extra, connection, user_id);
        assert_eq!(r.status, 302, "{}", r.text());
        let loc = r.header("location").unwrap();
        assert_eq!(
            query_param(loc, "state").as_deref(),
            Some("st-123"),
            "{loc}"
        );
        query_param(loc, "code").unwrap_or_else(|| panic!("no code in {loc}"))
    }

    /// Exchanges a code at /oauth/token (form-encoded).
    pub fn exchange(&self, code: &str, verifier: &str, redirect_uri: &str) -> Resp {
        self.post_form(
            "/oauth/token",
            &[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT),
                ("code", code),
                ("code_verifier", verifier),
                ("redirect_uri", redirect_uri),
            ],
        )
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            self.rt.block_on(r.stop());
        }
    }
}

pub fn challenge(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A query (or fragment) parameter of a URL.
pub fn query_param(u: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(u).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .or_else(|| {
            let frag = url.fragment()?;
            url::form_urlencoded::parse(frag.as_bytes())
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        })
}

/// Decodes a JWT's payload (no verification).
pub fn claims(jwt: &str) -> Value {
    let p = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&B64.decode(p).unwrap()).unwrap()
}

pub fn jwt_header(jwt: &str) -> Value {
    let p = jwt.split('.').next().unwrap();
    serde_json::from_slice(&B64.decode(p).unwrap()).unwrap()
}

/// An HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// Sends one request on a fresh connection (`Connection: close`) and reads the whole answer.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    if let Some(b) = body {
        s.write_all(b)?;
    }
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    parse(&raw)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no HTTP response"))
}

fn parse(raw: &[u8]) -> Option<Resp> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n")?;
            let size =
                usize::from_str_radix(std::str::from_utf8(&rest[..nl]).ok()?.trim(), 16).ok()?;
            rest = &rest[nl + 2..];
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    Some(Resp {
        status,
        headers,
        body,
    })
}
