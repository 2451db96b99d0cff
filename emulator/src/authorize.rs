//! `/authorize` and the hosted login pages: request checks, the connection chooser, the
//! per-connection login page, and the answer in `query`, `fragment` or `web_message` mode.

use crate::config::Client;
use crate::keys::{now, random_token};
use crate::pages::{error_page, escape, script_json, Page};
use crate::state::{lock, AuthCode, AuthRequest, ResponseMode, Shared};
use crate::store::{Identity, NewIdentity, StoreError};
use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::HashMap;

/// How long a login page stays usable, in seconds.
const LOGIN_TTL: i64 = 900;

/// Whether `redirect_uri` is acceptable for this client and mode: an exact callback, or for
/// `web_message` also an exact web origin.
fn redirect_allowed(client: &Client, redirect_uri: &str, mode: ResponseMode) -> bool {
    client.callbacks.iter().any(|c| c == redirect_uri)
        || (mode == ResponseMode::WebMessage
            && client.web_origins.iter().any(|o| o == redirect_uri))
}

/// The origin of a URL (`scheme://host:port`), the `postMessage` target.
fn origin_of(u: &str) -> Option<String> {
    url::Url::parse(u)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

/// The answer of an authorization request: a code or an OAuth error.
enum Outcome {
    Code(String),
    Error(String, String),
}

/// Sends the answer to the client the way `response_mode` says.
fn respond(req: &AuthRequest, outcome: Outcome) -> Response {
    let mut params: Vec<(&str, String)> = match &outcome {
        Outcome::Code(c) => vec![("code", c.clone())],
        Outcome::Error(e, d) => vec![("error", e.clone()), ("error_description", d.clone())],
    };
    if !req.state.is_empty() {
        params.push(("state", req.state.clone()));
    }
    match req.response_mode {
        ResponseMode::Query | ResponseMode::Fragment => {
            let mut url = match url::Url::parse(&req.redirect_uri) {
                Ok(u) => u,
                Err(_) => {
                    return error_page(
                        StatusCode::BAD_REQUEST,
                        "invalid_request",
                        "bad redirect_uri",
                    )
                }
            };
            if req.response_mode == ResponseMode::Query {
                url.query_pairs_mut()
                    .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
            } else {
                let frag: String = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
                    .finish();
                url.set_fragment(Some(&frag));
            }
            let mut r = Redirect::to(url.as_str()).into_response();
            *r.status_mut() = StatusCode::FOUND;
            r.headers_mut()
                .insert(header::CACHE_CONTROL, "no-store".parse().expect("static"));
            r
        }
        ResponseMode::WebMessage => {
            let Some(target) = origin_of(&req.redirect_uri) else {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "bad redirect_uri",
                );
            };
            let response: serde_json::Map<String, serde_json::Value> = params
                .into_iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect();
            let message = json!({ "type": "authorization_response", "response": response });
            let script = format!(
                "(function(){{var m={};var t={};\
                 if(window.opener){{window.opener.postMessage(m,t);}}\
                 else if(window.parent!==window){{window.parent.postMessage(m,t);}}\
                 window.close();}})();",
                script_json(&message),
                script_json(&json!(target))
            );
            let mut page = Page::new(
                StatusCode::OK,
                "Signing in",
                "<h1>Signing in</h1><p data-part=\"status\">You can close this window.</p>".into(),
            );
            page.script = Some(script);
            page.frame_ancestors = Some(target);
            page.into_response()
        }
    }
}

