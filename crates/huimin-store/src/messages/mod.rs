//! Messages: the outbox every change that patients hear about writes into, its deliveries,
//! and the in-app inbox (`notifications`) the in-app channel delivers into.

mod outbox;

pub use outbox::{CHANNELS, Due, NewEvent};
pub(crate) use outbox::emit_in;
