//! `/oauth/token` (authorization_code + PKCE), `/userinfo`, and minting and checking tokens.

use crate::keys::{now, pkce_s256, random_token};
use crate::state::{lock, AppState, OpaqueToken, Shared};
use crate::store::{profile_json, Identity};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// Scopes a Management API access token can carry here.
pub const ALLOWED_API_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "email",
    "read:current_user",
    "update:current_user_identities",
];

/// The requested scopes that are allowed, in request order, without duplicates.
pub fn grant_scope(requested: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for s in requested.split_whitespace() {
        if ALLOWED_API_SCOPES.contains(&s) && !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

/// What goes into an ID token.
#[derive(Debug, Clone, Copy)]
pub struct IdTokenSpec<'a> {
    /// `sub`.
    pub sub: &'a str,
    /// The user, for profile and email claims (none when unknown).
    pub user: Option<&'a Identity>,
    /// `aud`.
    pub client_id: &'a str,
    /// `nonce`, if the client sent one.
    pub nonce: Option<&'a str>,
    /// `auth_time`.
    pub auth_time: i64,
    /// Granted scopes (`None`: every profile and email claim).
    pub scope: Option<&'a str>,
    /// Seconds until `exp` (negative: already expired).
    pub expires_in: i64,
}

/// Mints an ID token (OIDC Core 2), with profile claims when the user is known and the scope
/// asks for them.
pub fn mint_id_token(state: &AppState, spec: IdTokenSpec<'_>) -> String {
    let IdTokenSpec {
        sub,
        user,
        client_id,
        nonce,
        auth_time,
        scope,
        expires_in,
    } = spec;
    let t = now();
    let iat = if expires_in > 0 {
        t
    } else {
        t + expires_in - 3600
    };
    let mut claims = Map::new();
    if let Some(u) = user {
        let wants = |s: &str| scope.is_none_or(|sc| sc.split_whitespace().any(|x| x == s));
        if let Value::Object(p) = profile_json(u) {
            for (k, v) in p {
                let is_email = k == "email" || k == "email_verified";
                let is_profile = k == "name" || k == "nickname" || k == "picture";
                if (is_email && wants("email")) || (is_profile && wants("profile")) {
                    claims.insert(k, v);
                }
            }
            if wants("profile") {
                claims.insert(
                    "updated_at".into(),
                    json!(crate::store::iso8601(u.updated_at)),
                );
            }
        }
    }
    claims.insert("iss".into(), json!(state.issuer));
    claims.insert("aud".into(), json!(client_id));
    claims.insert("sub".into(), json!(sub));
    claims.insert("iat".into(), json!(iat));
    claims.insert("exp".into(), json!(t + expires_in));
    claims.insert("auth_time".into(), json!(auth_time));
    if let Some(n) = nonce {
        claims.insert("nonce".into(), json!(n));
    }
    claims.insert("sid".into(), json!(random_token(12)));
    state.keys.sign(&Value::Object(claims))
}

/// Mints a Management API access token (JWT, audience `[ISSUER/api/v2/, ISSUER/userinfo]`).
pub fn mint_api_token(
    state: &AppState,
    sub: &str,
    client_id: &str,
    scope: &str,
    expires_in: i64,
) -> String {
    let t = now();
    let iat = if expires_in > 0 {
        t
    } else {
        t + expires_in - 3600
    };
    state.keys.sign(&json!({
        "iss": state.issuer,
        "sub": sub,
        "aud": [state.api_audience(), state.userinfo_audience()],
        "iat": iat,
        "exp": t + expires_in,
        "azp": client_id,
        "scope": scope,
    }))
}

/// Why a bearer token was refused (all answer 401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// No `Authorization` header.
    Missing,
    /// Not `Bearer <token>`, or not a JWT.
    BadFormat,
    /// Bad signature, algorithm, key or issuer.
    Invalid,
    /// Past `exp`.
    Expired,
    /// `aud` does not contain the expected audience.
    BadAudience,
}