/// `GET /authorize` (OAuth 2.0 4.1.1, PKCE RFC 7636, Auth0 `connection` and `web_message`).
pub async fn authorize(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).filter(|s| !s.is_empty());
    // Errors that cannot be sent back are shown on the page.
    let Some(client_id) = get("client_id") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: client_id",
        );
    };
    let Some(client) = state.config.client(client_id) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            &format!("Unknown client: {client_id}"),
        );
    };
    let response_mode = match get("response_mode").unwrap_or("query") {
        "query" => ResponseMode::Query,
        "fragment" => ResponseMode::Fragment,
        "web_message" => ResponseMode::WebMessage,
        other => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("Unsupported response_mode: {other}"),
            )
        }
    };
    let Some(redirect_uri) = get("redirect_uri") else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: redirect_uri",
        );
    };
    if !redirect_allowed(client, redirect_uri, response_mode) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!(
                "The redirect_uri \"{redirect_uri}\" is not in the list of allowed callback URLs of client {client_id}."
            ),
        );
    }
    let mut req = AuthRequest {
        client_id: client_id.to_string(),
        redirect_uri: redirect_uri.to_string(),
        response_mode,
        state: get("state").unwrap_or("").to_string(),
        nonce: get("nonce").map(str::to_string),
        code_challenge: String::new(),
        scope: get("scope").unwrap_or("openid").to_string(),
        audience: get("audience").map(str::to_string),
        connection: get("connection").map(str::to_string),
        link_to: None,
        created_at: now(),
    };
    // From here on, errors go back to the client.
    let fail =
        |req: &AuthRequest, e: &str, d: &str| respond(req, Outcome::Error(e.into(), d.into()));
    if req.state.is_empty() {
        return fail(&req, "invalid_request", "Missing required parameter: state");
    }
    match get("response_type") {
        Some("code") => {}
        Some(other) => {
            return fail(
                &req,
                "unsupported_response_type",
                &format!("Unsupported response type: {other}"),
            )
        }
        None => {
            return fail(
                &req,
                "invalid_request",
                "Missing required parameter: response_type",
            )
        }
    }
    let Some(challenge) = get("code_challenge") else {
        return fail(
            &req,
            "invalid_request",
            "PKCE is required: missing code_challenge",
        );
    };
    match get("code_challenge_method") {
        Some("S256") => {}
        Some(m) => {
            return fail(
                &req,
                "invalid_request",
                &format!("Unsupported code_challenge_method: {m} (only S256)"),
            )
        }
        None => {
            return fail(
                &req,
                "invalid_request",
                "Missing code_challenge_method (only S256 is accepted)",
            )
        }
    }
    if challenge.len() != 43
        || !challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return fail(
            &req,
            "invalid_request",
            "code_challenge must be base64url(SHA-256(verifier))",
        );
    }
    req.code_challenge = challenge.to_string();
    if let Some(aud) = &req.audience {
        if *aud != state.api_audience() {
            return fail(&req, "access_denied", &format!("Service not found: {aud}"));
        }
    }
    if let Some(c) = &req.connection {
        if state.config.connection(c).is_none() {
            return fail(
                &req,
                "invalid_request",
                &format!("the connection was not found: {c}"),
            );
        }
    }
    if get("prompt") == Some("none") {
        return fail(&req, "login_required", "Login required");
    }
    if let Some(token) = get("access_token") {
        match crate::legacy::link_target(&state, token) {
            Ok(sub) => req.link_to = Some(sub),
            Err(msg) => return fail(&req, "access_denied", &msg),
        }
    }
    let txn = random_token(18);
    let connection = req.connection.clone();
    {
        let mut logins = lock(&state.logins);
        logins.retain(|_, r| r.created_at + LOGIN_TTL > now());
        logins.insert(txn.clone(), req);
    }
    let mut to = format!("/login?txn={txn}");
    if let Some(c) = connection {
        to.push_str("&connection=");
        to.push_str(&url::form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>());
    }
    let mut r = Redirect::to(&to).into_response();
    *r.status_mut() = StatusCode::FOUND;
    r
}

fn pending(state: &Shared, txn: &str) -> Option<AuthRequest> {
    lock(&state.logins)
        .get(txn)
        .filter(|r| r.created_at + LOGIN_TTL > now())
        .cloned()
}

fn expired_page() -> Response {
    error_page(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "This login page has expired or was already used. Start again from the application.",
    )
}

/// `GET /login?txn=...&connection=...`: the chooser, or one connection's login page.
pub async fn login_page(
    State(state): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let txn = q.get("txn").cloned().unwrap_or_default();
    let Some(req) = pending(&state, &txn) else {
        return expired_page();
    };
    let connection = q.get("connection").cloned().or(req.connection.clone());
    match connection {
        Some(c) => render_login(&state, &txn, &req, &c, None, StatusCode::OK),
        None => render_chooser(&state, &txn, &req),
    }
}

