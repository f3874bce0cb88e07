//! Reconciliation 对账 for administrators (`/admin/reconciliation`): pick a day, run it
//! (`POST /api/admin/reconciliations`), and see the day's latest run — how many payments and
//! refunds matched and every difference in a table — with the day's earlier runs below.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

pub struct DifferenceRow {
    pub kind: String,
    pub list: String,
    pub order: String,
    pub refund: String,
    pub gateway: String,
    pub huimin: String,
}

pub struct RunRow {
    pub ran_at: String,
    pub by: String,
    pub provider: String,
    pub matched: i64,
    pub clean: bool,
}

#[derive(Template)]
#[template(path = "admin_reconciliation.html")]
struct ReconciliationPage {
    c: Chrome,
    date: String,
    provider: String,
    problem: String,
    /// Whether the day has a run (the latest is shown).
    has_run: bool,
    matched: i64,
    clean: bool,
    differences: Vec<DifferenceRow>,
    runs: Vec<RunRow>,
}

#[derive(Deserialize, Default)]
pub struct DayForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    provider: String,
}

fn fen(v: &Value) -> String {
    v.as_i64().map_or_else(|| "—".to_owned(), crate::fmt::fen)
}

fn differences(run: &Value, lang: Lang) -> Vec<DifferenceRow> {
    let t = |key: &str| crate::i18n::t(lang, key).to_owned();
    let mut rows = Vec::new();
    for (kind, kind_key) in [("payments", "recon.payment"), ("refunds", "recon.refund")] {
        for list in ["missing_in_huimin", "extra_in_huimin", "amount_mismatches"] {
            for d in run["differences"][kind][list]
                .as_array()
                .into_iter()
                .flatten()
            {
                rows.push(DifferenceRow {
                    kind: t(kind_key),
                    list: t(&format!("recon.{list}")),
                    order: d["order"].as_str().unwrap_or_default().to_owned(),
                    refund: d["refund"].as_str().unwrap_or_default().to_owned(),
                    gateway: fen(&d["gateway_fen"]),
                    huimin: fen(&d["huimin_fen"]),
                });
            }
        }
    }
    rows
}

fn when(v: &Value) -> String {
    v.as_str()
        .and_then(crate::fmt::local)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

async fn page(
    api: &Api,
    web: &Web,
    form: DayForm,
    problem: String,
    status: StatusCode,
) -> Response {
    let date = crate::fmt::date_or_today(&form.date).to_string();
    let provider = match form.provider.trim() {
        "" => "sandbox".to_owned(),
        p => p.to_owned(),
    };
    let listed = api
        .get(
            web,
            &format!("/api/admin/reconciliations?date={}", encoded(&date)),
        )
        .await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let problem = match (problem.is_empty(), listed.ok()) {
        (true, false) => listed.message(),
        _ => problem,
    };
    let all: Vec<Value> = listed.body["runs"].as_array().cloned().unwrap_or_default();
    let latest = all.first();
    let runs = all
        .iter()
        .map(|r| RunRow {
            ran_at: when(&r["ran_at"]),
            by: r["ran_by"].as_str().unwrap_or_default().to_owned(),
            provider: r["provider"].as_str().unwrap_or_default().to_owned(),
            matched: r["matched"].as_i64().unwrap_or_default(),
            clean: r["clean"] == true,
        })
        .collect();
    render(
        status,
        &ReconciliationPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.reconciliation")),
            date,
            provider,
            problem,
            has_run: latest.is_some(),
            matched: latest.map_or(0, |r| r["matched"].as_i64().unwrap_or_default()),
            clean: latest.is_some_and(|r| r["clean"] == true),
            differences: latest.map(|r| differences(r, web.lang)).unwrap_or_default(),
            runs,
        },
    )
}

/// `GET /admin/reconciliation?date=`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(form): Query<DayForm>,
) -> Response {
    page(&api, &web, form, String::new(), StatusCode::OK).await
}

/// `POST /admin/reconciliation`: runs the day, then shows it.
pub async fn run(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<DayForm>,
) -> Response {
    let body = json!({"provider": form.provider.trim(), "date": form.date.trim()});
    let reply = api
        .call(
            &web,
            Method::POST,
            "/api/admin/reconciliations",
            Some(("application/json", body.to_string())),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        let date = reply.body["date"].as_str().unwrap_or_default();
        return Redirect::to(&format!("/admin/reconciliation?date={}", encoded(date)))
            .into_response();
    }
    let message = reply.message();
    page(&api, &web, form, message, reply.status).await
}
