//! `GET /api/admin/recognition/report?from=YYYY-MM-DD&to=YYYY-MM-DD`: tests avoided by reusing
//! a recognised result and their value in fen, by item and department, over whole days of
//! the hospital's calendar (both ends included; the last 30 days when not given). Admins only.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::json;

use crate::billing::views::money;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::CATALOGUE;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Range {
    from: Option<String>,
    to: Option<String>,
}

fn day(text: Option<&str>, field: &str, default: Date) -> Result<Date, ApiError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => t.parse::<Date>().map_err(|_| {
            ApiError::unprocessable(Text::new(
                format!("日期“{t}”无效，应为 YYYY-MM-DD"),
                format!("The date {t:?} is not a YYYY-MM-DD date"),
            ))
            .at(field)
        }),
    }
}

/// Microseconds at the start of the day in the hospital's time zone.
fn start_of(state: &AppState, d: Date) -> Result<i64, ApiError> {
    state
        .clock
        .instant(d.to_datetime(jiff::civil::Time::midnight()))
        .map(|t| t.as_microsecond())
        .ok_or_else(ApiError::internal)
}

/// Department names by id, for the report's rows.
async fn department_names(
    state: &AppState,
    ids: &[String],
) -> Result<HashMap<String, String>, ApiError> {
    let mut names = HashMap::new();
    for id in ids {
        if names.contains_key(id) {
            continue;
        }
        let name = state
            .store
            .read_resource("Organization", id)
            .await?
            .and_then(|r| r.content["name"].as_str().map(str::to_owned))
            .unwrap_or_else(|| id.clone());
        names.insert(id.clone(), name);
    }
    Ok(names)
}

/// `GET /api/admin/recognition/report`.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(range): Query<Range>,
) -> Result<Response, ApiError> {
    if ctx.require()?.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    let today = state.clock.today();
    let to = day(range.to.as_deref(), "to", today)?;
    let from = day(
        range.from.as_deref(),
        "from",
        to.checked_sub(jiff::Span::new().days(29)).unwrap_or(to),
    )?;
    if from > to {
        return Err(ApiError::unprocessable(Text::new(
            "开始日期不能晚于结束日期",
            "The start date is after the end date",
        ))
        .at("from"));
    }
    let end = to.tomorrow().map_err(|_| ApiError::internal())?;
    let rows = state
        .store
        .tests_avoided(start_of(&state, from)?, start_of(&state, end)?)
        .await?;
    let departments: Vec<String> = rows.iter().map(|r| r.department_id.clone()).collect();
    let names = department_names(&state, &departments).await?;
    let (mut count, mut fen) = (0, 0);
    let rows: Vec<_> = rows
        .iter()
        .map(|r| {
            count += r.count;
            fen += r.fen;
            let item = CATALOGUE.get(&r.item);
            json!({
                "item": r.item,
                "name": item.map(|i| json!({"zh": i.name.zh, "en": i.name.en})),
                "department": r.department_id,
                "department_name": names.get(&r.department_id),
                "count": r.count,
                "fen": r.fen,
                "value": money(r.fen),
            })
        })
        .collect();
    Ok(Json(json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "rows": rows,
        "total": {"count": count, "fen": fen, "value": money(fen)},
    }))
    .into_response())
}
