//! Reading a visit's bill (the patient their own, staff any), refunds and items added at the
//! desk (registrars and administrators).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_fhir::Reference;
use huimin_store::billing::{BillError, BillSheet};
use serde::Deserialize;
use serde_json::json;

use super::views::{bill_json, charge_item_json, invoice_json, money};
use crate::appointments::operations::visible_appointment;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn cashier(ctx: &Ctx) -> Result<String, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Registrar | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    Ok(caller.username.clone())
}

pub fn bill_error(err: BillError) -> ApiError {
    match err {
        BillError::NotFound => ApiError::not_found("Invoice"),
        BillError::Refused(refusal) => ApiError::unprocessable(refusal.message()).at("items"),
        BillError::UnknownPrice(code) => ApiError::unprocessable(Text::new(
            format!("价格目录中没有收费项目 {code}"),
            format!("The price list has no item {code}"),
        ))
        .at("code"),
        BillError::Registration => ApiError::unprocessable(Text::new(
            "挂号费随预约收取，不能另加",
            "A registration fee comes with its appointment: it cannot be added",
        ))
        .at("code"),
        BillError::Cancelled => ApiError::conflict(Text::new(
            "该账单已取消，不能再加收费项目",
            "This bill is cancelled: no items can be added",
        )),
        BillError::Store(e) => e.into(),
    }
}

/// `GET /api/appointments/{id}/bill`: the visit's bill, or what is due when none is open.
pub async fn of_appointment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let appointment = visible_appointment(&state, &ctx, &id, "read").await?;
    let sheet = state.store.bill_of_appointment(&id).await?;
    audit::record(
        &state,
        &ctx,
        "read",
        &format!("Appointment/{id}/bill"),
        SUCCESS,
        "",
    )
    .await?;
    let answer = match sheet {
        Some(sheet) => bill_json(&sheet, appointment.status.is_active()),
        None => {
            let moved = state.store.move_out_of_appointment(&id).await?;
            let fee = state
                .store
                .clinic_session(&appointment.session_id)
                .await?
                .map_or(0, |s| s.fee_fen);
            json!({
                "invoice": null,
                "charge_items": [],
                "entries": [],
                "appointment": format!("Appointment/{id}"),
                "fee": money(fee),
                "moved_to": moved.map(|m| format!("Appointment/{}", m.to_appointment)),
            })
        }
    };
    Ok(Json(answer).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundLine {
    charge_item: String,
    quantity: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// The lines to refund; absent: every refundable item in full.
    items: Option<Vec<RefundLine>>,
    /// Why (shown to the patient and on the day report).
    note: String,
}

/// `POST /api/bills/{id}/refunds`: takes items (or units of them) off the bill and gives the
/// money they held back through the payments that brought it.
pub async fn refund(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let by = cashier(&ctx)?;
    let request: RefundRequest = crate::error::json_body(&body)?;
    let note = request.note.trim();
    if note.is_empty() || note.chars().count() > 200 || note.contains(['<', '>']) {
        return Err(ApiError::unprocessable(Text::new(
            "请填写退费原因（1–200 字，不含 < >）",
            "Give the reason for the refund (1–200 characters, no < or >)",
        ))
        .at("note"));
    }
    let lines: Option<Vec<(String, i64)>> = request.items.map(|items| {
        items
            .into_iter()
            .map(|l| {
                let item = Reference::local_id("ChargeItem", &l.charge_item).to_owned();
                (item, l.quantity.unwrap_or(1))
            })
            .collect()
    });
    let now = state.clock.now().as_microsecond();
    let done = state
        .store
        .refund_items(&id, lines.as_deref(), note, &by, now)
        .await
        .map_err(bill_error)?;
    let refunded: i64 = done.refunds.iter().map(|r| r.amount_fen).sum();
    super::einvoice::api::refresh_after_refund(&state, &id, &by).await?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Invoice/{id}"),
        SUCCESS,
        &format!("refund of {refunded} fen"),
    )
    .await?;
    let open = visit_open(&state, &done.sheet).await?;
    let mut answer = bill_json(&done.sheet, open);
    answer["refunded"] = money(refunded);
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddItem {
    code: String,
    quantity: Option<i64>,
}

/// `POST /api/appointments/{id}/charge-items` `{"code", "quantity"}`: a price-list item sold
/// at the desk for this visit (a record booklet, a card).
pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let by = cashier(&ctx)?;
    let request: AddItem = crate::error::json_body(&body)?;
    let quantity = request.quantity.unwrap_or(1);
    if !(1..=99).contains(&quantity) {
        return Err(ApiError::unprocessable(Text::new(
            "数量须在 1 至 99 之间",
            "quantity must be between 1 and 99",
        ))
        .at("quantity"));
    }
    let appointment = visible_appointment(&state, &ctx, &id, "update").await?;
    let now = state.clock.now().as_microsecond();
    let sheet = state
        .store
        .add_charge_item(&appointment, request.code.trim(), quantity, &by, now)
        .await
        .map_err(bill_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Invoice/{}", sheet.bill.id),
        SUCCESS,
        &format!("added {quantity} × {}", request.code.trim()),
    )
    .await?;
    let open = visit_open(&state, &sheet).await?;
    Ok((StatusCode::CREATED, Json(bill_json(&sheet, open))).into_response())
}

/// Whether the bill's visit is still booked (its fee is refunded by cancelling it).
async fn visit_open(state: &AppState, sheet: &BillSheet) -> Result<bool, ApiError> {
    let appointment = state.store.appointment(&sheet.bill.appointment_id).await?;
    Ok(appointment.is_some_and(|a| a.status.is_active()))
}

/// The bill if the caller may read it (its patient, or staff); audited either way.
async fn visible_bill(
    state: &AppState,
    ctx: &Ctx,
    sheet: Option<BillSheet>,
    reference: &str,
) -> Result<BillSheet, ApiError> {
    let caller = ctx.require()?;
    let allowed = sheet.as_ref().is_some_and(|s| match caller.role {
        Role::Patient => caller.patient_ids.contains(&s.bill.patient_id),
        _ => caller.role.is_staff(),
    });
    if !allowed {
        audit::record(state, ctx, "read", reference, DENIED, "").await?;
        return Err(ApiError::not_found(reference));
    }
    let sheet = sheet.expect("checked");
    audit::record(
        state,
        ctx,
        "read",
        reference,
        SUCCESS,
        &format!("Patient/{}", sheet.bill.patient_id),
    )
    .await?;
    Ok(sheet)
}

pub async fn read_invoice(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let sheet = state.store.bill(&id).await?;
    let sheet = visible_bill(&state, &ctx, sheet, &format!("Invoice/{id}")).await?;
    Ok(Json(invoice_json(&sheet)).into_response())
}

pub async fn read_charge_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let sheet = state.store.bill_of_charge_item(&id).await?;
    let sheet = visible_bill(&state, &ctx, sheet, &format!("ChargeItem/{id}")).await?;
    let item = sheet
        .items
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| ApiError::not_found(&format!("ChargeItem/{id}")))?;
    Ok(Json(charge_item_json(item, &sheet)).into_response())
}
