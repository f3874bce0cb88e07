//! Order pages (docs/design/orders.md): the orders part of the doctor's visit page (search
//! the catalogue, order, cancel before collection, review once reported, return with
//! results), of the patient's visit page (where each order stands, what to prepare), and the
//! technicians' worklist `/staff/lab` (filter by category and status, take the next step),
//! and mutual recognition's offered results and decisions (`recognition`).
//! Everything goes through the API as the visitor.

mod lab;
mod recognition;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use huimin_domain::i18n::{Lang, Text};
use huimin_domain::orders::{OrderCategory, OrderStatus};
use serde_json::{Value, json};

use crate::api::Api;
use crate::i18n::t;
use crate::web::{SignedIn, Web, encoded};

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/staff/lab", get(lab::show))
        .route("/staff/orders/{id}/step", post(step))
        .route("/staff/visits/{id}/orders", post(place))
        .route("/staff/visits/{id}/return", post(return_to_line))
        .route("/staff/visits/{id}/recognise", post(recognition::recognise))
}

/// One step taken, as shown.
pub struct StepRow {
    pub label: String,
    pub at: String,
    pub by: String,
}

/// A step a button offers.
pub struct NextStep {
    pub code: String,
    pub label: String,
}

/// An order as the pages show it.
pub struct OrderRow {
    pub id: String,
    pub name: String,
    pub category: String,
    pub specimen: String,
    pub preparation: String,
    pub price: String,
    pub status: String,
    pub status_label: String,
    pub stalled: bool,
    pub due: String,
    pub cancellable: bool,
    pub reported: bool,
    /// Reported or reviewed: its report can be read.
    pub has_report: bool,
    pub patient_name: String,
    pub steps: Vec<StepRow>,
    pub next: Vec<NextStep>,
}

impl OrderRow {
    /// Its results can be entered (specimen collected, exam performed) or read (reported).
    pub fn results_open(&self) -> bool {
        matches!(
            self.status.as_str(),
            "collected" | "performed" | "reported" | "reviewed"
        )
    }
}

/// A catalogue item found by the search box.
pub struct PickRow {
    pub code: String,
    pub name: String,
    pub detail: String,
    pub price: String,
}

/// The orders part of a visit page.
#[derive(Default)]
pub struct VisitOrders {
    pub orders: Vec<OrderRow>,
    pub can_order: bool,
    pub can_review: bool,
    pub can_return: bool,
    pub returns: Vec<String>,
    pub q: String,
    pub picks: Vec<PickRow>,
    pub searched: bool,
    /// Recognised results offered to the doctor, and the reasons to test again.
    pub offers: Vec<recognition::OfferRow>,
    pub reasons: Vec<recognition::ReasonChoice>,
    /// Results reused and tests done again on this visit.
    pub decisions: Vec<recognition::DecisionRow>,
}

impl VisitOrders {
    pub fn stalled(&self) -> bool {
        self.orders.iter().any(|o| o.stalled)
    }

    /// Some order has its report out.
    pub fn any_report(&self) -> bool {
        self.orders.iter().any(|o| o.has_report)
    }

    /// Some order waits for its payment.
    pub fn awaiting_payment(&self) -> bool {
        self.orders.iter().any(|o| o.status == "ordered")
    }
}

fn text(lang: Lang, v: &Value) -> String {
    crate::i18n::pick(
        lang,
        v["zh"].as_str().unwrap_or_default(),
        v["en"].as_str().unwrap_or_default(),
    )
    .to_owned()
}

fn pick(lang: Lang, t: Text) -> String {
    match lang {
        Lang::Zh => t.zh,
        Lang::En => t.en,
    }
}

fn price(v: &Value) -> String {
    v["value"]
        .as_f64()
        .map(crate::fmt::yuan)
        .unwrap_or_default()
}

/// The technician's next steps for an order where it stands.
fn next_steps(status: OrderStatus, category: OrderCategory, lang: Lang) -> Vec<NextStep> {
    let done = match category {
        OrderCategory::Lab => OrderStatus::Collected,
        _ => OrderStatus::Performed,
    };
    [OrderStatus::Scheduled, done]
        .into_iter()
        .filter(|to| status.step(*to, category).is_ok())
        .map(|to| NextStep {
            code: to.code().to_owned(),
            label: pick(lang, step_button(to)),
        })
        .collect()
}

fn step_button(to: OrderStatus) -> Text {
    match to {
        OrderStatus::Scheduled => Text::new("预约", "Schedule"),
        OrderStatus::Collected => Text::new("已采样", "Collected"),
        _ => Text::new("已检查", "Performed"),
    }
}

