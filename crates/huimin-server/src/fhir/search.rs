//! Search for every kind in the registry: `GET /fhir/{type}?…` and `POST /fhir/{type}/_search`,
//! limited to what the caller may see, audited when the records are personal.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_store::{IndexValue, Match, SearchClause};

use serde_json::Value;

use super::access::{Op, Scope, authorize};
use super::controls::Controls;
use super::handlers::{audit_if_personal, kind_of, view};
use super::http::{Page, base_url, check_accept, fhir_response};
use super::{include, params};
use crate::audit::{DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(resource_type = %resource_type))]
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(resource_type): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    run_search(&state, &ctx, &resource_type, pairs, &headers).await
}

/// `POST /fhir/{type}/_search` with a form body, as the FHIR spec allows.
#[tracing::instrument(skip_all, fields(resource_type = %resource_type))]
pub async fn search_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(resource_type): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    pairs.extend(url::form_urlencoded::parse(&body).into_owned());
    run_search(&state, &ctx, &resource_type, pairs, &headers).await
}

async fn run_search(
    state: &AppState,
    ctx: &Ctx,
    resource_type: &str,
    pairs: Vec<(String, String)>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let kind = kind_of(resource_type)?;
    check_accept(headers)?;
    let audited_query = audited_query(kind.name, &pairs);
    let scope = match authorize(kind, Op::Search, ctx) {
        Ok(scope) => scope,
        Err(denied) => {
            audit_if_personal(
                state,
                ctx,
                kind,
                "search",
                &audited_query,
                DENIED,
                "role not allowed",
            )
            .await?;
            return Err(denied);
        }
    };
    let mut controls = Controls::read(&pairs, headers)?;
    let mut query = params::parse(kind, &mut controls, &state.clock)?;
    if let Scope::Only(ids) = &scope {
        query.clauses.push(SearchClause {
            param: "_id".into(),
            any_of: ids
                .iter()
                .map(|id| Match::Exact(IndexValue::Plain(id.clone())))
                .collect(),
            negated: false,
        });
    }
    let result = state.store.search_resources(kind.name, &query).await?;
    audit_if_personal(
        state,
        ctx,
        kind,
        "search",
        &audited_query,
        SUCCESS,
        &format!("{} of {} results", result.items.len(), result.total),
    )
    .await?;
    let matches: Vec<(String, Value)> = result
        .items
        .into_iter()
        .map(|s| (s.id.clone(), view(kind, ctx, s.content)))
        .collect();
    let mut included = include::includes_of(state, ctx, kind, &mut controls, &matches).await?;
    included.extend(include::revincludes_of(state, ctx, kind, &mut controls, &matches).await?);
    let base = base_url(headers);
    let page = Page {
        base: &base,
        resource_type: kind.name,
        filters: &controls.link_params,
        count: query.count,
        offset: query.offset,
        total: result.total,
    };
    let matches = matches
        .into_iter()
        .map(|(id, mut resource)| {
            controls.shape(&mut resource);
            (id, resource)
        })
        .collect();
    let outcome = controls.outcome_entry(ctx.lang);
    Ok(fhir_response(
        StatusCode::OK,
        &page.searchset(matches, included, outcome),
    ))
}

/// What the audit trail records of a search: the type and the names of its filters (their
/// values may be personal).
pub fn audited_query(resource_type: &str, pairs: &[(String, String)]) -> String {
    let names: Vec<&str> = pairs
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !k.starts_with('_') && *k != "lang")
        .collect();
    format!("{resource_type}?{}", names.join("&"))
}
