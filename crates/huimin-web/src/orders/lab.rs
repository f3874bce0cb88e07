//! `/staff/lab`: the technicians' worklist, orders waiting for their service or report,
//! filtered by category and status, stalled ones flagged, each with its next steps and, once
//! the specimen is collected or the exam performed, a link to enter its results; after a final
//! report, a notice naming the critical values the doctor was sent.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::orders::{OrderCategory, OrderStatus};
use serde::Deserialize;

use super::{OrderRow, order_row, pick};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::web::{SignedIn, encoded};

pub struct Filter {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "staff_lab.html")]
struct LabPage {
    c: Chrome,
    categories: Vec<Filter>,
    statuses: Vec<Filter>,
    orders: Vec<OrderRow>,
    back: String,
    /// After a final report: what was reported, and its critical values.
    reported: Option<(String, Vec<String>)>,
}

#[derive(Deserialize, Default)]
pub struct LabQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    status: String,
    /// The order whose report was just made final.
    #[serde(default)]
    reported: String,
}

pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(query): Query<LabQuery>,
) -> Response {
    let lang = web.lang;
    let mut path = "/api/orders?".to_owned();
    if !query.category.is_empty() {
        path.push_str(&format!("category={}&", encoded(&query.category)));
    }
    if !query.status.is_empty() {
        path.push_str(&format!("status={}", encoded(&query.status)));
    }
    let reply = api.get(&web, &path).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "orders.lab", &reply, "/staff/lab");
    }
    let categories = OrderCategory::ALL
        .into_iter()
        .map(|c| Filter {
            code: c.code().to_owned(),
            label: pick(lang, c.label()),
            selected: c.code() == query.category,
        })
        .collect();
    let statuses = OrderStatus::ALL
        .into_iter()
        .filter(|s| s.in_service() || *s == OrderStatus::Reported)
        .map(|s| Filter {
            code: s.code().to_owned(),
            label: pick(lang, s.label()),
            selected: s.code() == query.status,
        })
        .collect();
    let orders = reply.body["orders"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| order_row(o, lang))
        .collect();
    let back = format!(
        "/staff/lab?category={}&status={}",
        encoded(&query.category),
        encoded(&query.status)
    );
    let reported = match query.reported.is_empty() {
        true => None,
        false => crate::results::reported_notice(&api, &web, &query.reported).await,
    };
    render(
        StatusCode::OK,
        &LabPage {
            c: web.chrome(crate::i18n::t(lang, "orders.lab")),
            categories,
            statuses,
            orders,
            back,
            reported,
        },
    )
}
