use axum::http::StatusCode;
use huimin_domain::i18n::Text;
use huimin_store::appointments::BookingError;

use crate::error::{ApiError, Issue};

/// Full slot → 409; every rule → 422 naming the rule in both languages, with its code.
pub fn booking_error(err: BookingError) -> ApiError {
    let (status, code, text, rule) = match err {
        BookingError::Refused(refusal) => {
            let status = if refusal.is_conflict() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let code = if refusal.is_conflict() {
                "conflict"
            } else {
                "business-rule"
            };
            (status, code, refusal.message(), Some(refusal.rule_code()))
        }
        BookingError::NotFound => return ApiError::not_found("Slot/Appointment"),
        BookingError::UnknownPatient(id) => {
            return ApiError::not_found(&format!("Patient/{id}"));
        }
        BookingError::Suspended => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "business-rule",
            Text::new(
                "该医生本次出诊已停诊，请选择其他时段",
                "This clinic session is suspended; please choose another",
            ),
            Some("session-suspended"),
        ),
        BookingError::HoldExpired => (
            StatusCode::CONFLICT,
            "conflict",
            Text::new(
                "锁号已过期或已取消，请重新选择号源",
                "The hold has expired or was cancelled; please choose a slot again",
            ),
            Some("hold-expired"),
        ),
        BookingError::IdempotencyMismatch => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "business-rule",
            Text::new(
                "同一 Idempotency-Key 已用于另一个请求",
                "This Idempotency-Key was already used for a different request",
            ),
            Some("idempotency-key-reused"),
        ),
        BookingError::NotPayable { status } => (
            StatusCode::CONFLICT,
            "conflict",
            Text::new(
                format!("该预约当前为“{}”，不能缴费", status.zh()),
                format!("This appointment is {}; it cannot be paid for", status.en()),
            ),
            Some("not-payable"),
        ),
        BookingError::NoFee => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "business-rule",
            Text::new("该号源无需缴费", "This session has no fee to pay"),
            Some("no-fee"),
        ),
        BookingError::NotMovable { status } => (
            StatusCode::CONFLICT,
            "conflict",
            Text::new(
                format!("该预约当前为“{}”，不能改派", status.zh()),
                format!("This appointment is {}; it cannot be moved", status.en()),
            ),
            Some("not-movable"),
        ),
        BookingError::WrongTarget => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "business-rule",
            Text::new(
                "只能改派到同科室、同一天的另一位医生的出诊",
                "A patient can only be moved to another doctor's session of the same department and day",
            ),
            Some("move-target"),
        ),
        BookingError::TargetFull => (
            StatusCode::CONFLICT,
            "conflict",
            Text::new(
                "目标医生本次出诊已无余号，可请该医生加号",
                "The other doctor's session has no place left; ask them for an extra place",
            ),
            Some("slot-full"),
        ),
        BookingError::AlreadyInTarget => (
            StatusCode::CONFLICT,
            "conflict",
            Text::new(
                "该患者在目标医生本次出诊已有预约",
                "The patient already has a place in the other doctor's session",
            ),
            Some("already-booked"),
        ),
        BookingError::Store(e) => return ApiError::from(e),
    };
    ApiError::with_issues(
        status,
        vec![Issue {
            code,
            text,
            expression: None,
            rule,
        }],
    )
}
