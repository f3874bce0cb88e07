//! Stop-clinic (停诊) for administrators and the notifications patients read.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::Period;
use huimin_domain::i18n::{Lang, Text};
use huimin_domain::roles::Role;
use huimin_store::appointments::AppointmentRecord;
use serde_json::json;

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn stop_clinic_message(record: &AppointmentRecord) -> (String, String) {
    let period = Period::from_code(&record.period);
    let (zh, en) = period.map(|p| (p.zh(), p.en())).unwrap_or(("", ""));
    (
        format!(
            "您预约的 {} {} 第 {} 号因医生停诊已取消，已付挂号费将原路退回，请重新预约。",
            record.session_date, zh, record.queue_number
        ),
        format!(
            "Your appointment on {} ({}), number {}, is cancelled because the doctor's clinic is suspended; any fee paid will be refunded. Please book again.",
            record.session_date, en, record.queue_number
        ),
    )
}

pub async fn suspend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if ctx.require()?.role != Role::Admin {
        return Err(ApiError::forbidden().lang(ctx.lang));
    }
    let cancelled = state
        .store
        .suspend_session(&id, &stop_clinic_message)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("active Schedule/{id}")).lang(ctx.lang))?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Schedule/{id}"),
        SUCCESS,
        &format!("suspended; {} appointments cancelled", cancelled.len()),
    )
    .await?;
    for record in &cancelled {
        audit::record(
            &state,
            &ctx,
            "update",
            &format!("Appointment/{}", record.id),
            SUCCESS,
            "cancelled by stop-clinic",
        )
        .await?;
    }
    Ok(Json(json!({"schedule": format!("Schedule/{id}"), "status": "suspended", "cancelled": cancelled.len()})).into_response())
}

/// `GET /api/me/notifications`: the messages for the caller's own patients, newest first.
pub async fn my_notifications(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Patient {
        return Err(ApiError::forbidden().lang(ctx.lang));
    }
    let list = state.store.notifications(&caller.patient_ids, 100).await?;
    let items: Vec<_> = list
        .iter()
        .map(|n| {
            let text = Text::new(n.text_zh.clone(), n.text_en.clone());
            json!({
                "id": n.id,
                "patient": format!("Patient/{}", n.patient_id),
                "kind": n.kind,
                "text": text.get(ctx.lang),
                "text_other": text.get(if ctx.lang == Lang::Zh { Lang::En } else { Lang::Zh }),
                "reference": n.reference,
                "created": huimin_store::instant_text(n.created_at),
                "read": n.read_at.is_some(),
            })
        })
        .collect();
    Ok(Json(json!({"total": items.len(), "notifications": items})).into_response())
}
