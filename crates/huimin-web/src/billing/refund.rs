//! Refunds at the desk (窗口退费): the form under a visit's bill chooses items, or units of
//! them, or everything still refundable, with the reason; the API takes them off the bill
//! and gives the money back through the payments that brought it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use crate::api::Api;
use crate::fhir::fen_in;
use crate::staff::desk_patient::{Pick, patient_page};
use crate::web::{SignedIn, encoded};

/// The refund form as sent: `item` (one per ticked item), `units-<item>`, `note`,
/// `confirm=yes`, and `scope=all` for everything refundable.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RefundForm {
    /// The ticked items with the units typed for each.
    pub chosen: Vec<(String, String)>,
    pub note: String,
    pub confirmed: bool,
    pub all: bool,
}

impl RefundForm {
    pub fn read(pairs: &[(String, String)]) -> Self {
        let value = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let chosen = pairs
            .iter()
            .filter(|(k, _)| k == "item")
            .map(|(_, item)| (item.clone(), value(&format!("units-{item}"))))
            .collect();
        RefundForm {
            chosen,
            note: value("note"),
            confirmed: value("confirm") == "yes",
            all: value("scope") == "all",
        }
    }

    /// The API's request body, or the page text saying what the form still needs. The
    /// refund's rules (what may be refunded, the note's length) are the API's to check.
    pub fn body(&self) -> Result<Value, &'static str> {
        if !self.confirmed {
            return Err("refund.confirm_first");
        }
        if self.all {
            return Ok(json!({"note": self.note}));
        }
        if self.chosen.is_empty() {
            return Err("refund.choose");
        }
        let mut items = Vec::new();
        for (item, units) in &self.chosen {
            let units: u32 = units
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or("refund.bad_units")?;
            items.push(json!({"charge_item": item, "quantity": units}));
        }
        Ok(json!({"items": items, "note": self.note}))
    }
}

/// What was typed in a refund form that came back with a problem, to show it again.
#[derive(Default)]
pub struct RefundTyped {
    pub bill: String,
    pub chosen: Vec<(String, String)>,
    pub note: String,
    pub problem: String,
    /// The problem is about the reason (shown next to it and marked on the field).
    pub at_note: bool,
}

impl RefundTyped {
    pub fn is_for(&self, bill: &str) -> bool {
        self.bill == bill
    }

    pub fn ticked(&self, item: &str) -> bool {
        self.chosen.iter().any(|(i, _)| i == item)
    }

    /// The units typed for `item`, else all of them.
    pub fn units(&self, item: &str, quantity: &i64) -> String {
        self.chosen
            .iter()
            .find(|(i, _)| i == item)
            .map(|(_, units)| units.clone())
            .unwrap_or_else(|| quantity.to_string())
    }
}

/// `GET /desk/patients/{id}/bills/{bill}/refund`: where a refund form that came back with a
/// problem was shown; asked for again (a language switch, a reload) it is the patient's page.
pub async fn back_to_patient(Path((patient, _)): Path<(String, String)>) -> Response {
    Redirect::to(&format!("/desk/patients/{}", encoded(&patient))).into_response()
}

/// `POST /desk/patients/{id}/bills/{bill}/refund`.
pub async fn refund(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path((patient, bill)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let form = RefundForm::read(&pairs);
    let (problem, at_note, status) = match form.body() {
        Err(key) => (
            crate::i18n::t(web.lang, key).to_owned(),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Ok(body) => {
            let path = format!("/api/bills/{}/refunds", encoded(&bill));
            let reply = api.post_json(&web, &path, &body).await;
            if reply.status == StatusCode::UNAUTHORIZED {
                return web.to_login();
            }
            if reply.ok() {
                let fen = fen_in(&reply.body["refunded"]);
                return Redirect::to(&format!(
                    "/desk/patients/{}?done=refunded&amount={fen}#bill-{}",
                    encoded(&patient),
                    encoded(&bill)
                ))
                .into_response();
            }
            let at_note = reply
                .problems()
                .iter()
                .any(|p| p.field.as_deref() == Some("note"));
            (reply.message(), at_note, reply.status)
        }
    };
    let typed = RefundTyped {
        bill,
        chosen: form.chosen,
        note: form.note,
        problem,
        at_note,
    };
    patient_page(
        &api,
        &web,
        &patient,
        Pick::default(),
        (String::new(), Some(typed)),
        status,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn ticked_items_go_to_the_api_with_their_units_and_the_reason() {
        let form = RefundForm::read(&pairs(&[
            ("item", "book"),
            ("units-book", " 1 "),
            ("units-card", "1"),
            ("item", "film"),
            ("units-film", "2"),
            ("note", "患者不需要"),
            ("confirm", "yes"),
            ("scope", "chosen"),
        ]));
        assert_eq!(
            form.body(),
            Ok(json!({"items": [{"charge_item": "book", "quantity": 1},
                {"charge_item": "film", "quantity": 2}], "note": "患者不需要"})),
            "an unticked item's units are left out"
        );
    }

    #[test]
    fn everything_refundable_sends_no_items() {
        let form = RefundForm::read(&pairs(&[
            ("item", "book"),
            ("units-book", "x"),
            ("note", "退全部"),
            ("confirm", "yes"),
            ("scope", "all"),
        ]));
        assert_eq!(form.body(), Ok(json!({"note": "退全部"})));
    }

    #[test]
    fn a_form_not_confirmed_nothing_ticked_or_units_unreadable_is_sent_back() {
        let unconfirmed = RefundForm::read(&pairs(&[("item", "a"), ("units-a", "1")]));
        assert_eq!(unconfirmed.body(), Err("refund.confirm_first"));
        let nothing = RefundForm::read(&pairs(&[("confirm", "yes")]));
        assert_eq!(nothing.body(), Err("refund.choose"));
        for units in ["0", "-1", "一", ""] {
            let form = RefundForm::read(&pairs(&[
                ("confirm", "yes"),
                ("item", "a"),
                ("units-a", units),
            ]));
            assert_eq!(form.body(), Err("refund.bad_units"), "{units:?}");
        }
    }

    #[test]
    fn a_form_shown_again_keeps_what_was_ticked_and_typed() {
        let typed = RefundTyped {
            bill: "b-1".into(),
            chosen: vec![("book".into(), "1".into())],
            ..RefundTyped::default()
        };
        assert!(typed.is_for("b-1") && !typed.is_for("b-2"));
        assert!(typed.ticked("book") && !typed.ticked("card"));
        assert_eq!(typed.units("book", &2), "1");
        assert_eq!(typed.units("card", &3), "3", "all units by default");
    }
}
