//! Stop-clinic (停诊) for administrators: every booking is cancelled, or moved to another
//! session of the same or a lower fee (the difference refunded), and its patient told through
//! the outbox; a moved patient may accept or cancel with a full refund until a deadline.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};

use huimin_domain::i18n::{Lang, Text};
use huimin_domain::roles::Role;
use huimin_store::appointments::StopClinic;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SuspendRequest {
    /// Another active session of the same department to move the bookings into.
    move_to: Option<String>,
}

/// `POST /api/admin/sessions/{id}/suspend`, body optional: `{"move_to": "<session id>"}`.
pub async fn suspend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if ctx.require()?.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    let request: SuspendRequest = if body.iter().all(u8::is_ascii_whitespace) {
        SuspendRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(Text::new(
                format!("请求内容无法解析：{e}"),
                format!("The request body could not be read: {e}"),
            ))
        })?
    };
    let source = state
        .store
        .clinic_session(&id)
        .await?
        .filter(|s| s.status == "active")
        .ok_or_else(|| ApiError::not_found(&format!("active Schedule/{id}")))?;
    let rules = state.rules.current(&state.store).await?;
    let moves = rules.department(&source.department_id).rules.moves;
    if let Some(target) = &request.move_to {
        let today = state.clock.today().to_string();
        let target = state.store.clinic_session(target).await?;
        let fits = target.as_ref().is_some_and(|t| {
            t.id != source.id
                && t.status == "active"
                && t.department_id == source.department_id
                && t.session_date >= today
        });
        if !fits {
            return Err(ApiError::unprocessable(Text::new(
                "改约目标须为同一科室另一个未停诊、未过期的出诊时段",
                "move_to must be another active, current session of the same department",
            ))
            .at("move_to"));
        }
        let target_fee = target.map_or(0, |t| t.fee_fen);
        // The hospital stopped the clinic: it does not charge the patients it moves more,
        // and cannot ask each of them to pay first.
        if target_fee > source.fee_fen {
            return Err(ApiError::unprocessable(Text::new(
                "停诊改约只能改至挂号费相同或较低的出诊；较高的请先取消，由患者自行改约",
                "A stop-clinic can only move patients to the same or a lower fee; for a higher one, cancel and let patients rebook",
            ))
            .at("move_to"));
        }
        if target_fee < source.fee_fen && !moves.refund_cheaper {
            return Err(ApiError::unprocessable(Text::new(
                "本院设置不允许改约至挂号费较低的医生",
                "This hospital does not move patients to a doctor with a lower fee",
            ))
            .at("move_to"));
        }
    }
    let reply_hours = i64::from(moves.reply_hours);
    let reply_by = state.clock.now() + jiff::SignedDuration::from_hours(reply_hours);
    let plan = StopClinic {
        move_to: request.move_to.as_deref(),
        reply_by: reply_by.as_microsecond(),
    };
    let affected = state
        .store
        .suspend_session(&id, &plan)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("active Schedule/{id}")))?;
    let moved = affected.iter().filter(|a| a.moved_to.is_some()).count();
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Schedule/{id}"),
        SUCCESS,
        &format!(
            "suspended; {} appointments cancelled, {moved} of them moved",
            affected.len()
        ),
    )
    .await?;
    for a in &affected {
        let detail = match &a.moved_to {
            Some(new) => format!("cancelled by stop-clinic; moved to Appointment/{}", new.id),
            None => "cancelled by stop-clinic".to_owned(),
        };
        audit::record(
            &state,
            &ctx,
            "update",
            &format!("Appointment/{}", a.cancelled.id),
            SUCCESS,
            &detail,
        )
        .await?;
    }
    let mut answer = json!({
        "schedule": format!("Schedule/{id}"),
        "status": "suspended",
        "cancelled": affected.len() - moved,
        "moved": moved,
    });
    if let Some(target) = &request.move_to {
        answer["moved_to"] = json!(format!("Schedule/{target}"));
    }
    Ok(Json(answer).into_response())
}

/// `GET /api/me/notifications`: the latest 100 messages of the caller's own patients, newest
/// first, each with its text in the other language beside it (the message centre reads
/// `GET /api/me/messages`, which pages).
pub async fn my_notifications(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Patient {
        return Err(ApiError::forbidden());
    }
    let inbox = state.store.inbox(&caller.patient_ids, 100, 0).await?;
    let whose = caller
        .patient_ids
        .iter()
        .map(|p| format!("Patient/{p}"))
        .collect::<Vec<_>>()
        .join(",");
    audit::record(&state, &ctx, "search", "Message?patient", SUCCESS, &whose).await?;
    let items: Vec<_> = inbox
        .messages
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
