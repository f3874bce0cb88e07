//! Money pages (docs/design/billing.md): a visit's bill on the desk's patient page with the
//! refund form (`bill`, `refund`), the cashier's close of day (`report`), the hospital's
//! price list for administrators (`prices`) and the sandbox gateway's cashier page
//! (`sandbox`, demo and tests only).

mod bill;
mod einvoice;
mod prices;
mod refund;
mod report;
mod sandbox;

use axum::Router;
use axum::routing::{get, post};

use crate::api::Api;

pub use bill::VisitMoney;
pub use refund::RefundTyped;

pub fn routes() -> Router<Api> {
    Router::new()
        .route(
            "/desk/patients/{id}/bills/{bill}/refund",
            post(refund::refund).get(refund::back_to_patient),
        )
        .route("/staff/report", get(report::show))
        .route("/bills/{id}/e-invoice", get(einvoice::download))
        .route("/admin/prices", get(prices::show).post(prices::import))
        .route(
            "/sandbox/pay/{no}",
            get(sandbox::show).post(sandbox::choose),
        )
}
