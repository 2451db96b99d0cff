//! ID token validation (OIDC Core 3.1.3.7) and its RS256 signature (RFC 7515, RFC 7518 3.3) checked
//! with WebCrypto against the tenant's JWKS.
//!
//! The claim checks are a pure function over an already parsed [`Claims`], so host tests cover each
//! one; decoding uses `js_sys::JSON` (no serde in the package).

use crate::error::{Error, ErrorCode, Result};
use crate::http::{self, field, field_f64, field_str};
#[allow(unused_imports)]
use crate::prelude::*;
use crate::secret::Secret;
use crate::task::{Outcome, Then};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Clock skew tolerated on `exp`, `iat` and `nbf`, in seconds (DESIGN.md 4).
pub const LEEWAY_SECS: f64 = 60.0;

/// The JOSE header fields we look at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    /// `alg`: only `RS256` is accepted.
    pub alg: String,
    /// `kid`: selects the JWKS key.
    pub kid: Option<String>,
}

/// The ID token claims the checks and the widget use.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Claims {
    /// Issuer.
    pub iss: Option<String>,
    /// Subject: the user id, e.g. `github|123`.
    pub sub: Option<String>,
    /// Audiences (a single string is read as a list of one).
    pub aud: Vec<String>,
    /// Authorized party.
    pub azp: Option<String>,
    /// Expiry, UNIX seconds.
    pub exp: Option<f64>,
    /// Issued at, UNIX seconds.
    pub iat: Option<f64>,
    /// Not before, UNIX seconds.
    pub nbf: Option<f64>,
    /// The nonce we sent.
    pub nonce: Option<String>,
    /// When the user authenticated, UNIX seconds.
    pub auth_time: Option<f64>,
    /// Profile: display name.
    pub name: Option<String>,
    /// Profile: e-mail address.
    pub email: Option<String>,
    /// Profile: picture URL (not yet vetted: the dialog checks the scheme).
    pub picture: Option<String>,
}

/// What a token must match.
#[derive(Clone, Copy, Debug)]
pub struct Expected<'a> {
    /// Exact issuer: the tenant origin plus `/`, e.g. `https://tenant.eu.auth0.com/`.
    pub issuer: &'a str,
    /// Our client id.
    pub client_id: &'a str,
    /// The nonce of this transaction.
    pub nonce: &'a str,
    /// The signed-in (primary) user, whose own account must not be linked to itself.
    pub primary_user_id: Option<&'a str>,
    /// Current time, UNIX seconds.
    pub now_secs: f64,
    /// When we sent `max_age=0` (linking): the time the request started, UNIX seconds; the
    /// login must not be older (OIDC Core 3.1.3.7 step 13, `auth_time`).
    pub auth_after_secs: Option<f64>,
}

fn invalid(check: &str, message: &str) -> Error {
    Error::new(ErrorCode::InvalidIdToken, message).with_detail(check)
}

/// Checks the header: RS256 only, so `none` and the HMAC family (whose "key" would be public) are
/// refused (RFC 8725 3.1, DESIGN.md 4).
pub fn check_header(header: &Header) -> Result<()> {
    if header.alg != "RS256" {
        return Err(invalid(
            "alg",
            "The ID token is not signed with RS256; set the application's signing algorithm to RS256.",
        ));
    }
    Ok(())
}

