//! Test control under `/__test__/` (only with `--test-control`): reset, seed users, mint tokens,
//! inject faults, read users.

use crate::faults::Fault;
use crate::management::{api_error, store_error};
use crate::state::{lock, Shared};
use crate::store::NewIdentity;
use crate::token::{grant_scope, mint_api_token, mint_id_token, IdTokenSpec};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

/// The `/__test__` routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/__test__/reset", post(reset))
        .route("/__test__/users", post(create_user).get(list_users))
        .route("/__test__/tokens", post(tokens))
        .route("/__test__/faults", post(add_fault))
}

fn bad_json(e: impl std::fmt::Display) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        &format!("invalid JSON body: {e}"),
        "invalid_body",
    )
}

/// `POST /__test__/reset` -> 204: seed users, no links, codes, budgets or faults.
async fn reset(State(state): State<Shared>) -> Response {
    if let Err(e) = lock(&state.store).reset(&state.config) {
        return store_error(&e);
    }
    state.clear_ephemeral();
    StatusCode::NO_CONTENT.into_response()
}

/// Body of `POST /__test__/users`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    connection: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    picture: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
}

/// `POST /__test__/users` -> 201 with the user JSON.
async fn create_user(State(state): State<Shared>, body: axum::body::Bytes) -> Response {
    let u: NewUser = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => return bad_json(e),
    };
    let new = NewIdentity {
        connection: u.connection,
        user_id: u.user_id,
        email: u.email,
        name: u.name,
        picture: u.picture,
        password: u.password,
    };
    let mut store = lock(&state.store);
    match store
        .create(&state.config, new)
        .and_then(|i| store.user_json(&i))
    {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => store_error(&e),
    }
}

/// `GET /__test__/users` -> every user with identities.
async fn list_users(State(state): State<Shared>) -> Response {
    let store = lock(&state.store);
    let users = match store.users() {
        Ok(u) => u,
        Err(e) => return store_error(&e),
    };
    let mut out = Vec::new();
    for u in &users {
        match store.user_json(u) {
            Ok(v) => out.push(v),
            Err(e) => return store_error(&e),
        }
    }
    Json(Value::Array(out)).into_response()
}

/// Body of `POST /__test__/tokens`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    sub: String,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    nonce: Option<String>,
}

/// `POST /__test__/tokens` -> `{ access_token, id_token }` for `sub`.
async fn tokens(State(state): State<Shared>, body: axum::body::Bytes) -> Response {
    let t: TokenRequest = match serde_json::from_slice(&body) {
        Ok(t) => t,
        Err(e) => return bad_json(e),
    };
    let client_id = t
        .client_id
        .or_else(|| state.config.clients.first().map(|c| c.client_id.clone()))
        .unwrap_or_default();
    let scope = t
        .scope
        .unwrap_or_else(|| "read:current_user update:current_user_identities".into());
    let expires_in = t
        .expires_in
        .unwrap_or(state.config.token_ttl_seconds as i64);
    let user = lock(&state.store).identity(&t.sub).ok().flatten();
    let access_token = mint_api_token(&state, &t.sub, &client_id, &grant_scope(&scope), expires_in);
    let id_token = mint_id_token(
        &state,
        IdTokenSpec {
            sub: &t.sub,
            user: user.as_ref(),
            client_id: &client_id,
            nonce: t.nonce.as_deref(),
            auth_time: crate::keys::now(),
            scope: None,
            expires_in,
        },
    );
    Json(json!({ "access_token": access_token, "id_token": id_token })).into_response()
}

/// `POST /__test__/faults` -> 201.
async fn add_fault(State(state): State<Shared>, body: axum::body::Bytes) -> Response {
    let f: Fault = match serde_json::from_slice(&body) {
        Ok(f) => f,
        Err(e) => return bad_json(e),
    };
    match state.faults.add(f) {
        Ok(()) => (StatusCode::CREATED, Json(json!({ "ok": true }))).into_response(),
        Err(e) => api_error(StatusCode::BAD_REQUEST, &e, "invalid_body"),
    }
}
