//! Orders over HTTP (docs/design/orders.md): the orderable catalogue (`catalogue`), ordering
//! from the visit and each step of the closed loop (`visit`), the technicians' worklist
//! (`worklist`), `ServiceRequest` at `/fhir` (`fhir`), and same-day returns with results that
//! skip a second queue (`returns`). Reads go through `records::access::authorize_read`.

mod catalogue;
mod fhir;
mod returns;
mod views;
mod visit;
mod worklist;

use std::sync::LazyLock;

use axum::Router;
use axum::routing::{get, post};
use huimin_domain::i18n::Text;
use huimin_domain::orders::Catalogue;
use huimin_store::orders::OrderError;

use crate::error::ApiError;
use crate::state::AppState;

pub use views::service_request;
pub(crate) use visit::{encounter_or_404, holds_post};

/// The hospital's orderable catalogue (`huimin-domain/data/orderables.toml`).
pub static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(Catalogue::builtin);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/orderables", get(catalogue::search))
        .route(
            "/api/visits/{id}/orders",
            get(visit::list).post(visit::place),
        )
        .route("/api/orders", get(worklist::list))
        .route("/api/orders/{id}/steps", post(visit::step))
        .route("/api/visits/{id}/return", post(returns::return_to_line))
        .route("/api/same-day-returns", get(returns::report))
        .route(
            "/api/admin/same-day-return/{department}",
            get(returns::setting).put(returns::put_setting),
        )
        .route("/fhir/ServiceRequest", get(fhir::search))
        .route("/fhir/ServiceRequest/{id}", get(fhir::read))
}

pub(crate) fn order_error(e: OrderError) -> ApiError {
    match e {
        OrderError::NotFound => ApiError::not_found("ServiceRequest"),
        OrderError::VisitClosed => closed_visit(),
        OrderError::BillCancelled => ApiError::conflict(Text::new(
            "该就诊的账单已取消，不能再开单",
            "This visit's bill is cancelled: nothing more can be ordered",
        ))
        .at("encounter"),
        OrderError::AlreadyReused => ApiError::conflict(Text::new(
            "本次就诊已采用该项目的互认结果",
            "A recognised result of this item is already reused on this visit",
        ))
        .at("items"),
        OrderError::Refused(r) => ApiError::conflict(r.text).at(r.field),
        OrderError::Conflict => ApiError::conflict(Text::new(
            "该医嘱刚被他人更新，请刷新后重试",
            "The order was changed meanwhile; reload and try again",
        ))
        .at("status"),
        OrderError::Store(e) => e.into(),
    }
}

pub(crate) fn closed_visit() -> ApiError {
    ApiError::conflict(Text::new(
        "该就诊已结束或已取消，不能再开单",
        "This visit is finished or cancelled: nothing more can be ordered",
    ))
    .at("encounter")
}
