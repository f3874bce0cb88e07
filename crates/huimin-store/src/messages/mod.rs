//! Messages: the outbox every change that patients hear about writes into, its deliveries,
//! and the in-app inbox (`notifications`) the in-app channel delivers into.

mod outbox;

pub(crate) use outbox::emit_in;
pub use outbox::{CHANNELS, Due, NewEvent};
