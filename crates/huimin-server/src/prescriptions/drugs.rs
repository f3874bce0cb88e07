//! `GET /api/drugs?q=`: the formulary searched by code, generic, English or brand name and
//! pinyin (`amxl` → 阿莫西林), with what the pharmacy has free today.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::roles::Role;
use serde::Deserialize;
use serde_json::json;

use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct DrugQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    limit: Option<usize>,
}

pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<DrugQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(
        caller.role,
        Role::Doctor | Role::Pharmacist | Role::Nurse | Role::Admin
    ) {
        return Err(ApiError::forbidden());
    }
    let tables = state.drugs.tables(&state.store).await?;
    let limit = query.limit.unwrap_or(20).clamp(1, 50);
    let hits = tables.formulary.search(&query.q, limit);
    let codes: Vec<String> = hits.iter().map(|h| h.drug.code.clone()).collect();
    let today = state.clock.today().to_string();
    let free = state.store.free_stock(&codes, &today).await?;
    let drugs: Vec<_> = hits
        .iter()
        .zip(&free)
        .map(|(hit, (_, free))| {
            let d = hit.drug;
            let name = d.name();
            json!({
                "code": d.code,
                "name": {"zh": name.zh, "en": name.en},
                "brands": d.brands,
                "specification": d.specification(),
                "form": d.form.code(),
                "strength": d.strength.to_string(),
                "strength_unit": d.strength_unit.code(),
                "piece_unit": d.piece_unit,
                "package_unit": d.package_unit,
                "route": d.route.code(),
                "price_fen": d.price.fen(),
                "atc": d.atc,
                "classes": d.classes.iter().map(|c| c.code()).collect::<Vec<_>>(),
                "antimicrobial": d.antimicrobial.map(|a| a.code()),
                "matched": hit.matched.map_or("code", |m| m.code()),
                "in_stock": free,
            })
        })
        .collect();
    Ok(Json(json!({"query": query.q, "drugs": drugs})).into_response())
}
