//! Mutual recognition on the visit pages (docs/design/recognition.md): the doctor sees the
//! recognised results the patient already has for an item (where, when, who, values) and
//! reuses one or tests again for a reason (`POST /staff/visits/{id}/recognise`); doctor and
//! patient see what was reused, from where, and why a test was done again.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use serde_json::{Value, json};

use super::{problem_page, text};
use crate::api::Api;
use crate::i18n::t;
use crate::web::SignedIn;

/// A result offered in place of a new test.
pub struct OfferRow {
    pub code: String,
    pub item: String,
    pub result: String,
    pub performer: String,
    /// Level and recognition scope, for another institution's result.
    pub qualification: String,
    pub issued: String,
    pub values: Vec<String>,
    pub conclusion: String,
}

/// A decision already made on the visit.
pub struct DecisionRow {
    pub item: String,
    pub reused: bool,
    pub from: String,
    pub issued: String,
    pub reason: String,
    pub detail: String,
}

/// A reason to test again, for the form's choices.
pub struct ReasonChoice {
    pub code: String,
    pub label: String,
}

pub fn offers(body: &Value, lang: Lang) -> Vec<OfferRow> {
    let Some(by_item) = body["offers"].as_object() else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for (code, offers) in by_item {
        for o in offers.as_array().into_iter().flatten() {
            let p = &o["performer"];
            let performer = match p["name"].as_str() {
                Some(name) => name.to_owned(),
                None => t(lang, "recognition.this_hospital").to_owned(),
            };
            let qualification = match p["level"].as_str() {
                Some(level) => format!("{level} · {}", text(lang, &p["scope_label"])),
                None => String::new(),
            };
            rows.push(OfferRow {
                code: code.clone(),
                item: code.clone(),
                result: o["result"].as_str().unwrap_or_default().to_owned(),
                performer,
                qualification,
                issued: crate::fmt::moment(o["issued"].as_str().unwrap_or_default(), lang),
                values: o["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| {
                        format!(
                            "{} {} {}",
                            v["name"].as_str().unwrap_or_default(),
                            v["value"].as_str().unwrap_or_default(),
                            v["unit"].as_str().unwrap_or_default()
                        )
                        .trim()
                        .to_owned()
                    })
                    .collect(),
                conclusion: o["conclusion"].as_str().unwrap_or_default().to_owned(),
            });
        }
    }
    rows
}

/// Item names for the offered codes, from the picks or the catalogue reply.
pub fn name_items(rows: &mut [OfferRow], catalogue: &Value, lang: Lang) {
    for row in rows {
        if let Some(item) = catalogue["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["code"] == row.code.as_str())
        {
            row.item = text(lang, &item["name"]);
        }
    }
}

pub fn decisions(body: &Value, lang: Lang) -> Vec<DecisionRow> {
    body["recognitions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let source = &r["source"];
            DecisionRow {
                item: text(lang, &r["name"]),
                reused: r["decision"] == "reused",
                from: match source["performer"].as_str() {
                    Some(name) => name.to_owned(),
                    None => t(lang, "recognition.this_hospital").to_owned(),
                },
                issued: source["issued"]
                    .as_str()
                    .map(|d| crate::fmt::moment(d, lang))
                    .unwrap_or_default(),
                reason: text(lang, &r["reason"]["plain"]),
                detail: r["reason"]["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            }
        })
        .collect()
}

pub fn reasons(body: &Value, lang: Lang) -> Vec<ReasonChoice> {
    body["retest_reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| ReasonChoice {
            code: r["code"].as_str().unwrap_or_default().to_owned(),
            label: text(lang, &r["label"]),
        })
        .collect()
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

/// `POST /staff/visits/{id}/recognise`: `code` with `reuse` (a result) or `retest_reason` and
/// `retest_detail`.
pub async fn recognise(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let code = field(&pairs, "code");
    let item = match field(&pairs, "reuse") {
        "" => json!({
            "code": code,
            "retest_reason": field(&pairs, "retest_reason"),
            "retest_detail": field(&pairs, "retest_detail"),
        }),
        result => json!({"code": code, "reuse": result}),
    };
    let reply = api
        .post_json(
            &web,
            &format!("/api/visits/{id}/orders"),
            &json!({"items": [item]}),
        )
        .await;
    let back = format!("/staff/visits/{id}#orders");
    if reply.ok() {
        return Redirect::to(&back).into_response();
    }
    problem_page(&web, &reply, &back)
}
