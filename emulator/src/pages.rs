//! HTML pages of the issuer origin: escaping, layout and their strict Content-Security-Policy.

use crate::keys::random_token;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Serializes JSON so it is safe inside an inline `<script>` element.
pub fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

const STYLE: &str = "body{font:16px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}\
main{max-width:26rem;margin:3rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;\
box-shadow:0 1px 4px #0002}h1{font-size:1.3rem}ul{list-style:none;padding:0}li{margin:.4rem 0}\
button,a.choice{display:flex;gap:.6rem;align-items:center;width:100%;padding:.55rem .8rem;\
font:inherit;border:1px solid #ccd;border-radius:6px;background:#fff;cursor:pointer;\
text-decoration:none;color:inherit;box-sizing:border-box}button:hover,a.choice:hover{background:#eef2ff}\
button.primary{justify-content:center;background:#3451b2;color:#fff;border-color:#3451b2;margin-top:.6rem}\
label{display:block;margin:.6rem 0}input{display:block;width:100%;box-sizing:border-box;padding:.45rem;\
font:inherit;margin-top:.2rem}img{width:32px;height:32px;border-radius:50%}small{color:#555}\
.error{color:#a00;font-weight:600}.note{color:#555;font-size:.85rem}";

/// A page with a fresh nonce for its inline style and script, `form-action` limited to this
/// origin plus `extra_form_action` (redirect targets after a form post), and framing limited to
/// `frame_ancestors` (default `'none'`).
pub struct Page {
    /// Status code.
    pub status: StatusCode,
    /// `<title>`.
    pub title: String,
    /// Body HTML (already escaped where needed).
    pub body: String,
    /// Inline script (nonce'd), if any.
    pub script: Option<String>,
    /// Extra origins allowed as form targets.
    pub extra_form_action: Option<String>,
    /// Origins allowed to frame the page.
    pub frame_ancestors: Option<String>,
}

impl Page {
    /// A page with just a status, title and body.
    pub fn new(status: StatusCode, title: &str, body: String) -> Self {
        Page {
            status,
            title: title.to_string(),
            body,
            script: None,
            extra_form_action: None,
            frame_ancestors: None,
        }
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let nonce = random_token(16);
        let script = self
            .script
            .map(|s| format!("<script nonce=\"{nonce}\">{s}</script>"))
            .unwrap_or_default();
        let html = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
             <title>{}</title><style nonce=\"{nonce}\">{STYLE}</style></head>\
             <body><main>{}</main>{script}</body></html>",
            escape(&self.title),
            self.body
        );
        let form_action = match &self.extra_form_action {
            Some(o) => format!("'self' {o}"),
            None => "'self'".to_string(),
        };
        let csp = format!(
            "default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; \
             img-src 'self' https: data:; form-action {form_action}; base-uri 'none'; \
             frame-ancestors {}",
            self.frame_ancestors.as_deref().unwrap_or("'none'")
        );
        let mut resp = (self.status, html).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            "x-content-type-options",
            HeaderValue::from_static("nosniff"),
        );
        h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
        if let Ok(v) = HeaderValue::from_str(&csp) {
            h.insert(header::CONTENT_SECURITY_POLICY, v);
        }
        resp
    }
}

/// An error shown on the page itself (never redirected): unknown client, bad redirect_uri...
pub fn error_page(status: StatusCode, error: &str, description: &str) -> Response {
    Page::new(
        status,
        "Error",
        format!(
            "<h1>Something went wrong</h1><p role=\"alert\" data-part=\"error\" data-error=\"{}\">\
             <b>{}</b>: {}</p>",
            escape(error),
            escape(error),
            escape(description)
        ),
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_script_breakouts() {
        assert_eq!(
            escape("<b a=\"x\">&'"),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;"
        );
        let s = script_json(&serde_json::json!({"s": "</script><!--"}));
        assert!(!s.contains("</script>"));
        assert!(!s.contains("<!--"));
    }
}