/// The claim checks of OIDC Core 3.1.3.7 steps 2-5, 9-11 and 13, plus `nbf` (RFC 7519 4.1.5)
/// and `sub` different from the primary user. Each failure names the check in `detail`.
pub fn check_claims(claims: &Claims, expected: &Expected<'_>) -> Result<()> {
    if claims.iss.as_deref() != Some(expected.issuer) {
        return Err(invalid("iss", "The ID token comes from another issuer."));
    }
    if !claims.aud.iter().any(|a| a == expected.client_id) {
        return Err(invalid(
            "aud",
            "The ID token is meant for another application.",
        ));
    }
    // Step 4-5: with several audiences `azp` must be present; when present it must be us.
    if claims.aud.len() > 1 && claims.azp.is_none() {
        return Err(invalid(
            "azp",
            "The ID token has several audiences and no azp.",
        ));
    }
    if let Some(azp) = &claims.azp {
        if azp != expected.client_id {
            return Err(invalid(
                "azp",
                "The ID token was issued to another application.",
            ));
        }
    }
    let now = expected.now_secs;
    match claims.exp {
        Some(exp) if now <= exp + LEEWAY_SECS => {}
        Some(_) => {
            return Err(invalid(
                "exp",
                "The ID token has expired; check the device clock.",
            ))
        }
        None => return Err(invalid("exp", "The ID token has no expiry.")),
    }
    match claims.iat {
        Some(iat) if iat <= now + LEEWAY_SECS => {}
        Some(_) => {
            return Err(invalid(
                "iat",
                "The ID token is issued in the future; check the device clock.",
            ))
        }
        None => return Err(invalid("iat", "The ID token has no issue time.")),
    }
    if let Some(nbf) = claims.nbf {
        if nbf > now + LEEWAY_SECS {
            return Err(invalid(
                "nbf",
                "The ID token is not valid yet; check the device clock.",
            ));
        }
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(invalid(
            "nonce",
            "The ID token does not belong to this login (nonce).",
        ));
    }
    if let Some(after) = expected.auth_after_secs {
        match claims.auth_time {
            Some(t) if t + LEEWAY_SECS >= after => {}
            _ => {
                return Err(invalid(
                    "auth_time",
                    "The login was not fresh: sign in with the account to link again.",
                ))
            }
        }
    }
    match claims.sub.as_deref() {
        None | Some("") => return Err(invalid("sub", "The ID token has no subject.")),
        Some(sub) if Some(sub) == expected.primary_user_id => {
            return Err(Error::new(
                ErrorCode::SameIdentity,
                "That account is the one you are signed in with; choose another account.",
            )
            .with_detail("sub"))
        }
        Some(_) => {}
    }
    Ok(())
}

/// The three base64url parts of a compact JWS (RFC 7515 7.1).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Parts<'a> {
    /// Encoded header.
    pub header: &'a str,
    /// Encoded payload.
    pub payload: &'a str,
    /// Encoded signature.
    pub signature: &'a str,
}

impl<'a> Parts<'a> {
    /// The bytes the signature covers: `header.payload`.
    pub fn signing_input(&self) -> String {
        concat(&[self.header, ".", self.payload])
    }
}

/// Splits a compact JWS into exactly three non-empty parts.
pub fn split(token: &str) -> Result<Parts<'_>> {
    let mut rest = token;
    let (h, p) = (next_field(&mut rest, b'.'), next_field(&mut rest, b'.'));
    match rest {
        s if !h.is_empty() && !p.is_empty() && !s.is_empty() && !has_byte(s, b'.') => Ok(Parts {
            header: h,
            payload: p,
            signature: s,
        }),
        _ => Err(invalid("format", "The ID token is not a signed JWT.")),
    }
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `jsonPart`: base64url -> strict UTF-8 -> `JSON.parse`, `null` unless an
    /// object.
    #[wasm_bindgen(js_name = jsonPart)]
    fn json_part(part: &str) -> JsValue;
}

/// Decodes one base64url JSON part (header or payload) with the browser (`atob`, a fatal
/// `TextDecoder`, `JSON.parse`): unpadded base64url (RFC 4648 5) and strict UTF-8, without a
/// decoder in the wasm. Anything but a JSON object is `invalid_id_token` (`format`).
pub fn decode_json_part(part: &str) -> Result<JsValue> {
    let value = json_part(part);
    if !value.is_object() {
        return Err(invalid("format", "The ID token is malformed."));
    }
    Ok(value)
}

