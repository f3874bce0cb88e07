//! Check-in by the number on a patient's ticket (就诊序号): what a patient shows at a desk or
//! kiosk is their queue number within a doctor's session, not the booking's id, so the desk
//! names the session and the number and this finds the booking and checks it in (the same
//! rules, audit and answer as any check-in).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use huimin_domain::i18n::Text;
use serde::Deserialize;
use serde_json::Value;

use super::operations::change_status;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    /// The queue number on the ticket; a number or its digits as text (a scanner types text).
    number: Value,
}

fn number_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n| (1..=100_000).contains(n))
}

/// `POST /api/sessions/{id}/check-in` `{"number": 3}` (staff): checks in the booking with
/// that queue number in the session.
pub async fn check_in_by_number(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !caller.role.is_staff() {
        return Err(ApiError::forbidden());
    }
    let request: TicketRequest = crate::error::json_body(&body)?;
    let Some(number) = number_of(&request.number) else {
        return Err(ApiError::unprocessable(Text::new(
            "请输入票面上的就诊序号（正整数）",
            "Type the queue number on the ticket (a whole number)",
        ))
        .at("number"));
    };
    if state.store.clinic_session(&id).await?.is_none() {
        return Err(ApiError::not_found(&format!("Schedule/{id}")));
    }
    let Some(appointment) = state.store.appointment_by_number(&id, number).await? else {
        return Err(ApiError::unprocessable(Text::new(
            format!("该医生本次出诊没有 {number} 号的有效预约，请核对票面上的医生、时段和序号"),
            format!(
                "This session has no booking with number {number}; check the doctor, time and number on the ticket"
            ),
        ))
        .at("number"));
    };
    change_status(&state, &ctx, &headers, &appointment.id, "checked-in").await
}

#[cfg(test)]
mod tests {
    use super::number_of;
    use serde_json::json;

    #[test]
    fn a_ticket_number_is_a_positive_whole_number_typed_or_sent() {
        assert_eq!(number_of(&json!(3)), Some(3));
        assert_eq!(number_of(&json!(" 12\n")), Some(12));
        for bad in [json!(0), json!(-1), json!("3a"), json!(2.5), json!(null)] {
            assert_eq!(number_of(&bad), None, "{bad}");
        }
    }
}
