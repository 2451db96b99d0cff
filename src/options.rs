//! Relaxed JS options -> a validated [`Config`].
//!
//! The options object is read property by property (`get`, no serde: every byte is downloaded by
//! every user). Each check fails with [`Error::invalid_options`] and a message that names the fix. The
//! string checks (domain, URLs, colours, names) are plain functions with host tests.
//!
//! Unknown top-level options are ignored (the package entry reads `wasmUrl`). Unknown
//! `languageDictionary` keys are ignored with one console warning listing the known keys, so a Lock
//! dictionary can be passed as is; a known key with a non-string value is `invalid_options`.

use crate::dialog::i18n::{Language, Strings};
use crate::error::{Error, Result};
// `target[key]`, `undefined` when a getter throws. Every caller has checked that `target` is an
// object (`typeof` `'object'`, not `null`), which is what `http::field` reads: the crate has one
// property read (no `Reflect.get` import).
use crate::http::field as get;
#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

/// `popup` (default) or `redirect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Run the provider's login in a popup window (the Lock popup replacement).
    Popup,
    /// Navigate the page to `/authorize`; finish with `handleRedirectCallback()`.
    Redirect,
}

/// One connection offered in the dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// The Auth0 connection name, e.g. `google-oauth2`.
    pub name: String,
    /// The label shown on its button; a built-in name when not given (see [`provider_label`]).
    pub display_name: String,
}

/// The validated `theme` option.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Theme {
    /// A CSS colour in a safe form (`#rgb`, `#rrggbb`, `rgb(...)`, `hsl(...)`, or a keyword).
    pub primary_color: Option<String>,
    /// An https URL (or http on the loopback emulator origin).
    pub logo: Option<String>,
}

/// The validated options. Built once by [`Config::from_js`]; never changed afterwards.
pub struct Config {
    /// `pub(crate)`: the widget moves it into its flow context.
    pub(crate) origin: String,
    /// The application's client id.
    pub client_id: String,
    /// Connections in the order given, at least one, no duplicates.
    pub connections: Vec<Connection>,
    /// Popup or redirect.
    pub mode: Mode,
    /// Absolute http(s) URL; default `location.origin + location.pathname`.
    pub redirect_uri: String,
    /// The strings of `language`: English, its translation, then `languageDictionary`. Shared
    /// with the dialog (an `Rc`: no copy of every string).
    pub strings: Rc<Strings>,
    /// Colour and logo.
    pub theme: Theme,
    /// Inline mode when set: the dialog is rendered inside this element.
    pub container: Option<web_sys::Element>,
    /// How long to wait for the popup, in seconds (default 60).
    pub popup_timeout_seconds: f64,
    /// The deprecated Authentication API linking flow, opt-in.
    pub legacy: bool,
    /// `popupResponseMode: 'query'`: the popup returns to `redirect_uri` (the app's callback
    /// page, which reports over BroadcastChannel) instead of posting a `web_message`; for apps
    /// whose pages send Cross-Origin-Opener-Policy.
    pub popup_query: bool,
    /// The raw `accessToken` option: a string or a function returning a string or a Promise of one.
    /// Checked for its type only; the flows call it.
    pub access_token: Option<JsValue>,
    /// The primary user's id, when given.
    pub user_id: Option<String>,
}

impl Config {
    /// The tenant's origin, `https://host[:port]` (or `http://` loopback), with no trailing slash.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The origin from which profile pictures and logos may load over plain http: the emulator's
    /// loopback origin, or `None` for a real (https) tenant.
    pub fn loopback_origin(&self) -> Option<&str> {
        if self.origin.starts_with("http://") {
            Some(&self.origin)
        } else {
            None
        }
    }

    /// Whether `url` may be used as an image source: https, or under the loopback tenant origin.
    pub fn image_allowed(&self, url: &str) -> bool {
        image_url_allowed(url, self.loopback_origin())
    }