/// Reads the header fields from parsed JSON.
pub fn header_from_json(json: &JsValue) -> Header {
    Header {
        alg: field_str(json, "alg").unwrap_or_default(),
        kid: field_str(json, "kid"),
    }
}

/// Reads the claims the checks and the flows use from parsed JSON (`aud` as a string or an array
/// of strings); the profile claims are [`read_profile`]'s.
pub fn claims_from_json(json: &JsValue) -> Claims {
    let aud = field(json, "aud");
    let aud = if let Some(one) = aud.as_string() {
        vec![one]
    } else if js_sys::Array::is_array(&aud) {
        // An index loop: `iter().filter_map().collect()` brought `FilterMap::next` along. The
        // array itself (checked just above), not an `Array.from` copy: one import less.
        let aud: &js_sys::Array = aud.unchecked_ref();
        let mut list = Vec::new();
        for i in 0..aud.length() {
            if let Some(one) = aud.get(i).as_string() {
                list.push(one);
            }
        }
        list
    } else {
        Vec::new()
    };
    Claims {
        iss: field_str(json, "iss"),
        sub: field_str(json, "sub"),
        aud,
        azp: field_str(json, "azp"),
        exp: field_f64(json, "exp"),
        iat: field_f64(json, "iat"),
        nbf: field_f64(json, "nbf"),
        nonce: field_str(json, "nonce"),
        auth_time: field_f64(json, "auth_time"),
        name: None,
        email: None,
        picture: None,
    }
}

/// Fills the profile claims (`name`, else `nickname`; `email`; `picture`) from the payload. No
/// check and no flow uses them (a sign-in hands the whole payload out as `profile`), so
/// [`decode`] leaves them out and the shipped flows do not read them; [`validate`] fills them for
/// callers that want them typed.
pub fn read_profile(claims: &mut Claims, json: &JsValue) {
    claims.name = field_str(json, "name").or_else(|| field_str(json, "nickname"));
    claims.email = field_str(json, "email");
    claims.picture = field_str(json, "picture");
}

/// A decoded, not yet verified token.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// Header.
    pub header: Header,
    /// Claims.
    pub claims: Claims,
    /// The whole payload as a JS object (the `profile` returned by sign-in).
    pub payload: JsValue,
}

/// Decodes a compact JWS without verifying anything.
pub fn decode(token: &str) -> Result<Decoded> {
    let parts = split(token)?;
    let header = header_from_json(&decode_json_part(parts.header)?);
    let payload = decode_json_part(parts.payload)?;
    // Unpadded base64url's rules (alphabet, no padding, a possible length), checked here so
    // a malformed signature is still a `format` error before any key is fetched; the bytes are
    // decoded by the browser in `verifyRs256`.
    let sig = parts.signature.as_bytes();
    if sig.len() % 4 == 1
        || !sig
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(invalid("format", "The ID token is malformed."));
    }
    Ok(Decoded {
        header,
        claims: claims_from_json(&payload),
        payload,
    })
}

#[wasm_bindgen(module = "/js/wasm/browser.js")]
extern "C" {
    /// js/wasm/browser.js `verifyRs256`: `importKey` of `{ kty: "RSA", n, e }`, the base64url
    /// decoding of the signature (the text after the token's last `.`) and `verify` over the
    /// text before it, in one promise (one `.await` here instead of two, no decoder in the wasm).
    /// `token` has passed [`decode`]. Resolves 0 valid, 1 invalid, 2 unusable key, 3 no WebCrypto.
    #[wasm_bindgen(js_name = verifyRs256)]
    fn verify_rs256(n: &str, e: &str, token: &str) -> js_sys::Promise;
}

