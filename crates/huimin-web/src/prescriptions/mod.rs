//! Prescription pages (docs/design/prescriptions.md): the prescribing part of the doctor's
//! visit page (`compose`, `doctor`: find a drug, write its lines, check, override a warning
//! with a reason, sign; amend a returned one), the pharmacy's review queue (`review`), its
//! dispensing counter (`dispensing`) and stock (`stock`), and the patient's prescriptions
//! with their instructions and current medications on the phone (`patient`).
//! Everything goes through the API as the visitor; the rules, the quantities, the
//! instructions and the status words are the API's.

mod compose;
mod dispensing;
mod doctor;
mod draft;
mod patient;
mod review;
mod stock;
mod views;

use axum::Router;
use axum::routing::{get, post};
use huimin_domain::i18n::Lang;
use serde_json::Value;

use crate::api::Api;
use crate::i18n::pick;

pub use compose::{Composer, VisitRx, visit_rx};
pub use patient::{VisitPrescriptions, of_visit};
use views::{FindingShown, RxShown, finding_shown, line_shown, override_key, rx_shown};

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/staff/visits/{id}/prescriptions", post(doctor::compose))
        .route("/staff/prescriptions/{id}/cancel", post(doctor::cancel))
        .route("/staff/pharmacy/reviews", get(review::queue))
        .route("/staff/prescriptions/{id}/review", post(review::decide))
        .route("/staff/pharmacy/dispensing", get(dispensing::show))
        .route(
            "/staff/prescriptions/{id}/dispense",
            post(dispensing::dispense),
        )
        .route(
            "/staff/prescriptions/{id}/hand-over",
            post(dispensing::hand_over),
        )
        .route(
            "/staff/prescriptions/{id}/skin-test",
            post(dispensing::skin_test),
        )
        .route(
            "/staff/pharmacy/stock",
            get(stock::show).post(stock::receive),
        )
        .route("/me/prescriptions", get(patient::list))
        .route("/me/prescriptions/{id}", get(patient::show))
}

/// Text the API sends in both languages, in the page's.
pub(crate) fn both(lang: Lang, v: &Value) -> String {
    pick(
        lang,
        v["zh"].as_str().unwrap_or_default(),
        v["en"].as_str().unwrap_or_default(),
    )
    .to_owned()
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// An instant the API sends in microseconds, on the hospital's clock (empty when unset).
pub(crate) fn at(v: &Value, lang: Lang) -> String {
    v.as_i64()
        .and_then(|us| jiff::Timestamp::from_microsecond(us).ok())
        .map(|ts| crate::fmt::moment(&ts.to_string(), lang))
        .unwrap_or_default()
}

/// A refusal's field (`lines[2].dose_unit`) as (line, field): `(2, "dose_unit")`.
pub fn line_field(field: &str) -> Option<(usize, String)> {
    let rest = field.strip_prefix("lines[")?;
    let (index, after) = rest.split_once(']')?;
    let line = index.parse().ok()?;
    Some((line, after.trim_start_matches('.').to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_names_its_line_and_field() {
        assert_eq!(
            line_field("lines[2].dose_unit"),
            Some((2, "dose_unit".into()))
        );
        assert_eq!(line_field("lines[0]"), Some((0, String::new())));
        assert_eq!(line_field("lines"), None);
        assert_eq!(line_field("overrides[0].reason"), None);
    }
}
