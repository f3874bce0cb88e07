//! The money of a triage move (分诊改派): each target doctor's registration class and fee and
//! the difference from the patient's, what the move will do with it (refund at once, or the
//! patient's consent and payment of the difference), and the API's refusals in the desk's
//! words (docs/design/billing.md, Moves).

use huimin_domain::directory::RegistrationClass;
use huimin_domain::i18n::Lang;
use huimin_fhir::names::{REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT};
use serde_json::{Value, json};

use crate::api::Reply;
use crate::fhir::{extension, extension_fen};
use crate::fmt;
use crate::i18n::t;

/// A session's registration class (its label) and fee in fen, from its `Schedule`.
pub fn class_and_fee(schedule: &Value, lang: Lang) -> (String, i64) {
    let class = extension(schedule, REGISTRATION_CLASS_EXT)
        .and_then(|e| e["valueCode"].as_str())
        .and_then(RegistrationClass::from_code)
        .map(|c| c.label().get(lang).to_owned())
        .unwrap_or_default();
    (class, extension_fen(schedule, REGISTRATION_FEE_EXT))
}

/// How a target's fee compares with the patient's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cost {
    Cheaper,
    Even,
    Dearer,
}

impl Cost {
    pub fn code(self) -> &'static str {
        match self {
            Cost::Cheaper => "cheaper",
            Cost::Even => "even",
            Cost::Dearer => "dearer",
        }
    }
}

/// The comparison and its words: `便宜 ¥50，差额将退回`, `贵 ¥50，需患者同意并补缴`. `paid`: the
/// patient's fee was paid, so a difference goes back or must be paid now.
pub fn fee_difference(current: i64, target: i64, paid: bool, lang: Lang) -> (Cost, String) {
    let amount = fmt::fen((target - current).abs());
    let (cost, key) = match (target.cmp(&current), paid) {
        (std::cmp::Ordering::Less, true) => (Cost::Cheaper, "move.cheaper_refund"),
        (std::cmp::Ordering::Less, false) => (Cost::Cheaper, "move.cheaper"),
        (std::cmp::Ordering::Equal, _) => (Cost::Even, "move.even"),
        (std::cmp::Ordering::Greater, true) => (Cost::Dearer, "move.dearer_pay"),
        (std::cmp::Ordering::Greater, false) => (Cost::Dearer, "move.dearer"),
    };
    (cost, t(lang, key).replace("{amount}", &amount))
}

/// The move request: the target, the patient's consent to a higher fee (`accept_fee=yes`)
/// and how they pay the difference (`pay_difference`, only when chosen).
pub fn move_body(session: &str, accept_fee: &str, pay_difference: &str) -> Value {
    let mut body = json!({"session": format!("Schedule/{session}")});
    if accept_fee == "yes" {
        body["accept_fee"] = json!(true);
    }
    if !pay_difference.is_empty() {
        body["pay_difference"] = json!(pay_difference);
    }
    body
}

/// A refused move in the desk's words where the fee rule tells the nurse what to do next
/// (the API's text names its request fields); otherwise the API's own message.
pub fn move_refusal(reply: &Reply, lang: Lang) -> String {
    let key = match reply.rule_code().as_deref() {
        Some("move-dearer-consent") => "move.refused.consent",
        Some("move-dearer-payment") => "move.refused.payment",
        Some("move-cheaper-refused") => "move.refused.cheaper",
        _ => return reply.message(),
    };
    t(lang, key).to_owned()
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn each_target_says_what_the_move_does_with_the_money() {
        assert_eq!(
            fee_difference(10_000, 5_000, true, Lang::Zh),
            (Cost::Cheaper, "便宜 ¥50.00，差额将退回".into())
        );
        assert_eq!(
            fee_difference(5_000, 10_000, true, Lang::Zh),
            (Cost::Dearer, "贵 ¥50.00，需患者同意并补缴".into())
        );
        assert_eq!(
            fee_difference(5_000, 10_000, false, Lang::Zh).1,
            "贵 ¥50.00，需患者同意"
        );
        assert_eq!(fee_difference(3_000, 3_000, true, Lang::Zh).0, Cost::Even);
        assert_eq!(
            fee_difference(3_000, 2_050, false, Lang::En),
            (Cost::Cheaper, "¥9.50 cheaper".into())
        );
    }

    #[test]
    fn a_schedule_names_its_class_and_fee() {
        let schedule = json!({"extension": [
            {"url": REGISTRATION_CLASS_EXT, "valueCode": "expert"},
            {"url": REGISTRATION_FEE_EXT, "valueMoney": {"value": 50.0, "currency": "CNY"}}]});
        assert_eq!(class_and_fee(&schedule, Lang::Zh), ("专家号".into(), 5_000));
        assert_eq!(class_and_fee(&json!({}), Lang::Zh), (String::new(), 0));
    }

    #[test]
    fn consent_and_the_method_are_sent_only_when_given() {
        assert_eq!(move_body("s-2", "", ""), json!({"session": "Schedule/s-2"}));
        assert_eq!(
            move_body("s-2", "yes", "cash"),
            json!({"session": "Schedule/s-2", "accept_fee": true, "pay_difference": "cash"})
        );
    }

    #[test]
    fn the_fee_rules_refusals_say_what_to_do_next() {
        let refused = |code: &str| Reply {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error",
                "code": "business-rule", "details": {"text": "API 的说明",
                "coding": [{"system": "urn:huimin:cs:booking-rule", "code": code}]}}]}),
        };
        let consent = move_refusal(&refused("move-dearer-consent"), Lang::Zh);
        assert!(
            consent.contains("勾选“患者同意支付较高的挂号费”"),
            "{consent}"
        );
        let payment = move_refusal(&refused("move-dearer-payment"), Lang::En);
        assert!(payment.contains("how they pay the difference"), "{payment}");
        let cheaper = move_refusal(&refused("move-cheaper-refused"), Lang::Zh);
        assert!(cheaper.contains("较低"), "{cheaper}");
        assert_eq!(move_refusal(&refused("slot-full"), Lang::Zh), "API 的说明");
    }
}
