//! Fault injection (test control): make the next matching request on the issuer origin fail,
//! slow down, or lose its connection.

use crate::state::{lock, Shared};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::Duration;

/// One injected fault, as posted to `POST /__test__/faults`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// HTTP method to match (any but `OPTIONS` when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// Path prefix to match, e.g. `/api/v2/users`.
    pub path: String,
    /// Status to answer with instead of the real handler.
    #[serde(default)]
    pub status: Option<u16>,
    /// JSON body of that answer (default: an Auth0 error body for the status).
    #[serde(default)]
    pub body: Option<Value>,
    /// Extra response headers.
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// Delay before answering (or before the real handler runs), in milliseconds.
    #[serde(default)]
    pub delay_ms: u64,
    /// Close the connection without any response.
    #[serde(default)]
    pub drop: bool,
    /// How many requests it applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// Pending faults, first added first matched.
#[derive(Debug, Default)]
pub struct Faults(Mutex<Vec<Fault>>);

/// The panic payload used to drop a connection (raised with `resume_unwind`, so no panic hook
/// output): hyper's connection task ends and the socket closes with no response.
#[derive(Debug)]
pub struct DroppedConnection;

impl Faults {
    /// Adds a fault after validating it.
    pub fn add(&self, fault: Fault) -> Result<(), String> {
        if !fault.path.starts_with('/') {
            return Err("path must start with /".into());
        }
        if let Some(s) = fault.status {
            StatusCode::from_u16(s).map_err(|_| format!("bad status {s}"))?;
        }
        if fault.times == 0 {
            return Err("times must be at least 1".into());
        }
        lock(&self.0).push(fault);
        Ok(())
    }

    /// Removes every fault.
    pub fn clear(&self) {
        lock(&self.0).clear();
    }

    fn take(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut faults = lock(&self.0);
        let i = faults.iter().position(|f| {
            let method_ok = match &f.method {
                Some(m) => m.eq_ignore_ascii_case(method.as_str()),
                None => method != Method::OPTIONS,
            };
            method_ok && path.starts_with(&f.path)
        })?;
        let f = faults[i].clone();
        if faults[i].times <= 1 {
            faults.remove(i);
        } else {
            faults[i].times -= 1;
        }
        Some(f)
    }
}

/// Middleware applying faults to every issuer request except `/__test__/*`.
pub async fn middleware(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/__test__") {
        return next.run(req).await;
    }
    let Some(fault) = state.faults.take(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    if fault.drop {
        std::panic::resume_unwind(Box::new(DroppedConnection));
    }
    let Some(status) = fault.status else {
        return next.run(req).await;
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = fault.body.unwrap_or_else(|| {
        json!({
            "statusCode": status.as_u16(),
            "error": status.canonical_reason().unwrap_or("Error"),
            "message": "Injected fault",
            "errorCode": "injected_fault",
        })
    });
    let mut resp = Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    for (k, v) in fault.headers {
        let v = match v {
            Value::String(s) => s,
            other => other.to_string(),
        };
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}
