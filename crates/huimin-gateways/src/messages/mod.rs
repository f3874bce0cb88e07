//! Message providers: Tencent Cloud SMS, and signed webhooks.
//!
//! Everything here is pure: the clock, nonces and resolved addresses are parameters, and
//! nothing is sent. The outbox worker (`huimin-server`) reads the time, resolves names, sends
//! what these functions build and stores what [`tencent_sms::parse_response`] decides.

pub mod endpoint;
mod error;
pub mod quiet_hours;
pub mod template;
pub mod tencent_sms;
pub mod webhook;

pub use error::MessageError;
