//! The deprecated Authentication API account linking: `/authorize?access_token=...` links the
//! identity that signs in to the token's user, and `POST /unlink` unlinks. Both log a warning.

use crate::management::{api_error, store_error};
use crate::state::{lock, AppState, Shared};
use crate::store::{Identity, StoreError};
use crate::token::{parse_params, token_subject};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

fn warn(what: &str) {
    eprintln!(
        "warning: deprecated: {what} (Authentication API account linking); use the Management API \
         /api/v2/users/{{id}}/identities instead"
    );
}

/// Checks the `access_token` of a legacy `/authorize` and returns the user to link to.
pub fn link_target(state: &AppState, token: &str) -> Result<String, String> {
    warn("/authorize with access_token");
    let (sub, _) = token_subject(state, token)
        .map_err(|e| format!("Invalid access_token: {}", e.message()))?;
    match lock(&state.store).user(&sub) {
        Ok(Some(_)) => Ok(sub),
        _ => Err("The user of the access_token does not exist.".into()),
    }
}

/// Links the user of the identity that just signed in into `primary`; returns the primary user.
pub fn link_on_login(
    state: &AppState,
    primary: &str,
    identity: &Identity,
) -> Result<Identity, String> {
    let mut store = lock(&state.store);
    let signed_in = store
        .effective_user(identity)
        .map_err(|e| format!("{e:?}"))?;
    match store.link(primary, &signed_in.user_id) {
        Ok(()) => {}
        Err(StoreError::SameIdentity) => {
            return Err("Main identity and the new one are the same.".into())
        }
        Err(e) => return Err(format!("Account linking failed: {e:?}")),
    }
    store
        .user(primary)
        .ok()
        .flatten()
        .ok_or_else(|| "The user does not exist.".to_string())
}

/// `POST /unlink { access_token, user_id: "provider|id" }`: unlinks from the token's user and
/// answers with the remaining identities.
pub async fn unlink(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    warn("POST /unlink");
    let p = match parse_params(&headers, &body) {
        Ok(p) => p,
        Err(e) => return api_error(StatusCode::BAD_REQUEST, &e, "invalid_body"),
    };
    let (Some(token), Some(user_id)) = (p.get("access_token"), p.get("user_id")) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "Missing required parameters: access_token and user_id",
            "invalid_body",
        );
    };
    let Some((provider, bare)) = user_id.split_once('|') else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "user_id must be provider|id",
            "invalid_body",
        );
    };
    let sub = match token_subject(&state, token) {
        Ok((sub, _)) => sub,
        Err(e) => return api_error(StatusCode::UNAUTHORIZED, e.message(), "invalid_token"),
    };
    let mut store = lock(&state.store);
    if let Err(e) = store.unlink(&sub, provider, bare) {
        return store_error(&e);
    }
    match store.user(&sub) {
        Ok(Some(u)) => match store.identities_json(&u) {
            Ok(v) => Json(v).into_response(),
            Err(e) => store_error(&e),
        },
        _ => store_error(&StoreError::NoUser),
    }
}
