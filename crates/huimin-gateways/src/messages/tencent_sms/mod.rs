//! Tencent Cloud SMS, API 3.0 (`sms.tencentcloudapi.com`, action `SendSms`, version
//! 2021-01-11): the request, its TC3-HMAC-SHA256 signature, and what the answer means.
//!
//! Proven byte for byte against the official Python SDK (`tests/messages_vectors.rs`,
//! vectors from `scripts/gateway-vectors/sms_webhooks.py`).

mod body;
mod codes;
mod request;
mod response;
pub mod tc3;

pub use codes::{classify, rule_for};
pub use request::{Credentials, PhoneNumber, SendSms, SignedRequest, signed_request};
pub use response::{Disposition, NumberStatus, SendOutcome, parse_response};
pub use tc3::HeaderStyle;

/// The SMS API's host; one global name, the region travels in `X-TC-Region`.
pub const HOST: &str = "sms.tencentcloudapi.com";
/// The service name in the credential scope.
pub const SERVICE: &str = "sms";
pub const ACTION: &str = "SendSms";
pub const VERSION: &str = "2021-01-11";
/// Tencent's limit on `PhoneNumberSet` per request.
pub const MAX_PHONE_NUMBERS: usize = 200;
