//! Payment gateways: WeChat Pay API v3 and Alipay open platform.
//!
//! Pure protocol code: the caller passes the clock (`timestamp`, `now`) and the randomness
//! (`nonce`), and sends what is built here. Every signature is SHA256withRSA (PKCS#1 v1.5),
//! deterministic, so the tests compare ours with the official SDKs' byte for byte
//! (`tests/vectors/wechat-alipay.README.md`).

pub mod alipay;
mod error;
mod ids;
mod keys;
pub mod money;
pub mod wechat;

pub use error::GatewayError;
pub use ids::{OutRefundNo, OutTradeNo};
