//! Daily reconciliation (对账): a gateway's statement of a day, read by its provider's parser
//! in `huimin-gateways`, against Huimin's orders, ledger payments and gateway refunds of the
//! same day (Beijing time, the day gateways' statements use). Each run is kept with its
//! differences (`reconciliations`); what to do about them is in `docs/operations.md`.

pub mod api;
pub mod compare;

use huimin_domain::i18n::Text;
use huimin_gateways::billing::wechat::parse_trade_bill;
use huimin_store::billing::Reconciliation;
use serde_json::json;

use super::gateways::Gateway;
use crate::error::ApiError;
use crate::state::AppState;

/// WeChat Pay's bills are in Beijing time, UTC+8 all year.
pub fn china() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(8))
}

/// The day's bounds in microseconds, `[from, to)`, Beijing time.
pub fn day_bounds(date: jiff::civil::Date) -> Option<(i64, i64)> {
    let from = date.to_zoned(china()).ok()?;
    let to = date.tomorrow().ok()?.to_zoned(china()).ok()?;
    Some((
        from.timestamp().as_microsecond(),
        to.timestamp().as_microsecond(),
    ))
}

/// Why a day could not be reconciled.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("no gateway {0} is configured")]
    UnknownProvider(String),
    #[error("the date is not a past or current day")]
    Date,
    #[error("the gateway did not give its statement: {0}")]
    Gateway(String),
    #[error("the gateway's statement is unreadable: {0}")]
    Statement(String),
    #[error(transparent)]
    Store(#[from] huimin_store::StoreError),
}

impl From<ReconcileError> for ApiError {
    fn from(e: ReconcileError) -> Self {
        use axum::http::StatusCode;
        match e {
            ReconcileError::UnknownProvider(p) => ApiError::unprocessable(Text::new(
                format!("未配置支付渠道 {p}"),
                format!("No payment gateway {p} is configured"),
            ))
            .at("provider"),
            ReconcileError::Date => ApiError::unprocessable(Text::new(
                "对账日期须为今天或以前的日期（YYYY-MM-DD）",
                "The date must be today or a day before it (YYYY-MM-DD)",
            ))
            .at("date"),
            ReconcileError::Gateway(why) | ReconcileError::Statement(why) => {
                tracing::warn!(%why, "reconciliation: no usable statement");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "transient",
                    Text::new(
                        "未能从支付渠道取得可读的对账单，请稍后重试",
                        "The gateway's statement could not be fetched or read; try again later",
                    ),
                )
            }
            ReconcileError::Store(e) => e.into(),
        }
    }
}

/// Reconciles `provider`'s day `date` and keeps the run.
pub async fn reconcile(
    state: &AppState,
    provider: &str,
    date: jiff::civil::Date,
    by: &str,
) -> Result<Reconciliation, ReconcileError> {
    let gateway = state
        .gateways
        .by_provider(provider)
        .ok_or_else(|| ReconcileError::UnknownProvider(provider.to_owned()))?;
    let now = state.clock.now();
    let today = now.to_zoned(china()).date();
    if date > today {
        return Err(ReconcileError::Date);
    }
    let (from, to) = day_bounds(date).ok_or(ReconcileError::Date)?;
    let text = gateway
        .statement(date)
        .await
        .map_err(|e| ReconcileError::Gateway(e.to_string()))?;
    // The sandbox serves WeChat Pay's trade bill; an Alipay gateway would be read by
    // `alipay::parse_statement` here.
    let bill = parse_trade_bill(&text).map_err(|e| ReconcileError::Statement(e.to_string()))?;
    let (orders, refunds) = state.store.gateway_day(provider, from, to).await?;
    let outcome = compare::compare(&bill.rows, &orders, &refunds);
    let run = Reconciliation {
        id: uuid::Uuid::new_v4().to_string(),
        provider: provider.to_owned(),
        date: date.to_string(),
        ran_at: now.as_microsecond(),
        ran_by: by.to_owned(),
        matched: outcome.matched,
        differences: json!({
            "payments": outcome.payments,
            "refunds": outcome.refunds,
        }),
    };
    state.store.save_reconciliation(&run).await?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_beijing_midnight_to_midnight() {
        let (from, to) = day_bounds("2026-12-06".parse().unwrap()).unwrap();
        let from = jiff::Timestamp::from_microsecond(from).unwrap();
        assert_eq!(from.to_string(), "2026-12-05T16:00:00Z");
        assert_eq!(to - from.as_microsecond(), 86_400_000_000);
    }
}
