//! Staff pages (desktop first): the registrar's window (挂号窗口), the doctor's workbench
//! (医生工作站) with the queue-calling buttons, the waiting-area call screen (叫号屏), and the
//! cashier's bills, refunds and close of day (收费、退费、日结).

mod checkin;
pub(crate) mod common;
mod desk;
mod desk_cancel;
mod desk_codes;
pub(crate) mod desk_patient;
pub(crate) mod moves;
mod screen;
mod triage;
mod workbench;

use axum::Router;
use axum::routing::{get, post};

use crate::api::Api;

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/staff", get(workbench::sessions_of_the_day))
        .route("/staff/sessions/{id}", get(workbench::line))
        .route("/staff/sessions/{id}/live", get(workbench::live))
        .route("/staff/sessions/{id}/do/{action}", post(workbench::act))
        .route("/staff/sessions/{id}/extra", post(workbench::extra))
        .route(
            "/staff/sessions/{id}/seen/{appointment}",
            post(workbench::seen),
        )
        .route("/desk", get(desk::desk))
        .route("/desk/patients", post(desk::register))
        .route("/desk/patients/{id}", get(desk_patient::patient))
        .route("/desk/patients/{id}/book", post(desk_patient::book))
        .route("/desk/patients/{id}/codes", post(desk_codes::issue))
        .route("/desk/appointments/{id}/{action}", post(desk_patient::act))
        .route("/triage", get(triage::pick))
        .route("/triage/{department}", get(triage::desk))
        .route("/triage/{department}/live", get(triage::live))
        .route(
            "/triage/{department}/{action}/{appointment}",
            post(triage::act),
        )
        .route("/checkin", get(checkin::scan_page).post(checkin::scan))
        .route("/screen/{department}", get(screen::show))
        .route("/screen/{department}/live", get(screen::live))
}
