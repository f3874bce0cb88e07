use axum::http::StatusCode;
use huimin_domain::i18n::Text;
use huimin_store::appointments::BookingError;

use crate::error::{ApiError, Issue};

/// Full slot → 409; every rule → 422 naming the rule in both languages, with its code.
pub fn booking_error(err: BookingError) -> ApiError {
    match err {
        BookingError::Refused(refusal) if refusal.is_conflict() => {
            conflict(refusal.rule_code(), refusal.message())
        }
        BookingError::Refused(refusal) => business_rule(refusal.rule_code(), refusal.message()),
        BookingError::NotFound => ApiError::not_found("Slot/Appointment"),
        BookingError::UnknownPatient(id) => ApiError::not_found(&format!("Patient/{id}")),
        BookingError::Suspended => business_rule(
            "session-suspended",
            Text::new(
                "该医生本次出诊已停诊，请选择其他时段",
                "This clinic session is suspended; please choose another",
            ),
        ),
        BookingError::HoldExpired => conflict(
            "hold-expired",
            Text::new(
                "锁号已过期或已取消，请重新选择号源",
                "The hold has expired or was cancelled; please choose a slot again",
            ),
        ),
        BookingError::IdempotencyMismatch => business_rule(
            "idempotency-key-reused",
            Text::new(
                "同一 Idempotency-Key 已用于另一个请求",
                "This Idempotency-Key was already used for a different request",
            ),
        ),
        BookingError::NotPayable { status } => conflict(
            "not-payable",
            Text::new(
                format!("该预约当前为“{}”，不能缴费", status.zh()),
                format!("This appointment is {}; it cannot be paid for", status.en()),
            ),
        ),
        BookingError::NoFee => business_rule(
            "no-fee",
            Text::new("该号源无需缴费", "This session has no fee to pay"),
        ),
        BookingError::NotMovable { status } => conflict(
            "not-movable",
            Text::new(
                format!("该预约当前为“{}”，不能改派", status.zh()),
                format!("This appointment is {}; it cannot be moved", status.en()),
            ),
        ),
        BookingError::WrongTarget => business_rule(
            "move-target",
            Text::new(
                "只能改派到同科室、同一天的另一位医生的出诊",
                "A patient can only be moved to another doctor's session of the same department and day",
            ),
        ),
        BookingError::TargetFull => conflict(
            "slot-full",
            Text::new(
                "目标医生本次出诊已无余号，可请该医生加号",
                "The other doctor's session has no place left; ask them for an extra place",
            ),
        ),
        BookingError::AlreadyInTarget => conflict(
            "already-booked",
            Text::new(
                "该患者在目标医生本次出诊已有预约",
                "The patient already has a place in the other doctor's session",
            ),
        ),
        BookingError::CheaperMoveRefused => business_rule(
            "move-cheaper-refused",
            Text::new(
                "本院设置不允许改派至挂号费较低的医生",
                "This hospital does not move patients to a doctor with a lower fee",
            ),
        ),
        BookingError::DearerMoveNeedsConsent { difference } => business_rule(
            "move-dearer-consent",
            Text::new(
                format!(
                    "目标医生挂号费高 ¥{}，须患者同意（accept_fee）",
                    yuan(difference)
                ),
                format!(
                    "The other doctor's fee is ¥{} higher: the patient must accept it (accept_fee)",
                    yuan(difference)
                ),
            ),
        ),
        BookingError::DearerMoveNeedsPayment { to_pay } => business_rule(
            "move-dearer-payment",
            Text::new(
                format!("须补缴差额 ¥{}（pay_difference 填支付方式）", yuan(to_pay)),
                format!(
                    "The patient must pay the difference of ¥{} (give pay_difference)",
                    yuan(to_pay)
                ),
            ),
        ),
        BookingError::Store(e) => ApiError::from(e),
    }
}

/// 409: the place or the appointment is not in a state to do this, naming the rule.
fn conflict(rule: &'static str, text: Text) -> ApiError {
    refused(StatusCode::CONFLICT, "conflict", rule, text)
}

/// 422: a booking rule refuses it, naming the rule.
fn business_rule(rule: &'static str, text: Text) -> ApiError {
    refused(
        StatusCode::UNPROCESSABLE_ENTITY,
        "business-rule",
        rule,
        text,
    )
}

fn refused(status: StatusCode, code: &'static str, rule: &'static str, text: Text) -> ApiError {
    ApiError::with_issues(
        status,
        vec![Issue {
            code,
            text,
            expression: None,
            rule: Some(rule),
        }],
    )
}

fn yuan(fen: i64) -> String {
    huimin_domain::money::Money::from_fen(fen)
        .unwrap_or_default()
        .yuan_string()
}
