//! OAuth2 bearer tokens as HS256 JWTs. The signing secret lives in the database's settings,
//! so every server process on one database accepts every other's tokens.
//!
//! Every token names its sign-in session (`sid`); the session's row decides whether the token
//! is still good (`auth::bearer`), so a token can be revoked before it expires. A token
//! without `sid` (minted before sessions existed) does not decode and is refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "huimin";

/// Seconds of clock difference tolerated on a token's expiry.
const LEEWAY: i64 = 5;

/// Past this many remembered tokens, expired ones are dropped (all, if none has expired).
const MAX_VERIFIED: usize = 20_000;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// User id.
    pub sub: String,
    pub role: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The sign-in session (grant) the token belongs to.
    pub sid: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub ttl: Duration,
    /// Tokens whose signature was checked, by their exact text. A client sends the same token
    /// with every request, and decoding and checking it again was a sixth of the server's
    /// work per request in a booking rush. Only the identical text that passed the check
    /// finds its entry, and the expiry is checked again on every use.
    verified: Arc<Mutex<HashMap<String, Claims>>>,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = LEEWAY as u64;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
            verified: Arc::default(),
        }
    }

    /// A token of session `sid` for an account, valid from `now` (seconds) for the TTL.
    pub fn issue(&self, user_id: &str, role: &str, sid: &str, now: i64) -> String {
        let claims = Claims {
            sub: user_id.to_owned(),
            role: role.to_owned(),
            iss: ISSUER.to_owned(),
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: sid.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    pub fn verify(&self, token: &str) -> Option<Claims> {
        let now = huimin_clock::now().as_second();
        if let Some(claims) = self.remembered().get(token) {
            return unexpired(claims, now).then(|| claims.clone());
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        let mut remembered = self.remembered();
        if remembered.len() >= MAX_VERIFIED {
            remembered.retain(|_, claims| unexpired(claims, now));
            if remembered.len() >= MAX_VERIFIED {
                remembered.clear();
            }
        }
        remembered.insert(token.to_owned(), claims.clone());
        Some(claims)
    }

    fn remembered(&self) -> std::sync::MutexGuard<'_, HashMap<String, Claims>> {
        // Single inserts and removals cannot leave the map half-changed: a poisoned lock is
        // still usable.
        self.verified.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Whether a token with these claims is still valid at `now` (seconds), as `jsonwebtoken`
/// decides it.
fn unexpired(claims: &Claims, now: i64) -> bool {
    claims.exp >= now - LEEWAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let token = keys.issue("u1", "patient", "s1", huimin_clock::now().as_second());
        assert_eq!(keys.verify(&token).unwrap().sub, "u1");
        let other = TokenKeys::new(b"another-secret-another-secret-xx", Duration::from_secs(60));
        assert!(other.verify(&token).is_none());
        let mut tampered = token.clone();
        tampered.push('x');
        assert!(keys.verify(&tampered).is_none());
    }

    #[test]
    fn a_remembered_token_is_answered_again_until_it_expires() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let token = keys.issue("u1", "patient", "s1", huimin_clock::now().as_second());
        let first = keys.verify(&token).unwrap();
        assert_eq!(keys.remembered().len(), 1);
        assert_eq!(keys.verify(&token), Some(first.clone()));
        // Another text (even one differing only at the end) is checked, not looked up.
        let mut tampered = token.clone();
        tampered.pop();
        assert!(keys.verify(&tampered).is_none());
        assert_eq!(keys.remembered().len(), 1);
        // Expiry is checked on every use, with the same leeway as the full check.
        assert!(unexpired(&first, first.exp + LEEWAY));
        assert!(!unexpired(&first, first.exp + LEEWAY + 1));
        let expired = Claims {
            exp: huimin_clock::now().as_second() - LEEWAY - 10,
            ..first
        };
        keys.remembered().insert(token.clone(), expired);
        assert!(keys.verify(&token).is_none());
    }

    #[test]
    fn a_token_without_a_session_is_refused() {
        #[derive(Serialize)]
        struct Old {
            sub: String,
            role: String,
            iss: String,
            iat: i64,
            exp: i64,
            jti: String,
        }
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(60));
        let now = huimin_clock::now().as_second();
        let old = Old {
            sub: "u1".into(),
            role: "patient".into(),
            iss: ISSUER.into(),
            iat: now,
            exp: now + 60,
            jti: "x".into(),
        };
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &old, &keys.encoding).unwrap();
        assert!(keys.verify(&token).is_none());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(0));
        // A token whose expiry is well in the past.
        let now = huimin_clock::now().as_second();
        let claims = Claims {
            sub: "u1".into(),
            role: "admin".into(),
            iss: ISSUER.into(),
            iat: now - 7200,
            exp: now - 3600,
            jti: "x".into(),
            sid: "s1".into(),
        };
        let claims_token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding).unwrap();
        assert!(keys.verify(&claims_token).is_none());
    }
}
