//! Each orderable item's recognition setting for administrators: `GET
//! /api/admin/recognition/items` (every item, its default and what applies) and `PUT
//! /api/admin/recognition/items/{code}` (an override, checked: scope one of the four, window
//! 1–3650 days). Changes are audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::recognition::{RecognitionSetting, Scope};
use huimin_domain::roles::Role;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{setting_key, setting_of};
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::CATALOGUE;
use crate::state::AppState;

fn admin(ctx: &Ctx) -> Result<(), ApiError> {
    if ctx.require()?.role != Role::Admin {
        return Err(ApiError::forbidden());
    }
    Ok(())
}

pub(crate) fn setting_json(s: RecognitionSetting) -> Value {
    json!({
        "recognised": s.recognised(),
        "scope": s.scope().code(),
        "scope_label": {"zh": s.scope().label().zh, "en": s.scope().label().en},
        "window_days": s.window_days(),
    })
}

fn scopes_json() -> Value {
    Scope::ALL
        .iter()
        .map(|s| json!({"code": s.code(), "label": {"zh": s.label().zh, "en": s.label().en}}))
        .collect()
}

/// `GET /api/admin/recognition/items`.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    admin(&ctx)?;
    let mut items = Vec::new();
    for item in CATALOGUE.all() {
        let current = setting_of(&state, item).await?;
        items.push(json!({
            "code": item.code,
            "name": {"zh": item.name.zh, "en": item.name.en},
            "category": item.category.code(),
            "price_fen": item.price.fen(),
            "default": setting_json(item.recognition),
            "setting": setting_json(current),
            "overridden": current != item.recognition,
        }));
    }
    Ok(Json(json!({"items": items, "scopes": scopes_json()})).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingBody {
    recognised: bool,
    scope: String,
    window_days: i64,
}

/// `PUT /api/admin/recognition/items/{code}` `{"recognised", "scope", "window_days"}`.
pub async fn put(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    admin(&ctx)?;
    let item = CATALOGUE
        .get(&code)
        .ok_or_else(|| ApiError::not_found(&format!("orderable {code}")).at("code"))?;
    let request: SettingBody = crate::error::json_body(&body)?;
    let setting =
        RecognitionSetting::parse(request.recognised, &request.scope, request.window_days)
            .map_err(|r| ApiError::unprocessable(r.text).at(r.field))?;
    state
        .store
        .put_setting(&setting_key(&item.code), &setting.encode())
        .await?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("orderable/{}/recognition", item.code),
        SUCCESS,
        &setting.encode(),
    )
    .await?;
    Ok(Json(json!({"code": item.code, "setting": setting_json(setting)})).into_response())
}
