//! Public documents of the issuer origin: OIDC discovery, JWKS, avatars, logout.

use crate::pages::Page;
use crate::state::Shared;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;
use std::collections::HashMap;

/// `GET /.well-known/openid-configuration` (OIDC Discovery 1.0 section 3).
pub async fn openid_configuration(State(state): State<Shared>) -> Response {
    let i = &state.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}authorize"),
        "token_endpoint": format!("{i}oauth/token"),
        "userinfo_endpoint": format!("{i}userinfo"),
        "jwks_uri": format!("{i}.well-known/jwks.json"),
        "end_session_endpoint": format!("{i}v2/logout"),
        "scopes_supported": ["openid", "profile", "email", "read:current_user", "update:current_user_identities"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "web_message"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["aud", "auth_time", "email", "email_verified", "exp", "iat", "iss",
                             "name", "nickname", "nonce", "picture", "sub", "updated_at"],
    }))
    .into_response()
}

/// `GET /.well-known/jwks.json`.
pub async fn jwks(State(state): State<Shared>) -> Response {
    Json(state.keys.jwks()).into_response()
}

/// `GET /avatars/{name}.svg`: a round avatar with the name's initial (seed users' pictures).
pub async fn avatar(Path(name): Path<String>) -> Response {
    let Some(stem) = name.strip_suffix(".svg") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let initial = stem
        .chars()
        .find(|c| c.is_ascii_alphanumeric())
        .unwrap_or('?')
        .to_ascii_uppercase();
    let hue = stem
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32))
        % 360;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\">\
         <circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"hsl({hue},55%,45%)\"/>\
         <text x=\"32\" y=\"42\" font-family=\"sans-serif\" font-size=\"28\" text-anchor=\"middle\" \
         fill=\"#fff\">{initial}</text></svg>"
    );
    let mut r = svg.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    r
}

/// `GET /v2/logout?returnTo=...&client_id=...`: no sessions here, so it only redirects back
/// when `returnTo` is one of the clients' web origins or callbacks.
pub async fn logout(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Some(to) = q.get("returnTo") {
        let allowed = state.config.clients.iter().any(|c| {
            c.callbacks.iter().any(|u| u == to)
                || c.web_origins
                    .iter()
                    .any(|o| to == o || to.strip_prefix(o.as_str()) == Some("/"))
        });
        if allowed {
            return Redirect::to(to).into_response();
        }
    }
    Page::new(StatusCode::OK, "Signed out", "<h1>Signed out</h1>".into()).into_response()
}
