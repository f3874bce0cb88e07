//! Notification bodies and their AES-256-GCM resource (`AEAD_AES_256_GCM`).
//!
//! The resource is encrypted with the merchant's APIv3 key (32 ASCII bytes, used as they are),
//! the resource's `nonce` (12 bytes) and `associated_data`; the ciphertext ends with the 16-byte
//! tag. Verify the signature ([`super::Verifier`]) before decrypting.

use std::fmt;

use aes_gcm::aead::{Aead as _, Payload};
use aes_gcm::{Aes256Gcm, KeyInit as _, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;

use crate::billing::GatewayError;

/// The APIv3 key (APIv3密钥) set in the merchant console: 32 bytes.
#[derive(Clone)]
pub struct ApiV3Key([u8; 32]);

impl ApiV3Key {
    pub fn new(key: &str) -> Result<Self, GatewayError> {
        key.as_bytes()
            .try_into()
            .map(Self)
            .map_err(|_| GatewayError::ApiV3KeyLength)
    }
}

impl fmt::Debug for ApiV3Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiV3Key(<redacted>)")
    }
}

/// A notification's JSON body, before decryption.
#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub id: String,
    pub create_time: String,
    /// `TRANSACTION.SUCCESS`, `REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`.
    pub event_type: String,
    pub resource_type: String,
    #[serde(default)]
    pub summary: String,
    pub resource: EncryptedResource,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EncryptedResource {
    pub algorithm: String,
    pub ciphertext: String,
    #[serde(default)]
    pub associated_data: String,
    pub nonce: String,
    #[serde(default)]
    pub original_type: String,
}

impl Notification {
    pub fn parse(body: &str) -> Result<Self, GatewayError> {
        Ok(serde_json::from_str(body)?)
    }

    /// The payment result of a `TRANSACTION.*` notification.
    pub fn transaction(&self, key: &ApiV3Key) -> Result<Transaction, GatewayError> {
        Transaction::parse(&decrypt_resource(key, &self.resource)?)
    }

    /// The refund result of a `REFUND.*` notification.
    pub fn refund(&self, key: &ApiV3Key) -> Result<RefundNotice, GatewayError> {
        RefundNotice::parse(&decrypt_resource(key, &self.resource)?)
    }
}

/// Decrypts a resource to its UTF-8 text (JSON for notifications, PEM for certificates).
pub fn decrypt_resource(
    key: &ApiV3Key,
    resource: &EncryptedResource,
) -> Result<String, GatewayError> {
    if resource.algorithm != "AEAD_AES_256_GCM" {
        return Err(GatewayError::UnsupportedAlgorithm(
            resource.algorithm.clone(),
        ));
    }
    let nonce = Nonce::try_from(resource.nonce.as_bytes())
        .map_err(|_| GatewayError::field("resource.nonce", "must be 12 bytes"))?;
    let ciphertext = B64
        .decode(resource.ciphertext.trim())
        .map_err(|_| GatewayError::field("resource.ciphertext", "must be base64"))?;
    let cipher = Aes256Gcm::new_from_slice(&key.0).map_err(|_| GatewayError::ApiV3KeyLength)?;
    let payload = Payload {
        msg: &ciphertext,
        aad: resource.associated_data.as_bytes(),
    };
    let plain = cipher
        .decrypt(&nonce, payload)
        .map_err(|_| GatewayError::Decryption)?;
    String::from_utf8(plain)
        .map_err(|_| GatewayError::field("resource", "decrypted text is not UTF-8"))
}

/// 交易状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TradeState {
    Success,
    Refund,
    Notpay,
    Closed,
    Revoked,
    Userpaying,
    Payerror,
}

/// An order as WeChat Pay reports it (payment notification, or the order query's answer).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Transaction {
    pub mchid: String,
    pub appid: String,
    pub out_trade_no: String,
    /// Absent until the order is paid.
    pub transaction_id: Option<String>,
    pub trade_type: Option<String>,
    pub trade_state: TradeState,
    #[serde(default)]
    pub trade_state_desc: String,
    pub bank_type: Option<String>,
    pub attach: Option<String>,
    /// RFC 3339 with offset, e.g. `2026-12-07T10:01:02+08:00`.
    pub success_time: Option<String>,
    pub payer: Option<Payer>,
    pub amount: TransactionAmount,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Payer {
    pub openid: String,
}

/// Fen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TransactionAmount {
    pub total: i64,
    pub payer_total: Option<i64>,
    pub currency: String,
    pub payer_currency: Option<String>,
}

impl Transaction {
    /// Parses and refuses anything but CNY, which Huimin never charges in.
    pub fn parse(json: &str) -> Result<Self, GatewayError> {
        let t: Self = serde_json::from_str(json)?;
        if t.amount.currency != "CNY" {
            return Err(GatewayError::field(
                "amount.currency",
                format!("{:?}: only CNY", t.amount.currency),
            ));
        }
        Ok(t)
    }
}

/// 退款状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundStatus {
    Success,
    Closed,
    Processing,
    Abnormal,
}

/// The content of a `REFUND.*` notification.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RefundNotice {
    pub mchid: String,
    pub out_trade_no: String,
    pub transaction_id: String,
    pub out_refund_no: String,
    pub refund_id: String,
    pub refund_status: RefundStatus,
    pub success_time: Option<String>,
    pub user_received_account: Option<String>,
    pub amount: RefundAmount,
}

/// Fen.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RefundAmount {
    pub total: i64,
    pub refund: i64,
    pub payer_total: i64,
    pub payer_refund: i64,
}

impl RefundNotice {
    pub fn parse(json: &str) -> Result<Self, GatewayError> {
        let n: Self = serde_json::from_str(json)?;
        if n.amount.refund > n.amount.total || n.amount.refund < 1 {
            return Err(GatewayError::field(
                "amount.refund",
                "must be 1 fen to the order total",
            ));
        }
        Ok(n)
    }
}
