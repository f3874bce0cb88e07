//! Outpatient booking over HTTP (A1, A7, A8): clinic sessions for administrators, `$find`,
//! `$hold`, `$book`, direct booking and status changes on `Appointment`, and FHIR views of
//! `Schedule`, `Slot` and `Appointment`. The rules live in `huimin_domain::appointments`, the
//! exactly-once transactions in `huimin_store::appointments`.

mod admin;
mod admission;
mod board;
pub mod calendar;
pub mod calling;
pub(crate) mod day;
mod eligibility;
mod errors;
mod extra;
mod fhir_search;
mod find;
mod move_reply;
pub(crate) mod operations;
mod parameters;
pub mod payments;
pub mod planning;
mod profiles;
mod routes;
pub mod rules;
pub mod screens;
mod search;
pub mod site;
mod suspend;
mod terms;
mod ticket;
mod transfer;
pub mod views;
pub mod waitlist;
mod waitlist_entry;
pub mod worker;

pub(crate) use find::roles_of;
pub(crate) use planning::department_of_role;

use axum::Router;
use axum::routing::{get, post, put};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/sessions", post(admin::create_session))
        .route(
            "/api/admin/rosters",
            post(admin::create_roster).get(admin::list_rosters),
        )
        .route("/api/admin/rosters/generate", post(admin::generate))
        .route(
            "/api/admin/rosters/{id}",
            axum::routing::delete(admin::retire_roster),
        )
        .route(
            "/api/admin/holiday-calendar",
            get(calendar::export).put(calendar::import),
        )
        .route(
            "/api/admin/booking-rules",
            get(rules::show).put(rules::put_hospital),
        )
        .route(
            "/api/admin/booking-rules/departments/{id}",
            put(rules::put_department).delete(rules::delete_department),
        )
        .route("/api/admin/sessions/{id}/suspend", post(suspend::suspend))
        .route("/api/departments", get(profiles::list))
        .route(
            "/api/admin/departments/{id}/profile",
            put(profiles::put).delete(profiles::delete),
        )
        .route("/api/eligibility", get(admission::eligibility))
        .route(
            "/api/appointments/{id}/payment",
            get(payments::show).post(payments::pay),
        )
        .route("/api/sessions/{id}/queue", get(calling::show_queue))
        .route(
            "/api/sessions/{id}/check-in",
            post(ticket::check_in_by_number),
        )
        .route("/api/sessions/{id}/{action}", post(calling::act))
        .route(
            "/api/appointments/{id}/priority",
            post(calling::set_priority),
        )
        .route("/api/appointments/{id}/queue", get(calling::my_place))
        .route(
            "/api/appointments/{id}/move",
            post(transfer::move_patient).get(move_reply::show),
        )
        .route("/api/appointments/{id}/move-reply", post(move_reply::reply))
        .route("/api/departments/{id}/calls", get(calling::recent_calls))
        .route("/api/departments/{id}/board", get(board::board))
        .route(
            "/api/admin/screens",
            post(screens::issue).get(screens::list),
        )
        .route(
            "/api/admin/screens/{id}",
            axum::routing::delete(screens::revoke),
        )
        .route(
            "/api/departments/{id}/check-in-code",
            get(site::current_code),
        )
        .route(
            "/api/departments/{id}/sessions",
            get(day::department_sessions),
        )
        .route("/api/me/sessions", get(calling::my_sessions))
        .route("/api/me/notifications", get(suspend::my_notifications))
        .route("/api/sessions/{id}/extra", post(extra::add_extra))
        .route("/fhir/Appointment/$find", get(find::find))
        .route("/fhir/Appointment/$hold", post(routes::hold))
        .route("/fhir/Appointment/$book", post(routes::book))
        .route("/fhir/Appointment/$waitlist", post(waitlist::join))
        .route("/api/me/waitlist", get(waitlist::mine))
        .route("/api/me/waitlist/{id}", get(waitlist_entry::show))
        .route("/api/me/waitlist/{id}/leave", post(waitlist_entry::leave))
        .route(
            "/fhir/Appointment",
            post(routes::create).get(fhir_search::appointments),
        )
        .route(
            "/fhir/Appointment/_search",
            post(fhir_search::appointments_form),
        )
        .route("/fhir/Slot", get(fhir_search::slots))
        .route("/fhir/Slot/_search", post(fhir_search::slots_form))
        .route("/fhir/Schedule", get(fhir_search::schedules))
        .route("/fhir/Schedule/_search", post(fhir_search::schedules_form))
        .route(
            "/fhir/Appointment/{id}",
            get(routes::read).put(routes::update).patch(routes::patch),
        )
        .route("/fhir/Slot/{id}", get(search::read_slot))
        .route("/fhir/Schedule/{id}", get(search::read_schedule))
}
