//! Conditional interactions: create with `If-None-Exist` (`request.ifNoneExist` in transaction
//! and batch entries) and update by search (`PUT /fhir/{type}?…`). The condition is a search of
//! the type, strict (an unknown parameter is refused) and limited to what the caller may see,
//! so a condition never tells a caller about records they could not search for.

use axum::http::{HeaderMap, StatusCode};
use huimin_domain::i18n::Text;
use huimin_store::{IndexValue, Match, SearchClause, StoredResource};

use super::access::{Op, Scope, authorize};
use super::controls::Controls;
use super::kinds::KindSpec;
use super::params;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// What a condition matched.
#[derive(Debug)]
pub enum Found {
    Nothing,
    One(Box<StoredResource>),
    Several,
}

/// The `If-None-Exist` header's search, when there is one.
pub fn if_none_exist(headers: &HeaderMap) -> Option<String> {
    headers
        .get("if-none-exist")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().trim_start_matches('?').to_owned())
}

/// Runs the condition `query` (`identifier=sys|123`) on `kind`; `field` names it in a refusal.
pub async fn find(
    state: &AppState,
    ctx: &Ctx,
    kind: &KindSpec,
    query: &str,
    field: &str,
) -> Result<Found, ApiError> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(k, _)| !k.is_empty())
        .collect();
    if pairs.is_empty() {
        return Err(ApiError::bad_request(Text::new(
            "条件为空：请给出查找已有资源的检索参数（如 identifier=系统|值）",
            "The condition is empty: give the search that finds the existing resource (e.g. identifier=system|value)",
        ))
        .at(field));
    }
    let scope = authorize(kind, Op::Search, ctx)?;
    let mut controls = Controls::read(&pairs, &HeaderMap::new()).map_err(|e| e.at(field))?;
    let mut search = params::parse(kind, &mut controls, &state.clock).map_err(|e| e.at(field))?;
    if let Scope::Only(ids) = &scope {
        search.clauses.push(SearchClause {
            param: "_id".into(),
            any_of: ids
                .iter()
                .map(|id| Match::Exact(IndexValue::Plain(id.clone())))
                .collect(),
            negated: false,
        });
    }
    // Two are enough to tell one from several.
    search.count = 2;
    search.offset = 0;
    let mut result = state.store.search_resources(kind.name, &search).await?;
    Ok(match result.total {
        0 => Found::Nothing,
        1 => Found::One(Box::new(result.items.remove(0))),
        _ => Found::Several,
    })
}

/// The refusal of a condition that matched more than one resource.
pub fn several(kind: &KindSpec, field: &str) -> ApiError {
    ApiError::new(
        StatusCode::PRECONDITION_FAILED,
        "multiple-matches",
        Text::new(
            format!(
                "条件匹配到多个 {}，无法确定要使用哪一个；请把条件写得更具体",
                kind.name
            ),
            format!(
                "The condition matches several {} resources: make it specific enough to match one",
                kind.name
            ),
        ),
    )
    .at(field)
}
