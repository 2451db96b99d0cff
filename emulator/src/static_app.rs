//! The static app server on a second origin (`--app-port`, `--app-dir`, `--app-mount`):
//! correct MIME types, `index.html`, no listings, no traversal, `no-store`, strict CSP.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// What the app origin serves.
#[derive(Debug, Clone, Default)]
pub struct AppSite {
    /// Served at `/` (fallback after mounts).
    pub root: Option<PathBuf>,
    /// `(prefix, dir)` pairs, e.g. `("/pkg", "dist")`; longest prefix wins.
    pub mounts: Vec<(String, PathBuf)>,
    /// `Cross-Origin-Opener-Policy` value, if any.
    pub coop: Option<String>,
}

struct SiteState {
    site: AppSite,
    csp: HeaderValue,
}

/// The Content-Security-Policy of every app response, for an issuer origin.
///
/// `frame-src` names the issuer because Auth0's SDKs authenticate silently in a hidden iframe
/// (auth0-spa-js: `getTokenSilently` without a cached token, and `createAuth0Client`'s session
/// check after a login, `/authorize?prompt=none&response_mode=web_message`), as Auth0 tells apps
/// to allow. Without it that frame is blocked and spa-js waits `authorizeTimeoutInSeconds`
/// (60 s) for an answer that never comes.
pub fn app_csp(issuer_origin: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' https: {issuer_origin}; connect-src 'self' {issuer_origin}; \
         frame-src 'self' {issuer_origin}; frame-ancestors 'none'"
    )
}

/// The router of the app origin.
pub fn router(mut site: AppSite, issuer_origin: &str) -> Router {
    site.mounts.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
    let csp = HeaderValue::from_str(&app_csp(issuer_origin)).expect("CSP header");
    Router::new()
        .fallback(serve)
        .with_state(Arc::new(SiteState { site, csp }))
}

/// The MIME type for a file name.
pub fn mime_for(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "txt" | "ts" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Resolves a URL path inside `dir`: decoded, no `..`, no hidden escape through symlinks.
fn resolve(dir: &Path, rel: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(rel)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = dir.to_path_buf();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut comps = Path::new(seg).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(c)), None) => path.push(c),
            _ => return None,
        }
    }
    let base = dir.canonicalize().ok()?;
    let mut real = path.canonicalize().ok()?;
    if !real.starts_with(&base) {
        return None;
    }
    if real.is_dir() {
        real = real.join("index.html");
        if !real.is_file() {
            return None;
        }
    }
    real.is_file().then_some(real)
}

fn with_headers(state: &SiteState, mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, state.csp.clone());
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    if let Some(coop) = state
        .site
        .coop
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        h.insert("cross-origin-opener-policy", coop);
    }
    resp
}

async fn serve(State(state): State<Arc<SiteState>>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return with_headers(&state, StatusCode::METHOD_NOT_ALLOWED.into_response());
    }
    let path = req.uri().path();
    let mut found = None;
    for (prefix, dir) in &state.site.mounts {
        if let Some(rest) = path.strip_prefix(prefix.as_str()) {
            if rest.is_empty() || rest.starts_with('/') {
                found = Some(resolve(dir, rest));
                break;
            }
        }
    }
    let file = match found {
        Some(f) => f,
        None => state.site.root.as_deref().and_then(|d| resolve(d, path)),
    };
    let resp = match file {
        Some(f) => match tokio::fs::read(&f).await {
            Ok(bytes) => {
                let mut r = Response::new(if req.method() == Method::HEAD {
                    Body::empty()
                } else {
                    Body::from(bytes)
                });
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime_for(&f)));
                r
            }
            Err(_) => (StatusCode::NOT_FOUND, "Not found").into_response(),
        },
        None => (StatusCode::NOT_FOUND, "Not found").into_response(),
    };
    with_headers(&state, resp)
}
