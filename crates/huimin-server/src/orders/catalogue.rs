//! `GET /api/orderables?q=&category=`: the orderable catalogue for staff, found by name,
//! pinyin or code through the catalogue's `PinyinIndex`.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::orders::OrderCategory;
use serde::Deserialize;
use serde_json::json;

use super::CATALOGUE;
use super::views::orderable_json;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    #[serde(default)]
    q: String,
    category: Option<String>,
}

pub async fn search(
    State(_state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !caller.role.is_staff() {
        return Err(ApiError::forbidden());
    }
    let category = match query.category.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(OrderCategory::from_code(c).ok_or_else(|| {
            ApiError::bad_request(Text::new(
                format!("未知的项目类别：{c}（应为 lab、imaging 或 exam）"),
                format!("Unknown category {c}: lab, imaging or exam"),
            ))
            .at("category")
        })?),
    };
    if query.q.chars().count() > 50 {
        return Err(ApiError::bad_request(Text::new(
            "查询词不能超过 50 个字符",
            "The search text is at most 50 characters",
        ))
        .at("q"));
    }
    let items: Vec<_> = CATALOGUE
        .search(&query.q, category)
        .into_iter()
        .map(orderable_json)
        .collect();
    Ok(Json(json!({"total": items.len(), "items": items})).into_response())
}
