//! Extracting search-index tokens from resource JSON. The JSON has already passed the typed
//! parse, so shapes are known to be right; these helpers only walk them.

use huimin_store::IndexEntry;
use serde_json::Value;

/// Values at a path, flattening arrays at every step (`name` → every HumanName).
pub fn each<'a>(value: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut current = vec![value];
    for key in path {
        let mut next = Vec::new();
        for v in current {
            match v.get(key) {
                Some(Value::Array(items)) => next.extend(items.iter()),
                Some(other) => next.push(other),
                None => {}
            }
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        })
        .collect()
}

pub fn strings(value: &Value, path: &[&str]) -> Vec<String> {
    each(value, path)
        .into_iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
        .collect()
}

/// Lower-cased, trimmed: string search is case-insensitive.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Tokens for every part of the HumanName elements at the path: text, family, given, and the
/// whole name as Chinese writes it (family+given, no space) and as Latin names do.
pub fn human_names(value: &Value, param: &str, path: &[&str], out: &mut Vec<IndexEntry>) {
    for name in each(value, path) {
        let family = name.get("family").and_then(Value::as_str).unwrap_or("");
        let given: Vec<String> = strings(name, &["given"]);
        let mut parts: Vec<String> = name
            .get("text")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .into_iter()
            .collect();
        parts.push(family.to_owned());
        parts.extend(given.iter().cloned());
        if !family.is_empty() && !given.is_empty() {
            parts.push(format!("{family}{}", given.join("")));
            parts.push(format!("{} {family}", given.join(" ")));
        }
        for part in parts.iter().filter(|p| !p.is_empty()) {
            string_tokens(param, part, out);
        }
    }
}

/// Plain string tokens (e.g. Organization.name and its aliases).
pub fn plain_strings(value: &Value, param: &str, path: &[&str], out: &mut Vec<IndexEntry>) {
    for s in strings(value, path) {
        string_tokens(param, &s, out);
    }
}

/// A string is indexed folded (prefix and `:contains` search, case-insensitive) and as
/// written under `{param}:exact` (`:exact` search compares case and accents).
fn string_tokens(param: &str, text: &str, out: &mut Vec<IndexEntry>) {
    out.push(IndexEntry::plain(param, fold(text)));
    out.push(IndexEntry::plain(&exact_param(param), text.trim()));
}

/// The index parameter of a string parameter's values as written.
pub fn exact_param(param: &str) -> String {
    format!("{param}:exact")
}

/// Exact code tokens without a system (gender, active, status).
pub fn codes(value: &Value, param: &str, path: &[&str], out: &mut Vec<IndexEntry>) {
    for s in strings(value, path) {
        out.push(IndexEntry::plain(param, s));
    }
}

/// `system|code`, `*|code` and `system|` for every Coding of the CodeableConcepts at the path.
pub fn codings(value: &Value, param: &str, path: &[&str], out: &mut Vec<IndexEntry>) {
    for concept in each(value, path) {
        for coding in each(concept, &["coding"]) {
            let Some(code) = coding.get("code").and_then(Value::as_str) else {
                continue;
            };
            let system = coding.get("system").and_then(Value::as_str).unwrap_or("");
            out.push(IndexEntry::plain(param, format!("{system}|{code}")));
            out.push(IndexEntry::plain(param, format!("*|{code}")));
            if !system.is_empty() {
                out.push(IndexEntry::plain(param, format!("{system}|")));
            }
        }
    }
}

/// Identifier tokens, blind when the resource holds personal data. Values are upper-cased
/// so that a resident ID ending in x or X is one identifier.
pub fn identifiers(
    value: &Value,
    param: &str,
    path: &[&str],
    blind: bool,
    out: &mut Vec<IndexEntry>,
) {
    for identifier in each(value, path) {
        let Some(v) = identifier.get("value").and_then(Value::as_str) else {
            continue;
        };
        let system = identifier
            .get("system")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut tokens = identifier_tokens(system, v).to_vec();
        if !system.is_empty() {
            // `system|` finds every identifier in the system (a blind index cannot match
            // prefixes, so the system gets its own token).
            tokens.push(format!("{system}|"));
        }
        for token in tokens {
            out.push(if blind {
                IndexEntry::blind(param, token)
            } else {
                IndexEntry::plain(param, token)
            });
        }
    }
}

pub fn identifier_tokens(system: &str, value: &str) -> [String; 2] {
    let value = identifier_value(value);
    [format!("{system}|{value}"), format!("*|{value}")]
}

/// Identifier values compare trimmed and upper-cased.
pub fn identifier_value(value: &str) -> String {
    value.trim().to_uppercase()
}

/// Phone numbers from `telecom`, normalised (`+86 138-0013-8000` → `13800138000`).
pub fn phones(value: &Value, param: &str, path: &[&str], blind: bool, out: &mut Vec<IndexEntry>) {
    for telecom in each(value, path) {
        let system = telecom.get("system").and_then(Value::as_str).unwrap_or("");
        if !matches!(system, "phone" | "sms") {
            continue;
        }
        let Some(v) = telecom.get("value").and_then(Value::as_str) else {
            continue;
        };
        let token = normalise_phone(v);
        out.push(if blind {
            IndexEntry::blind(param, token)
        } else {
            IndexEntry::plain(param, token)
        });
    }
}

pub fn normalise_phone(raw: &str) -> String {
    match huimin_domain::phone::Phone::parse(raw) {
        Ok(phone) => phone.as_str().to_owned(),
        Err(_) => raw.chars().filter(char::is_ascii_digit).collect(),
    }
}

/// `Type/id` tokens from Reference elements.
pub fn references(value: &Value, param: &str, path: &[&str], out: &mut Vec<IndexEntry>) {
    for reference in each(value, path) {
        if let Some(r) = reference.get("reference").and_then(Value::as_str) {
            out.push(IndexEntry::plain(param, r.to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn chinese_names_are_indexed_whole_and_by_part() {
        let patient = json!({"name": [{"text": "张三", "family": "张", "given": ["三"]}]});
        let mut out = Vec::new();
        human_names(&patient, "name", &["name"], &mut out);
        let names: Vec<_> = out
            .iter()
            .filter(|e| e.param == "name")
            .map(|e| e.value.clone())
            .collect();
        assert!(names.contains(&huimin_store::IndexValue::Plain("张三".into())));
        assert!(names.contains(&huimin_store::IndexValue::Plain("三".into())));
    }

    #[test]
    fn codings_index_with_and_without_system() {
        let role = json!({"specialty": [{"coding": [{"system": "s", "code": "c"}]}]});
        let mut out = Vec::new();
        codings(&role, "specialty", &["specialty"], &mut out);
        let values: Vec<_> = out.iter().map(|e| e.value.clone()).collect();
        let plain = |v: &str| huimin_store::IndexValue::Plain(v.into());
        assert_eq!(values, vec![plain("s|c"), plain("*|c"), plain("s|")]);
    }
}
