//! Paying a visit at the desk (`POST /api/appointments/{id}/payment`, window staff): the
//! balance of the visit's bill (the ledger, `billing/`), and the payment's state (`GET`,
//! staff or the patient's own account). Refunds happen by themselves when the appointment is
//! cancelled or moved to a lower fee, in the same transaction, and at the desk
//! (`POST /api/bills/{id}/refunds`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::billing::Payment;
use huimin_store::instant_text;
use serde::Deserialize;
use serde_json::{Value, json};

use super::errors::booking_error;
use crate::audit::{self, DENIED, SUCCESS};
use crate::billing::views::money;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// A payment as the desk and the patient read it, with the state of the visit's bill.
pub fn payment_json(p: &Payment) -> Value {
    let numbers = p.sheet.numbers();
    let status = if numbers.refunded() == 0 {
        "paid"
    } else if numbers.total() == 0 {
        "refunded"
    } else {
        "partially-refunded"
    };
    let method = PaymentMethod::from_code(&p.entry.method);
    let last_refund = p.sheet.entries.iter().rev().find(|e| e.kind == "refund");
    json!({
        "id": p.entry.id,
        "appointment": format!("Appointment/{}", p.sheet.bill.appointment_id),
        "patient": format!("Patient/{}", p.sheet.bill.patient_id),
        "invoice": format!("Invoice/{}", p.sheet.bill.id),
        "amount": money(p.entry.amount_fen),
        "method": p.entry.method,
        "method_display": method.map(|m| json!({"zh": m.zh(), "en": m.en()})),
        "status": status,
        "paid": money(numbers.paid()),
        "refunded": money(numbers.refunded()),
        "balance_due": money(numbers.due().max(0)),
        "paid_at": instant_text(p.entry.recorded_at),
        "refunded_at": last_refund.map(|r| instant_text(r.recorded_at)),
        "refund_reason": last_refund.and_then(|r| r.reason.clone()),
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
        .pay_visit(
            &id,
            method,
            &caller.username,
            Some((&state.insurance, i32::from(state.clock.today().year()))),
            state.clock.now(),
        )
        .await
        .map_err(booking_error)?;
    let status = if paid.fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Appointment/{id}/payment"),
        SUCCESS,
        &format!("Patient/{}", paid.sheet.bill.patient_id),
    )
    .await?;
    Ok((status, Json(payment_json(&paid))).into_response())
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
    let sheet = state.store.bill_of_appointment(&id).await?;
    audit::record(&state, &ctx, "read", &what, SUCCESS, "").await?;
    let last = sheet
        .as_ref()
        .and_then(|s| s.payments().last().cloned().map(|e| (e, s.clone())));
    if let Some((entry, sheet)) = last {
        let payment = Payment {
            entry,
            sheet,
            fresh: false,
        };
        return Ok(Json(payment_json(&payment)).into_response());
    }
    let mut answer = json!({"appointment": format!("Appointment/{id}"), "status": "unpaid"});
    if let Some(moved) = state.store.move_out_of_appointment(&id).await? {
        answer["status"] = json!("moved");
        answer["moved_to"] = json!(format!("Appointment/{}", moved.to_appointment));
    }
    Ok(Json(answer).into_response())
}
