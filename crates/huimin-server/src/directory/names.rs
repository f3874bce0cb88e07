//! A department's English name: the translation of its `name` (the HL7 translation extension
//! on `_name`). A department written without one gets the English name of its national code
//! (`fhir/directory.rs` fills it in), so every reader finds one there.

use huimin_domain::directory::DepartmentCode;
use huimin_domain::i18n::Text;
use huimin_fhir::PrimitiveExtension;
use huimin_fhir::names::DEPARTMENT_CODE_SYSTEM;
use serde_json::Value;

use crate::error::Issue;
use crate::fhir::index;

/// The English translation of an Organization's name (JSON), if it has one.
pub fn department_english(org: &Value) -> Option<String> {
    let extensions = org.get("_name")?;
    let extensions: PrimitiveExtension = serde_json::from_value(extensions.clone()).ok()?;
    extensions.translated("en").map(str::to_owned)
}

/// An Organization's (JSON) name in Chinese and English; Chinese twice when it has no English.
pub fn department_text(org: &Value) -> Text {
    let zh = org["name"].as_str().unwrap_or_default().to_owned();
    let en = department_english(org).unwrap_or_else(|| zh.clone());
    Text::new(zh, en)
}

/// The national department code an Organization (JSON) carries, if any.
pub fn department_code(org: &Value) -> Option<DepartmentCode> {
    index::each(org, &["identifier"])
        .into_iter()
        .find(|i| i["system"] == DEPARTMENT_CODE_SYSTEM)
        .and_then(|i| DepartmentCode::parse(i["value"].as_str()?).ok())
}

/// Gives a department Organization (JSON) without an English name the English name of its
/// national code, so that English pages and messages never fall back to Chinese.
pub fn fill_english(org: &mut Value) {
    if department_english(org).is_some() {
        return;
    }
    if let Some(code) = department_code(org) {
        let english = PrimitiveExtension::translation("en", code.catalog_name().en);
        org["_name"] = serde_json::to_value(english).expect("serialisable");
    }
}

/// The longest English name taken.
const MAX_ENGLISH_CHARS: usize = 80;

/// A problem with an Organization's English name (JSON), if it has one: it must be written in
/// English and fit a page's line.
pub fn check_english(org: &Value) -> Option<Issue> {
    let english = department_english(org)?;
    let han = english
        .chars()
        .any(|c| matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'));
    let text = if han {
        Text::new(
            "英文名称请用英文书写，不含汉字",
            "Write the English name in English, without Chinese characters",
        )
    } else if english.chars().count() > MAX_ENGLISH_CHARS {
        Text::new(
            format!("英文名称最多 {MAX_ENGLISH_CHARS} 个字符"),
            format!("The English name has at most {MAX_ENGLISH_CHARS} characters"),
        )
    } else {
        return None;
    };
    Some(Issue::value(Some("Organization._name"), text))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_department_without_english_gets_its_codes_name_and_keeps_its_own() {
        let mut org = json!({"name": "心内二科",
            "identifier": [{"system": DEPARTMENT_CODE_SYSTEM, "value": "03.04"}]});
        assert_eq!(department_text(&org).en, "心内二科");
        fill_english(&mut org);
        assert_eq!(department_text(&org), Text::new("心内二科", "Cardiology"));
        org["_name"] =
            serde_json::to_value(PrimitiveExtension::translation("en", "Heart II")).unwrap();
        fill_english(&mut org);
        assert_eq!(department_english(&org).as_deref(), Some("Heart II"));
        assert!(check_english(&org).is_none());
        for bad in ["心内二科", &"Heart ".repeat(20)] {
            org["_name"] =
                serde_json::to_value(PrimitiveExtension::translation("en", bad)).unwrap();
            let issue = check_english(&org).expect(bad);
            assert_eq!(issue.expression.as_deref(), Some("Organization._name"));
        }
        let mut hospital = json!({"name": "惠民医院"});
        fill_english(&mut hospital);
        assert!(hospital.get("_name").is_none());
    }
}