    /// Reads and validates the JS options object. `translation` is the built-in dictionary of
    /// `options.language` (the default export of `lang/<tag>.js`, which `createLinkWidget`
    /// loads), or `undefined`: the dialog then shows English strings for any language. The app's
    /// `languageDictionary` is applied over it.
    pub fn from_js(options: &JsValue, translation: &JsValue) -> Result<Config> {
        if !options.is_object() || options.is_function() {
            return Err(invalid(
                "options must be an object such as { domain: 'tenant.eu.auth0.com', clientId: 'CLIENT_ID', connections: ['github'] }",
            ));
        }
        let origin = parse_domain(&required_string(options, "domain", DOMAIN_HINT)?)?;

        let client_id = required_string(options, "clientId", CLIENT_ID_HINT)?;
        check_client_id(&client_id)?;

        let connections = read_connections(options)?;

        let mode = if choice(
            options,
            "mode",
            &["popup", "redirect"],
            "mode must be 'popup' or 'redirect'",
        )? == 2
        {
            Mode::Redirect
        } else {
            Mode::Popup
        };

        let redirect_uri = match optional_string(options, "redirectUri")? {
            Some(uri) => uri,
            None => default_redirect_uri()?,
        };
        check_redirect_uri(&redirect_uri)?;

        let language = match optional_string(options, "language")? {
            Some(tag) => Language::parse(&tag)
                .ok_or_else(|| got("language must be one of en, es, fr, de, pt-BR, ja", &tag))?,
            None => Language::En,
        };
        let mut strings = Strings::new(language);
        read_dictionary(translation, &mut strings)?;
        read_dictionary(&get(options, "languageDictionary"), &mut strings)?;

        let theme = read_theme(options, loopback(&origin))?;
        let container = read_container(options)?;

        let popup_timeout_seconds = match present(get(options, "popupTimeoutSeconds")) {
            None => 60.0,
            Some(v) => match v.as_f64() {
                Some(n) if (1.0..=3600.0).contains(&n) => n,
                _ => {
                    return Err(invalid(
                        "popupTimeoutSeconds must be a positive number of seconds from 1 to 3600, such as 60",
                    ))
                }
            },
        };

        let legacy = match present(get(options, "legacy")) {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| invalid("legacy must be true or false (default false)"))?,
        };

        let popup_query = choice(
            options,
            "popupResponseMode",
            &["web_message", "query"],
            "popupResponseMode must be 'web_message' (default) or 'query' (through your callback page)",
        )? == 2;

        let access_token = match present(get(options, "accessToken")) {
            None => None,
            Some(v) if v.is_function() => Some(v),
            Some(v) => match v.as_string() {
                Some(s) if !blank_or_spaced(&s) => Some(v),
                _ => return Err(invalid(ACCESS_TOKEN_HINT)),
            },
        };

        let user_id = optional_string(options, "userId")?;
        if let Some(id) = &user_id {
            if blank_or_spaced(id) {
                return Err(invalid(
                    "userId must be the primary user's id such as 'auth0|123'",
                ));
            }
        }

        Ok(Config {
            origin,
            client_id,
            connections,
            mode,
            redirect_uri,
            strings: Rc::new(strings),
            theme,
            container,
            popup_timeout_seconds,
            legacy,
            popup_query,
            access_token,
            user_id,
        })
    }
}

/// The message of a bad `accessToken` (also used by `TokenSource::from_js`).
pub(crate) const ACCESS_TOKEN_HINT: &str = "accessToken must be the Management API access token (a string, without 'Bearer ') or a function returning one or a Promise of one";
/// A missing or malformed `domain` (one string for both).
const DOMAIN_HINT: &str = "domain must be a host name such as 'tenant.eu.auth0.com' (or http://127.0.0.1:PORT for the emulator)";
const CLIENT_ID_HINT: &str =
    "clientId must be the application's Client ID from the Auth0 dashboard, with no spaces";

/// `invalid_options` with a fixed `message` (kept out of line: one copy of the construction code).
#[inline(never)]
fn invalid(message: &str) -> Error {
    Error::invalid_options(message)
}

/// `invalid_options` with the message `parts` joined: one out-of-line copy instead of a chain
/// of `to_owned() + ...` at each site.
#[inline(never)]
fn invalid_parts(parts: &[&str]) -> Error {
    Error::invalid_options(concat(parts))
}

/// `invalid_options` with "`hint`; got '`value`'".
fn got(hint: &str, value: &str) -> Error {
    invalid_parts(&[hint, "; got '", value, "'"])
}

/// A string option with a fixed set of values: 0 when not given, else 1 + the index of its value
/// in `values`; any other value is `hint`; got 'value'.
fn choice(options: &JsValue, key: &str, values: &[&str], hint: &str) -> Result<usize> {
    let Some(value) = optional_string(options, key)? else {
        return Ok(0);
    };
    match values.iter().position(|v| *v == value) {
        Some(i) => Ok(i + 1),
        None => Err(got(hint, &value)),
    }
}

