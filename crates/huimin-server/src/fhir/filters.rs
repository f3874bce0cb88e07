//! One filter parameter of a search (`name:modifier=a,b`) → a storage clause, by the
//! parameter's FHIR type and the modifiers R4 defines for that type. A modifier this server
//! does not serve is refused, never ignored: ignoring `:not` answers the opposite question.

use huimin_store::{Bound, IndexValue, Match, SearchClause};

use super::index::{exact_param, fold, identifier_value, normalise_phone};
use super::kinds::{KindSpec, ParamDef, ParamKind, param};
use super::params::bad;
use crate::error::ApiError;

/// The logical id, searched as a token (`r.id` in storage rather than the token table).
pub const ID: ParamDef = param("_id", ParamKind::Code, &["id"], "Logical id");

/// When the current version was stored (`r.last_updated` in storage).
pub const LAST_UPDATED: ParamDef = param(
    "_lastUpdated",
    ParamKind::Instant,
    &["meta.lastUpdated"],
    "When the current version was stored (eq, ne, gt, lt, ge, le, sa, eb; dates or instants)",
);

/// The parameters every registry type answers besides its own.
pub const COMMON: [&ParamDef; 2] = [&ID, &LAST_UPDATED];

/// The most values one parameter may list (`name=a,b,…`): each is one alternative of an `OR`
/// in SQL, and SQLite refuses an expression tree past 1,000 nodes, so a longer list is a 400.
pub const MAX_OR_VALUES: usize = 100;

/// The most filter parameters one search may carry; each is one `AND`ed clause in SQL.
pub const MAX_FILTERS: usize = 20;

/// The modifiers served for a parameter type: those R4 defines for it, except token `:text`
/// and `:in`/`:below`-style terminology modifiers, which need a terminology service.
pub fn modifiers(kind: ParamKind) -> &'static [&'static str] {
    match kind {
        ParamKind::Str | ParamKind::HumanName => &["missing", "exact", "contains"],
        ParamKind::Code | ParamKind::Coding | ParamKind::Identifier | ParamKind::Phone => {
            &["missing", "not"]
        }
        ParamKind::Reference(_) | ParamKind::Date => &["missing"],
        ParamKind::Instant => &[],
    }
}

/// The parameter `key` (`name` or `name:modifier`) names among `params`, and its modifier,
/// or the 400 that says it is unknown or the modifier not served.
pub fn served_among<'p>(
    resource_type: &str,
    params: impl Iterator<Item = &'p ParamDef> + Clone,
    key: &str,
) -> Result<(&'p ParamDef, Option<&'static str>), ApiError> {
    let (name, modifier) = match key.split_once(':') {
        Some((n, m)) => (n, Some(m)),
        None => (key, None),
    };
    let Some(def) = params.clone().find(|p| p.name == name) else {
        let known: Vec<&str> = params.map(|p| p.name).collect();
        let known = known.join(", ");
        return Err(bad(
            key,
            format!("{resource_type} 不支持搜索参数 {name}；支持：{known}"),
            format!("{resource_type} has no search parameter {name}; supported: {known}"),
        ));
    };
    if let Some(m) = modifier.filter(|m| !modifiers(def.kind).contains(m)) {
        let served = modifiers(def.kind)
            .iter()
            .map(|m| format!(":{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        let served = if served.is_empty() {
            "（无）/ none".to_owned()
        } else {
            served
        };
        return Err(bad(
            key,
            format!("参数 {name} 不支持修饰符 :{m}；支持：{served}"),
            format!("Parameter {name} does not support the :{m} modifier; supported: {served}"),
        ));
    }
    // The modifier is one of the served ones, which are 'static.
    let modifier = modifier.and_then(|m| modifiers(def.kind).iter().copied().find(|s| *s == m));
    Ok((def, modifier))
}

/// Every parameter a registry type answers: the common ones, then its own.
pub fn params_of(kind: &KindSpec) -> impl Iterator<Item = &ParamDef> + Clone {
    COMMON.into_iter().chain(kind.params)
}

/// The parameter a key names for a registry type, or the 400 that refuses it (an unknown
/// parameter or modifier: what lenient handling ignores).
pub fn served<'k>(
    kind: &'k KindSpec,
    key: &str,
) -> Result<(&'k ParamDef, Option<&'static str>), ApiError> {
    served_among(kind.name, params_of(kind), key)
}

