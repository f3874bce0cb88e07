//! FHIR search parameters → a storage query. Unknown parameters are refused (400) rather than
//! ignored: silently ignoring a misspelt filter would return more records than asked for.

use huimin_domain::i18n::Text;
use huimin_store::{Bound, IndexValue, Match, SearchClause, SearchQuery, SortOrder};

use super::index::{fold, identifier_tokens, normalise_phone};
use super::kinds::{KindSpec, ParamDef, ParamKind};
use crate::error::ApiError;

pub const DEFAULT_COUNT: u32 = 20;
pub const MAX_COUNT: u32 = 100;

/// Parameters that shape the result rather than filter it.
const RESULT_PARAMS: &[&str] = &[
    "_count", "_offset", "_sort", "_total", "_format", "_summary", "lang",
];

#[derive(Debug)]
pub struct ParsedSearch {
    pub query: SearchQuery,
    /// `_summary=count`: only the total.
    pub count_only: bool,
    /// The filter parameters as given, for paging links.
    pub filters: Vec<(String, String)>,
}

fn bad(zh: String, en: String) -> ApiError {
    ApiError::bad_request(Text::new(zh, en))
}

pub fn parse(kind: &KindSpec, pairs: &[(String, String)]) -> Result<ParsedSearch, ApiError> {
    let mut query = SearchQuery {
        count: DEFAULT_COUNT,
        ..SearchQuery::default()
    };
    let mut count_only = false;
    let mut filters = Vec::new();
    for (key, value) in pairs {
        if super::kinds::has_control_chars(key) || super::kinds::has_control_chars(value) {
            return Err(bad(
                format!("搜索参数 {} 含有控制字符", key.escape_debug()),
                format!(
                    "Search parameter {} contains control characters",
                    key.escape_debug()
                ),
            ));
        }
        match key.as_str() {
            "_count" => {
                let n: u32 = value.parse().map_err(|_| {
                    bad(
                        format!("_count 须为非负整数：{value}"),
                        format!("_count must be a whole number: {value}"),
                    )
                })?;
                query.count = n.min(MAX_COUNT);
            }
            "_offset" => {
                query.offset = value.parse().map_err(|_| {
                    bad(
                        format!("_offset 须为非负整数：{value}"),
                        format!("_offset must be a whole number: {value}"),
                    )
                })?;
            }
            "_sort" => {
                query.sort = match value.as_str() {
                    "_lastUpdated" => SortOrder::LastUpdatedAsc,
                    "-_lastUpdated" => SortOrder::LastUpdatedDesc,
                    "_id" => SortOrder::IdAsc,
                    other => {
                        return Err(bad(
                            format!("不支持的排序：{other}"),
                            format!(
                                "Unsupported _sort: {other} (use _lastUpdated, -_lastUpdated or _id)"
                            ),
                        ));
                    }
                };
            }
            "_summary" => match value.as_str() {
                "count" => count_only = true,
                "false" => {}
                other => {
                    return Err(bad(
                        format!("不支持的 _summary：{other}"),
                        format!("Unsupported _summary: {other}"),
                    ));
                }
            },
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
            _ => {
                query.clauses.push(clause(kind, key, value)?);
                filters.push((key.clone(), value.clone()));
            }
        }
    }
    Ok(ParsedSearch {
        query,
        count_only,
        filters,
    })
}

fn clause(kind: &KindSpec, key: &str, value: &str) -> Result<SearchClause, ApiError> {
    let (name, modifier) = match key.split_once(':') {
        Some((n, m)) => (n, Some(m)),
        None => (key, None),
    };
    let values: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err(bad(
            format!("搜索参数 {key} 没有值"),
            format!("Search parameter {key} has no value"),
        ));
    }
    if name == "_id" {
        return Ok(SearchClause {
            param: "_id".into(),
            any_of: values
                .iter()
                .map(|v| Match::Exact(IndexValue::Plain((*v).to_owned())))
                .collect(),
            negated: false,
        });
    }
    let Some(def) = kind.param(name) else {
        let known: Vec<&str> = kind.params.iter().map(|p| p.name).collect();
        return Err(bad(
            format!(
                "{} 不支持搜索参数 {name}；支持：_id, {}",
                kind.name,
                known.join(", ")
            ),
            format!(
                "{} has no search parameter {name}; supported: _id, {}",
                kind.name,
                known.join(", ")
            ),
        ));
    };
    let (any_of, negated) = matches_of(def, modifier, &values, kind.sealed)?;
    Ok(SearchClause {
        param: def.name.to_owned(),
        any_of,
        negated,
    })
}

