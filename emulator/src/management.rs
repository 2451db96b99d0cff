//! The Management API endpoints the widget uses: get a user, link (`link_with`) and unlink,
//! with Auth0's token, scope and ownership rules, error bodies and rate-limit headers.

use crate::keys::now;
use crate::state::{lock, AppState, Shared};
use crate::store::StoreError;
use crate::token::{aud_contains, bearer, verify_access_token};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// An Auth0 error body: `{ statusCode, error, message, errorCode }`.
pub fn api_error(status: StatusCode, message: &str, error_code: &str) -> Response {
    (
        status,
        Json(json!({
            "statusCode": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": message,
            "errorCode": error_code,
        })),
    )
        .into_response()
}

/// The Auth0 answer for a storage error.
pub fn store_error(e: &StoreError) -> Response {
    match e {
        StoreError::NoUser => api_error(
            StatusCode::NOT_FOUND,
            "The user does not exist.",
            "inexistent_user",
        ),
        StoreError::SameIdentity => api_error(
            StatusCode::BAD_REQUEST,
            "Main identity and the new one are the same.",
            "invalid_body",
        ),
        StoreError::AlreadyLinked => api_error(
            StatusCode::CONFLICT,
            "The identity is already linked to another user.",
            "identity_already_linked",
        ),
        StoreError::MainIdentity => api_error(
            StatusCode::BAD_REQUEST,
            "Main identity cannot be removed.",
            "operation_not_supported",
        ),
        StoreError::NoIdentity => api_error(
            StatusCode::NOT_FOUND,
            "The identity does not exist or is not linked to this user.",
            "inexistent_identity",
        ),
        StoreError::Conflict(m) => api_error(StatusCode::CONFLICT, m, "conflict"),
        StoreError::Invalid(m) => api_error(StatusCode::BAD_REQUEST, m, "invalid_body"),
        StoreError::Db(m) => api_error(StatusCode::INTERNAL_SERVER_ERROR, m, "internal_error"),
    }
}

/// Counts the request against its token's budget and adds the rate-limit headers.
fn with_budget(state: &AppState, headers: &HeaderMap, f: impl FnOnce() -> Response) -> Response {
    let budget = state.limiter.hit(bearer(headers).unwrap_or(""));
    let mut resp = if budget.exceeded {
        api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "Global limit has been reached",
            "too_many_requests",
        )
    } else {
        f()
    };
    budget.apply(resp.headers_mut());
    resp
}

/// Checks the bearer token (signature, issuer, expiry, audience), the scope (`current` on the
/// token's own user, or `admin`) and that the token's `sub` is the `{id}` of the path.
fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    current: &str,
    admin: &str,
) -> Result<Map<String, Value>, Box<Response>> {
    let unauthorized = |m: &str| Box::new(api_error(StatusCode::UNAUTHORIZED, m, "invalid_token"));
    let token = bearer(headers).map_err(|e| unauthorized(e.message()))?;
    let claims = verify_access_token(state, token, &state.api_audience())
        .map_err(|e| unauthorized(e.message()))?;
    let scopes: Vec<&str> = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    if scopes.contains(&admin) {
        return Ok(claims);
    }
    if !scopes.contains(&current) {
        return Err(Box::new(api_error(
            StatusCode::FORBIDDEN,
            &format!("Insufficient scope, expected any of: {admin},{current}"),
            "insufficient_scope",
        )));
    }
    if claims.get("sub").and_then(Value::as_str) != Some(id) {
        return Err(Box::new(api_error(
            StatusCode::FORBIDDEN,
            &format!("Insufficient scope, expected any of: {admin}"),
            "insufficient_scope",
        )));
    }
    Ok(claims)
}

/// `GET /api/v2/users/{id}`.
pub async fn get_user(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    with_budget(&state, &headers, || {
        if let Err(r) = authorize(&state, &headers, &id, "read:current_user", "read:users") {
            return *r;
        }
        let store = lock(&state.store);
        match store.user(&id) {
            Ok(Some(u)) => match store.user_json(&u) {
                Ok(v) => Json(v).into_response(),
                Err(e) => store_error(&e),
            },
            Ok(None) => store_error(&StoreError::NoUser),
            Err(e) => store_error(&e),
        }
    })
}

