//! `PUT /api/admin/drug-tables/{formulary|interactions|allergens}` (a CSV file, taken whole
//! or refused with one issue per bad line, nothing changed), `GET /api/admin/drug-tables`,
//! and `PUT /api/admin/prescribing-rights/{practitioner}` (麻精药品处方权).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use huimin_domain::csv_table::LineIssue;
use huimin_domain::i18n::Text;
use huimin_domain::prescriptions::{parse_allergens, parse_formulary, parse_interactions};
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, DENIED, REFUSED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;
use crate::state::drug_book::{ALLERGENS, FORMULARY, INTERACTIONS};

/// Rows in the table, or every bad line.
fn rows(name: &str, text: &str) -> Option<Result<usize, Vec<LineIssue>>> {
    Some(match name {
        FORMULARY => parse_formulary(text).map(|d| d.len()),
        INTERACTIONS => parse_interactions(text).map(|t| t.len()),
        ALLERGENS => parse_allergens(text).map(|t| t.terms().len()),
        _ => return None,
    })
}

pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let resource = format!("Medication/tables/{name}");
    if ctx.require()?.role != huimin_domain::roles::Role::Admin {
        audit::record(
            &state,
            &ctx,
            "update",
            &resource,
            DENIED,
            "role not allowed",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    crate::billing::prices::require_csv(&headers)?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::unprocessable(Text::new(
            "文件须为 UTF-8 编码的文本（可在表格软件中另存为“CSV UTF-8”）",
            "The file must be UTF-8 text (save it as \"CSV UTF-8\" in a spreadsheet)",
        ))
    })?;
    let Some(parsed) = rows(&name, text) else {
        return Err(ApiError::not_found(&resource));
    };
    let count = match parsed {
        Ok(count) => count,
        Err(lines) => {
            let detail = format!("{} lines refused", lines.len());
            audit::record(&state, &ctx, "update", &resource, REFUSED, &detail).await?;
            let issues = lines
                .into_iter()
                .map(|l| Issue::value(Some(&format!("line {}", l.line)), l.message))
                .collect();
            return Err(ApiError::with_issues(
                StatusCode::UNPROCESSABLE_ENTITY,
                issues,
            ));
        }
    };
    let by = ctx.require()?.username.clone();
    let now = state.clock.now().as_microsecond();
    let version = state
        .store
        .put_reference_table(&name, text, Some(&by), now)
        .await?;
    state.drugs.rebuild(&state.store).await?;
    audit::record(
        &state,
        &ctx,
        "update",
        &resource,
        SUCCESS,
        &format!("{count} rows"),
    )
    .await?;
    Ok(Json(json!({"table": name, "version": version, "rows": count})).into_response())
}

/// `GET /api/admin/drug-tables`: each table's version and size (version 0: the shipped seed).
pub async fn tables(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let tables = state.drugs.tables(&state.store).await?;
    Ok(Json(json!({
        "formulary": {"version": tables.versions[0], "rows": tables.formulary.len()},
        "interactions": {"version": tables.versions[1], "rows": tables.interactions.len()},
        "allergens": {"version": tables.versions[2], "rows": tables.allergens.terms().len()},
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RightsBody {
    controlled: bool,
}

pub async fn set_rights(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(practitioner): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let admin = ctx.require_admin()?;
    let request: RightsBody = crate::error::json_body(&body)?;
    if state
        .store
        .read_resource("Practitioner", &practitioner)
        .await?
        .is_none()
    {
        return Err(ApiError::not_found(&format!("Practitioner/{practitioner}")));
    }
    let now = state.clock.now().as_microsecond();
    state
        .store
        .set_prescribing_rights(
            &practitioner,
            request.controlled,
            Some(&admin.username),
            now,
        )
        .await?;
    let detail = format!("controlled={}", request.controlled);
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("Practitioner/{practitioner}/rights"),
        SUCCESS,
        &detail,
    )
    .await?;
    Ok(
        Json(json!({"practitioner": practitioner, "controlled": request.controlled}))
            .into_response(),
    )
}
