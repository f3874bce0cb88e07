//! Messages over HTTP and their delivery: the outbox worker (`worker.rs`) renders each event
//! with the templates (`huimin_domain::messages`) and the facts read from the directory
//! (`facts.rs`), and hands it to its channel (`channel.rs`).

mod channel;
mod facts;
pub mod worker;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