pub fn clause(
    kind: &KindSpec,
    key: &str,
    value: &str,
    clock: &huimin_clock::Clock,
) -> Result<SearchClause, ApiError> {
    let (def, modifier) = served(kind, key)?;
    let name = def.name;
    if def.kind == ParamKind::Instant {
        return last_updated(key, value, clock);
    }
    let values: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err(bad(
            key,
            format!("搜索参数 {key} 没有值"),
            format!("Search parameter {key} has no value"),
        ));
    }
    if values.len() > MAX_OR_VALUES {
        return Err(bad(
            key,
            format!(
                "搜索参数 {name} 最多列出 {MAX_OR_VALUES} 个值，收到 {}",
                values.len()
            ),
            format!(
                "Search parameter {name} lists at most {MAX_OR_VALUES} values; got {}",
                values.len()
            ),
        ));
    }
    let (any_of, negated) = match modifier {
        Some("missing") => missing(key, &values)?,
        _ => matches_of(def, key, modifier, &values, kind.sealed)?,
    };
    let param = match modifier {
        Some("exact") => exact_param(def.name),
        _ => def.name.to_owned(),
    };
    Ok(SearchClause {
        param,
        any_of,
        negated,
    })
}

/// `_lastUpdated`: comma-separated values are alternatives.
fn last_updated(
    key: &str,
    value: &str,
    clock: &huimin_clock::Clock,
) -> Result<SearchClause, ApiError> {
    let values: Vec<&str> = value.split(',').map(str::trim).collect();
    let several = values.len() > 1;
    let mut any_of = Vec::new();
    let mut negated = false;
    for v in values {
        let date = super::dates::parse(key, v, clock)?;
        let bounds = date.bounds();
        if bounds.negated && several {
            return Err(bad(
                key,
                format!("{key} 的 ne 前缀不能与其他值并列"),
                format!("{key} with the ne prefix takes one value"),
            ));
        }
        negated |= bounds.negated;
        let (mut from, mut until) = (None, None);
        for (_, after, micros) in bounds.parts {
            if after {
                from = Some(micros);
            } else {
                until = Some(micros);
            }
        }
        any_of.push(Match::Within { from, until });
    }
    Ok(SearchClause {
        param: LAST_UPDATED.name.to_owned(),
        any_of,
        negated,
    })
}

/// `:missing=true` — no value at all (no token); `:missing=false` — some value.
fn missing(key: &str, values: &[&str]) -> Result<(Vec<Match>, bool), ApiError> {
    match values {
        ["true"] => Ok((vec![Match::Any], true)),
        ["false"] => Ok((vec![Match::Any], false)),
        _ => Err(bad(
            key,
            format!("{key} 的值须为 true 或 false"),
            format!("{key} must be true or false"),
        )),
    }
}

