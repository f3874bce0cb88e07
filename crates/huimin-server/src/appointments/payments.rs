//! Registration fees paid at the desk (`POST /api/appointments/{id}/payment`, window staff)
//! and the payment's state (`GET`, staff or the patient's own account). Refunds happen by
//! themselves when the appointment is cancelled (by the patient within the cut-off, by the
//! desk, or by stop-clinic), in the same transaction.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::appointments::{Paid, PaymentRecord};
use huimin_store::instant_text;
use serde::Deserialize;
use serde_json::{Value, json};

use super::errors::booking_error;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

pub fn payment_json(p: &PaymentRecord) -> Value {
    let method = PaymentMethod::from_code(&p.method);
    json!({
        "id": p.id,
        "appointment": format!("Appointment/{}", p.appointment_id),
        "patient": format!("Patient/{}", p.patient_id),
        "amount": {"value": p.amount_fen as f64 / 100.0, "currency": "CNY"},
        "method": p.method,
        "method_display": method.map(|m| json!({"zh": m.zh(), "en": m.en()})),
        "status": p.status,
        "paid_at": instant_text(p.paid_at),
        "refunded_at": p.refunded_at.map(instant_text),
        "refund_reason": p.refund_reason,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    method: String,
}

pub async fn pay(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Registrar | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let request: PaymentRequest = crate::error::json_body(&body)?;
    let codes: Vec<&str> = PaymentMethod::ALL.iter().map(|m| m.code()).collect();
    let method = PaymentMethod::from_code(&request.method).ok_or_else(|| {
        ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![crate::error::Issue::value(
                Some("method"),
                Text::new(
                    format!(
                        "不支持的支付方式 {}；可选：{}",
                        request.method,
                        codes.join("、")
                    ),
                    format!(
                        "Unknown payment method {}; use one of {}",
                        request.method,
                        codes.join(", ")
                    ),
                ),
            )],
        )
    })?;
    let paid = state
        .store
        .pay_at_desk(&id, method, &caller.username, state.clock.now())
        .await
        .map_err(booking_error)?;
    let (status, record) = match paid {
        Paid::Fresh(r) => (StatusCode::CREATED, r),
        Paid::Before(r) => (StatusCode::OK, r),
    };
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Appointment/{id}/payment"),
        SUCCESS,
        &format!("Patient/{}", record.patient_id),
    )
    .await?;
    Ok((status, Json(payment_json(&record))).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let appointment = state.store.appointment(&id).await?;
    let allowed = appointment.as_ref().is_some_and(|a| match caller.role {
        Role::Patient => caller.patient_ids.contains(&a.patient_id),
        _ => caller.role.is_staff(),
    });
    let what = format!("Appointment/{id}/payment");
    if !allowed {
        audit::record(&state, &ctx, "read", &what, DENIED, "").await?;
        // A missing and a foreign appointment look the same.
        return Err(ApiError::not_found("Appointment"));
    }
    let payment = state.store.payment(&id).await?;
    audit::record(&state, &ctx, "read", &what, SUCCESS, "").await?;
    match payment {
        Some(p) => Ok(Json(payment_json(&p)).into_response()),
        None => Ok(
            Json(json!({"appointment": format!("Appointment/{id}"), "status": "unpaid"}))
                .into_response(),
        ),
    }
}
