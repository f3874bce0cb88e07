//! Results pages (docs/design/results.md): the technician's entry page (`entry`), the
//! patient's reports on the phone (`patient`), and for doctors the report of an order, the
//! critical values to acknowledge and the staff messages on the workbench (`staff`).
//! Everything goes through the API as the visitor; the rows, intervals and 偏高/偏低 come
//! from the API's report view, so the page, the PDF and the API say the same.

mod entry;
mod patient;
pub mod staff;

use axum::Router;
use axum::routing::{get, post};
use huimin_domain::i18n::Lang;
use huimin_domain::results::unit_for_people;
use serde_json::Value;

use crate::api::Api;
use crate::i18n::{pick, t};

pub use entry::reported_notice;

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/staff/results/{order}", get(entry::show).post(entry::save))
        .route("/staff/results/reports/{id}", get(staff::report))
        .route("/staff/orders/{order}/report", get(staff::report_of_order))
        .route("/staff/critical/{id}/ack", post(staff::acknowledge))
        .route("/me/records/results", get(patient::list))
        .route("/me/records/results/{id}", get(patient::show))
}

/// One result as the pages show it.
pub struct ResultRow {
    pub name: String,
    pub value: String,
    pub unit: String,
    pub range: String,
    /// `high`, `low` or empty (normal, or no interval to judge by).
    pub side: &'static str,
    pub arrow: String,
    pub flag_text: String,
    pub critical: bool,
    pub unknown: bool,
}

/// A report as the pages show it.
pub struct ReportShown {
    pub id: String,
    pub encounter: String,
    pub title: String,
    pub patient: String,
    pub issued: String,
    pub section: String,
    pub conclusion: String,
    pub final_: bool,
    pub status_text: String,
    pub rows: Vec<ResultRow>,
}

impl ReportShown {
    pub fn abnormal(&self) -> usize {
        self.rows.iter().filter(|r| !r.side.is_empty()).count()
    }

    pub fn any_critical(&self) -> bool {
        self.rows.iter().any(|r| r.critical)
    }

    /// Some value has no interval (a child, an unknown sex, an unknown code): not judged.
    pub fn any_unjudged(&self) -> bool {
        self.rows.iter().any(|r| r.range.is_empty())
    }
}

fn both(lang: Lang, v: &Value) -> String {
    pick(
        lang,
        v["zh"].as_str().unwrap_or_default(),
        v["en"].as_str().unwrap_or_default(),
    )
    .to_owned()
}

/// The service section that reported, from the report's category.
fn section(category: &str, lang: Lang) -> String {
    let key = match category {
        "imaging" => "results.imaging",
        "exam" => "results.exam",
        _ => "results.lab",
    };
    t(lang, key).to_owned()
}

pub fn result_row(v: &Value, lang: Lang) -> ResultRow {
    let flag = v["flag"].as_str().unwrap_or_default();
    let side = match flag {
        "H" | "HH" => "high",
        "L" | "LL" => "low",
        _ => "",
    };
    ResultRow {
        name: both(lang, &v["name"]),
        value: v["value"].as_str().unwrap_or_default().to_owned(),
        unit: unit_for_people(v["unit"].as_str().unwrap_or_default()),
        range: v["range"].as_str().unwrap_or_default().to_owned(),
        side,
        arrow: match side {
            "" => String::new(),
            _ => v["arrow"].as_str().unwrap_or_default().to_owned(),
        },
        flag_text: match flag {
            "" => String::new(),
            "N" => t(lang, "results.normal").to_owned(),
            _ => both(lang, &v["flag_text"]),
        },
        critical: v["critical"] == true,
        unknown: v["unknown"] == true,
    }
}

/// The API's report view (`GET /api/results/reports/{id}`, `GET /api/me/results`).
pub fn report_shown(v: &Value, lang: Lang) -> ReportShown {
    let issued = v["issued"]
        .as_str()
        .or(v["effective"].as_str())
        .unwrap_or_default();
    ReportShown {
        id: v["id"].as_str().unwrap_or_default().to_owned(),
        encounter: v["encounter"].as_str().unwrap_or_default().to_owned(),
        title: both(lang, &v["title"]),
        patient: v["patient_name"].as_str().unwrap_or_default().to_owned(),
        issued: crate::fmt::moment(issued, lang),
        section: section(v["category"].as_str().unwrap_or_default(), lang),
        conclusion: v["conclusion"].as_str().unwrap_or_default().to_owned(),
        final_: v["status"] == "final",
        status_text: both(lang, &v["status_text"]),
        rows: v["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| result_row(r, lang))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_row_says_high_or_low_in_plain_words_and_normal_without_an_arrow() {
        let low = json!({"name": {"zh": "血小板计数", "en": "Platelet count"}, "value": "15",
            "unit": "10*9/L", "range": "125–350", "flag": "LL", "arrow": "↓",
            "flag_text": {"zh": "偏低（危急值）", "en": "Low (critical)"}, "critical": true});
        let shown = result_row(&low, Lang::Zh);
        assert_eq!(
            (shown.side, shown.arrow.as_str(), shown.flag_text.as_str()),
            ("low", "↓", "偏低（危急值）")
        );
        assert!(shown.critical);
        assert_eq!(shown.unit, "×10⁹/L");
        let normal = json!({"name": {"zh": "钠", "en": "Sodium"}, "value": "140",
            "flag": "N", "arrow": "", "range": "137–147"});
        let shown = result_row(&normal, Lang::En);
        assert_eq!((shown.side, shown.flag_text.as_str()), ("", "Normal"));
        let unjudged = json!({"name": {"zh": "x", "en": "x"}, "value": "1", "flag": null});
        assert_eq!(result_row(&unjudged, Lang::En).flag_text, "");
    }
}