/// What a parameter's values match, by the parameter's kind and modifier, and whether the
/// clause is negated (`:not`, `ne`).
fn matches_of(
    def: &ParamDef,
    modifier: Option<&str>,
    values: &[&str],
    blind: bool,
) -> Result<(Vec<Match>, bool), ApiError> {
    let name = def.name;
    let unsupported = |m: &str| {
        bad(
            format!("参数 {name} 不支持修饰符 :{m}"),
            format!("Parameter {name} does not support the :{m} modifier"),
        )
    };
    let tokenish = |v: String| {
        if blind {
            IndexValue::Blind(v)
        } else {
            IndexValue::Plain(v)
        }
    };
    let mut negated = false;
    let any_of = match def.kind {
        ParamKind::Str | ParamKind::HumanName => values
            .iter()
            .map(|v| match modifier {
                None => Ok(Match::Prefix(fold(v))),
                Some("exact") => Ok(Match::Exact(IndexValue::Plain(fold(v)))),
                Some("contains") => Ok(Match::Contains(fold(v))),
                Some(m) => Err(unsupported(m)),
            })
            .collect::<Result<Vec<_>, _>>()?,
        ParamKind::Code | ParamKind::Coding | ParamKind::Identifier | ParamKind::Phone => {
            match modifier {
                None => {}
                Some("not") => negated = true,
                Some(m) => return Err(unsupported(m)),
            }
            values
                .iter()
                .map(|v| match def.kind {
                    ParamKind::Code => Match::Exact(IndexValue::Plain((*v).to_owned())),
                    ParamKind::Coding => Match::Exact(IndexValue::Plain(coding_token(v))),
                    ParamKind::Identifier => Match::Exact(tokenish(identifier_token(v))),
                    _ => Match::Exact(tokenish(normalise_phone(v))),
                })
                .collect()
        }
        ParamKind::Reference(target) => {
            if let Some(m) = modifier {
                return Err(unsupported(m));
            }
            values
                .iter()
                .map(|v| Match::Exact(IndexValue::Plain(reference_token(target, v))))
                .collect()
        }
        ParamKind::Date => {
            if let Some(m) = modifier {
                return Err(unsupported(m));
            }
            let mut matches = Vec::new();
            for v in values {
                let (m, ne) = date_match(name, v)?;
                negated |= ne;
                matches.push(m);
            }
            matches
        }
    };
    Ok((any_of, negated))
}

fn coding_token(value: &str) -> String {
    if value.contains('|') {
        value.to_owned()
    } else {
        format!("*|{value}")
    }
}

fn identifier_token(value: &str) -> String {
    match value.split_once('|') {
        Some((system, v)) => identifier_tokens(system, v)[0].clone(),
        None => identifier_tokens("", value)[1].clone(),
    }
}

fn reference_token(target: &str, value: &str) -> String {
    let parts: Vec<&str> = value.trim_end_matches('/').rsplit('/').take(2).collect();
    match parts.as_slice() {
        [id, kind] => format!("{kind}/{id}"),
        _ => format!("{target}/{value}"),
    }
}

/// `[prefix]YYYY[-MM[-DD]]` → a range over `YYYY-MM-DD` tokens. Text ranges work because
/// `"1990" <= "1990-05-01" <= "1990~"` (`~` sorts after every digit and `-`).
fn date_match(name: &str, raw: &str) -> Result<(Match, bool), ApiError> {
    let (prefix, date) = if raw.len() > 2 && raw.as_bytes()[..2].iter().all(u8::is_ascii_lowercase)
    {
        raw.split_at(2)
    } else {
        ("eq", raw)
    };
    let well_formed = match date.len() {
        4 => date.parse::<u16>().is_ok(),
        7 => format!("{date}-01").parse::<jiff::civil::Date>().is_ok(),
        10 => date.parse::<jiff::civil::Date>().is_ok(),
        _ => false,
    };
    if !well_formed {
        return Err(bad(
            format!("参数 {name} 的日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD：{raw}"),
            format!("{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD: {raw}"),
        ));
    }
    let start = Bound {
        value: date.to_owned(),
        inclusive: true,
    };
    let end = Bound {
        value: if date.len() == 10 {
            date.to_owned()
        } else {
            format!("{date}~")
        },
        inclusive: true,
    };
    let exclusive = |b: Bound| Bound {
        inclusive: false,
        ..b
    };
    let (lower, upper, negated) = match prefix {
        "eq" => (Some(start), Some(end), false),
        "ne" => (Some(start), Some(end), true),
        "gt" | "sa" => (Some(exclusive(end)), None, false),
        "lt" | "eb" => (None, Some(exclusive(start)), false),
        "ge" => (Some(start), None, false),
        "le" => (None, Some(end), false),
        other => {
            return Err(bad(
                format!("不支持的日期前缀：{other}"),
                format!("Unsupported date prefix: {other}"),
            ));
        }
    };
    Ok((Match::Range { lower, upper }, negated))
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
    fn patient_identifiers_are_searched_blind() {
        let parsed = parse(
            &PATIENT,
            &pairs(&[(
                "identifier",
                "urn:huimin:sid:cn-resident-id|11010519491231002x",
            )]),
        )
        .unwrap();
        assert_eq!(
            parsed.query.clauses[0].any_of[0],
            Match::Exact(IndexValue::Blind(
                "urn:huimin:sid:cn-resident-id|11010519491231002X".into()
            ))
        );
    }

    #[test]
    fn partial_dates_become_ranges() {
        let (m, negated) = date_match("birthdate", "1990").unwrap();
        assert!(!negated);
        assert_eq!(
            m,
            Match::Range {
                lower: Some(Bound {
                    value: "1990".into(),
                    inclusive: true
                }),
                upper: Some(Bound {
                    value: "1990~".into(),
                    inclusive: true
                }),
            }
        );
        assert!(date_match("birthdate", "1990-13").is_err());
        assert!(date_match("birthdate", "xx1990").is_err());
    }

    #[test]
    fn references_accept_ids_and_urls() {
        assert_eq!(reference_token("Organization", "abc"), "Organization/abc");
        assert_eq!(
            reference_token("Organization", "Organization/abc"),
            "Organization/abc"
        );
        assert_eq!(
            reference_token("Organization", "http://x/fhir/Organization/abc"),
            "Organization/abc"
        );
    }
}
