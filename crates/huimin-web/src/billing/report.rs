//! The cashier's close of day (收费日结) at `/staff/report`: payments and refunds of one day
//! by method, the cashier's own or everyone's, from `GET /api/desk/report`; printable.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::Value;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::fen_in;
use crate::fmt;
use crate::i18n::{pick, t};
use crate::patient::forms::render;
use crate::web::{SignedIn, encoded};

/// One method's line, or the totals.
#[derive(Debug, PartialEq, Eq)]
pub struct Line {
    pub method: String,
    pub payments: i64,
    pub paid: String,
    pub refunds: i64,
    pub refunded: String,
    pub net: String,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    pub lines: Vec<Line>,
    pub totals: Line,
}

impl Report {
    /// The API's report as table lines: amounts in fen from its numbers, counts added up.
    pub fn read(body: &Value, lang: Lang) -> Self {
        let lines: Vec<Line> = body["methods"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                let display = &m["method_display"];
                let name = pick(
                    lang,
                    display["zh"].as_str().unwrap_or_default(),
                    display["en"].as_str().unwrap_or_default(),
                );
                Line {
                    method: match name {
                        "" => m["method"].as_str().unwrap_or_default().to_owned(),
                        name => name.to_owned(),
                    },
                    payments: m["payments"]["count"].as_i64().unwrap_or(0),
                    paid: fmt::fen(fen_in(&m["payments"]["amount"])),
                    refunds: m["refunds"]["count"].as_i64().unwrap_or(0),
                    refunded: fmt::fen(fen_in(&m["refunds"]["amount"])),
                    net: fmt::fen(fen_in(&m["net"])),
                }
            })
            .collect();
        let totals = Line {
            method: t(lang, "report.total").to_owned(),
            payments: lines.iter().map(|l| l.payments).sum(),
            paid: fmt::fen(fen_in(&body["payments"])),
            refunds: lines.iter().map(|l| l.refunds).sum(),
            refunded: fmt::fen(fen_in(&body["refunds"])),
            net: fmt::fen(fen_in(&body["net"])),
        };
        Report { lines, totals }
    }
}

#[derive(Deserialize, Default)]
pub struct Asked {
    #[serde(default)]
    date: String,
    /// `me` (the default: a cashier closes their own till) or `all`.
    #[serde(default)]
    cashier: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    date: String,
    everyone: bool,
    report: Option<Report>,
    /// Whose entries, as printed on the sheet.
    whose: String,
    printed_at: String,
    problem: String,
}

/// `GET /staff/report?date=&cashier=me|all`: registrars and administrators.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(asked): Query<Asked>,
) -> Response {
    let date = fmt::date_or_today(&asked.date).to_string();
    let everyone = asked.cashier == "all";
    let cashier = if everyone { "all" } else { "me" };
    let reply = api
        .get(
            &web,
            &format!("/api/desk/report?date={}&cashier={cashier}", encoded(&date)),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.status == StatusCode::FORBIDDEN {
        return crate::staff::common::refusal(&web, "report.title", &reply, "/");
    }
    let (report, problem) = if reply.ok() {
        (Some(Report::read(&reply.body, web.lang)), String::new())
    } else {
        (None, reply.message())
    };
    let whose = match reply.body["cashier"].as_str() {
        Some(name) => name.to_owned(),
        None => t(web.lang, "report.everyone").to_owned(),
    };
    let now = fmt::now();
    let printed_at = fmt::moment(&now.to_string(), web.lang);
    let status = if reply.ok() {
        StatusCode::OK
    } else {
        reply.status
    };
    render(
        status,
        &ReportPage {
            c: web.chrome(t(web.lang, "report.title")),
            date,
            everyone,
            report,
            whose,
            printed_at,
            problem,
        },
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_report_reads_each_method_and_adds_up_the_counts() {
        let body = json!({"date": "2026-11-26", "cashier": "desk-wang",
            "methods": [
                {"method": "cash", "method_display": {"zh": "现金", "en": "Cash"},
                 "payments": {"count": 2, "amount": {"value": 60.5}},
                 "refunds": {"count": 1, "amount": {"value": 0.5}}, "net": {"value": 60.0}},
                {"method": "wechat-pay", "method_display": {"zh": "微信支付", "en": "WeChat Pay"},
                 "payments": {"count": 1, "amount": {"value": 30.0}},
                 "refunds": {"count": 1, "amount": {"value": 30.0}}, "net": {"value": 0.0}}],
            "payments": {"value": 90.5}, "refunds": {"value": 30.5}, "net": {"value": 60.0}});
        let report = Report::read(&body, Lang::Zh);
        assert_eq!(
            report.lines[0],
            Line {
                method: "现金".into(),
                payments: 2,
                paid: "¥60.50".into(),
                refunds: 1,
                refunded: "¥0.50".into(),
                net: "¥60.00".into(),
            }
        );
        assert_eq!(
            report.totals,
            Line {
                method: "合计".into(),
                payments: 3,
                paid: "¥90.50".into(),
                refunds: 2,
                refunded: "¥30.50".into(),
                net: "¥60.00".into(),
            }
        );
        assert_eq!(Report::read(&body, Lang::En).lines[1].method, "WeChat Pay");
        let empty = Report::read(
            &json!({"methods": [], "payments": {"value": 0.0},
            "refunds": {"value": 0.0}, "net": {"value": 0.0}}),
            Lang::Zh,
        );
        assert!(empty.lines.is_empty());
        assert_eq!(
            (empty.totals.payments, empty.totals.net.as_str()),
            (0, "¥0.00")
        );
    }
}
