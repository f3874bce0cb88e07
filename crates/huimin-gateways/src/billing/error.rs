//! The one error type of the billing protocols. Messages are English and name the field at
//! fault; the server maps variants to localised (Chinese first) text for people.

/// Why a payment message could not be built, checked or read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GatewayError {
    #[error("the private key could not be read: {0}")]
    PrivateKey(String),
    #[error("the public key or certificate could not be read: {0}")]
    PublicKey(String),
    #[error("signing failed: {0}")]
    Signing(String),
    #[error("the signature is not base64")]
    SignatureEncoding,
    #[error("the signature does not match the message")]
    BadSignature,
    #[error("no key or certificate is known for serial {0:?}")]
    UnknownSerial(String),
    #[error("the signature type {0:?} is not supported (expected WECHATPAY2-SHA256-RSA2048)")]
    UnsupportedSignatureType(String),
    #[error("the message timestamp {timestamp} is more than {window_secs} s away from now ({now})")]
    StaleTimestamp {
        timestamp: i64,
        now: i64,
        window_secs: i64,
    },
    #[error("the header {0} is missing or malformed")]
    Header(&'static str),
    #[error("the APIv3 key must be exactly 32 bytes")]
    ApiV3KeyLength,
    #[error(
        "the encrypted resource could not be decrypted (wrong APIv3 key, nonce or associated data, or altered ciphertext)"
    )]
    Decryption,
    #[error("the encrypted resource uses algorithm {0:?}, expected AEAD_AES_256_GCM")]
    UnsupportedAlgorithm(String),
    #[error("invalid {field}: {reason}")]
    InvalidField { field: &'static str, reason: String },
    #[error("invalid amount {0:?}: expected yuan with at most two decimals, like 12.34")]
    InvalidAmount(String),
    #[error("the amount {0} fen is out of range (must be 1 fen or more)")]
    AmountOutOfRange(i64),
    #[error("the JSON could not be read: {0}")]
    Json(String),
    #[error("the response has no {0} node")]
    MissingResponseNode(String),
    #[error("the gateway answered with an error: {code} {msg} ({sub_code}: {sub_msg})")]
    GatewayRefused {
        code: String,
        msg: String,
        sub_code: String,
        sub_msg: String,
    },
    #[error("line {line} of the statement: {reason}")]
    Statement { line: usize, reason: String },
    #[error("the statement's summary does not match its rows: {0}")]
    SummaryMismatch(String),
}

impl GatewayError {
    pub(crate) fn field(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidField {
            field,
            reason: reason.into(),
        }
    }
}

impl From<serde_json::Error> for GatewayError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e.to_string())
    }
}