/// Empty or containing whitespace: not an id or a token.
fn blank_or_spaced(s: &str) -> bool {
    s.is_empty() || has_space(s, false)
}

/// Whether `s` has a whitespace character (Unicode's, as `char::is_whitespace`), or with
/// `control` also a control character. One out-of-line `chars()` loop for every option check:
/// a `contains` with a `char` predicate inlines core's searcher at each call site.
#[inline(never)]
fn has_space(s: &str, control: bool) -> bool {
    s.chars()
        .any(|c| c.is_whitespace() || (control && c.is_control()))
}

/// `undefined` and `null` both mean "not given".
fn present(value: JsValue) -> Option<JsValue> {
    if value.is_undefined() || value.is_null() {
        None
    } else {
        Some(value)
    }
}

fn optional_string(options: &JsValue, key: &str) -> Result<Option<String>> {
    match present(get(options, key)) {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| invalid_parts(&[key, " must be a string when given"])),
    }
}

fn required_string(options: &JsValue, key: &str, hint: &str) -> Result<String> {
    match optional_string(options, key)? {
        Some(s) => Ok(s),
        None => Err(invalid_parts(&[hint, "; it is missing"])),
    }
}

fn loopback(origin: &str) -> Option<&str> {
    origin.starts_with("http://").then_some(origin)
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `pageAddress`: `location.origin + location.pathname`, `None` outside
    /// a window.
    #[wasm_bindgen(js_name = pageAddress)]
    fn page_address() -> Option<String>;

    /// js/wasm/browser.js `pageQuery`: `document.querySelector(selector)` as one value: the
    /// element, `null` (no match), `false` (an invalid selector) or `undefined` (no window).
    #[wasm_bindgen(js_name = pageQuery)]
    fn page_query(selector: &str) -> JsValue;
}

fn default_redirect_uri() -> Result<String> {
    page_address().ok_or_else(|| invalid("redirectUri is required outside a browser page"))
}

fn read_connections(options: &JsValue) -> Result<Vec<Connection>> {
    let value = &get(options, "connections");
    const HINT: &str = "connections must be a non-empty array of connection names or { name, displayName } objects, such as ['google-oauth2', 'github']";
    if !Array::is_array(value) {
        return Err(invalid(HINT));
    }
    let array: &Array = value.unchecked_ref();
    let len = array.length();
    if len == 0 {
        return Err(invalid(HINT));
    }
    let mut out: Vec<Connection> = Vec::with_capacity(len as usize);
    // Index loops here and in `read_dictionary` rather than `Array::iter`: with no iterator left,
    // js-sys's `ArrayIter` and its own `get_unchecked` import (a second `array[i]` glue function
    // beside `Array::get`'s) leave the package. The length is read once, before any element, as
    // the iterator did.
    for i in 0..len {
        let item = array.get(i);
        let (name, display) = if let Some(name) = item.as_string() {
            (name, None)
        } else if item.is_object() {
            let name = get(&item, "name")
                .as_string()
                .ok_or_else(|| invalid(HINT))?;
            let display = match present(get(&item, "displayName")) {
                None => None,
                Some(d) => Some(d.as_string().filter(|d| !d.is_empty()).ok_or_else(|| {
                    invalid_parts(&[
                        "displayName of connection '",
                        &name,
                        "' must be a non-empty string",
                    ])
                })?),
            };
            (name, display)
        } else {
            return Err(invalid(HINT));
        };
        check_connection_name(&name)?;
        if out.iter().any(|c| c.name == name) {
            return Err(invalid_parts(&[
                "connections lists '",
                &name,
                "' twice; list each connection once",
            ]));
        }
        let display_name = display.unwrap_or_else(|| provider_label(&name).to_owned());
        out.push(Connection { name, display_name });
    }
    Ok(out)
}

fn read_dictionary(value: &JsValue, strings: &mut Strings) -> Result<()> {
    if value.is_undefined() || value.is_null() {
        return Ok(());
    }
    if !value.is_object() || Array::is_array(value) || value.is_function() {
        return Err(invalid(
            "languageDictionary must be an object of strings such as { title: 'Link with another account' }",
        ));
    }
    // The unknown keys, each after a space: one string, not a `Vec<String>`.
    let mut unknown = String::new();
    let keys = Object::keys(value.unchecked_ref::<Object>());
    for i in 0..keys.length() {
        let key = keys.get(i).as_string().unwrap_or_default();
        if !strings.set_by_key(&key, &get(value, &key))? {
            unknown += " ";
            unknown.push_str(&key);
        }
    }
    if !unknown.is_empty() {
        // Lock dictionaries carry many keys that have no meaning here: warn, do not fail.
        let message = concat(&[
            "account-link: languageDictionary keys ignored (unknown):",
            &unknown,
            ". Known keys: ",
            crate::dialog::i18n::KEY_LIST.trim_ascii_end(),
        ]);
        web_sys::console::warn_1(&JsValue::from_str(&message));
    }
    Ok(())
}

