//! Messages over HTTP and their delivery: the outbox worker (`worker.rs`) renders each event
//! with the templates (`huimin_domain::messages`) and the facts read from the directory
//! (`facts.rs`), and hands it to its channel (`channel.rs`); the patients' message centre
//! reads and marks their in-app inbox (`inbox.rs`); administrators watch the deliveries and
//! send given-up ones again (`deliveries.rs`).

mod channel;
mod deliveries;
mod facts;
mod inbox;
pub mod worker;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/me/messages", get(inbox::list))
        .route("/api/me/messages/unread", get(inbox::unread))
        .route("/api/me/messages/read", post(inbox::mark_all_read))
        .route("/api/me/messages/{id}/read", post(inbox::mark_read))
        .route("/api/admin/deliveries", get(deliveries::list))
        .route(
            "/api/admin/deliveries/{event}/{channel}/retry",
            post(deliveries::retry),
        )
}