/// What a parameter's values match, by the parameter's kind and modifier, and whether the
/// clause is negated (`:not`, `ne`).
fn matches_of(
    def: &ParamDef,
    key: &str,
    modifier: Option<&str>,
    values: &[&str],
    blind: bool,
) -> Result<(Vec<Match>, bool), ApiError> {
    let tokenish = |v: String| {
        if blind {
            IndexValue::Blind(v)
        } else {
            IndexValue::Plain(v)
        }
    };
    let mut negated = modifier == Some("not");
    let mut any_of = Vec::new();
    for v in values {
        any_of.push(match def.kind {
            ParamKind::Str | ParamKind::HumanName => match modifier {
                Some("exact") => Match::Exact(IndexValue::Plain((*v).to_owned())),
                Some("contains") => Match::Contains(fold(v)),
                _ => Match::Prefix(fold(v)),
            },
            ParamKind::Code => Match::Exact(IndexValue::Plain((*v).to_owned())),
            ParamKind::Coding => Match::Exact(IndexValue::Plain(token(key, v, str::to_owned)?)),
            ParamKind::Identifier => Match::Exact(tokenish(token(key, v, identifier_value)?)),
            ParamKind::Phone => Match::Exact(tokenish(normalise_phone(v))),
            ParamKind::Reference(target) => {
                Match::Exact(IndexValue::Plain(reference_token(target, v)))
            }
            ParamKind::Date => {
                let (m, ne) = date_match(def.name, v)?;
                negated |= ne;
                m
            }
            ParamKind::Instant => unreachable!("instants are read by `last_updated`"),
        });
    }
    Ok((any_of, negated))
}

/// The index token of a token search value, as R4 reads it: `system|code`, `|code` (a code
/// without a system), `code` (any system, indexed as `*|code`) and `system|` (any code in the
/// system). `normal` puts the code in the form the index holds.
pub fn token(key: &str, value: &str, normal: impl Fn(&str) -> String) -> Result<String, ApiError> {
    match value.split_once('|') {
        None => Ok(format!("*|{}", normal(value))),
        Some(("", "")) => Err(bad(
            key,
            format!("{key} 须含系统或代码：system|code、|code、code 或 system|"),
            format!("{key} needs a system or a code: system|code, |code, code or system|"),
        )),
        Some((system, "")) => Ok(format!("{system}|")),
        Some((system, code)) => Ok(format!("{system}|{}", normal(code))),
    }
}

pub fn reference_token(target: &str, value: &str) -> String {
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
            name,
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
                name,
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

    fn clause(kind: &KindSpec, key: &str, value: &str) -> Result<SearchClause, ApiError> {
        super::clause(kind, key, value, &huimin_clock::Clock::china())
    }

    #[test]
    fn token_values_read_as_r4_says() {
        let same = str::to_owned;
        assert_eq!(token("k", "s|c", same).unwrap(), "s|c");
        assert_eq!(token("k", "|c", same).unwrap(), "|c");
        assert_eq!(token("k", "c", same).unwrap(), "*|c");
        assert_eq!(token("k", "s|", same).unwrap(), "s|");
        assert!(token("k", "|", same).is_err());
    }

    #[test]
    fn modifiers_outside_the_type_are_refused() {
        assert!(clause(&PATIENT, "_id:not", "a").unwrap().negated);
        assert!(clause(&PATIENT, "_id:foo", "a").is_err());
        assert!(clause(&PATIENT, "gender:exact", "male").is_err());
        assert!(clause(&PATIENT, "name:not", "张").is_err());
        assert!(clause(&PATIENT, "birthdate:missing", "maybe").is_err());
        let absent = clause(&PATIENT, "birthdate:missing", "true").unwrap();
        assert_eq!((absent.any_of, absent.negated), (vec![Match::Any], true));
    }

    #[test]
    fn last_updated_compares_instants_and_takes_no_modifier() {
        let found = clause(&PATIENT, "_lastUpdated", "ge2026-12-08").unwrap();
        assert_eq!(found.param, "_lastUpdated");
        assert!(matches!(
            found.any_of[0],
            Match::Within {
                from: Some(_),
                until: None
            }
        ));
        assert!(clause(&PATIENT, "_lastUpdated:missing", "true").is_err());
        assert!(clause(&PATIENT, "_lastUpdated", "ne2026,2027").is_err());
    }

    #[test]
    fn patient_identifiers_are_searched_blind() {
        let parsed = clause(
            &PATIENT,
            "identifier",
            "urn:huimin:sid:cn-resident-id|11010519491231002x",
        )
        .unwrap();
        assert_eq!(
            parsed.any_of[0],
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