fn read_theme(options: &JsValue, loopback_origin: Option<&str>) -> Result<Theme> {
    let Some(value) = present(get(options, "theme")) else {
        return Ok(Theme::default());
    };
    if !value.is_object() {
        return Err(invalid(
            "theme must be an object such as { primaryColor: '#0a66c2', logo: 'https://example.com/logo.png' }",
        ));
    }
    let primary_color = optional_string(&value, "primaryColor")?;
    if let Some(color) = &primary_color {
        if !is_safe_color(color) {
            return Err(got(
                "theme.primaryColor must be a CSS colour such as '#0a66c2' or 'rgb(10, 102, 194)'",
                color,
            ));
        }
    }
    let logo = optional_string(&value, "logo")?;
    if let Some(logo) = &logo {
        if !image_url_allowed(logo, loopback_origin) {
            return Err(got(
                "theme.logo must be an https URL such as 'https://example.com/logo.png'",
                logo,
            ));
        }
    }
    Ok(Theme {
        primary_color,
        logo,
    })
}

fn read_container(options: &JsValue) -> Result<Option<web_sys::Element>> {
    let Some(value) = present(get(options, "container")) else {
        return Ok(None);
    };
    if let Some(selector) = value.as_string() {
        let found = page_query(&selector);
        return if found.is_undefined() {
            Err(invalid("container needs a document"))
        } else if found.is_object() {
            // `querySelector` returns an `Element` or `null`.
            Ok(Some(found.unchecked_into()))
        } else if found.is_null() {
            Err(invalid_parts(&[
                "container '",
                &selector,
                "' matches no element; create it before calling createLinkWidget, or omit container for a modal dialog",
            ]))
        } else {
            Err(invalid_parts(&[
                "container '",
                &selector,
                "' is not a valid CSS selector",
            ]))
        };
    }
    value
        .dyn_into::<web_sys::Element>()
        .map(Some)
        .map_err(|_| invalid("container must be a CSS selector string or an Element"))
}

/// Built-in labels of well-known providers and connections, `name=label` per line: one string
/// scanned by one loop (smaller in the wasm than a `match` on strings or a table of `&str` pairs).
const LABELS: &str = "google-oauth2=Google
github=GitHub
facebook=Facebook
twitter=X (Twitter)
windowslive=Microsoft
apple=Apple
linkedin=LinkedIn
gitlab=GitLab
bitbucket=Bitbucket
discord=Discord
amazon=Amazon
yahoo=Yahoo
auth0=Email
Username-Password-Authentication=Email
email=Email code
sms=SMS";

/// The readable name of a well-known provider or connection; the name itself otherwise.
pub fn provider_label(name: &str) -> &str {
    let mut lines = LABELS;
    while !lines.is_empty() {
        let mut label = next_field(&mut lines, b'\n');
        if next_field(&mut label, b'=') == name {
            return label;
        }
    }
    name
}

