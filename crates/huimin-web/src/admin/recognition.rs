//! Mutual recognition 结果互认 for administrators (docs/design/recognition.md): each orderable
//! item's setting (recognised, scope, validity window; the catalogue's default beside it),
//! changed one item at a time with the problem shown on that item's row, and the report of
//! tests avoided and their value over a date range, by item and department.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::{FieldProblems, render};
use crate::web::{SignedIn, Web, encoded};

pub struct ItemRow {
    pub code: String,
    pub name: String,
    pub recognised: bool,
    pub scope: String,
    pub window_days: String,
    pub default: String,
    pub overridden: bool,
}

pub struct ScopeChoice {
    pub code: String,
    pub label: String,
}

pub struct AvoidedRow {
    pub item: String,
    pub department: String,
    pub count: i64,
    pub value: String,
}

#[derive(Deserialize, Default)]
pub struct Range {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Deserialize, Default)]
pub struct SettingForm {
    #[serde(default)]
    recognised: Option<String>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    window_days: String,
}

#[derive(Template)]
#[template(path = "admin_recognition.html")]
struct RecognitionPage {
    c: Chrome,
    items: Vec<ItemRow>,
    scopes: Vec<ScopeChoice>,
    /// The item whose change was refused, and why (shown on its row).
    problem_item: String,
    problems: FieldProblems,
    from: String,
    to: String,
    rows: Vec<AvoidedRow>,
    total_count: i64,
    total_value: String,
    report_problem: String,
}

fn text(lang: Lang, v: &Value) -> String {
    crate::i18n::pick(
        lang,
        v["zh"].as_str().unwrap_or_default(),
        v["en"].as_str().unwrap_or_default(),
    )
    .to_owned()
}

fn yuan(v: &Value) -> String {
    v["value"]
        .as_f64()
        .map(crate::fmt::yuan)
        .unwrap_or_default()
}

fn items_of(body: &Value, lang: Lang) -> (Vec<ItemRow>, Vec<ScopeChoice>) {
    let items = body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let s = &i["setting"];
            let d = &i["default"];
            let on = |v: &Value| {
                crate::i18n::t(
                    lang,
                    if v["recognised"] == true {
                        "recognition.on"
                    } else {
                        "recognition.off"
                    },
                )
            };
            ItemRow {
                code: i["code"].as_str().unwrap_or_default().to_owned(),
                name: text(lang, &i["name"]),
                recognised: s["recognised"] == true,
                scope: s["scope"].as_str().unwrap_or_default().to_owned(),
                window_days: s["window_days"].to_string(),
                default: format!(
                    "{} · {} · {} {}",
                    on(d),
                    text(lang, &d["scope_label"]),
                    d["window_days"],
                    crate::i18n::t(lang, "recognition.days")
                ),
                overridden: i["overridden"] == true,
            }
        })
        .collect();
    let scopes = body["scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| ScopeChoice {
            code: s["code"].as_str().unwrap_or_default().to_owned(),
            label: text(lang, &s["label"]),
        })
        .collect();
    (items, scopes)
}

/// A refused change: the item, what was typed (shown again) and why.
struct Refused {
    item: String,
    typed: SettingForm,
    problems: FieldProblems,
}

async fn page(
    api: &Api,
    web: &Web,
    range: Range,
    refused: Option<Refused>,
    status: StatusCode,
) -> Response {
    let lang = web.lang;
    let listed = api.get(web, "/api/admin/recognition/items").await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let (mut items, scopes) = items_of(&listed.body, lang);
    let (problem_item, problems) = match refused {
        Some(r) => {
            if let Some(row) = items.iter_mut().find(|i| i.code == r.item) {
                row.recognised = r.typed.recognised.is_some();
                row.scope = r.typed.scope;
                row.window_days = r.typed.window_days;
            }
            (r.item, r.problems)
        }
        None => (String::new(), FieldProblems::default()),
    };
    let path = format!(
        "/api/admin/recognition/report?from={}&to={}",
        encoded(range.from.trim()),
        encoded(range.to.trim())
    );
    let report = api.get(web, &path).await;
    let body = &report.body;
    let rows = body["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| AvoidedRow {
            item: text(lang, &r["name"]),
            department: r["department_name"].as_str().unwrap_or_default().to_owned(),
            count: r["count"].as_i64().unwrap_or_default(),
            value: yuan(&r["value"]),
        })
        .collect();
    render(
        status,
        &RecognitionPage {
            c: web.chrome(crate::i18n::t(lang, "admin.recognition")),
            items,
            scopes,
            problem_item,
            problems,
            from: body["from"]
                .as_str()
                .map_or(range.from.clone(), str::to_owned),
            to: body["to"].as_str().map_or(range.to.clone(), str::to_owned),
            rows,
            total_count: body["total"]["count"].as_i64().unwrap_or_default(),
            total_value: yuan(&body["total"]["value"]),
            report_problem: if report.ok() {
                String::new()
            } else {
                report.message()
            },
        },
    )
}

/// `GET /admin/recognition?from=&to=`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(range): Query<Range>,
) -> Response {
    page(&api, &web, range, None, StatusCode::OK).await
}

const FIELDS: &[(&str, &[&str])] = &[("scope", &["scope"]), ("window_days", &["window_days"])];

/// `POST /admin/recognition/{code}`: one item's setting.
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(code): Path<String>,
    Form(form): Form<SettingForm>,
) -> Response {
    // A window that is not a whole number is sent as one the API refuses, naming the field.
    let body = json!({
        "recognised": form.recognised.is_some(),
        "scope": form.scope,
        "window_days": form.window_days.trim().parse::<i64>().unwrap_or(-1),
    });
    let path = format!("/api/admin/recognition/items/{}", encoded(&code));
    let reply = api
        .call(
            &web,
            Method::PUT,
            &path,
            Some(("application/json", body.to_string())),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to(&format!("/admin/recognition#item-{code}")).into_response();
    }
    let refused = Refused {
        item: code,
        problems: FieldProblems::sort(reply.problems(), FIELDS),
        typed: form,
    };
    page(&api, &web, Range::default(), Some(refused), reply.status).await
}
