//! Who a patient account is and acts for: the desk's one-time codes (`codes.rs`), the
//! family members of an account (`family.rs`: the list and adding; `member.rs`: editing and
//! unlinking one), and the person details sign-up and the family form share (`person.rs`).
//! Sign-up itself is in `auth/`.

pub mod codes;
mod family;
mod member;
pub mod person;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use huimin_domain::appointments::BookingRefusal;
use huimin_domain::i18n::Text;

use crate::error::{ApiError, Issue};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/patients/{id}/desk-codes", post(codes::issue))
        .route("/api/me/family", get(family::list).post(family::add))
        .route(
            "/api/me/family/{id}",
            put(member::edit).delete(member::unlink),
        )
}

/// The record of this identity document is already on file: the desk's claim code (at
/// `field`) proves the person may have it.
pub fn on_file(field: &str) -> ApiError {
    ApiError::with_issues(
        StatusCode::CONFLICT,
        vec![Issue {
            code: "duplicate",
            text: Text::new(
                "此证件号码已有就诊档案：请输入挂号窗口核对证件后给您的认领码",
                "This ID is already on file: enter the claim code the desk gave you after checking the identity card",
            ),
            expression: Some(field.to_owned()),
            rule: Some("on-file"),
        }],
    )
}

/// A sixth family member.
pub fn family_limit(limit: u32) -> ApiError {
    let refusal = BookingRefusal::FamilyLimit { limit };
    ApiError::with_issues(
        StatusCode::UNPROCESSABLE_ENTITY,
        vec![Issue {
            code: "business-rule",
            text: refusal.message(),
            expression: None,
            rule: Some(refusal.rule_code()),
        }],
    )
}
