//! Messages: the outbox every change that patients hear about writes into, its deliveries,
//! and the in-app inbox (`notifications`) the in-app channel delivers into and the patients'
//! message centre reads and marks.

mod deliveries;
mod inbox;
mod outbox;

pub use deliveries::{DeliveryRow, STATUSES as DELIVERY_STATUSES};
pub use inbox::{Inbox, Notification};
pub use outbox::{CHANNELS, Due, NewEvent};
pub(crate) use outbox::{delivered, emit_in};
