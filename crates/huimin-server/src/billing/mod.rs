//! Billing over HTTP (`docs/design/billing.md`): the price list, visit bills, refunds, items
//! added at the desk, the cashier's day report, and FHIR reads of `Invoice` and
//! `ChargeItem`. Paying stays at `/api/appointments/{id}/payment` (`appointments::payments`).

mod bills;
pub mod einvoice;
pub mod gateways;
mod insurance;
pub mod prices;
pub mod reconcile;
mod report;
pub mod views;

use axum::Router;
use axum::routing::{get, post, put};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/price-list", get(prices::list))
        .route("/api/admin/price-list", put(prices::import))
        .route("/api/appointments/{id}/bill", get(bills::of_appointment))
        .route("/api/appointments/{id}/charge-items", post(bills::add_item))
        .route("/api/bills/{id}/refunds", post(bills::refund))
        .route("/api/bills/{id}/e-invoice", get(einvoice::api::pdf))
        .route(
            "/api/bills/{id}/e-invoice.json",
            get(einvoice::api::metadata),
        )
        .route("/api/desk/report", get(report::day))
        .route("/fhir/Invoice/{id}", get(bills::read_invoice))
        .route("/fhir/ChargeItem/{id}", get(bills::read_charge_item))
        .route(
            "/api/appointments/{id}/online-payment",
            post(gateways::pay::start),
        )
        .route("/api/pay-orders/{id}", get(gateways::pay::show))
        .route("/api/payments/channels", get(gateways::pay::channels))
        .route(
            "/api/patients/{id}/insurance",
            get(insurance::show).put(insurance::record),
        )
        .route(
            "/api/payments/notify/{provider}",
            post(gateways::notify::receive),
        )
        .route(
            "/api/admin/reconciliations",
            get(reconcile::api::list).post(reconcile::api::run),
        )
        .merge(gateways::sandbox_server::routes())
}
