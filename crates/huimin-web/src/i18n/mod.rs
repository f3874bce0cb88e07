//! The pages' words in Chinese and English. Data from the API (department names, rule
//! messages) arrives already in the visitor's language; this is only the pages' own text.
//! The texts are kept by the area of the pages that shows them. A test checks that every key
//! the templates and handlers use is here.

mod account;
mod admin;
mod billing;
mod common;
mod deliveries;
mod hospital;
mod orders;
mod patient;
mod pay;
mod prescriptions;
mod queue;
mod recognition;
mod reconciliation;
mod records;
mod results;
mod search;
mod staff;

use std::collections::HashMap;
use std::sync::OnceLock;

use huimin_domain::i18n::Lang;

/// Every area's (key, 中文, English).
fn messages() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    [
        common::MESSAGES,
        account::MESSAGES,
        hospital::MESSAGES,
        patient::MESSAGES,
        queue::MESSAGES,
        records::MESSAGES,
        orders::MESSAGES,
        results::MESSAGES,
        prescriptions::MESSAGES,
        recognition::MESSAGES,
        reconciliation::MESSAGES,
        deliveries::MESSAGES,
        search::MESSAGES,
        staff::MESSAGES,
        billing::MESSAGES,
        pay::MESSAGES,
        admin::MESSAGES,
    ]
    .into_iter()
    .flatten()
}

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| messages().map(|(k, zh, en)| (*k, (*zh, *en))).collect())
}

/// One of two texts of data that comes in both languages; Chinese when there is no English.
pub fn pick<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En if !en.is_empty() => en,
        _ => zh,
    }
}

/// The message `key` in `lang`; an unknown key shows itself (and fails the key test).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match table().get(key) {
        Some((zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => {
            tracing::warn!(key, "missing page text");
            "…"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        assert_eq!(table().len(), messages().count(), "a key appears twice");
        for (key, zh, en) in messages() {
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
        }
    }

    /// Every `c.t("…")` in a template and `t(…, "…")` in a handler names a message.
    #[test]
    fn every_key_used_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        let mut dirs = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    sources.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        assert!(sources.len() > 50, "the pages' sources were not found");
        let mut missing = Vec::new();
        for text in &sources {
            for marker in ["t(\"", "lang, \""] {
                for piece in text.split(marker).skip(1) {
                    let key = piece.split('"').next().unwrap_or_default();
                    let looks_like_key = key.contains('.')
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || "._-".contains(c))
                        && !key.ends_with('.');
                    if looks_like_key && !table().contains_key(key) {
                        missing.push(key.to_owned());
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "missing page texts: {missing:?}");
    }
}
