//! Results for doctors: a report as the doctor reads it (from the visit's orders or a
//! message), the open critical values 危急值 on the workbench with a button to acknowledge
//! each (a plain form: it works without JS), the recent acknowledgements with their delay,
//! and the staff messages (reports ready, critical values, escalations).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use huimin_domain::results::unit_for_people;
use serde_json::Value;

use super::{ReportShown, both, report_shown};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

#[derive(Template)]
#[template(path = "result_report.html")]
pub struct ReportPage {
    pub c: Chrome,
    pub r: ReportShown,
    pub back: String,
    pub back_label: String,
}

/// `GET /staff/results/reports/{id}`.
pub async fn report(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .get(&web, &format!("/api/results/reports/{}", encoded(&id)))
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "results.report", &reply, "/staff");
    }
    let r = report_shown(&reply.body, web.lang);
    let back = match r.encounter.is_empty() {
        true => "/staff".to_owned(),
        false => format!("/staff/visits/{}#orders", encoded(&r.encounter)),
    };
    render(
        StatusCode::OK,
        &ReportPage {
            c: web.chrome(t(web.lang, "results.report")),
            back_label: t(web.lang, "record.visit").to_owned(),
            r,
            back,
        },
    )
}

/// `GET /staff/orders/{order}/report`: the order's report, found by its `basedOn`.
pub async fn report_of_order(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(order): Path<String>,
) -> Response {
    let reply = api
        .get(
            &web,
            &format!(
                "/fhir/DiagnosticReport?based-on=ServiceRequest/{}",
                encoded(&order)
            ),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let found = reply.body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["resource"]["id"].as_str())
        .next();
    match found {
        Some(id) if reply.ok() => {
            Redirect::to(&format!("/staff/results/reports/{}", encoded(id))).into_response()
        }
        _ => crate::staff::common::refusal(&web, "results.report", &reply, "/staff"),
    }
}

/// `POST /staff/critical/{id}/ack`.
pub async fn acknowledge(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .post_json(
            &web,
            &format!("/api/critical-values/{}/ack", encoded(&id)),
            &serde_json::json!({}),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to("/staff?acknowledged=1#critical").into_response();
    }
    crate::staff::common::refusal(&web, "critical.title", &reply, "/staff#critical")
}

/// A critical value as the workbench shows it.
pub struct CriticalRow {
    pub id: String,
    pub report: String,
    pub patient: String,
    pub name: String,
    pub value: String,
    pub side: String,
    pub raised: String,
    pub escalated: bool,
    pub delay: String,
}

/// A staff message as the workbench shows it.
pub struct InboxRow {
    pub text: String,
    pub at: String,
    pub link: String,
    pub unread: bool,
}

/// The doctor's results on the workbench.
#[derive(Default)]
pub struct DoctorAlerts {
    pub open: Vec<CriticalRow>,
    pub acknowledged: Vec<CriticalRow>,
    pub mean_delay: String,
    pub inbox: Vec<InboxRow>,
    pub acknowledged_now: bool,
}

/// `95 秒` / `4 分 5 秒`.
fn delay(seconds: i64, lang: Lang) -> String {
    let (m, s) = (seconds / 60, seconds % 60);
    let sec = t(lang, "critical.seconds");
    match m {
        0 => format!("{s} {sec}"),
        _ => format!("{m} {} {s} {sec}", t(lang, "critical.minutes")),
    }
}

fn critical_row(v: &Value, lang: Lang) -> CriticalRow {
    CriticalRow {
        id: v["id"].as_str().unwrap_or_default().to_owned(),
        report: v["report"].as_str().unwrap_or_default().to_owned(),
        patient: v["patient_name"].as_str().unwrap_or_default().to_owned(),
        name: both(lang, &v["name"]),
        value: format!(
            "{} {}",
            v["value"].as_str().unwrap_or_default(),
            unit_for_people(v["unit"].as_str().unwrap_or_default())
        ),
        side: both(lang, &v["side_text"]),
        raised: crate::fmt::moment(v["raised_at"].as_str().unwrap_or_default(), lang),
        escalated: v["escalated_at"].is_string(),
        delay: v["ack_delay_seconds"]
            .as_i64()
            .map(|s| delay(s, lang))
            .unwrap_or_default(),
    }
}

fn inbox_row(v: &Value, lang: Lang) -> InboxRow {
    InboxRow {
        text: both(lang, &v["text"]),
        at: crate::fmt::moment(v["created_at"].as_str().unwrap_or_default(), lang),
        link: v["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("DiagnosticReport/"))
            .map(|id| format!("/staff/results/reports/{}", encoded(id)))
            .unwrap_or_default(),
        unread: v["read"] == false,
    }
}

/// Read for the workbench of a doctor: open critical values, the last acknowledged ones,
/// and the latest staff messages. A refused read shows as nothing rather than failing the
/// day's sessions.
pub async fn doctor_alerts(api: &Api, web: &Web, acknowledged_now: bool) -> DoctorAlerts {
    let lang = web.lang;
    let open = api.get(web, "/api/critical-values?state=open").await;
    let done = api
        .get(web, "/api/critical-values?state=acknowledged")
        .await;
    let inbox = api.get(web, "/api/me/staff-messages").await;
    let items = |reply: &crate::api::Reply, n: usize| -> Vec<CriticalRow> {
        match reply.ok() {
            true => reply.body["items"]
                .as_array()
                .into_iter()
                .flatten()
                .take(n)
                .map(|v| critical_row(v, lang))
                .collect(),
            false => Vec::new(),
        }
    };
    DoctorAlerts {
        open: items(&open, 200),
        acknowledged: items(&done, 5),
        mean_delay: done.body["mean_ack_delay_seconds"]
            .as_i64()
            .filter(|_| done.ok())
            .map(|s| delay(s, lang))
            .unwrap_or_default(),
        inbox: match inbox.ok() {
            true => inbox.body["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .take(8)
                .map(|v| inbox_row(v, lang))
                .collect(),
            false => Vec::new(),
        },
        acknowledged_now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn delays_read_in_minutes_and_seconds() {
        assert_eq!(delay(42, Lang::Zh), "42 秒");
        assert_eq!(delay(245, Lang::Zh), "4 分 5 秒");
        assert_eq!(delay(245, Lang::En), "4 min 5 s");
    }

    #[test]
    fn a_message_about_a_report_links_to_it() {
        let m = json!({"text": {"zh": "报告已出", "en": "Report ready"},
            "created_at": "2026-11-26T01:00:00Z", "read": false,
            "reference": "DiagnosticReport/r-1"});
        let shown = inbox_row(&m, Lang::En);
        assert_eq!(
            (shown.text.as_str(), shown.link.as_str(), shown.unread),
            ("Report ready", "/staff/results/reports/r-1", true)
        );
    }
}
