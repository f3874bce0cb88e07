//! On-site proof for checking in on a phone (扫码签到): each department's waiting-area screen
//! shows a QR code that changes every ten minutes. A code is a keyed hash of the department
//! and the ten-minute window, derived from the data key, so every server of an installation
//! agrees on it without storing anything, and nobody can make one without having seen the
//! screen. A code stays good for its window and the next (10 to 20 minutes).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use huimin_store::instant_text;
use serde_json::json;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// The request header a patient's check-in carries the code in.
pub const HEADER: &str = "x-huimin-on-site";

const WINDOW_SECONDS: i64 = 10 * 60;

fn window_of(now: jiff::Timestamp) -> i64 {
    now.as_second().div_euclid(WINDOW_SECONDS)
}

fn place(department: &str) -> String {
    format!("Organization/{department}")
}

/// Whether the request shows the current (or the previous window's) code of the department.
pub fn shows_code(
    state: &AppState,
    headers: &HeaderMap,
    department: &str,
    now: jiff::Timestamp,
) -> bool {
    let Some(code) = headers.get(HEADER).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let code = code.trim().to_uppercase();
    let window = window_of(now);
    [window, window - 1]
        .iter()
        .any(|w| state.store.site_code(&place(department), *w) == code)
}

/// The department's code now, with when it stops being shown and stops being good.
pub fn code_json(state: &AppState, department: &str) -> Result<serde_json::Value, ApiError> {
    let now = state.clock.now();
    let window = window_of(now);
    let until = jiff::Timestamp::from_second((window + 1) * WINDOW_SECONDS)
        .map_err(|_| ApiError::internal())?;
    let valid_until = jiff::Timestamp::from_second((window + 2) * WINDOW_SECONDS)
        .map_err(|_| ApiError::internal())?;
    Ok(json!({
        "department": place(department),
        "code": state.store.site_code(&place(department), window),
        "shown_until": instant_text(until.as_microsecond()),
        "valid_until": instant_text(valid_until.as_microsecond()),
    }))
}

/// `GET /api/departments/{id}/check-in-code`: the code the waiting-area screen shows now, for
/// staff and for the department's screen (its token in `X-Huimin-Screen`).
pub async fn current_code(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if !super::screens::may_show_code(&state, &ctx, &headers, &id).await? {
        let anonymous = ctx.caller.is_none() && !headers.contains_key(super::screens::HEADER);
        return Err(match anonymous {
            true => ApiError::unauthorized(),
            false => ApiError::forbidden(),
        });
    }
    Ok(Json(code_json(&state, &id)?).into_response())
}