fn client_label(state: &Shared, req: &AuthRequest) -> String {
    state
        .config
        .client(&req.client_id)
        .and_then(|c| c.name.clone())
        .unwrap_or_else(|| req.client_id.clone())
}

fn render_chooser(state: &Shared, txn: &str, req: &AuthRequest) -> Response {
    let mut body = format!(
        "<h1>Sign in</h1><p>to {} <small>(Auth0 emulator)</small></p><ul data-part=\"connections\">",
        escape(&client_label(state, req))
    );
    for c in &state.config.connections {
        let href = format!(
            "/login?txn={}&connection={}",
            txn,
            url::form_urlencoded::byte_serialize(c.name.as_bytes()).collect::<String>()
        );
        body.push_str(&format!(
            "<li><a class=\"choice\" data-connection=\"{}\" href=\"{}\">Continue with {}</a></li>",
            escape(&c.name),
            escape(&href),
            escape(&c.label())
        ));
    }
    body.push_str("</ul>");
    Page::new(StatusCode::OK, "Sign in", body).into_response()
}

fn render_login(
    state: &Shared,
    txn: &str,
    req: &AuthRequest,
    connection: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let Some(conn) = state.config.connection(connection) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Unknown connection",
        );
    };
    if req.connection.as_deref().is_some_and(|c| c != connection) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Connection mismatch",
        );
    }
    let hidden = format!(
        "<input type=\"hidden\" name=\"txn\" value=\"{}\"><input type=\"hidden\" name=\"connection\" value=\"{}\">",
        escape(txn),
        escape(connection)
    );
    let mut body = format!(
        "<h1 data-connection=\"{}\">Sign in with {}</h1><p>to {} <small>(Auth0 emulator)</small></p>",
        escape(connection),
        escape(&conn.label()),
        escape(&client_label(state, req))
    );
    if req.link_to.is_some() {
        body.push_str("<p class=\"note\">The account you sign in with will be linked to your current account.</p>");
    }
    if let Some(e) = error {
        body.push_str(&format!(
            "<p class=\"error\" role=\"alert\" data-part=\"error\">{}</p>",
            escape(e)
        ));
    }
    if conn.is_database() {
        body.push_str(&format!(
            "<form method=\"post\" action=\"/login\" data-part=\"credentials\">{hidden}\
             <label>Email <input name=\"email\" type=\"email\" autocomplete=\"username\" required></label>\
             <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <button class=\"primary\" type=\"submit\" name=\"action\" value=\"login\" data-action=\"login\">Log in</button>\
             <button type=\"submit\" name=\"action\" value=\"signup\" data-action=\"signup\">Sign up with this email and password</button>\
             </form>"
        ));
    } else {
        let users = lock(&state.store)
            .by_connection(connection)
            .unwrap_or_default();
        body.push_str(&format!(
            "<form method=\"post\" action=\"/login\" data-part=\"users\">{hidden}\
             <input type=\"hidden\" name=\"action\" value=\"select\"><ul>"
        ));
        if users.is_empty() {
            body.push_str("<li class=\"note\">No users yet: create one below.</li>");
        }
        for u in &users {
            body.push_str(&format!(
                "<li><button type=\"submit\" name=\"user_id\" value=\"{id}\" data-user-id=\"{id}\">\
                 <img alt=\"\" src=\"{pic}\"><span><span data-part=\"name\">{name}</span><br>\
                 <small data-part=\"email\">{email}</small>{linked}</span></button></li>",
                id = escape(&u.user_id),
                pic = escape(u.picture.as_deref().unwrap_or("")),
                name = escape(u.name.as_deref().unwrap_or("")),
                email = escape(u.email.as_deref().unwrap_or("")),
                linked = u
                    .primary_id
                    .as_ref()
                    .map(|p| format!("<br><small>linked to {}</small>", escape(p)))
                    .unwrap_or_default(),
            ));
        }
        body.push_str(&format!(
            "</ul></form><h2>New {label} user</h2>\
             <form method=\"post\" action=\"/login\" data-part=\"create\">{hidden}\
             <label>Name <input name=\"name\" autocomplete=\"name\"></label>\
             <label>Email <input name=\"email\" type=\"email\" autocomplete=\"email\"></label>\
             <button class=\"primary\" type=\"submit\" name=\"action\" value=\"create\" data-action=\"create\">Create and sign in</button>\
             </form>",
            label = escape(&conn.label())
        ));
    }
    let mut page = Page::new(status, &format!("Sign in with {}", conn.label()), body);
    page.extra_form_action = origin_of(&req.redirect_uri);
    page.into_response()
}

