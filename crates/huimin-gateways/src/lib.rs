//! The protocols Huimin speaks with payment gateways and message providers, as pure
//! functions: what to sign, how to sign it, how to check what comes back. Sending is the
//! server's (`huimin-server`), so everything here is tested without a network, against
//! vectors produced by the providers' official SDKs (`tests/vectors/`).

pub mod billing;
pub mod messages;
