//! `POST /api/admin/reconciliations {provider, date}` runs a day (administrators);
//! `GET /api/admin/reconciliations[?date=]` lists the runs (administrators, and registrars
//! who read them to settle the desk's day).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::billing::Reconciliation;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    #[serde(default = "sandbox")]
    provider: String,
    date: String,
}

fn sandbox() -> String {
    "sandbox".into()
}

fn bad_date() -> ApiError {
    ApiError::unprocessable(Text::new(
        "日期格式应为 YYYY-MM-DD",
        "The date must be written YYYY-MM-DD",
    ))
    .at("date")
}

fn parse_date(text: &str) -> Result<jiff::civil::Date, ApiError> {
    // Only the plain form: jiff also reads other spellings a person did not mean here.
    if text.len() != 10 {
        return Err(bad_date());
    }
    text.parse().map_err(|_| bad_date())
}

pub fn run_json(r: &Reconciliation) -> Value {
    let ran_at = jiff::Timestamp::from_microsecond(r.ran_at)
        .map(|t| t.to_string())
        .unwrap_or_default();
    let clean = ["payments", "refunds"].iter().all(|kind| {
        ["missing_in_huimin", "extra_in_huimin", "amount_mismatches"]
            .iter()
            .all(|list| {
                r.differences[kind][list]
                    .as_array()
                    .is_none_or(Vec::is_empty)
            })
    });
    json!({
        "id": r.id,
        "provider": r.provider,
        "date": r.date,
        "ran_at": ran_at,
        "ran_by": r.ran_by,
        "matched": r.matched,
        "clean": clean,
        "differences": r.differences,
    })
}

/// `POST /api/admin/reconciliations`
#[tracing::instrument(skip_all)]
pub async fn run(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let by = ctx.require_admin()?.username.clone();
    let request: RunRequest = crate::error::json_body(&body)?;
    let date = parse_date(request.date.trim())?;
    let run = super::reconcile(&state, request.provider.trim(), date, &by).await?;
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Reconciliation/{}", run.id),
        SUCCESS,
        &format!("{} {} matched {}", run.provider, run.date, run.matched),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(run_json(&run))).into_response())
}

#[derive(Deserialize)]
pub struct ListQuery {
    date: Option<String>,
}

/// `GET /api/admin/reconciliations[?date=YYYY-MM-DD]`
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Admin | Role::Registrar) {
        return Err(ApiError::forbidden());
    }
    let date = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(parse_date(d)?.to_string()),
        None => None,
    };
    let runs = state.store.reconciliations(date.as_deref(), 100).await?;
    audit::record(&state, &ctx, "search", "Reconciliation", SUCCESS, "").await?;
    Ok(Json(json!({"runs": runs.iter().map(run_json).collect::<Vec<_>>()})).into_response())
}
