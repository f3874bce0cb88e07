//! `/staff/pharmacy/reviews`: the pharmacist's review queue 处方审核, oldest first, each
//! prescription with its lines, what the rules found and the doctor's reasons for the
//! warnings signed over (highlighted), and approve or return with a reason code and text.
//! A refused decision shows next to its field on that prescription, the text kept.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::{RxShown, rx_shown};
use crate::api::{Api, Problem};
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

/// A return reason of 医疗机构处方审核规范 for the select.
pub struct ReasonChoice {
    pub code: String,
    pub label: String,
}

/// A decision the API refused: on which prescription, what was typed, and why.
#[derive(Default)]
pub struct Refused {
    pub id: String,
    pub reason_code: String,
    pub reason_text: String,
    pub problems: Vec<Problem>,
}

impl Refused {
    fn about_all(&self) -> String {
        self.problems
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn about(&self, field: &str) -> String {
        self.problems
            .iter()
            .filter(|p| p.field.as_deref() == Some(field))
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Template)]
#[template(path = "rx_reviews.html")]
struct QueuePage {
    c: Chrome,
    list: Vec<RxShown>,
    reasons: Vec<ReasonChoice>,
    refused: Refused,
    notice: String,
}

impl QueuePage {
    fn refused_here(&self, id: &str) -> bool {
        self.refused.id == id
    }

    /// What refused the return's reason or text on this prescription.
    fn problem(&self, id: &str, field: &str) -> String {
        match self.refused_here(id) {
            true => self.refused.about(field),
            false => String::new(),
        }
    }

    /// A refusal about a prescription no longer waiting (decided meanwhile): above the list.
    fn elsewhere(&self) -> String {
        match self.list.iter().any(|p| p.id == self.refused.id) {
            true => String::new(),
            false => self.refused.about_all(),
        }
    }

    /// Refusals on this prescription that name neither field.
    fn general(&self, id: &str) -> String {
        if !self.refused_here(id) {
            return String::new();
        }
        self.refused
            .problems
            .iter()
            .filter(|p| !matches!(p.field.as_deref(), Some("reason_code" | "reason_text")))
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    approved: String,
    #[serde(default)]
    returned: String,
}

async fn page(
    api: &Api,
    web: &Web,
    refused: Refused,
    notice: String,
    status: StatusCode,
) -> Response {
    let reply = api.get(web, "/api/pharmacy/reviews").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(web, "rx.reviews", &reply, "/");
    }
    let lang = web.lang;
    let list = reply.body["prescriptions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| rx_shown(p, lang))
        .collect();
    let reasons = reply.body["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| ReasonChoice {
            code: r["code"].as_str().unwrap_or_default().to_owned(),
            label: super::both(lang, r),
        })
        .collect();
    render(
        status,
        &QueuePage {
            c: web.chrome(t(lang, "rx.reviews")),
            list,
            reasons,
            refused,
            notice,
        },
    )
}

/// `GET /staff/pharmacy/reviews?approved=&returned=` (the number just decided).
pub async fn queue(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(done): Query<Done>,
) -> Response {
    let lang = web.lang;
    let notice = match (done.approved.as_str(), done.returned.as_str()) {
        ("", "") => String::new(),
        (number, "") => format!("{}{number}", t(lang, "rx.approved_notice")),
        (_, number) => format!("{}{number}", t(lang, "rx.returned_notice")),
    };
    page(&api, &web, Refused::default(), notice, StatusCode::OK).await
}

fn value_of(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// `POST /staff/prescriptions/{id}/review`: `version`, `decision` (`approve`, `return`),
/// `reason_code`, `reason_text`, `number` (for the notice).
pub async fn decide(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let decision = value_of(&pairs, "decision");
    let body = json!({
        "version": value_of(&pairs, "version").parse::<i64>().unwrap_or(0),
        "decision": decision,
        "reason_code": value_of(&pairs, "reason_code"),
        "reason_text": value_of(&pairs, "reason_text"),
    });
    let reply = api
        .post_json(
            &web,
            &format!("/api/prescriptions/{}/review", encoded(&id)),
            &body,
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        let number = reply.body["number"].as_str().unwrap_or_default();
        let key = match decision.as_str() {
            "approve" => "approved",
            _ => "returned",
        };
        let to = format!("/staff/pharmacy/reviews?{key}={}", encoded(number));
        return Redirect::to(&to).into_response();
    }
    let refused = Refused {
        id,
        reason_code: value_of(&pairs, "reason_code"),
        reason_text: value_of(&pairs, "reason_text"),
        problems: reply.problems(),
    };
    page(&api, &web, refused, String::new(), reply.status).await
}