fn is_loopback_host(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Splits `host[:port]`; checks the host name's syntax and the port's range.
/// Returns `(host, has_port)`.
fn check_authority(authority: &str) -> Option<(&str, bool)> {
    let (host, port) = if authority.as_bytes().first() == Some(&b'[') {
        let end = find_byte(authority, b']')?;
        let (host, tail) = authority.split_at_checked(end + 1)?;
        match tail {
            "" => (host, None),
            tail => (host, Some(tail.strip_prefix(":")?)),
        }
    } else {
        match split_byte(authority, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if let Some(port) = port {
        // `parse_unsigned` refuses an empty port and anything but digits.
        let n = crate::http::parse_unsigned(port)?;
        if port.len() > 5 || n == 0 || n > 65535 {
            return None;
        }
    }
    if host.as_bytes().first() == Some(&b'[') {
        return (host == "[::1]").then_some((host, port.is_some()));
    }
    if host.len() > 253 {
        return None;
    }
    // Dot-separated labels of 1 to 63 letters, digits and `-`, not starting or ending with `-`;
    // no empty label (`a..b`, a leading or trailing dot, an empty host). One byte scan: `len` is
    // the current label's length, `prev` the byte before.
    let mut len = 0;
    let mut prev = b'.';
    for b in host.bytes() {
        if b == b'.' {
            if len == 0 || prev == b'-' {
                return None;
            }
            len = 0;
        } else if b.is_ascii_alphanumeric() || (b == b'-' && len > 0) {
            len += 1;
            if len > 63 {
                return None;
            }
        } else {
            return None;
        }
        prev = b;
    }
    if len == 0 || prev == b'-' {
        return None;
    }
    Some((host, port.is_some()))
}

/// Normalises the `domain` option to the tenant's origin (`https://host[:port]`, no trailing slash).
///
/// Accepts a bare host name (`tenant.eu.auth0.com`), the same with `https://` and one trailing
/// slash, and `http://` only for a loopback host with a port (the emulator, e.g.
/// `http://127.0.0.1:4010`). Rejects paths, queries, user info, spaces and other schemes.
pub fn parse_domain(input: &str) -> Result<String> {
    const SCHEME: &str =
        "domain must use https; plain http is only allowed for the local emulator, such as 'http://127.0.0.1:4010'";
    const ONLY_HOST: &str =
        "domain must be only a host name, with no path, query or user name, such as 'tenant.eu.auth0.com'";
    if input.is_empty() || has_space(input, true) {
        return Err(got(DOMAIN_HINT, input));
    }
    let lower = input.to_ascii_lowercase();
    let (https, rest) = if let Some(rest) = lower.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (false, rest)
    } else if lower.as_bytes().windows(3).any(|w| w == b"://")
        || (has_byte(&lower, b':') && !has_byte(&lower, b'.') && !lower.starts_with("localhost:"))
    {
        return Err(got(SCHEME, input));
    } else {
        (true, lower.as_str())
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    // Byte tests, not `contains([..])`: a `char` array pattern brings core's
    // `MultiCharEqSearcher` into the wasm.
    if rest
        .bytes()
        .any(|b| matches!(b, b'/' | b'?' | b'#' | b'@' | b'\\'))
    {
        return Err(got(ONLY_HOST, input));
    }
    let (host, has_port) = check_authority(rest).ok_or_else(|| got(DOMAIN_HINT, input))?;
    let loopback_emulator = is_loopback_host(host) && has_port;
    if !https && !loopback_emulator {
        return Err(got(SCHEME, input));
    }
    // The scheme's default port is dropped (and leading zeros), as browsers do in an origin, so
    // message origins and `iss` compare exactly.
    let mut origin = if https { "https://" } else { "http://" }.to_owned() + host;
    if let Some(port) = rest.get(host.len() + 1..) {
        let port = port.trim_start_matches('0');
        if port != if https { "443" } else { "80" } {
            origin += ":";
            origin.push_str(port);
        }
    }
    Ok(origin)
}

/// Splits an absolute http(s) URL into `(is_https, authority)` after checking the authority.
/// No user info, no spaces or control characters.
fn split_http_url(url: &str) -> Option<(bool, &str)> {
    if has_space(url, true) || has_byte(url, b'\\') {
        return None;
    }
    let (https, rest) = if let Some(rest) = strip_prefix_ci(url, "https://") {
        (true, rest)
    } else {
        (false, strip_prefix_ci(url, "http://")?)
    };
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or_default();
    if has_byte(authority, b'@') {
        return None;
    }
    check_authority(authority)?;
    Some((https, authority))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.as_bytes().get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix.as_bytes()) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// `redirectUri` must be an absolute http(s) URL with no fragment and no user info; plain http
/// only on a loopback host (the code travels in it).
pub fn check_redirect_uri(uri: &str) -> Result<()> {
    match split_http_url(uri) {
        Some((false, authority))
            if !check_authority(authority)
                .is_some_and(|(h, _)| is_loopback_host(&h.to_ascii_lowercase())) =>
        {
            Err(got(
                "redirectUri must use https; plain http is only allowed on 127.0.0.1, localhost or [::1], such as 'http://127.0.0.1:4000/callback.html'",
                uri,
            ))
        }
        Some(_) if !has_byte(uri, b'#') => Ok(()),
        _ => Err(got(
            "redirectUri must be an absolute http(s) URL with no fragment, such as 'https://app.example.com/callback.html', listed in the application's Allowed Callback URLs",
            uri,
        )),
    }
}

/// Images (logo, profile pictures) load only from https, or from the emulator's loopback origin.
pub fn image_url_allowed(url: &str, loopback_origin: Option<&str>) -> bool {
    match split_http_url(url) {
        Some((true, _)) => true,
        Some((false, authority)) => loopback_origin.is_some_and(|origin| {
            origin
                .strip_prefix("http://")
                .is_some_and(|o| o.eq_ignore_ascii_case(authority))
        }),
        None => false,
    }
}

/// A client id is a non-empty string with no whitespace or control characters.
pub fn check_client_id(client_id: &str) -> Result<()> {
    if client_id.is_empty() || client_id.len() > 256 || has_space(client_id, true) {
        return Err(got(CLIENT_ID_HINT, client_id));
    }
    Ok(())
}

/// Connection names: letters, digits, `-`, `_`, `.`, at most 128 characters.
pub fn check_connection_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(got(
            "connection names contain only letters, digits, '-', '_' and '.', such as 'google-oauth2'",
            name,
        ))
    }
}

/// A colour safe to put in a CSS custom property: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
/// `rgb()`/`rgba()`/`hsl()`/`hsla()` with numbers, or a keyword made of letters only.
pub fn is_safe_color(color: &str) -> bool {
    let c = color.trim_ascii();
    if let Some(hex) = c.strip_prefix("#") {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let lower = c.to_ascii_lowercase();
    for func in ["rgb(", "rgba(", "hsl(", "hsla("] {
        if let Some(args) = lower.strip_prefix(func) {
            let Some(args) = args.strip_suffix(")") else {
                return false;
            };
            // Numbers, separators and the `deg` unit only.
            return args.bytes().any(|b| b.is_ascii_digit())
                && args.bytes().all(|b| {
                    b.is_ascii_digit()
                        || matches!(b, b' ' | b',' | b'.' | b'%' | b'/' | b'd' | b'e' | b'g')
                });
        }
    }
    (3..=20).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Square root of `x` in (0, 1] by Newton's method (`f32::sqrt` is std-only): six steps from
/// `(1 + x) / 2` are exact to f32 precision over the range used here (x >= 0.05).
fn sqrt(x: f32) -> f32 {
    let mut r = (1.0 + x) / 2.0;
    for _ in 0..6 {
        r = 0.5 * (r + x / r);
    }
    r
}

/// The text colour readable on `color` (`#000` or `#fff`), from its relative luminance
/// (WCAG 2). Only hex colours (`#rgb`, `#rrggbb`, with optional alpha) are measured; anything
/// else gets white text.
pub fn text_color_on(color: &str) -> &'static str {
    let hex = color
        .trim_ascii()
        .strip_prefix("#")
        .unwrap_or_default()
        .as_bytes();
    let digit = |i: usize| match hex.get(i).copied().unwrap_or(0) {
        b @ b'0'..=b'9' => b - b'0',
        b @ b'a'..=b'f' => b - b'a' + 10,
        b @ b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    };
    let rgb = match hex.len() {
        3 | 4 => [digit(0) * 17, digit(1) * 17, digit(2) * 17],
        6 | 8 => [
            digit(0) * 16 + digit(1),
            digit(2) * 16 + digit(3),
            digit(4) * 16 + digit(5),
        ],
        _ => return "#fff",
    };
    let linear = |v: u8| {
        let v = v as f32 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            // ((v + 0.055) / 1.055) ^ 2.4 with x^0.4 ~ 0.6 x^0.5 + 0.4 x^0.25 (within 1%),
            // using only sqrt (no libm in the wasm).
            let x = (v + 0.055) / 1.055;
            let root = sqrt(x);
            x * x * (0.6 * root + 0.4 * sqrt(root))
        }
    };
    let luminance = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    // Contrast with white: 1.05 / (L + 0.05); with black: (L + 0.05) / 0.05. Pick the larger.
    if (luminance + 0.05) * (luminance + 0.05) > 0.0525 {
        "#000"
    } else {
        "#fff"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain_err(input: &str) -> String {
        parse_domain(input).unwrap_err().into_details().message
    }

    #[test]
    fn domain_host_becomes_https_origin() {
        assert_eq!(
            parse_domain("tenant.eu.auth0.com").unwrap(),
            "https://tenant.eu.auth0.com"
        );
        assert_eq!(
            parse_domain("https://Tenant.EU.auth0.com/").unwrap(),
            "https://tenant.eu.auth0.com"
        );
        assert_eq!(
            parse_domain("login.example.com:8443").unwrap(),
            "https://login.example.com:8443"
        );
        // Default ports are dropped, so origins and `iss` compare exactly.
        assert_eq!(
            parse_domain("tenant.auth0.com:443").unwrap(),
            "https://tenant.auth0.com"
        );
        assert_eq!(
            parse_domain("https://tenant.auth0.com:0443/").unwrap(),
            "https://tenant.auth0.com"
        );
        assert_eq!(
            parse_domain("tenant.auth0.com:80").unwrap(),
            "https://tenant.auth0.com:80"
        );
        assert_eq!(
            parse_domain("http://127.0.0.1:80").unwrap(),
            "http://127.0.0.1"
        );
        assert_eq!(
            parse_domain("http://[::1]:04010").unwrap(),
            "http://[::1]:4010"
        );
    }

    #[test]
    fn domain_http_only_for_loopback_with_port() {
        assert_eq!(
            parse_domain("http://127.0.0.1:4010").unwrap(),
            "http://127.0.0.1:4010"
        );
        assert_eq!(
            parse_domain("http://localhost:4010/").unwrap(),
            "http://localhost:4010"
        );
        assert_eq!(
            parse_domain("http://[::1]:4010").unwrap(),
            "http://[::1]:4010"
        );
        assert!(domain_err("http://127.0.0.1").contains("emulator"));
        assert!(domain_err("http://tenant.auth0.com").contains("https"));
        assert!(domain_err("http://127.0.0.1.evil.test:4010").contains("https"));
    }

    #[test]
    fn domain_rejects_paths_userinfo_spaces_schemes() {
        assert!(domain_err("https://").contains("got 'https://'"));
        assert!(domain_err("").contains("tenant.eu.auth0.com"));
        assert!(domain_err("tenant.auth0.com/authorize").contains("no path"));
        assert!(domain_err("https://user@tenant.auth0.com").contains("no path"));
        assert!(domain_err("tenant .auth0.com").contains("host name"));
        assert!(domain_err("ftp://tenant.auth0.com").contains("https"));
        assert!(domain_err("javascript:alert(1)").contains("https"));
        assert!(domain_err("tenant.auth0.com?x=1").contains("no path"));
        assert!(domain_err("tenant.auth0.com:99999").contains("host name"));
        assert!(domain_err("-bad.auth0.com").contains("host name"));
        assert!(domain_err("a..b").contains("host name"));
        // Empty first and last labels too (the label loop is a byte scan, not `split('.')`).
        assert!(domain_err(".auth0.com").contains("host name"));
        assert!(domain_err("tenant.auth0.com.").contains("host name"));
        assert!(domain_err("https://[::2]:4010").contains("host name"));
    }

    #[test]
    fn redirect_uri_must_be_absolute_http() {
        assert!(check_redirect_uri("https://app.example.com/callback.html?x=1").is_ok());
        assert!(check_redirect_uri("http://127.0.0.1:4000/").is_ok());
        assert!(check_redirect_uri("http://localhost/cb").is_ok());
        assert!(check_redirect_uri("HTTP://[::1]:4000/cb").is_ok());
        for http in [
            "http://app.example.com/cb",
            "http://127.0.0.1.evil.test/cb",
            "http://10.0.0.1:4000/",
        ] {
            let message = check_redirect_uri(http).unwrap_err().into_details().message;
            assert!(message.contains("must use https"), "{http}: {message}");
        }
        assert!(check_redirect_uri("/callback").is_err());
        assert!(check_redirect_uri("javascript:alert(1)").is_err());
        assert!(check_redirect_uri("https://app.example.com/#frag").is_err());
        assert!(check_redirect_uri("https://user:pw@app.example.com/").is_err());
        assert!(check_redirect_uri("https:// app.example.com/").is_err());
        let message = check_redirect_uri("nope")
            .unwrap_err()
            .into_details()
            .message;
        assert!(message.contains("Allowed Callback URLs"), "{message}");
    }

    #[test]
    fn images_https_or_loopback_emulator_only() {
        assert!(image_url_allowed("https://cdn.example.com/a.png", None));
        assert!(!image_url_allowed("http://cdn.example.com/a.png", None));
        assert!(!image_url_allowed("data:image/png;base64,AAAA", None));
        assert!(!image_url_allowed("javascript:alert(1)", None));
        let emulator = Some("http://127.0.0.1:4010");
        assert!(image_url_allowed(
            "http://127.0.0.1:4010/avatar/1.png",
            emulator
        ));
        assert!(!image_url_allowed(
            "http://127.0.0.1:4011/avatar/1.png",
            emulator
        ));
        assert!(!image_url_allowed(
            "http://127.0.0.1:4010@evil.test/a.png",
            emulator
        ));
    }

    #[test]
    fn colours_in_safe_forms_only() {
        for ok in [
            "#0a66c2",
            "#FFF",
            "#0a66c2cc",
            "rgb(10, 102, 194)",
            "rgba(10,102,194,.5)",
            "hsl(210deg 90% 40%)",
            "rebeccapurple",
            // Function names and `deg` in any case, as CSS reads them.
            "RGBA(10, 102, 194, 50%)",
            "Hsl(210DEG 90% 40%)",
            "rgba",
        ] {
            assert!(is_safe_color(ok), "{ok}");
        }
        for bad in [
            "#0a66c",
            "red;background:url(x)",
            "url(https://x)",
            "rgb(1,2,3);x",
            "expression(alert(1))",
            "",
            "var(--x)",
            "rgbaa(1,2,3)",
            "rgb(deg)",
            "hsl(1,2,3",
        ] {
            assert!(!is_safe_color(bad), "{bad}");
        }
    }

    #[test]
    fn client_id_and_connection_names() {
        assert!(check_client_id("account-link-demo").is_ok());
        assert!(check_client_id("").is_err());
        assert!(check_client_id("abc def")
            .unwrap_err()
            .message
            .contains("Client ID"));
        assert!(check_connection_name("google-oauth2").is_ok());
        assert!(check_connection_name("Username-Password-Authentication").is_ok());
        assert!(check_connection_name("bad name").is_err());
        assert!(check_connection_name("<img>").is_err());
    }

    #[test]
    fn unicode_whitespace_and_controls() {
        // `has_space` keeps `char::is_whitespace` / `char::is_control`, not ASCII only.
        for spaced in ["a b", "a\u{3000}b", "a\u{a0}b", "a\u{2028}b", "\t"] {
            assert!(has_space(spaced, false), "{spaced:?}");
        }
        assert!(!has_space("a\u{1}b", false));
        assert!(has_space("a\u{1}b", true));
        assert!(has_space("a\u{85}b", true));
        assert!(!has_space("tenant.auth0.com", true));
        assert!(blank_or_spaced("") && blank_or_spaced("tok\u{2003}en"));
        assert!(!blank_or_spaced("tok\u{1}en"));
        assert!(domain_err("tenant\u{3000}.auth0.com").contains("host name"));
        assert!(check_client_id("abc\u{7f}").is_err());
    }

    #[test]
    fn authority_labels_and_ports() {
        let long = "a".repeat(63);
        assert!(check_authority(&long).is_some());
        assert!(check_authority(&(long.clone() + "a")).is_none());
        assert!(check_authority(&(long.clone() + "." + &long)).is_some());
        for ok in [
            "a",
            "a-b.c",
            "x1.y-2.z",
            "a:1",
            "a:65535",
            "a:00080",
            "[::1]:4010",
        ] {
            assert!(check_authority(ok).is_some(), "{ok}");
        }
        for bad in [
            "", ".", "a.", ".a", "a..b", "-a", "a-", "a.-b", "a-.b", "a_b", "a:", "a:0", "a:65536",
            "a:000080", "a:+1", "a:1a", "[::2]", "[::1]x",
        ] {
            assert!(check_authority(bad).is_none(), "{bad}");
        }
        assert_eq!(check_authority("a.b:80"), Some(("a.b", true)));
        assert_eq!(check_authority("a.b"), Some(("a.b", false)));
    }

    #[test]
    fn provider_labels() {
        assert_eq!(provider_label("google-oauth2"), "Google");
        assert_eq!(provider_label("windowslive"), "Microsoft");
        assert_eq!(provider_label("acme-oidc"), "acme-oidc");
    }

    #[test]
    fn readable_text_on_the_primary_colour() {
        assert_eq!(text_color_on("#635dff"), "#fff");
        assert_eq!(text_color_on("#0a66c2"), "#fff");
        assert_eq!(text_color_on("#000"), "#fff");
        assert_eq!(text_color_on("#ffeb3b"), "#000");
        assert_eq!(text_color_on("#FFF"), "#000");
        assert_eq!(text_color_on("#15803d"), "#fff");
        assert_eq!(text_color_on("#fafad2cc"), "#000");
        assert_eq!(text_color_on("rgb(250 250 210)"), "#fff"); // not measured
        assert_eq!(text_color_on("rebeccapurple"), "#fff");
    }
}
