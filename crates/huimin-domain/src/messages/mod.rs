//! What patients are told: the events that reach them and the texts each one is told in
//! (`docs/design/messages.md`). Events are facts; the texts are data
//! (`data/message-templates.toml`), rendered when a message is delivered.

pub mod backoff;
pub mod kind;
pub mod templates;
