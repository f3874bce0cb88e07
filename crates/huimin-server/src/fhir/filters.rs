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
    }
}

pub fn clause(kind: &KindSpec, key: &str, value: &str) -> Result<SearchClause, ApiError> {
    let (name, modifier) = match key.split_once(':') {
        Some((n, m)) => (n, Some(m)),
        None => (key, None),
    };
    let def = if name == ID.name {
        &ID
    } else {
        kind.param(name).ok_or_else(|| unknown(kind, key, name))?
    };
    if let Some(m) = modifier.filter(|m| !modifiers(def.kind).contains(m)) {
        let served = modifiers(def.kind)
            .iter()
            .map(|m| format!(":{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(bad(
            key,
            format!("参数 {name} 不支持修饰符 :{m}；支持：{served}"),
            format!("Parameter {name} does not support the :{m} modifier; supported: {served}"),
        ));
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

fn unknown(kind: &KindSpec, key: &str, name: &str) -> ApiError {
    let known: Vec<&str> = kind.params.iter().map(|p| p.name).collect();
    bad(
        key,
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
    )
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
        });
    }
    Ok((any_of, negated))
}

/// The index token of a token search value, as R4 reads it: `system|code`, `|code` (a code
/// without a system), `code` (any system, indexed as `*|code`) and `system|` (any code in the
/// system). `normal` puts the code in the form the index holds.
fn token(key: &str, value: &str, normal: impl Fn(&str) -> String) -> Result<String, ApiError> {
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