pub fn order_row(v: &Value, lang: Lang) -> OrderRow {
    let status = OrderStatus::from_code(v["status"].as_str().unwrap_or_default())
        .unwrap_or(OrderStatus::Ordered);
    let category = OrderCategory::from_code(v["category"].as_str().unwrap_or_default())
        .unwrap_or(OrderCategory::Lab);
    OrderRow {
        id: v["id"].as_str().unwrap_or_default().to_owned(),
        name: text(lang, &v["name"]),
        category: pick(lang, category.label()),
        specimen: text(lang, &v["specimen_or_device"]),
        preparation: text(lang, &v["preparation"]),
        price: price(&v["price"]),
        status: status.code().to_owned(),
        status_label: pick(lang, status.label()),
        stalled: v["stalled"] == true,
        due: v["due_at"]
            .as_str()
            .map(|d| crate::fmt::moment(d, lang))
            .unwrap_or_default(),
        cancellable: v["cancellable"] == true,
        reported: status == OrderStatus::Reported,
        has_report: matches!(status, OrderStatus::Reported | OrderStatus::Reviewed),
        patient_name: v["patient_name"].as_str().unwrap_or_default().to_owned(),
        steps: v["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| StepRow {
                label: OrderStatus::from_code(s["step"].as_str().unwrap_or_default())
                    .map(|st| pick(lang, st.label()))
                    .unwrap_or_default(),
                at: crate::fmt::moment(s["at"].as_str().unwrap_or_default(), lang),
                by: s["by"].as_str().unwrap_or_default().to_owned(),
            })
            .collect(),
        next: next_steps(status, category, lang),
    }
}

/// The orders of a visit, and for its doctor the catalogue items matching `q`.
pub async fn visit_orders(api: &Api, web: &Web, id: &str, q: &str) -> VisitOrders {
    let reply = api.get(web, &format!("/api/visits/{id}/orders")).await;
    if !reply.ok() {
        return VisitOrders::default();
    }
    let body = &reply.body;
    let lang = web.lang;
    let mut part = VisitOrders {
        orders: body["orders"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| order_row(o, lang))
            .collect(),
        can_order: body["can_order"] == true,
        can_review: body["can_review"] == true,
        can_return: body["can_return"] == true,
        returns: body["returns"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let at = crate::fmt::moment(r["returned_at"].as_str().unwrap_or_default(), lang);
                match r["wait_minutes"].as_i64() {
                    Some(m) => format!(
                        "{at} · {} {m} {}",
                        t(lang, "orders.waited"),
                        t(lang, "orders.minutes")
                    ),
                    None => at,
                }
            })
            .collect(),
        q: q.to_owned(),
        offers: recognition::offers(body, lang),
        reasons: recognition::reasons(body, lang),
        decisions: recognition::decisions(body, lang),
        ..Default::default()
    };
    if !part.offers.is_empty() {
        let catalogue = api.get(web, "/api/orderables").await;
        recognition::name_items(&mut part.offers, &catalogue.body, lang);
    }
    if part.can_order {
        part.searched = !q.trim().is_empty();
        let found = api
            .get(web, &format!("/api/orderables?q={}", encoded(q.trim())))
            .await;
        part.picks = found.body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|i| PickRow {
                code: i["code"].as_str().unwrap_or_default().to_owned(),
                name: text(lang, &i["name"]),
                detail: format!(
                    "{} · {}",
                    text(lang, &i["specimen_or_device"]),
                    text(lang, &i["preparation"])
                ),
                price: price(&i["price"]),
            })
            .collect();
    }
    part
}

fn back_to(pairs: &[(String, String)], fallback: String) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == "back")
        .map(|(_, v)| v.clone())
        .filter(|b| b.starts_with("/staff/") && !b.starts_with("//"))
        .unwrap_or(fallback)
}

fn problem_page(web: &Web, reply: &crate::api::Reply, back: &str) -> Response {
    if reply.status == axum::http::StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    crate::staff::common::refusal(web, "orders.title", reply, back)
}

/// `POST /staff/visits/{id}/orders`: the ticked items (`item`).
async fn place(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let items: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "item")
        .map(|(_, v)| v.as_str())
        .collect();
    let reply = api
        .post_json(
            &web,
            &format!("/api/visits/{id}/orders"),
            &json!({"items": items}),
        )
        .await;
    let back = format!("/staff/visits/{id}#orders");
    if reply.ok() {
        return Redirect::to(&back).into_response();
    }
    problem_page(&web, &reply, &back)
}

/// `POST /staff/orders/{id}/step`: `status` and where to go `back` to.
async fn step(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let status = pairs
        .iter()
        .find(|(k, _)| k == "status")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let back = back_to(&pairs, "/staff/lab".to_owned());
    let reply = api
        .post_json(
            &web,
            &format!("/api/orders/{id}/steps"),
            &json!({"status": status}),
        )
        .await;
    if reply.ok() {
        return Redirect::to(&back).into_response();
    }
    problem_page(&web, &reply, &back)
}

/// `POST /staff/visits/{id}/return`: back into the doctor's line with results.
async fn return_to_line(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .post_json(&web, &format!("/api/visits/{id}/return"), &json!({}))
        .await;
    let back = format!("/staff/visits/{id}#orders");
    if reply.ok() {
        return Redirect::to(&back).into_response();
    }
    problem_page(&web, &reply, &back)
}
