//! The payments worker: closes orders whose time is up (at the gateway too), sends refunds
//! through the gateway that brought the money, and, where the sandbox gateway is served here,
//! sends its notifications. Each step is a function tests drive; the server loops them.

use std::time::Duration;

use huimin_store::billing::REFUND_ATTEMPTS;

use super::sandbox::{NONCE, SIGNATURE, TIMESTAMP, notice_message, sign};
use super::{Gateway, RefundRequest};
use crate::state::AppState;

/// How often the worker looks, unless woken (a refund queued, a sandbox payment made).
pub const INTERVAL: Duration = Duration::from_secs(5);
const LEASE_MICROS: i64 = 60_000_000;

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub closed: usize,
    pub refunded: usize,
    pub refund_retries: usize,
    pub notices_sent: usize,
}

/// Seconds before the n-th retry of a refund (1-based): 30 s doubling, at most an hour.
fn refund_backoff(attempt: i64) -> i64 {
    (30i64 << attempt.clamp(1, 8).saturating_sub(1)).min(3600)
}

pub async fn run_once(state: &AppState) -> Result<Outcome, huimin_store::StoreError> {
    let mut outcome = Outcome::default();
    let now = state.clock.now().as_microsecond();
    for order in state.store.expire_pay_orders(now).await? {
        outcome.closed += 1;
        if let Some(gateway) = state.gateways.by_provider(&order.provider)
            && let Err(e) = gateway.close(&order.id).await
        {
            tracing::warn!(error = %e, "expired order could not be closed at the gateway");
        }
    }
    for refund in state
        .store
        .claim_gateway_refunds(now, LEASE_MICROS, 20)
        .await?
    {
        let Some(gateway) = state.gateways.by_provider(&refund.provider) else {
            continue;
        };
        let request = RefundRequest {
            refund_id: refund.id.clone(),
            order_id: refund.order_id.clone(),
            amount_fen: refund.amount_fen,
            order_amount_fen: refund.order_amount_fen,
        };
        let now = state.clock.now().as_microsecond();
        match gateway.refund(&request).await {
            Ok(()) => {
                outcome.refunded += 1;
                state
                    .store
                    .settle_gateway_refund(&refund.id, Ok(()), now, now)
                    .await?;
            }
            Err(e) => {
                outcome.refund_retries += 1;
                let attempt = refund.attempts + 1;
                if attempt >= REFUND_ATTEMPTS {
                    tracing::error!(error = %e, "a refund through the gateway failed for good");
                }
                let retry = now + refund_backoff(attempt) * 1_000_000;
                let answer = e.to_string();
                state
                    .store
                    .settle_gateway_refund(&refund.id, Err(&answer), retry, now)
                    .await?;
            }
        }
    }
    outcome.notices_sent = send_sandbox_notices(state).await?;
    Ok(outcome)
}

/// The sandbox gateway's side: sends each due notification, signed with its platform key,
/// and retries one not answered with a 2xx (as WeChat Pay does, up to 8 times).
async fn send_sandbox_notices(state: &AppState) -> Result<usize, huimin_store::StoreError> {
    let Some(gateway) = &state.gateways.sandbox else {
        return Ok(0);
    };
    let now = state.clock.now().as_microsecond();
    let mut sent = 0;
    for trade in state.store.sandbox_due_notices(now).await? {
        let success = trade.state == "SUCCESS";
        let body = serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "create_time": jiff::Timestamp::from_microsecond(now).unwrap_or_default().to_string(),
            "event_type": if success { "TRANSACTION.SUCCESS" } else { "TRANSACTION.FAIL" },
            "resource": {
                "out_trade_no": trade.out_trade_no,
                "transaction_id": trade.transaction_id,
                "trade_state": trade.state,
                "amount": {"total": trade.amount_fen, "payer_total": trade.amount_fen, "currency": "CNY"},
                "success_time": trade.paid_at
                    .and_then(|t| jiff::Timestamp::from_microsecond(t).ok())
                    .map(|t| t.to_string()),
            },
        })
        .to_string();
        let timestamp = now / 1_000_000;
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let signature = sign(
            &gateway.keys().platform,
            &notice_message(timestamp, &nonce, body.as_bytes()),
        );
        let answered = state
            .http
            .post(&trade.notify_url)
            .header("content-type", "application/json")
            .header(TIMESTAMP, timestamp.to_string())
            .header(NONCE, nonce)
            .header(SIGNATURE, signature)
            .body(body)
            .send()
            .await
            .is_ok_and(|a| a.status().is_success());
        let next = if answered {
            (trade.notify_left > 1).then_some(now + 1_000_000)
        } else if trade.notify_attempts + 1 < 8 {
            Some(now + (2i64 << trade.notify_attempts.min(6)) * 1_000_000)
        } else {
            None
        };
        state
            .store
            .sandbox_notice_sent(&trade.out_trade_no, answered, next)
            .await?;
        sent += usize::from(answered);
    }
    Ok(sent)
}

/// Loops `run_once` until the task is aborted, at once when woken.
pub async fn run_forever(state: AppState) {
    crate::metrics::worker_started("payments");
    loop {
        match run_once(&state).await {
            Ok(outcome) => {
                crate::metrics::worker_pass("payments");
                if outcome != Outcome::default() {
                    tracing::info!(?outcome, "payments worker pass");
                }
            }
            Err(err) => tracing::warn!(error = %err, "payments worker pass failed"),
        }
        let _ = tokio::time::timeout(INTERVAL, state.gateways.woken()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::refund_backoff;

    #[test]
    fn refund_retries_back_off_to_an_hour() {
        assert_eq!(refund_backoff(1), 30);
        assert_eq!(refund_backoff(2), 60);
        assert_eq!(refund_backoff(7), 1920);
        assert_eq!(refund_backoff(8), 3600);
        assert_eq!(refund_backoff(50), 3600);
    }
}