/// `POST /login`: the tester's choice on a login page.
pub async fn login_submit(
    State(state): State<Shared>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| f.get(k).map(String::as_str).filter(|s| !s.is_empty());
    let txn = get("txn").unwrap_or_default().to_string();
    // Taken out now, so two submits of one login cannot both get a code; put back only to
    // re-render the page after a validation error.
    let taken = lock(&state.logins).remove(&txn);
    let Some(req) = taken.filter(|r| r.created_at + LOGIN_TTL > now()) else {
        return expired_page();
    };
    let Some(connection) = get("connection").map(str::to_string) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing connection",
        );
    };
    let Some(conn) = state.config.connection(&connection).cloned() else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Unknown connection",
        );
    };
    if req.connection.as_deref().is_some_and(|c| c != connection) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Connection mismatch",
        );
    }
    let again = |msg: &str| {
        lock(&state.logins).insert(txn.clone(), req.clone());
        render_login(
            &state,
            &txn,
            &req,
            &connection,
            Some(msg),
            StatusCode::BAD_REQUEST,
        )
    };
    let action = get("action").unwrap_or(if get("user_id").is_some() {
        "select"
    } else {
        ""
    });
    let identity: Identity = match (action, conn.is_database()) {
        ("select", false) => {
            let id = get("user_id").unwrap_or_default();
            let found = lock(&state.store).identity(id);
            match found {
                Ok(Some(i)) if i.connection == connection => i,
                _ => return again("Unknown user."),
            }
        }
        // A new user of a social provider, or a sign-up on the database connection (the store
        // requires and hashes the password there, and ignores it elsewhere).
        ("create", false) | ("signup", true) => {
            let new = NewIdentity {
                connection: connection.clone(),
                name: get("name").map(str::to_string),
                email: get("email").map(str::to_string),
                password: get("password").map(str::to_string),
                ..Default::default()
            };
            let created = lock(&state.store).create(&state.config, new);
            match created {
                Ok(i) => i,
                Err(e) => return again(&store_message(&e)),
            }
        }
        ("login", true) => {
            let (Some(email), Some(password)) = (get("email"), get("password")) else {
                return again("Enter your email and password.");
            };
            let checked = lock(&state.store).check_password(&connection, email, password);
            match checked {
                Ok(Some(i)) => i,
                _ => return again("Wrong email or password."),
            }
        }
        _ => return again("Choose an account."),
    };
    let user = if let Some(primary) = &req.link_to {
        match crate::legacy::link_on_login(&state, primary, &identity) {
            Ok(u) => u,
            Err(msg) => return respond(&req, Outcome::Error("access_denied".into(), msg)),
        }
    } else {
        let user = lock(&state.store).effective_user(&identity);
        match user {
            Ok(u) => u,
            Err(e) => {
                return respond(
                    &req,
                    Outcome::Error("server_error".into(), store_message(&e)),
                )
            }
        }
    };
    let code = random_token(24);
    lock(&state.codes).insert(
        code.clone(),
        AuthCode {
            request: req.clone(),
            sub: user.user_id,
            auth_time: now(),
            expires_at: now() + state.config.code_ttl_seconds as i64,
        },
    );
    respond(&req, Outcome::Code(code))
}

/// A message for the login page.
fn store_message(e: &StoreError) -> String {
    match e {
        StoreError::Conflict(m) | StoreError::Invalid(m) => m.clone(),
        other => format!("{other:?}"),
    }
}
