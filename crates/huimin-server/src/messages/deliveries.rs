//! The outbox's deliveries for administrators (`/api/admin/deliveries`): what is waiting,
//! being retried, delivered or given up, with the channel's last answer, and sending a
//! given-up one again. Events are facts (kinds and references), never message texts, so
//! nothing a patient was told is shown here.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::instant_text;
use huimin_store::messages::{DELIVERY_STATUSES, DeliveryRow};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

const MAX_COUNT: i64 = 200;

fn admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.require()?.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

fn row_json(d: &DeliveryRow) -> Value {
    json!({
        "event": d.event_id,
        "channel": d.channel,
        "status": d.status,
        "attempts": d.attempts,
        "kind": d.kind,
        "reference": d.reference,
        "created_at": instant_text(d.created_at),
        "next_attempt_at": (d.status == "pending" || d.status == "retrying")
            .then(|| instant_text(d.due_at)),
        "delivered_at": d.delivered_at.map(instant_text),
        "last_error": d.last_error,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<String>,
    #[serde(rename = "_count")]
    count: Option<i64>,
}

/// `GET /api/admin/deliveries?status=&_count=`: newest first.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    admin(&ctx)?;
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    if let Some(s) = status
        && !DELIVERY_STATUSES.contains(&s)
    {
        return Err(ApiError::bad_request(Text::new(
            format!("未知的投递状态 {s}；可选：{}", DELIVERY_STATUSES.join("、")),
            format!(
                "Unknown delivery status {s}; use one of {}",
                DELIVERY_STATUSES.join(", ")
            ),
        ))
        .at("status"));
    }
    let count = q.count.unwrap_or(50);
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(ApiError::bad_request(Text::new(
            format!("_count 应为 1–{MAX_COUNT}"),
            format!("_count is 1–{MAX_COUNT}"),
        ))
        .at("_count"));
    }
    let rows = state.store.delivery_list(status, count).await?;
    let backlog = state.store.outbox_backlog().await?;
    audit::record(&state, &ctx, "read", "Outbox/deliveries", SUCCESS, "").await?;
    Ok(Json(json!({
        "deliveries": rows.iter().map(row_json).collect::<Vec<_>>(),
        "backlog": backlog.iter().map(|(s, n)| json!({"status": s, "count": n})).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// `POST /api/admin/deliveries/{event}/{channel}/retry`: a given-up delivery is sent again.
pub async fn retry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((event, channel)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    admin(&ctx)?;
    let now = state.clock.now().as_microsecond();
    if !state.store.retry_delivery(&event, &channel, now).await? {
        return Err(ApiError::conflict(Text::new(
            "只有已放弃的投递可以重发",
            "Only a delivery that was given up can be sent again",
        )));
    }
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Outbox/{event}/{channel}"),
        SUCCESS,
        "retry",
    )
    .await?;
    Ok(Json(json!({"event": event, "channel": channel, "status": "pending"})).into_response())
}