impl TokenError {
    /// Auth0's message for this failure.
    pub fn message(&self) -> &'static str {
        match self {
            TokenError::Missing => "Missing authentication",
            TokenError::BadFormat => "Bad HTTP authentication header format",
            TokenError::Invalid => "Invalid token",
            TokenError::Expired => "Expired token received for JSON Web Token validation",
            TokenError::BadAudience => "Bad audience",
        }
    }
}

/// The bearer token of a request.
pub fn bearer(headers: &HeaderMap) -> Result<&str, TokenError> {
    let h = headers
        .get(header::AUTHORIZATION)
        .ok_or(TokenError::Missing)?
        .to_str()
        .map_err(|_| TokenError::BadFormat)?;
    match h.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") && !t.trim().is_empty() => {
            Ok(t.trim())
        }
        _ => Err(TokenError::BadFormat),
    }
}

/// Verifies a JWT access token of this tenant for `audience` and returns its claims.
pub fn verify_access_token(
    state: &AppState,
    token: &str,
    audience: &str,
) -> Result<Map<String, Value>, TokenError> {
    if token.split('.').count() != 3 {
        return Err(TokenError::BadFormat);
    }
    let claims = state.keys.verify(token).map_err(|_| TokenError::Invalid)?;
    if claims.get("iss").and_then(Value::as_str) != Some(state.issuer.as_str()) {
        return Err(TokenError::Invalid);
    }
    if claims.get("sub").and_then(Value::as_str).is_none() {
        return Err(TokenError::Invalid);
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(TokenError::Invalid)?;
    if exp <= now() {
        return Err(TokenError::Expired);
    }
    if !aud_contains(claims.get("aud"), audience) {
        return Err(TokenError::BadAudience);
    }
    Ok(claims)
}

/// Whether an `aud` claim (string or array) contains `want`.
pub fn aud_contains(aud: Option<&Value>, want: &str) -> bool {
    match aud {
        Some(Value::String(s)) => s == want,
        Some(Value::Array(a)) => a.iter().any(|v| v.as_str() == Some(want)),
        _ => false,
    }
}

/// The user behind an access token: a JWT for the Management API or userinfo, or an opaque one.
pub fn token_subject(state: &AppState, token: &str) -> Result<(String, String), TokenError> {
    if token.split('.').count() == 3 {
        let claims = verify_access_token(state, token, &state.userinfo_audience())?;
        let sub = claims["sub"].as_str().unwrap_or_default().to_string();
        let scope = claims
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        return Ok((sub, scope));
    }
    let tokens = lock(&state.opaque_tokens);
    match tokens.get(token) {
        Some(t) if t.expires_at > now() => Ok((t.sub.clone(), t.scope.clone())),
        Some(_) => Err(TokenError::Expired),
        None => Err(TokenError::Invalid),
    }
}

/// An OAuth error answer (RFC 6749 5.2).
pub fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    no_store(&mut r);
    r
}

fn no_store(r: &mut Response) {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r.headers_mut()
        .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// Reads a form-encoded or JSON body into string parameters.
pub fn parse_params(headers: &HeaderMap, body: &[u8]) -> Result<HashMap<String, String>, String> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("application/json") {
        let v: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
        let Value::Object(m) = v else {
            return Err("the JSON body must be an object".into());
        };
        Ok(m.into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                Value::Null => None,
                other => Some((k, other.to_string())),
            })
            .collect())
    } else {
        Ok(url::form_urlencoded::parse(body).into_owned().collect())
    }
}

