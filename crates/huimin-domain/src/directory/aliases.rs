//! Other names of departments, by national code, from `data/department-aliases.toml`: the
//! names patients and other hospitals use (心内 for 心血管内科, 牙科 for 口腔科) and the few
//! everyday words a hospital's signage pairs with one department (牙疼). The directory search
//! finds a department by them, whatever the hospital named it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::DepartmentCode;

const DATA: &str = include_str!("../../data/department-aliases.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Aliases {
    names: BTreeMap<String, Vec<String>>,
    words: BTreeMap<String, Vec<String>>,
}

/// The file, read once; a test proves it reads, so the `expect` cannot fire in a build.
static ALIASES: LazyLock<Aliases> =
    LazyLock::new(|| toml::from_str(DATA).expect("data/department-aliases.toml reads (tested)"));

/// Every other name and word for the department with `code`, and the catalogue's own name
/// (呼吸内科专业 as 呼吸内科) when it is not the hospital's.
pub fn aliases_of(code: &DepartmentCode) -> Vec<&'static str> {
    let catalogue = super::department::entry(code.as_str());
    let listed = [&ALIASES.names, &ALIASES.words]
        .into_iter()
        .filter_map(|table| table.get(code.as_str()))
        .flatten()
        .map(String::as_str);
    catalogue
        .map(|(_, zh, _)| zh.strip_suffix("专业").unwrap_or(zh))
        .into_iter()
        .chain(listed)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn the_file_reads_and_every_code_is_in_the_catalogue() {
        for table in [&ALIASES.names, &ALIASES.words] {
            for (code, names) in table {
                assert!(DepartmentCode::parse(code).is_ok(), "{code}");
                assert!(!names.is_empty() && names.iter().all(|n| !n.trim().is_empty()));
            }
        }
    }

    #[test]
    fn no_word_names_two_departments() {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for table in [&ALIASES.names, &ALIASES.words] {
            for (code, names) in table {
                for name in names {
                    let before = seen.insert(name, code);
                    assert!(
                        before.is_none_or(|c| c == code),
                        "{name}: {before:?} and {code}"
                    );
                }
            }
        }
    }

    #[test]
    fn common_names_lead_to_their_departments() {
        let of = |code: &str| aliases_of(&DepartmentCode::parse(code).unwrap());
        assert!(of("03.04").contains(&"心内"));
        assert!(
            of("03.04").contains(&"心血管内科"),
            "the catalogue's name, 专业 dropped"
        );
        assert!(of("03.02").contains(&"消化科"));
        assert!(of("11").contains(&"耳鼻喉"));
        assert!(of("12").contains(&"牙科") && of("12").contains(&"牙疼"));
        for symptom in ["头痛", "发烧", "咳嗽"] {
            let named = DepartmentCode::catalog()
                .iter()
                .any(|(code, _, _)| of(code).contains(&symptom));
            assert!(!named, "{symptom} is triage's to judge");
        }
    }
}
