//! `_include` and `_revinclude` over the registry's types: the resources a page of matches
//! refers to (or that refer to it), each only if the caller may see it and as they may see it
//! (a patient never reaches another patient's record through an include; masked roles get
//! the masked view); personal ones are audited like a read.

use std::collections::{BTreeMap, BTreeSet};

use huimin_store::{IndexValue, Match, SearchClause, SearchQuery};
use serde_json::Value;

use super::access::{Op, Scope, authorize};
use super::controls::{Controls, Include};
use super::handlers::view;
use super::index;
use super::kinds::{Access, KindSpec, ParamKind, by_name};
use super::params::bad;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// The most resources one `_revinclude` adds to a page.
pub const MAX_REVINCLUDED: u32 = 500;

/// A resource added to a searchset beside the matches.
#[derive(Clone, Debug)]
pub struct Included {
    pub resource_type: String,
    pub id: String,
    pub resource: Value,
}

/// The Reference parameters of a registry type, as `_include` and `_revinclude` name them.
pub fn reference_params(kind: &KindSpec) -> impl Iterator<Item = (&'static str, &'static str)> {
    kind.params.iter().filter_map(|p| match p.kind {
        ParamKind::Reference(target) => Some((p.name, target)),
        _ => None,
    })
}

/// The refusal of an include value a type does not serve (lenient handling ignores it).
pub fn unsupported(key: &str, include: &Include, served: &[String]) -> ApiError {
    let list = if served.is_empty() {
        "（无）/ none".to_owned()
    } else {
        served.join(", ")
    };
    bad(
        key,
        format!("不支持 {key}={}；支持：{list}", include.text()),
        format!("Unsupported {key}={}; supported: {list}", include.text()),
    )
}

/// `_include=Kind:param[:Target]` for a page of `kind`'s matches: the referenced registry
/// resources the caller may see.
pub async fn includes_of(
    state: &AppState,
    ctx: &Ctx,
    kind: &KindSpec,
    controls: &mut Controls,
    matches: &[(String, Value)],
) -> Result<Vec<Included>, ApiError> {
    let served: Vec<String> = reference_params(kind)
        .map(|(p, _)| format!("{}:{p}", kind.name))
        .collect();
    let mut references = BTreeSet::new();
    for include in controls.include.clone() {
        let def = kind.params.iter().find(|p| {
            include.source == kind.name
                && p.name == include.param
                && matches!(p.kind, ParamKind::Reference(_))
        });
        let Some(def) = def else {
            controls.refuse_or_ignore(unsupported("_include", &include, &served))?;
            continue;
        };
        for (_, resource) in matches {
            let mut out = Vec::new();
            for dotted in def.paths {
                let path: Vec<&str> = dotted.split('.').collect();
                index::references(resource, def.name, &path, &mut out);
            }
            for entry in out {
                if let IndexValue::Plain(reference) = entry.value
                    && reference
                        .split_once('/')
                        .is_some_and(|(t, _)| include.admits(t))
                {
                    references.insert(reference);
                }
            }
        }
    }
    registry(state, ctx, references).await
}

/// `_revinclude=Source:param` for a page of `kind`'s matches: registry resources of `Source`
/// whose `param` refers to one of them, at most [`MAX_REVINCLUDED`].
pub async fn revincludes_of(
    state: &AppState,
    ctx: &Ctx,
    kind: &KindSpec,
    controls: &mut Controls,
    matches: &[(String, Value)],
) -> Result<Vec<Included>, ApiError> {
    let mut found = Vec::new();
    for include in controls.revinclude.clone() {
        let source = by_name(&include.source).filter(|source| {
            include.admits(kind.name)
                && reference_params(source)
                    .any(|(p, target)| p == include.param && target == kind.name)
        });
        let Some(source) = source else {
            let served = revinclude_names(kind);
            controls.refuse_or_ignore(unsupported("_revinclude", &include, &served))?;
            continue;
        };
        let Ok(scope) = authorize(source, Op::Search, ctx) else {
            continue;
        };
        let mut clauses = vec![SearchClause {
            param: include.param.clone(),
            any_of: matches
                .iter()
                .map(|(id, _)| Match::Exact(IndexValue::Plain(format!("{}/{id}", kind.name))))
                .collect(),
            negated: false,
        }];
        if let Scope::Only(ids) = scope {
            clauses.push(id_clause(&ids));
        }
        let query = SearchQuery {
            clauses,
            count: MAX_REVINCLUDED,
            ..SearchQuery::default()
        };
        let result = state.store.search_resources(source.name, &query).await?;
        let items: Vec<Included> = result
            .items
            .into_iter()
            .map(|stored| Included {
                resource_type: source.name.to_owned(),
                id: stored.id,
                resource: view(source, ctx, stored.content),
            })
            .collect();
        audit_included(state, ctx, source, &items).await?;
        found.extend(items);
    }
    Ok(found)
}

/// The `_revinclude` values a registry type serves: every registry type's reference
/// parameter that points at it.
pub fn revinclude_names(kind: &KindSpec) -> Vec<String> {
    super::kinds::all()
        .into_iter()
        .flat_map(|source| {
            reference_params(source)
                .filter(|(_, target)| *target == kind.name)
                .map(|(p, _)| format!("{}:{p}", source.name))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn id_clause(ids: &[String]) -> SearchClause {
    SearchClause {
        param: "_id".into(),
        any_of: ids
            .iter()
            .map(|id| Match::Exact(IndexValue::Plain(id.clone())))
            .collect(),
        negated: false,
    }
}

/// The registry resources named by `references` (`Type/id`) that the caller may see, as they
/// may see them. A type the caller may not read, or a record outside their scope, is left
/// out exactly as a missing one is.
pub async fn registry(
    state: &AppState,
    ctx: &Ctx,
    references: impl IntoIterator<Item = String>,
) -> Result<Vec<Included>, ApiError> {
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for reference in references {
        if let Some((kind, id)) = reference.split_once('/')
            && super::kinds::is_valid_id(id)
        {
            by_type
                .entry(kind.to_owned())
                .or_default()
                .push(id.to_owned());
        }
    }
    let mut found = Vec::new();
    for (name, ids) in by_type {
        let Some(kind) = by_name(&name) else {
            continue;
        };
        let Ok(scope) = authorize(kind, Op::Read, ctx) else {
            continue;
        };
        let ids: Vec<String> = ids.into_iter().filter(|id| scope.allows(id)).collect();
        let mut items = Vec::new();
        for chunk in ids.chunks(super::filters::MAX_OR_VALUES) {
            let query = SearchQuery {
                clauses: vec![id_clause(chunk)],
                count: chunk.len() as u32,
                ..SearchQuery::default()
            };
            let result = state.store.search_resources(kind.name, &query).await?;
            items.extend(result.items.into_iter().map(|stored| Included {
                resource_type: kind.name.to_owned(),
                id: stored.id,
                resource: view(kind, ctx, stored.content),
            }));
        }
        audit_included(state, ctx, kind, &items).await?;
        found.extend(items);
    }
    Ok(found)
}

/// Personal records reached through an include are audited as reads, in one entry.
async fn audit_included(
    state: &AppState,
    ctx: &Ctx,
    kind: &KindSpec,
    items: &[Included],
) -> Result<(), ApiError> {
    if kind.access != Access::PatientData || items.is_empty() {
        return Ok(());
    }
    let what = items
        .iter()
        .map(|i| format!("{}/{}", i.resource_type, i.id))
        .collect::<Vec<_>>()
        .join(",");
    audit::record(state, ctx, "read", &what, SUCCESS, "_include").await
}