fn valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// `POST /oauth/token`.
pub async fn token(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let p = match parse_params(&headers, &body) {
        Ok(p) => p,
        Err(e) => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &e),
    };
    let get = |k: &str| p.get(k).map(String::as_str).filter(|s| !s.is_empty());
    let Some(grant_type) = get("grant_type") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: grant_type",
        );
    };
    if grant_type != "authorization_code" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant type: {grant_type}"),
        );
    }
    let Some(client_id) = get("client_id") else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Missing required parameter: client_id",
        );
    };
    let Some(client) = state.config.client(client_id) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client.",
        );
    };
    if let Some(secret) = &client.client_secret {
        if get("client_secret") != Some(secret.as_str()) {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed.",
            );
        }
    }
    let Some(code) = get("code") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: code",
        );
    };
    // Single use: the code is gone whatever happens next.
    let Some(grant) = lock(&state.codes).remove(code) else {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Invalid authorization code",
        );
    };
    if grant.expires_at <= now() {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Authorization code has expired",
        );
    }
    if grant.request.client_id != client_id {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Invalid authorization code",
        );
    }
    if get("redirect_uri") != Some(grant.request.redirect_uri.as_str()) {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "The redirect_uri does not match the one used in the authorization request.",
        );
    }
    let Some(verifier) = get("code_verifier") else {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Missing required parameter: code_verifier",
        );
    };
    if !valid_verifier(verifier) || pkce_s256(verifier) != grant.request.code_challenge {
        return oauth_error(
            StatusCode::FORBIDDEN,
            "invalid_grant",
            "Failed to verify code verifier",
        );
    }
    let user = lock(&state.store).identity(&grant.sub).ok().flatten();
    let ttl = state.config.token_ttl_seconds as i64;
    let scope = grant.request.scope.clone();
    let id_token = scope.split_whitespace().any(|s| s == "openid").then(|| {
        mint_id_token(
            &state,
            IdTokenSpec {
                sub: &grant.sub,
                user: user.as_ref(),
                client_id,
                nonce: grant.request.nonce.as_deref(),
                auth_time: grant.auth_time,
                scope: Some(&scope),
                expires_in: ttl,
            },
        )
    });
    let (access_token, granted) = match &grant.request.audience {
        Some(aud) if *aud == state.api_audience() => {
            let granted = grant_scope(&scope);
            (
                mint_api_token(&state, &grant.sub, client_id, &granted, ttl),
                granted,
            )
        }
        _ => {
            let granted: Vec<&str> = scope
                .split_whitespace()
                .filter(|s| ["openid", "profile", "email"].contains(s))
                .collect();
            let granted = granted.join(" ");
            let t = random_token(24);
            lock(&state.opaque_tokens).insert(
                t.clone(),
                OpaqueToken {
                    sub: grant.sub.clone(),
                    scope: granted.clone(),
                    expires_at: now() + ttl,
                },
            );
            (t, granted)
        }
    };
    let mut body = json!({
        "access_token": access_token,
        "scope": granted,
        "expires_in": ttl,
        "token_type": "Bearer",
    });
    if let Some(t) = id_token {
        body["id_token"] = json!(t);
    }
    let mut r = Json(body).into_response();
    no_store(&mut r);
    r
}

/// `GET|POST /userinfo` (OIDC Core 5.3).
pub async fn userinfo(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let unauthorized = |e: TokenError| {
        let mut r = (StatusCode::UNAUTHORIZED, e.message().to_string()).into_response();
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        r
    };
    let token = match bearer(&headers) {
        Ok(t) => t,
        Err(e) => return unauthorized(e),
    };
    let (sub, _) = match token_subject(&state, token) {
        Ok(s) => s,
        Err(e) => return unauthorized(e),
    };
    let user = lock(&state.store).identity(&sub).ok().flatten();
    let mut claims = json!({ "sub": sub });
    if let Some(u) = user {
        if let Value::Object(p) = profile_json(&u) {
            for (k, v) in p {
                if k != "user_id" {
                    claims[k] = v;
                }
            }
        }
        claims["updated_at"] = json!(crate::store::iso8601(u.updated_at));
    }
    Json(claims).into_response()
}
