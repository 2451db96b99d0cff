//! CORS for the configured web origins on the token, userinfo, Management API, legacy unlink
//! and test control endpoints (preflight included); discovery and JWKS are public.

use crate::state::Shared;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

/// Which CORS policy a path gets.
#[derive(Debug, PartialEq, Eq)]
enum Policy {
    /// No CORS headers (pages: /authorize, login, avatars).
    None,
    /// Any origin (public documents).
    Public,
    /// Only the clients' web origins.
    WebOrigins,
}

fn policy(path: &str) -> Policy {
    if path.starts_with("/.well-known/") {
        Policy::Public
    } else if path == "/oauth/token"
        || path == "/userinfo"
        || path == "/unlink"
        || path.starts_with("/api/v2/")
        || path.starts_with("/__test__/")
    {
        Policy::WebOrigins
    } else {
        Policy::None
    }
}

const ALLOW_METHODS: &str = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "Authorization, Content-Type, Accept, Auth0-Client";
const EXPOSE_HEADERS: &str =
    "x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, retry-after";

fn refuse(status: StatusCode, message: &str) -> Response {
    crate::management::api_error(status, message, "test_control_refused")
}

/// The CORS middleware (outermost layer on the issuer origin).
pub async fn middleware(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let policy = policy(req.uri().path());
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string);
    let allowed: Option<HeaderValue> = match (&policy, &origin) {
        (Policy::Public, _) => Some(HeaderValue::from_static("*")),
        (Policy::WebOrigins, Some(o)) if state.config.is_web_origin(o) => {
            HeaderValue::from_str(o).ok()
        }
        _ => None,
    };
    // Test control resets and seeds the tenant: a page on another site must not reach it. A POST
    // must be JSON (so a browser preflights it), and a browser's foreign Origin is refused.
    if state.test_control && req.uri().path().starts_with("/__test__/") {
        if origin.is_some() && allowed.is_none() {
            return refuse(StatusCode::FORBIDDEN, "origin is not a web origin");
        }
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if req.method() == Method::POST && !json {
            return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "test control POSTs need Content-Type: application/json (send {} for no fields)",
            );
        }
    }
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight && policy != Policy::None {
        let mut resp = Response::new(Body::empty());
        let h = resp.headers_mut();
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        match allowed {
            Some(o) => {
                *resp.status_mut() = StatusCode::NO_CONTENT;
                let h = resp.headers_mut();
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static(ALLOW_METHODS),
                );
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static(ALLOW_HEADERS),
                );
                h.insert(
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from_static("600"),
                );
            }
            None => *resp.status_mut() = StatusCode::FORBIDDEN,
        }
        return resp;
    }
    let mut resp = next.run(req).await;
    if policy != Policy::None {
        let h = resp.headers_mut();
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
        if let Some(o) = allowed {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
            h.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSE_HEADERS),
            );
        }
    }
    resp
}
