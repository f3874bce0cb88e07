//! Messages pages (docs/design/messages.md): the patient's message centre and the unread
//! count every patient page shows in its header.

mod centre;

use axum::Router;
use axum::routing::{get, post};

use crate::api::Api;

pub use centre::count_unread;

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/messages", get(centre::centre))
        .route("/messages/read", post(centre::mark_all))
}