/// Verifies the RS256 signature of `token` (which has passed [`decode`]) with `crypto.subtle`
/// against one JWK from the JWKS. The browser reads the signed bytes, `header.payload`, and the
/// signature out of `token` (split at its last `.`, which [`decode`] has made the only place).
/// Only `n` and `e` are taken from the server's key (which must be `kty: "RSA"`), so its `x5c`,
/// `use` or a hostile `alg` cannot change how the key is imported.
///
/// The key's shape is checked now (an unusable key fails here); the returned future gives the
/// verdict of `crypto.subtle`.
pub fn verify_signature(
    token: &str,
    jwk: &JsValue,
) -> Result<Then<impl Fn(Outcome) -> Result<()>>> {
    if field_str(jwk, "kty").as_deref() != Some("RSA") {
        return Err(bad_key());
    }
    let n = field_str(jwk, "n").ok_or_else(bad_key)?;
    let e = field_str(jwk, "e").ok_or_else(bad_key)?;
    let verify = verify_rs256(&n, &e, token);
    Ok(Then::new(verify, |verdict| {
        match verdict.ok().and_then(|v| v.as_f64()).map(|v| v as u32) {
            Some(0) => Ok(()),
            Some(2) => Err(bad_key()),
            Some(3) => Err(invalid(
                "signature",
                "WebCrypto is not available: serve the page over https.",
            )),
            _ => Err(invalid("signature", "The ID token signature is invalid.")),
        }
    }))
}

fn bad_key() -> Error {
    invalid("signature", "The tenant's signing key is unusable.")
}

/// The tenant's JWKS, fetched once per widget and refetched once when a `kid` is unknown
/// (key rotation).
#[derive(Debug, Default)]
pub struct JwksCache {
    keys: RefCell<Option<js_sys::Array>>,
}

/// The RSA key of `keys` whose `kid` is `kid`; without a `kid`, the only RSA key (none when there
/// are several: ambiguous). A plain index loop: `iter().filter().collect()` into a `Vec` and
/// `find` cost about 0.5 KB more for the same walk.
fn find_key(keys: &js_sys::Array, kid: Option<&str>) -> Option<JsValue> {
    let mut only = None;
    let mut rsa = 0;
    for i in 0..keys.length() {
        let key = keys.get(i);
        if field_str(&key, "kty").as_deref() != Some("RSA") {
            continue;
        }
        match kid {
            Some(kid) if field_str(&key, "kid").as_deref() == Some(kid) => return Some(key),
            Some(_) => {}
            None => {
                rsa += 1;
                only = Some(key);
            }
        }
    }
    if rsa == 1 {
        only
    } else {
        None
    }
}

impl JwksCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Seeds the cache (tests, or an app that ships its keys).
    pub fn set(&self, keys: js_sys::Array) {
        *self.keys.borrow_mut() = Some(keys);
    }

    /// The JWKS URL of `origin` (the tenant origin, no trailing slash).
    pub fn url(origin: &str) -> String {
        origin.to_owned() + "/.well-known/jwks.json"
    }

    /// Whether no keys are cached yet (the flows then fetch the JWKS with the token request).
    pub fn is_empty(&self) -> bool {
        self.keys.borrow().is_none()
    }

    /// Reads a JWKS answer (`reply`: [`http::fetch`]'s, or one half of [`http::fetch_pair`]'s),
    /// caches its keys and returns the one for `kid`: the errors of [`http::send`], `jwks` when
    /// the answer has no `keys` array, `kid` when no key matches.
    pub fn store(&self, reply: Result<http::Reply>, kid: Option<&str>) -> Result<JsValue> {
        let keys = field(&http::json_of(reply?)?, "keys");
        if !js_sys::Array::is_array(&keys) {
            return Err(invalid("jwks", "The tenant's JWKS is malformed."));
        }
        let keys: js_sys::Array = keys.unchecked_into();
        let found = find_key(&keys, kid);
        self.set(keys);
        found.ok_or_else(|| invalid("kid", "No key of the tenant's JWKS matches the ID token."))
    }

    /// The cached key for `kid` ([`find_key`]'s choice); `None` when nothing is cached or no
    /// cached key matches.
    pub fn cached(&self, kid: Option<&str>) -> Option<JsValue> {
        let keys = self.keys.borrow().clone();
        keys.and_then(|keys| find_key(&keys, kid))
    }

    /// GETs the JWKS of `origin`: the answer for [`JwksCache::store`].
    pub fn fetch(origin: &str) -> Then<impl Fn(Outcome) -> Result<http::Reply>> {
        http::fetch(http::Request {
            method: "GET",
            url: &Self::url(origin),
            bearer: None,
            body: http::Body::Empty,
            timeout_ms: http::DEFAULT_TIMEOUT_MS,
        })
    }
}

