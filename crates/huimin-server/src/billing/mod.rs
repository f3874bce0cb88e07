//! Billing over HTTP (`docs/design/billing.md`): the price list, and the ledger's bills and
//! payments beside it. The rules live in `huimin_domain::billing`, the transactions in
//! `huimin_store::billing`.

pub mod prices;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/price-list", get(prices::list))
        .route("/api/admin/price-list", axum::routing::put(prices::import))
}
