//! The tenant's RS256 signing key, its JWKS, and JWT signing and verification (RFC 7515, 7517, 7519).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// An RSA key pair used to sign every token, with its key id.
#[derive(Clone)]
pub struct Keys {
    private: RsaPrivateKey,
    kid: String,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// Why a JWT was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url parts of JSON.
    Malformed,
    /// `alg` is not RS256 or `kid` is not ours.
    BadHeader,
    /// The signature does not verify.
    BadSignature,
}

impl Keys {
    /// Generates a fresh 2048-bit key.
    pub fn generate() -> Self {
        let private =
            RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("RSA key generation");
        Self::from_private(private)
    }

    /// Loads a key from PKCS#8 PEM.
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let private = RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| e.to_string())?;
        Ok(Self::from_private(private))
    }

    /// The key as PKCS#8 PEM, for storage.
    pub fn to_pem(&self) -> String {
        self.private
            .to_pkcs8_pem(LineEnding::LF)
            .expect("PEM encoding")
            .to_string()
    }

    fn from_private(private: RsaPrivateKey) -> Self {
        let digest = Sha256::digest(private.n().to_bytes_be());
        let kid = B64.encode(&digest[..12]);
        Keys { private, kid }
    }

    /// The key id (`kid`) in token headers and the JWKS.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key set, as served at `/.well-known/jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": B64.encode(self.private.n().to_bytes_be()),
            "e": B64.encode(self.private.e().to_bytes_be()),
        }]})
    }

    /// Signs claims as a compact RS256 JWT with our `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        let input = format!(
            "{}.{}",
            B64.encode(header.to_string()),
            B64.encode(claims.to_string())
        );
        let key = SigningKey::<Sha256>::new(self.private.clone());
        let sig = key.sign(input.as_bytes());
        format!("{input}.{}", B64.encode(sig.to_bytes()))
    }

    /// Verifies an RS256 JWT signed by this key and returns its claims. Claims (issuer,
    /// audience, expiry) are checked by the caller.
    pub fn verify(&self, token: &str) -> Result<Map<String, Value>, JwtError> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed);
        };
        let header: Value = decode_json(h)?;
        if header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err(JwtError::BadHeader);
        }
        if let Some(kid) = header.get("kid") {
            if kid.as_str() != Some(self.kid.as_str()) {
                return Err(JwtError::BadHeader);
            }
        }
        let sig_bytes = B64.decode(s).map_err(|_| JwtError::Malformed)?;
        let sig = Signature::try_from(sig_bytes.as_slice()).map_err(|_| JwtError::BadSignature)?;
        let key = VerifyingKey::<Sha256>::new(self.private.to_public_key());
        key.verify(format!("{h}.{p}").as_bytes(), &sig)
            .map_err(|_| JwtError::BadSignature)?;
        match decode_json(p)? {
            Value::Object(m) => Ok(m),
            _ => Err(JwtError::Malformed),
        }
    }
}

fn decode_json(part: &str) -> Result<Value, JwtError> {
    let bytes = B64.decode(part).map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed)
}

/// Seconds since the UNIX epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A random base64url string from `n` random bytes (codes, opaque tokens, nonces).
pub fn random_token(n: usize) -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut bytes);
    B64.encode(bytes)
}

/// `base64url(SHA-256(verifier))`, the S256 PKCE challenge (RFC 7636 4.2).
pub fn pkce_s256(verifier: &str) -> String {
    B64.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_then_verify_and_tamper() {
        let keys = Keys::generate();
        let t = keys.sign(&json!({"sub": "a"}));
        assert_eq!(keys.verify(&t).unwrap()["sub"], "a");
        let mut bad = t.clone();
        bad.pop();
        bad.push(if t.ends_with('A') { 'B' } else { 'A' });
        assert!(keys.verify(&bad).is_err());
        let pem = keys.to_pem();
        assert_eq!(Keys::from_pem(&pem).unwrap().kid(), keys.kid());
    }

    #[test]
    fn pkce_rfc7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
