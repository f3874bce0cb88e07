//! `/staff/pharmacy/stock`: the pharmacy's lots, first expiring first, with what is reserved
//! by approved prescriptions and what has expired; and receiving a lot: find the drug (name,
//! pinyin or code), then its lot number, expiry and packages. A refusal shows next to its
//! field with what was typed kept.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use crate::api::{Api, Problem};
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

/// A lot as the page shows it.
pub struct LotRow {
    pub name: String,
    pub specification: String,
    pub lot_number: String,
    pub expiry: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub free: i64,
    pub unit: String,
    pub expired: bool,
}

/// A drug the search found, to receive.
pub struct StockPick {
    pub code: String,
    pub name: String,
    pub detail: String,
    pub chosen: bool,
}

/// The receiving form as typed.
#[derive(Default, serde::Deserialize)]
pub struct Typed {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub drug: String,
    #[serde(default)]
    pub lot_number: String,
    #[serde(default)]
    pub expiry: String,
    #[serde(default)]
    pub quantity: String,
    /// Set after a lot was received: what, for the notice.
    #[serde(default)]
    pub received: String,
}

#[derive(Template)]
#[template(path = "rx_stock.html")]
struct StockPage {
    c: Chrome,
    lots: Vec<LotRow>,
    picks: Vec<StockPick>,
    typed: Typed,
    problems: Vec<Problem>,
    notice: String,
}

impl StockPage {
    fn problem(&self, field: &str) -> String {
        self.problems
            .iter()
            .filter(|p| p.field.as_deref() == Some(field))
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Refusals that name no field of the form.
    fn general(&self) -> String {
        let fields = ["drug", "lot_number", "expiry", "quantity"];
        self.problems
            .iter()
            .filter(|p| !fields.contains(&p.field.as_deref().unwrap_or_default()))
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn lot_row(v: &Value, lang: huimin_domain::i18n::Lang) -> LotRow {
    let on_hand = v["on_hand"].as_i64().unwrap_or(0);
    let reserved = v["reserved"].as_i64().unwrap_or(0);
    let name = super::both(lang, &v["name"]);
    LotRow {
        name: if name.is_empty() {
            v["drug"].as_str().unwrap_or_default().to_owned()
        } else {
            name
        },
        specification: v["specification"].as_str().unwrap_or_default().to_owned(),
        lot_number: v["lot_number"].as_str().unwrap_or_default().to_owned(),
        expiry: v["expiry"].as_str().unwrap_or_default().to_owned(),
        on_hand,
        reserved,
        free: on_hand - reserved,
        unit: v["package_unit"].as_str().unwrap_or_default().to_owned(),
        expired: v["expired"] == true,
    }
}

async fn page(
    api: &Api,
    web: &Web,
    typed: Typed,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let reply = api.get(web, "/api/pharmacy/stock").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(web, "rx.stock", &reply, "/");
    }
    let lang = web.lang;
    let lots = reply.body["lots"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| lot_row(l, lang))
        .collect();
    let mut picks = Vec::new();
    if !typed.q.trim().is_empty() {
        let found = api
            .get(
                web,
                &format!("/api/drugs?q={}&limit=8", encoded(typed.q.trim())),
            )
            .await;
        picks = found.body["drugs"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| StockPick {
                code: d["code"].as_str().unwrap_or_default().to_owned(),
                name: super::both(lang, &d["name"]),
                detail: format!(
                    "{} · {} {}",
                    d["specification"].as_str().unwrap_or_default(),
                    t(lang, "rx.in_stock"),
                    d["in_stock"].as_i64().unwrap_or(0)
                ),
                chosen: d["code"] == typed.drug.as_str(),
            })
            .collect();
    }
    let notice = match typed.received.is_empty() {
        true => String::new(),
        false => format!("{}{}", t(lang, "rx.received_notice"), typed.received),
    };
    render(
        status,
        &StockPage {
            c: web.chrome(t(lang, "rx.stock")),
            lots,
            picks,
            typed,
            problems,
            notice,
        },
    )
}

/// `GET /staff/pharmacy/stock?q=&received=`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(typed): Query<Typed>,
) -> Response {
    page(&api, &web, typed, Vec::new(), StatusCode::OK).await
}

/// `POST /staff/pharmacy/stock`: `drug`, `lot_number`, `expiry`, `quantity` (and the
/// search `q`, to show the drugs found again after a refusal).
pub async fn receive(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    axum::Form(typed): axum::Form<Typed>,
) -> Response {
    let body = json!({
        "drug": typed.drug.trim(),
        "lot_number": typed.lot_number.trim(),
        "expiry": typed.expiry.trim(),
        // Not a number: 0, which the API refuses naming the field.
        "quantity": typed.quantity.trim().parse::<i64>().unwrap_or(0),
    });
    let reply = api.post_json(&web, "/api/pharmacy/stock", &body).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        let code = reply.body["drug"].as_str().unwrap_or_default();
        let found = api
            .get(&web, &format!("/api/drugs?q={}&limit=1", encoded(code)))
            .await;
        let name = super::both(web.lang, &found.body["drugs"][0]["name"]);
        let what = format!("{name} {}", typed.lot_number.trim());
        let to = format!("/staff/pharmacy/stock?received={}#lots", encoded(&what));
        return Redirect::to(&to).into_response();
    }
    let problems = reply.problems();
    page(&api, &web, typed, problems, reply.status).await
}
