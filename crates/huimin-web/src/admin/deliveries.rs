//! Message deliveries for administrators (`/admin/deliveries`): what the outbox is waiting to
//! send, retrying, has delivered or gave up on (with the channel's last answer), filtered by
//! status, and a button that sends a given-up one again.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

/// The filters offered, in order ("" is every delivery).
pub const FILTERS: [&str; 5] = ["", "pending", "retrying", "dead", "delivered"];

pub struct DeliveryRow {
    pub event: String,
    pub channel: String,
    pub status: String,
    pub status_text: String,
    pub kind: String,
    pub attempts: i64,
    pub created_at: String,
    pub next_at: String,
    pub last_error: String,
}

pub struct Filter {
    pub code: &'static str,
    pub label: String,
    pub count: i64,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "admin_deliveries.html")]
struct DeliveriesPage {
    c: Chrome,
    filters: Vec<Filter>,
    rows: Vec<DeliveryRow>,
    problem: String,
}

#[derive(Deserialize, Default)]
pub struct StatusQuery {
    #[serde(default)]
    status: String,
}

fn when(v: &Value) -> String {
    v.as_str()
        .and_then(crate::fmt::local)
        .map(|t| t.strftime("%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The label of a status filter ("" is all).
pub fn status_label(lang: huimin_domain::i18n::Lang, status: &str) -> String {
    let key = if status.is_empty() {
        "deliveries.all".to_owned()
    } else {
        format!("deliveries.{status}")
    };
    crate::i18n::t(lang, &key).to_owned()
}

/// The rows of an API answer.
pub fn rows_of(body: &Value, lang: huimin_domain::i18n::Lang) -> Vec<DeliveryRow> {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    body["deliveries"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let status = text(&d["status"]);
            DeliveryRow {
                event: text(&d["event"]),
                channel: text(&d["channel"]),
                status_text: status_label(lang, &status),
                status,
                kind: text(&d["kind"]),
                attempts: d["attempts"].as_i64().unwrap_or_default(),
                created_at: when(&d["created_at"]),
                next_at: when(&d["next_attempt_at"]),
                last_error: text(&d["last_error"]),
            }
        })
        .collect()
}

async fn page(api: &Api, web: &Web, status: &str, problem: String, code: StatusCode) -> Response {
    let status = if FILTERS.contains(&status) {
        status
    } else {
        ""
    };
    let listed = api
        .get(
            web,
            &format!("/api/admin/deliveries?status={}", encoded(status)),
        )
        .await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let problem = match (problem.is_empty(), listed.ok()) {
        (true, false) => listed.message(),
        _ => problem,
    };
    let backlog = |s: &str| {
        listed.body["backlog"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| b["status"] == s)
            .filter_map(|b| b["count"].as_i64())
            .sum::<i64>()
    };
    let filters = FILTERS
        .iter()
        .map(|f| Filter {
            code: f,
            label: status_label(web.lang, f),
            // The backlog counts what is not delivered: waiting (retrying included) and dead.
            count: match *f {
                "pending" => backlog("pending"),
                "dead" => backlog("dead"),
                _ => -1,
            },
            current: *f == status,
        })
        .collect();
    render(
        code,
        &DeliveriesPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.deliveries")),
            filters,
            rows: rows_of(&listed.body, web.lang),
            problem,
        },
    )
}

/// `GET /admin/deliveries?status=`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(q): Query<StatusQuery>,
) -> Response {
    page(&api, &web, &q.status, String::new(), StatusCode::OK).await
}

/// `POST /admin/deliveries/{event}/{channel}/retry`: sends a given-up delivery again.
pub async fn retry(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path((event, channel)): Path<(String, String)>,
) -> Response {
    let path = format!(
        "/api/admin/deliveries/{}/{}/retry",
        encoded(&event),
        encoded(&channel)
    );
    let reply = api
        .call(
            &web,
            Method::POST,
            &path,
            Some(("application/json", "{}".into())),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to("/admin/deliveries?status=pending").into_response();
    }
    let message = reply.message();
    page(&api, &web, "dead", message, reply.status).await
}

#[cfg(test)]
mod tests {
    use huimin_domain::i18n::Lang;
    use serde_json::json;

    use super::*;

    #[test]
    fn rows_read_the_api_answer_and_name_their_status_in_both_languages() {
        let body = json!({"deliveries": [{"event": "e1", "channel": "in-app", "status": "dead",
            "attempts": 12, "kind": "booked", "created_at": "2026-12-07T02:00:00Z",
            "next_attempt_at": null, "last_error": "provider said no"}]});
        let rows = rows_of(&body, Lang::Zh);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status_text, "已放弃");
        assert_eq!(rows[0].last_error, "provider said no");
        assert_eq!(
            rows[0].created_at, "12-07 10:00:00",
            "in the hospital's time"
        );
        assert_eq!(rows_of(&body, Lang::En)[0].status_text, "Given up");
        assert!(rows_of(&json!({}), Lang::Zh).is_empty());
        for f in FILTERS {
            assert!(!status_label(Lang::Zh, f).starts_with("deliveries."), "{f}");
            assert!(!status_label(Lang::En, f).starts_with("deliveries."), "{f}");
        }
    }
}
