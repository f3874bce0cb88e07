//! FHIR search parameters of the registry's types → a storage query. Unknown parameters and
//! modifiers are refused (400) rather than ignored: silently ignoring a misspelt filter would
//! return more records than asked for; a client that prefers `handling=lenient` has them
//! ignored and is told so in the Bundle. What one filter parameter matches is `filters.rs`,
//! what every search shares `controls.rs`.

use huimin_domain::i18n::Text;
use huimin_store::{SearchQuery, SortField, SortKey};

use super::controls::{Controls, Summary};
use super::filters::{MAX_FILTERS, clause, served};
use super::kinds::KindSpec;
use crate::error::ApiError;

pub use super::controls::{DEFAULT_COUNT, MAX_COUNT};

/// The `_sort` keys served, as the CapabilityStatement and errors list them.
pub const SORT_KEYS: &str = "_id, -_id, _lastUpdated, -_lastUpdated";

/// A 400 naming the parameter (`expression`) as the client wrote it.
pub fn bad(key: &str, zh: String, en: String) -> ApiError {
    ApiError::bad_request(Text::new(zh, en)).at(key)
}

/// The storage query of a search of `kind`: its filters and sort keys read (an unknown one
/// refused, or ignored under lenient handling), the page as the controls say.
pub fn parse(
    kind: &KindSpec,
    controls: &mut Controls,
    clock: &huimin_clock::Clock,
) -> Result<SearchQuery, ApiError> {
    let mut query = SearchQuery {
        count: controls.count,
        offset: controls.offset,
        ..SearchQuery::default()
    };
    if controls.summary == Summary::Count {
        query.count = 0;
    }
    for (name, descending) in controls.sort.clone() {
        match sort_field(&name) {
            Some(field) => query.sort.push(SortKey { field, descending }),
            None => controls.refuse_or_ignore(bad(
                "_sort",
                format!("不支持的排序：{name}（支持 {SORT_KEYS}）"),
                format!("Unsupported _sort: {name} (use {SORT_KEYS})"),
            ))?,
        }
    }
    for (key, value) in controls.filters.clone() {
        if let Err(unknown) = served(kind, &key) {
            controls.refuse_or_ignore(unknown)?;
            continue;
        }
        if query.clauses.len() == MAX_FILTERS {
            return Err(bad(
                &key,
                format!("一次搜索最多 {MAX_FILTERS} 个筛选参数"),
                format!("A search takes at most {MAX_FILTERS} filter parameters"),
            ));
        }
        query.clauses.push(clause(kind, &key, &value, clock)?);
    }
    Ok(query)
}

fn sort_field(name: &str) -> Option<SortField> {
    match name {
        "_id" => Some(SortField::Id),
        "_lastUpdated" => Some(SortField::LastUpdated),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::kinds::PATIENT;
    use axum::http::HeaderMap;

    fn controls(list: &[(&str, &str)], lenient: bool) -> Controls {
        let pairs: Vec<(String, String)> = list
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut headers = HeaderMap::new();
        if lenient {
            headers.insert("prefer", "handling=lenient".parse().unwrap());
        }
        Controls::read(&pairs, &headers).unwrap()
    }

    fn parse_(kind: &KindSpec, controls: &mut Controls) -> Result<SearchQuery, ApiError> {
        parse(kind, controls, &huimin_clock::Clock::china())
    }

    #[test]
    fn unknown_parameters_are_refused_unless_lenient() {
        assert!(parse_(&PATIENT, &mut controls(&[("nmae", "张")], false)).is_err());
        let mut lenient = controls(&[("nmae", "张"), ("_sort", "colour"), ("name", "张")], true);
        let query = parse_(&PATIENT, &mut lenient).unwrap();
        assert_eq!(query.clauses.len(), 1);
        assert_eq!(lenient.ignored.len(), 2);
    }

    #[test]
    fn bad_values_are_refused_even_when_lenient() {
        let mut lenient = controls(&[("birthdate", "yesterday")], true);
        assert!(parse_(&PATIENT, &mut lenient).is_err());
    }

    #[test]
    fn count_is_capped_and_offset_read() {
        let query = parse_(
            &PATIENT,
            &mut controls(&[("_count", "1000"), ("_offset", "40")], false),
        )
        .unwrap();
        assert_eq!(query.count, MAX_COUNT);
        assert_eq!(query.offset, 40);
    }

    #[test]
    fn sort_lists_are_read_in_order_and_unknown_keys_refused() {
        let query = parse_(
            &PATIENT,
            &mut controls(&[("_sort", "-_lastUpdated, _id")], false),
        )
        .unwrap();
        assert_eq!(query.sort, vec![SortKey::NEWEST_FIRST, SortKey::ID]);
        assert!(parse_(&PATIENT, &mut controls(&[("_sort", "name")], false)).is_err());
    }
}
