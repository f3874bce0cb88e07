//! Administrators' pages: clinic sessions and stop-clinic, roster templates, the booking
//! rules of the hospital and its departments, the departments and their doctors, the price
//! list, the call screens' tokens, the day's reconciliation with the payment gateways, mutual
//! recognition's item settings and report. Like every page
//! they call the API as the visitor, so only administrators get anything done here.

mod clinics;
mod deliveries;
mod department_edit;
mod department_profile;
mod departments;
mod doctors;
mod hospital;
mod recognition;
mod reconciliation;
mod rules;
mod screens;

use askama::Template;
use axum::Router;
use axum::response::Response;
use axum::routing::{get, post};

use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::ok;
use crate::web::SignedIn;

#[derive(Template)]
#[template(path = "admin.html")]
struct IndexPage {
    c: Chrome,
}

async fn index(SignedIn(web): SignedIn) -> Response {
    ok(&IndexPage {
        c: web.chrome(crate::i18n::t(web.lang, "nav.admin")),
    })
}

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/admin", get(index))
        .route("/admin/rules", get(rules::show).post(rules::save))
        .route("/admin/recognition", get(recognition::show))
        .route("/admin/deliveries", axum::routing::get(deliveries::show))
        .route(
            "/admin/deliveries/{event}/{channel}/retry",
            post(deliveries::retry),
        )
        .route(
            "/admin/reconciliation",
            get(reconciliation::show).post(reconciliation::run),
        )
        .route("/admin/recognition/{code}", post(recognition::save))
        .route(
            "/admin/sessions",
            get(clinics::sessions).post(clinics::open),
        )
        .route("/admin/sessions/{id}/suspend", post(clinics::suspend))
        .route("/admin/rosters", get(clinics::rosters))
        .route("/admin/rosters/{action}", post(clinics::roster_action))
        .route("/admin/rosters/{id}/retire", post(clinics::retire))
        .route("/admin/doctors", get(doctors::list).post(doctors::add))
        .route("/admin/screens", get(screens::list).post(screens::issue))
        .route("/admin/screens/{id}/revoke", post(screens::revoke))
        .route(
            "/admin/departments",
            get(departments::list).post(departments::add),
        )
        .route("/admin/hospital", get(hospital::show).post(hospital::save))
        .route("/admin/hospital/campuses/{id}", post(hospital::save_campus))
        .route(
            "/admin/departments/{id}",
            get(department_profile::show).post(department_profile::save),
        )
        .route(
            "/admin/departments/{id}/names",
            get(department_edit::show).post(department_edit::save),
        )
}