/// Full validation: format, header, RS256 signature against the tenant JWKS, then the claims.
/// Returns the decoded token (claims, profile claims included, and the payload object).
/// Not called by the shipped flows: `flow::complete` runs the same steps (`decode`,
/// `check_header`, the key, `verify_signature`, `check_claims`) in the same order with the key
/// from its own JWKS request; tests/id_token.rs exercises the steps through this function, and
/// tests/e2e/journey.spec.mjs the shipped ending with forged and replayed tokens.
pub async fn validate(
    token: &Secret,
    origin: &str,
    expected: &Expected<'_>,
    jwks: &JwksCache,
) -> Result<Decoded> {
    let decoded = decode(token.expose())?;
    check_header(&decoded.header)?;
    let kid = decoded.header.kid.as_deref();
    // As `flow::complete` does with a cached key: an unknown `kid` refetches the keys.
    let key = match jwks.cached(kid) {
        Some(key) => key,
        None => jwks.store(JwksCache::fetch(origin).await, kid)?,
    };
    verify_signature(token.expose(), &key)?.await?;
    check_claims(&decoded.claims, expected)?;
    let mut decoded = decoded;
    read_profile(&mut decoded.claims, &decoded.payload);
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_764_000_000.0;

    fn good() -> Claims {
        Claims {
            iss: Some("https://tenant.eu.auth0.com/".into()),
            sub: Some("github|42".into()),
            aud: vec!["CLIENT".into()],
            azp: None,
            exp: Some(NOW + 600.0),
            iat: Some(NOW - 5.0),
            nbf: None,
            nonce: Some("n0nce".into()),
            auth_time: Some(NOW - 10.0),
            ..Claims::default()
        }
    }

    fn expected() -> Expected<'static> {
        Expected {
            issuer: "https://tenant.eu.auth0.com/",
            client_id: "CLIENT",
            nonce: "n0nce",
            primary_user_id: Some("auth0|primary"),
            now_secs: NOW,
            auth_after_secs: Some(NOW - 30.0),
        }
    }

    fn failed_check(claims: Claims) -> String {
        let e = check_claims(&claims, &expected()).unwrap_err();
        assert!(matches!(
            e.code,
            ErrorCode::InvalidIdToken | ErrorCode::SameIdentity
        ));
        e.into_details().detail.unwrap()
    }

    #[test]
    fn good_token_passes_including_leeway_edges() {
        check_claims(&good(), &expected()).unwrap();
        let edge = Claims {
            exp: Some(NOW - 59.0),
            iat: Some(NOW + 59.0),
            nbf: Some(NOW + 59.0),
            ..good()
        };
        check_claims(&edge, &expected()).unwrap();
        let multi = Claims {
            aud: vec![
                "CLIENT".into(),
                "https://tenant.eu.auth0.com/userinfo".into(),
            ],
            azp: Some("CLIENT".into()),
            ..good()
        };
        check_claims(&multi, &expected()).unwrap();
    }

    #[test]
    fn alg_none_and_hs256_are_rejected() {
        for alg in ["none", "HS256", "RS512", "PS256", ""] {
            let e = check_header(&Header {
                alg: alg.into(),
                kid: None,
            })
            .unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidIdToken);
            assert_eq!(e.detail.as_deref(), Some("alg"));
        }
        check_header(&Header {
            alg: "RS256".into(),
            kid: None,
        })
        .unwrap();
    }

    #[test]
    fn wrong_or_missing_or_lookalike_iss() {
        for iss in [
            Some("https://tenant.eu.auth0.com"),
            Some("https://evil.test/"),
            Some("http://tenant.eu.auth0.com/"),
            Some("https://tenant.eu.auth0.com.evil.test/"),
            None,
        ] {
            assert_eq!(
                failed_check(Claims {
                    iss: iss.map(Into::into),
                    ..good()
                }),
                "iss"
            );
        }
    }

    #[test]
    fn wrong_aud() {
        assert_eq!(
            failed_check(Claims {
                aud: vec!["OTHER".into()],
                ..good()
            }),
            "aud"
        );
        assert_eq!(
            failed_check(Claims {
                aud: vec![],
                ..good()
            }),
            "aud"
        );
    }

    #[test]
    fn several_aud_without_azp_or_wrong_azp() {
        let aud = vec!["CLIENT".to_string(), "OTHER".to_string()];
        assert_eq!(
            failed_check(Claims {
                aud: aud.clone(),
                ..good()
            }),
            "azp"
        );
        assert_eq!(
            failed_check(Claims {
                aud,
                azp: Some("OTHER".into()),
                ..good()
            }),
            "azp"
        );
        assert_eq!(
            failed_check(Claims {
                azp: Some("OTHER".into()),
                ..good()
            }),
            "azp"
        );
    }

    #[test]
    fn expired_or_missing_exp() {
        assert_eq!(
            failed_check(Claims {
                exp: Some(NOW - 61.0),
                ..good()
            }),
            "exp"
        );
        assert_eq!(
            failed_check(Claims {
                exp: None,
                ..good()
            }),
            "exp"
        );
    }

    #[test]
    fn future_or_missing_iat_and_future_nbf() {
        assert_eq!(
            failed_check(Claims {
                iat: Some(NOW + 61.0),
                ..good()
            }),
            "iat"
        );
        assert_eq!(
            failed_check(Claims {
                iat: None,
                ..good()
            }),
            "iat"
        );
        assert_eq!(
            failed_check(Claims {
                nbf: Some(NOW + 61.0),
                ..good()
            }),
            "nbf"
        );
    }

    #[test]
    fn wrong_or_missing_nonce() {
        assert_eq!(
            failed_check(Claims {
                nonce: Some("other".into()),
                ..good()
            }),
            "nonce"
        );
        assert_eq!(
            failed_check(Claims {
                nonce: None,
                ..good()
            }),
            "nonce"
        );
    }

    #[test]
    fn stale_or_missing_auth_time_when_max_age_was_sent() {
        assert_eq!(
            failed_check(Claims {
                auth_time: Some(NOW - 30.0 - 61.0),
                ..good()
            }),
            "auth_time"
        );
        assert_eq!(
            failed_check(Claims {
                auth_time: None,
                ..good()
            }),
            "auth_time"
        );
        let sign_in = Expected {
            auth_after_secs: None,
            ..expected()
        };
        check_claims(
            &Claims {
                auth_time: None,
                ..good()
            },
            &sign_in,
        )
        .unwrap();
    }

    #[test]
    fn missing_sub_and_same_sub() {
        assert_eq!(
            failed_check(Claims {
                sub: None,
                ..good()
            }),
            "sub"
        );
        let e = check_claims(
            &Claims {
                sub: Some("auth0|primary".into()),
                ..good()
            },
            &expected(),
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::SameIdentity);
    }

    #[test]
    fn split_needs_three_parts() {
        assert!(split("a.b.c").is_ok());
        for bad in ["a.b", "a.b.c.d", "a..c", "a.b.", ""] {
            assert!(split(bad).is_err(), "{bad}");
        }
        assert_eq!(split("h.p.s").unwrap().signing_input(), "h.p");
    }
}
