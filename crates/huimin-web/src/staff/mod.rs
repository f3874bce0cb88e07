//! Staff pages (desktop first): the doctor's workbench (医生工作站) with the queue-calling
//! buttons, and the waiting-area call screen (叫号屏).

mod screen;
mod workbench;

use axum::Router;
use axum::routing::{get, post};

use crate::api::Api;

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/staff", get(workbench::today))
        .route("/staff/sessions/{id}", get(workbench::line))
        .route("/staff/sessions/{id}/do/{action}", post(workbench::act))
        .route(
            "/staff/sessions/{id}/seen/{appointment}",
            post(workbench::seen),
        )
        .route("/screen/{department}", get(screen::show))
        .route("/screen/{department}/live", get(screen::live))
}