/// Checks a `link_with` ID token: RS256 by this tenant, issuer, `aud` = the access token's
/// `azp`, not expired. Returns its `sub`.
fn check_link_with(state: &AppState, token: &str, azp: &str) -> Result<String, Box<Response>> {
    let bad = |m: &str| Box::new(api_error(StatusCode::BAD_REQUEST, m, "invalid_body"));
    let claims = state.keys.verify(token).map_err(|_| {
        bad("link_with: the ID token is not a valid RS256 JWT signed by this tenant.")
    })?;
    if claims.get("iss").and_then(Value::as_str) != Some(state.issuer.as_str()) {
        return Err(bad("link_with: the ID token was issued by another issuer."));
    }
    if !aud_contains(claims.get("aud"), azp) {
        return Err(bad(
            "link_with: the ID token's audience does not match the access token's azp.",
        ));
    }
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_none_or(|e| e <= now())
    {
        return Err(bad("link_with: the ID token has expired."));
    }
    claims
        .get("sub")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| bad("link_with: the ID token has no sub."))
}

/// `POST /api/v2/users/{id}/identities` with `{ "link_with": "<ID token>" }` -> 201 and the
/// primary's identities.
pub async fn link(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    with_budget(&state, &headers, || {
        let claims = match authorize(
            &state,
            &headers,
            &id,
            "update:current_user_identities",
            "update:users",
        ) {
            Ok(c) => c,
            Err(r) => return *r,
        };
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
            return api_error(
                StatusCode::BAD_REQUEST,
                "Invalid request payload JSON format",
                "invalid_body",
            );
        };
        let Some(link_with) = body.get("link_with").and_then(Value::as_str) else {
            if body.contains_key("provider") || body.contains_key("user_id") {
                return api_error(
                    StatusCode::FORBIDDEN,
                    "Insufficient scope, expected any of: update:users",
                    "insufficient_scope",
                );
            }
            return api_error(
                StatusCode::BAD_REQUEST,
                "Payload validation error: 'Missing required property: link_with'.",
                "invalid_body",
            );
        };
        let azp = claims.get("azp").and_then(Value::as_str).unwrap_or("");
        let secondary = match check_link_with(&state, link_with, azp) {
            Ok(s) => s,
            Err(r) => return *r,
        };
        let mut store = lock(&state.store);
        match store.user(&id) {
            Ok(Some(_)) => {}
            Ok(None) => return store_error(&StoreError::NoUser),
            Err(e) => return store_error(&e),
        }
        if let Err(e) = store.link(&id, &secondary) {
            return match e {
                StoreError::NoUser => api_error(
                    StatusCode::BAD_REQUEST,
                    "The user of link_with does not exist.",
                    "inexistent_user",
                ),
                e => store_error(&e),
            };
        }
        match store.user(&id) {
            Ok(Some(u)) => match store.identities_json(&u) {
                Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
                Err(e) => store_error(&e),
            },
            _ => store_error(&StoreError::NoUser),
        }
    })
}

/// `DELETE /api/v2/users/{id}/identities/{provider}/{user_id}` -> the remaining identities.
pub async fn unlink(
    State(state): State<Shared>,
    Path((id, provider, user_id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    with_budget(&state, &headers, || {
        if let Err(r) = authorize(
            &state,
            &headers,
            &id,
            "update:current_user_identities",
            "update:users",
        ) {
            return *r;
        }
        let mut store = lock(&state.store);
        if let Err(e) = store.unlink(&id, &provider, &user_id) {
            return store_error(&e);
        }
        match store.user(&id) {
            Ok(Some(u)) => match store.identities_json(&u) {
                Ok(v) => Json(v).into_response(),
                Err(e) => store_error(&e),
            },
            _ => store_error(&StoreError::NoUser),
        }
    })
}

/// Any other `/api/v2/*` path: 404 in Auth0's shape (still rate limited).
pub async fn not_found(State(state): State<Shared>, headers: HeaderMap) -> Response {
    with_budget(&state, &headers, || {
        api_error(StatusCode::NOT_FOUND, "Not Found", "not_found")
    })
}
