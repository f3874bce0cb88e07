//! Checking what WeChat Pay signs: notifications (回调通知) and the answers to our requests.
//!
//! The signed message is `timestamp\nnonce\nbody\n`; the key is chosen by `Wechatpay-Serial`:
//! either a platform certificate's serial (hex) or a WeChat Pay public key id (`PUB_KEY_ID_…`).
//! A merchant migrating between the two modes holds both for a while, hence several keys.

use rsa::RsaPublicKey;

use crate::billing::{GatewayError, keys};

/// How far a message's timestamp may be from `now`: WeChat Pay's recommendation (5 minutes).
pub const REPLAY_WINDOW_SECS: i64 = 300;

const SIGNATURE_TYPE: &str = "WECHATPAY2-SHA256-RSA2048";
const PUBLIC_KEY_PREFIX: &str = "PUB_KEY_ID_";

/// The `Wechatpay-*` headers of a notification or answer.
#[derive(Debug, Clone, Copy)]
pub struct SignedHeaders<'a> {
    pub timestamp: &'a str,
    pub nonce: &'a str,
    pub signature: &'a str,
    pub serial: &'a str,
    /// `Wechatpay-Signature-Type`; older messages omit it.
    pub signature_type: Option<&'a str>,
}

impl<'a> SignedHeaders<'a> {
    /// Reads the headers through `get`, which looks a header name up case-insensitively
    /// (as `http::HeaderMap::get` does).
    pub fn from_lookup(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, GatewayError> {
        Ok(Self {
            timestamp: get("Wechatpay-Timestamp")
                .ok_or(GatewayError::Header("Wechatpay-Timestamp"))?,
            nonce: get("Wechatpay-Nonce").ok_or(GatewayError::Header("Wechatpay-Nonce"))?,
            signature: get("Wechatpay-Signature")
                .ok_or(GatewayError::Header("Wechatpay-Signature"))?,
            serial: get("Wechatpay-Serial").ok_or(GatewayError::Header("Wechatpay-Serial"))?,
            signature_type: get("Wechatpay-Signature-Type"),
        })
    }
}

/// What the server must remember to refuse a replay: this nonce, until `remember_until`
/// (Unix seconds); after that the timestamp check refuses the message anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayKey {
    pub nonce: String,
    pub remember_until: i64,
}

/// The WeChat Pay keys a merchant trusts, by certificate serial or public key id.
#[derive(Debug, Default, Clone)]
pub struct Verifier {
    keys: Vec<(String, RsaPublicKey)>,
}

impl Verifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts a platform certificate (平台证书, X.509 PEM); returns its serial.
    pub fn add_certificate(&mut self, pem: &str) -> Result<String, GatewayError> {
        let (serial, key) = keys::certificate(pem)?;
        self.insert(serial.clone(), key);
        Ok(serial)
    }

    /// Trusts a WeChat Pay public key (微信支付公钥, SPKI PEM) under its id `PUB_KEY_ID_…`.
    pub fn add_public_key(&mut self, id: &str, pem: &str) -> Result<(), GatewayError> {
        if !id.starts_with(PUBLIC_KEY_PREFIX) || id.len() == PUBLIC_KEY_PREFIX.len() {
            return Err(GatewayError::field(
                "public_key_id",
                "must look like PUB_KEY_ID_…",
            ));
        }
        self.insert(id.to_string(), keys::public_key(pem)?);
        Ok(())
    }

    fn insert(&mut self, id: String, key: RsaPublicKey) {
        let id = lookup_id(&id);
        self.keys.retain(|(k, _)| *k != id);
        self.keys.push((id, key));
    }

    /// Checks a notification or answer: the signature over the exact body bytes, then that
    /// the timestamp is within [`REPLAY_WINDOW_SECS`] of `now` (Unix seconds). A forged message
    /// is `BadSignature` whatever its age; an authentic old one is `StaleTimestamp`.
    pub fn verify(
        &self,
        headers: &SignedHeaders<'_>,
        body: &str,
        now: i64,
    ) -> Result<ReplayKey, GatewayError> {
        if let Some(kind) = headers.signature_type
            && kind != SIGNATURE_TYPE
        {
            return Err(GatewayError::UnsupportedSignatureType(kind.to_string()));
        }
        let id = lookup_id(headers.serial);
        let key = self
            .keys
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, key)| key)
            .ok_or_else(|| GatewayError::UnknownSerial(headers.serial.to_string()))?;
        let timestamp: i64 = headers
            .timestamp
            .parse()
            .map_err(|_| GatewayError::Header("Wechatpay-Timestamp"))?;
        if headers.nonce.is_empty() || headers.nonce.contains('\n') {
            return Err(GatewayError::Header("Wechatpay-Nonce"));
        }
        let message = format!("{}\n{}\n{body}\n", headers.timestamp, headers.nonce);
        keys::verify(key, message.as_bytes(), headers.signature)?;
        if now.saturating_sub(timestamp).saturating_abs() > REPLAY_WINDOW_SECS {
            return Err(GatewayError::StaleTimestamp {
                timestamp,
                now,
                window_secs: REPLAY_WINDOW_SECS,
            });
        }
        Ok(ReplayKey {
            nonce: headers.nonce.to_string(),
            remember_until: timestamp.saturating_add(REPLAY_WINDOW_SECS),
        })
    }
}

// Public key ids are compared as written; certificate serials as hex integers, as the SDK does.
fn lookup_id(serial: &str) -> String {
    if serial.starts_with(PUBLIC_KEY_PREFIX) {
        serial.to_string()
    } else {
        keys::normalise_serial(serial)
    }
}
