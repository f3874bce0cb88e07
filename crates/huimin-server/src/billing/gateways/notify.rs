//! `POST /api/payments/notify/{provider}`: a gateway's notification. Believed only when its
//! signature is the gateway's, its timestamp fresh and its nonce new; then applied once, to
//! its own bill, for the amount ordered (`huimin_store::billing::online`). Every notification
//! is kept with what was done with it (`gateway_callbacks`), refusals included.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use huimin_store::billing::{NoticeOutcome, PaidNotice};
use serde_json::json;

use super::sandbox::WINDOW_SECONDS;
use super::{Gateway, TradeState};
use crate::error::ApiError;
use crate::state::AppState;

/// The gateway retries a notification until it gets a 2xx; a refusal says why.
fn fail(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"code": "FAIL", "message": message}))).into_response()
}

pub async fn receive(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let now = state.clock.now().as_microsecond();
    let Some(gateway) = state.gateways.by_provider(&provider) else {
        return Ok(fail(StatusCode::NOT_FOUND, "no such gateway"));
    };
    let provider = gateway.provider();
    let log = |order: Option<String>, outcome: &'static str, detail: String| {
        let state = state.clone();
        async move {
            state
                .store
                .log_gateway_callback(provider, order.as_deref(), outcome, &detail, now)
                .await
        }
    };
    let notice = match gateway.verify(&headers, &body, now) {
        Ok(notice) => notice,
        Err(forged) => {
            tracing::warn!(provider, reason = %forged, "payment notification refused");
            log(None, "refused", forged.to_string()).await?;
            return Ok(fail(StatusCode::UNAUTHORIZED, &forged.to_string()));
        }
    };
    let order = Some(notice.order_id.clone());
    let keep_since = now - 2 * WINDOW_SECONDS * 1_000_000;
    if !state
        .store
        .remember_nonce(provider, &notice.nonce, now, keep_since)
        .await?
    {
        tracing::warn!(provider, "payment notification replayed");
        log(order, "refused", "nonce seen before: a replay".into()).await?;
        return Ok(fail(StatusCode::UNAUTHORIZED, "nonce seen before"));
    }
    if notice.state == TradeState::Failed {
        let closed = state.store.close_pay_order(&notice.order_id, now).await?;
        let detail = if closed {
            "payment failed: order closed"
        } else {
            "payment failed"
        };
        log(order, "failed", detail.into()).await?;
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let paid = PaidNotice {
        order_id: notice.order_id.clone(),
        transaction: notice.transaction.clone(),
        amount_fen: notice.amount_fen,
        currency: notice.currency.clone(),
        paid_at: notice.paid_at,
    };
    let year = i32::from(state.clock.today().year());
    match state
        .store
        .apply_paid_notice(&paid, Some((&state.insurance, year)), now)
        .await?
    {
        NoticeOutcome::Applied { entry, .. } => {
            log(order, "applied", format!("ledger entry {}", entry.id)).await?;
        }
        NoticeOutcome::Repeat { .. } => {
            log(order, "repeat", "applied before: nothing changed".into()).await?;
        }
        NoticeOutcome::RefundDue { refund_id, .. } => {
            tracing::info!(
                provider,
                "payment arrived for a bill that no longer needs it"
            );
            log(order, "refund-due", format!("refund {refund_id} queued")).await?;
            state.gateways.wake_worker();
        }
        NoticeOutcome::Refused(why) => {
            tracing::warn!(provider, reason = %why, "payment notification not applied");
            log(order, "refused", why.to_string()).await?;
            return Ok(fail(StatusCode::BAD_REQUEST, &why.to_string()));
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
