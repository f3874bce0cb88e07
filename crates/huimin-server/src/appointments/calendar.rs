//! The hospital's holiday calendar (节假日与调休): the built-in official calendar, overlaid
//! with what an administrator imported. Roster publication skips holidays and works on
//! adjusted working days.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::{HolidayCalendar, china_2026, parse_import};
use huimin_domain::i18n::Text;
use huimin_store::Store;
use serde_json::json;

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

/// The settings key of the imported calendar (its import text).
const KEY: &str = "holiday-calendar";

/// Largest import accepted (a decade of holidays is a few kilobytes).
const MAX_BYTES: usize = 256 * 1024;

/// The calendar roster publication uses.
pub async fn hospital_calendar(store: &Store) -> Result<HolidayCalendar, huimin_store::StoreError> {
    let mut calendar = china_2026();
    if let Some(text) = store.setting(KEY).await? {
        // Stored only after it parsed; a failure here means the row was edited by hand.
        let imported = parse_import(&text)
            .map_err(|e| huimin_store::StoreError::Corrupt(format!("holiday calendar: {e}")))?;
        calendar.overlay(&imported);
    }
    Ok(calendar)
}

/// `GET /api/admin/holiday-calendar`: the effective calendar in the import format (CSV).
pub async fn export(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let calendar = hospital_calendar(&state.store).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        calendar.to_import_text(),
    )
        .into_response())
}

/// `PUT /api/admin/holiday-calendar`: replaces the imported calendar with the body,
/// `YYYY-MM-DD,holiday|workday[,name]` lines. A bad line is a 422 naming it; nothing changes.
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let invalid = |text: Text| {
        ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![Issue::value(None, text)],
        )
    };
    if body.len() > MAX_BYTES {
        return Err(invalid(Text::new(
            "节假日文件过大（上限 256 KB）",
            "The calendar file is too large (at most 256 KB)",
        )));
    }
    let text = std::str::from_utf8(&body).map_err(|_| {
        invalid(Text::new(
            "节假日文件须为 UTF-8 文本",
            "The calendar file must be UTF-8 text",
        ))
    })?;
    if text.trim().is_empty() {
        // An empty body is far more often a client mistake than a wish to drop every
        // imported holiday; a calendar with only the built-in rules is one line away.
        return Err(invalid(Text::new(
            "节假日文件为空。每行 YYYY-MM-DD,holiday|workday[,名称]；要清空已导入的日历，请上传只含一行 # 注释的文件",
            "The calendar file is empty. Each line is YYYY-MM-DD,holiday|workday[,name]; to clear the imported calendar, upload a file with a single # comment line",
        )));
    }
    let imported = parse_import(text).map_err(|e| invalid(e.message()))?;
    let days = imported.iter().count();
    state
        .store
        .put_setting(KEY, &imported.to_import_text())
        .await?;
    audit::record(
        &state,
        &ctx,
        "update",
        "Setting/holiday-calendar",
        SUCCESS,
        &format!("{days} days imported"),
    )
    .await?;
    Ok(Json(json!({"imported": days})).into_response())
}
