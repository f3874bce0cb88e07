//! FHIR search parameters → a storage query. Unknown parameters and modifiers are refused (400)
//! rather than ignored: silently ignoring a misspelt filter would return more records than
//! asked for. What one filter parameter matches is `filters.rs`.

use huimin_domain::i18n::Text;
use huimin_store::{SearchQuery, SortField, SortKey};

use super::filters::{MAX_FILTERS, clause};
use super::kinds::KindSpec;
use crate::error::ApiError;

pub const DEFAULT_COUNT: u32 = 20;
pub const MAX_COUNT: u32 = 100;

/// Parameters that shape the result rather than filter it.
const RESULT_PARAMS: &[&str] = &[
    "_count", "_offset", "_sort", "_total", "_format", "_summary", "lang",
];

/// The `_sort` keys served, as the CapabilityStatement and errors list them.
pub const SORT_KEYS: &str = "_id, -_id, _lastUpdated, -_lastUpdated";

#[derive(Debug)]
pub struct ParsedSearch {
    pub query: SearchQuery,
    /// `_summary=count`: only the total.
    pub count_only: bool,
    /// Every parameter as given except `_count` and `_offset`, which each paging link sets:
    /// a link that dropped one (`_sort` above all) would page through another result.
    pub link_params: Vec<(String, String)>,
}

/// A 400 naming the parameter (`expression`) as the client wrote it.
pub fn bad(key: &str, zh: String, en: String) -> ApiError {
    ApiError::bad_request(Text::new(zh, en)).at(key)
}

pub fn parse(kind: &KindSpec, pairs: &[(String, String)]) -> Result<ParsedSearch, ApiError> {
    let mut query = SearchQuery {
        count: DEFAULT_COUNT,
        ..SearchQuery::default()
    };
    let mut count_only = false;
    let mut link_params = Vec::new();
    for (key, value) in pairs {
        if super::kinds::has_control_chars(key) || super::kinds::has_control_chars(value) {
            return Err(ApiError::bad_request(Text::new(
                format!("搜索参数 {} 含有控制字符", key.escape_debug()),
                format!(
                    "Search parameter {} contains control characters",
                    key.escape_debug()
                ),
            )));
        }
        if key != "_count" && key != "_offset" {
            link_params.push((key.clone(), value.clone()));
        }
        match key.as_str() {
            "_count" => query.count = whole_number(key, value)?.min(MAX_COUNT),
            "_offset" => query.offset = whole_number(key, value)?,
            "_sort" => query.sort = sort_keys(value)?,
            "_summary" => match value.as_str() {
                "count" => count_only = true,
                "false" => {}
                other => {
                    return Err(bad(
                        key,
                        format!("不支持的 _summary：{other}（支持 count、false）"),
                        format!("Unsupported _summary: {other} (use count or false)"),
                    ));
                }
            },
            // Totals are always counted exactly, which every mode allows.
            "_total" if !matches!(value.as_str(), "none" | "estimate" | "accurate") => {
                return Err(bad(
                    key,
                    format!("不支持的 _total：{value}（支持 none、estimate、accurate）"),
                    format!("Unsupported _total: {value} (use none, estimate or accurate)"),
                ));
            }
            "_format" => {
                if !value.contains("json") {
                    return Err(ApiError::new(
                        axum::http::StatusCode::NOT_ACCEPTABLE,
                        "not-supported",
                        Text::new("仅支持 JSON 格式", "Only JSON is supported"),
                    ));
                }
            }
            k if RESULT_PARAMS.contains(&k) => {}
            _ if query.clauses.len() == MAX_FILTERS => {
                return Err(bad(
                    key,
                    format!("一次搜索最多 {MAX_FILTERS} 个筛选参数"),
                    format!("A search takes at most {MAX_FILTERS} filter parameters"),
                ));
            }
            _ => query.clauses.push(clause(kind, key, value)?),
        }
    }
    Ok(ParsedSearch {
        query,
        count_only,
        link_params,
    })
}

fn whole_number(key: &str, value: &str) -> Result<u32, ApiError> {
    value.parse().map_err(|_| {
        bad(
            key,
            format!("{key} 须为非负整数：{value}"),
            format!("{key} must be a whole number: {value}"),
        )
    })
}

/// `_sort=-_lastUpdated,_id`: keys in order, `-` for descending.
fn sort_keys(value: &str) -> Result<Vec<SortKey>, ApiError> {
    value
        .split(',')
        .map(|raw| {
            let raw = raw.trim();
            let (descending, name) = match raw.strip_prefix('-') {
                Some(name) => (true, name),
                None => (false, raw),
            };
            let field = match name {
                "_id" => SortField::Id,
                "_lastUpdated" => SortField::LastUpdated,
                _ => {
                    return Err(bad(
                        "_sort",
                        format!("不支持的排序：{raw}（支持 {SORT_KEYS}）"),
                        format!("Unsupported _sort: {raw} (use {SORT_KEYS})"),
                    ));
                }
            };
            Ok(SortKey { field, descending })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::kinds::PATIENT;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn unknown_parameters_are_refused() {
        assert!(parse(&PATIENT, &pairs(&[("nmae", "张")])).is_err());
    }

    #[test]
    fn count_is_capped_and_offset_read() {
        let parsed = parse(&PATIENT, &pairs(&[("_count", "1000"), ("_offset", "40")])).unwrap();
        assert_eq!(parsed.query.count, MAX_COUNT);
        assert_eq!(parsed.query.offset, 40);
    }

    #[test]
    fn links_keep_every_parameter_but_the_page() {
        let given = pairs(&[
            ("_sort", "-_id"),
            ("_count", "7"),
            ("_total", "accurate"),
            ("name:contains", "张"),
            ("_offset", "7"),
        ]);
        let parsed = parse(&PATIENT, &given).unwrap();
        assert_eq!(
            parsed.link_params,
            pairs(&[
                ("_sort", "-_id"),
                ("_total", "accurate"),
                ("name:contains", "张")
            ])
        );
        assert_eq!(
            parsed.query.sort,
            vec![SortKey {
                field: SortField::Id,
                descending: true
            }]
        );
    }

    #[test]
    fn sort_lists_are_read_in_order_and_unknown_keys_refused() {
        let keys = sort_keys("-_lastUpdated, _id").unwrap();
        assert_eq!(keys, vec![SortKey::NEWEST_FIRST, SortKey::ID]);
        assert!(sort_keys("name").is_err());
        assert!(sort_keys("").is_err());
    }
}
