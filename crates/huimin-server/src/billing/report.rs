//! The cashier's close of day (日结): payments and refunds of one local day by method.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use serde::Deserialize;
use serde_json::json;

use super::views::money;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ReportQuery {
    /// `YYYY-MM-DD`, the hospital's local day; today when absent.
    date: Option<String>,
    /// `me` for the caller's own entries; all cashiers when absent.
    cashier: Option<String>,
}

/// `GET /api/desk/report?date=&cashier=me`.
pub async fn day(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Registrar | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let day = match query.date.as_deref() {
        None | Some("") => state.clock.today(),
        Some(text) => text.parse::<jiff::civil::Date>().map_err(|_| {
            ApiError::unprocessable(Text::new(
                format!("日期“{text}”格式不正确，应如 2026-12-07"),
                format!("date {text:?} is not a date such as 2026-12-07"),
            ))
            .at("date")
        })?,
    };
    let by = match query.cashier.as_deref() {
        None | Some("") | Some("all") => None,
        Some("me") => Some(caller.username.clone()),
        Some(_) => {
            return Err(ApiError::unprocessable(Text::new(
                "cashier 只能为 me 或 all",
                "cashier must be me or all",
            ))
            .at("cashier"));
        }
    };
    let midnight = |d: jiff::civil::Date| {
        state
            .clock
            .instant(d.to_datetime(jiff::civil::Time::midnight()))
            .map_or(0, |t| t.as_microsecond())
    };
    let until = midnight(day.tomorrow().unwrap_or(day));
    let report = state
        .store
        .desk_report(midnight(day), until, by.as_deref())
        .await?;
    audit::record(
        &state,
        &ctx,
        "read",
        "desk-report",
        SUCCESS,
        &day.to_string(),
    )
    .await?;
    let methods: Vec<_> = report
        .methods
        .iter()
        .map(|m| {
            let display = PaymentMethod::from_code(&m.method);
            json!({
                "method": m.method,
                "method_display": display.map(|d| json!({"zh": d.zh(), "en": d.en()})),
                "payments": {"count": m.payments, "amount": money(m.payments_fen)},
                "refunds": {"count": m.refunds, "amount": money(m.refunds_fen)},
                "net": money(m.payments_fen - m.refunds_fen),
            })
        })
        .collect();
    let paid: i64 = report.methods.iter().map(|m| m.payments_fen).sum();
    let refunded: i64 = report.methods.iter().map(|m| m.refunds_fen).sum();
    Ok(Json(json!({
        "date": day.to_string(),
        "cashier": by,
        "methods": methods,
        "payments": money(paid),
        "refunds": money(refunded),
        "net": money(report.net_fen()),
    }))
    .into_response())
}
