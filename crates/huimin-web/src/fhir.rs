//! The FHIR the pages exchange with the API. Resources `huimin-fhir` types (Patient,
//! Organization, Location, PractitionerRole, OperationOutcome) are read typed; Huimin's
//! booking resources (Schedule, Slot, Appointment), which it does not type, are read from
//! their JSON here. Also: reading extensions and references, and building a HumanName.

use huimin_domain::directory::DepartmentCode;
use huimin_domain::i18n::Lang;
use huimin_domain::person::PersonName;
use huimin_fhir::names::{DEPARTMENT_CODE_SYSTEM, DEPARTMENT_EXT, QUEUE_NUMBER_EXT};
use huimin_fhir::{
    CodeableConcept, Extension, Identifier, Location, Organization, Patient, Reference,
};
use serde_json::{Value, json};

/// An extension of a resource read as JSON.
pub fn extension<'a>(resource: &'a Value, url: &str) -> Option<&'a Value> {
    resource["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"] == url)
}

/// An extension's `valueInteger`, of a resource read as JSON.
pub fn extension_int(resource: &Value, url: &str) -> Option<i64> {
    extension(resource, url).and_then(|e| e["valueInteger"].as_i64())
}

/// An API money value (`{"value": 12.5, "currency": "CNY"}`) in fen; 0 when absent. The API
/// writes fen as yuan with at most two decimals, so rounding recovers them exactly.
pub fn fen_in(money: &Value) -> i64 {
    money["value"]
        .as_f64()
        .map_or(0, |yuan| (yuan * 100.0).round() as i64)
}

/// A `valueMoney` extension of a resource read as JSON, in fen; 0 when absent.
pub fn extension_fen(resource: &Value, url: &str) -> i64 {
    extension(resource, url).map_or(0, |e| fen_in(&e["valueMoney"]))
}

/// An appointment's queue number (0 when it has none).
pub fn queue_number(appointment: &Value) -> i64 {
    extension_int(appointment, QUEUE_NUMBER_EXT).unwrap_or(0)
}

/// The id in a reference to `kind` (`{"reference": "Patient/123"}` → `123`), read as JSON.
pub fn id_of(reference: &Value, kind: &str) -> Option<String> {
    reference["reference"]
        .as_str()
        .and_then(|r| local_id(r, kind))
}

/// The department (Organization id) of a `Schedule`, from its department extension.
pub fn department_of(schedule: &Value) -> Option<String> {
    id_of(
        &extension(schedule, DEPARTMENT_EXT)?["valueReference"],
        "Organization",
    )
}

/// The id in a typed reference to `kind`.
pub fn referenced_id(reference: Option<&Reference>, kind: &str) -> Option<String> {
    local_id(reference?.reference.as_deref()?, kind)
}

fn local_id(reference: &str, kind: &str) -> Option<String> {
    reference
        .strip_prefix(kind)?
        .strip_prefix('/')
        .map(str::to_owned)
}

/// The extension with `url` among a typed resource's extensions.
pub fn typed_extension<'a>(extensions: &'a [Extension], url: &str) -> Option<&'a Extension> {
    extensions.iter().find(|e| e.url == url)
}

/// The code of the first coding with `system` among `concepts`.
pub fn code_in<'a>(concepts: &'a [CodeableConcept], system: &str) -> Option<&'a str> {
    concepts
        .iter()
        .flat_map(|c| &c.coding)
        .find(|c| c.system.as_deref() == Some(system))
        .and_then(|c| c.code.as_deref())
}

/// The code of the first concept's first coding, whatever its system.
pub fn first_code(concepts: &[CodeableConcept]) -> Option<&str> {
    concepts.first()?.coding.first()?.code.as_deref()
}

/// The value of the first identifier with `system`.
pub fn identifier_value<'a>(identifiers: &'a [Identifier], system: &str) -> Option<&'a str> {
    identifiers
        .iter()
        .find(|i| i.system.as_deref() == Some(system))
        .and_then(|i| i.value.as_deref())
}

/// A clinical department's national code (诊疗科目), read from its identifiers.
pub fn department_code(org: &Organization) -> Option<DepartmentCode> {
    DepartmentCode::parse(identifier_value(&org.identifier, DEPARTMENT_CODE_SYSTEM)?).ok()
}

/// An organisation of type `dept` with a national department code: a clinical department.
pub fn is_department(org: &Organization) -> bool {
    first_code(&org.r#type) == Some("dept") && department_code(org).is_some()
}

/// A patient's name as written in full (`HumanName.text`).
pub fn name_text(patient: &Patient) -> &str {
    patient
        .name
        .first()
        .and_then(|n| n.text.as_deref())
        .unwrap_or_default()
}

/// The first of several optional values (an identifier's, a telecom's), or empty.
pub fn first_value<'a>(mut values: impl Iterator<Item = &'a Option<String>>) -> String {
    values.next().cloned().flatten().unwrap_or_default()
}

/// Something with a Chinese name and an English one: a department (Organization) or a room
/// (Location).
pub trait Named {
    fn name(&self) -> &str;
    /// The English name, if there is one.
    fn english(&self) -> Option<&str>;

    /// The name in the visitor's language (Chinese when there is no English one).
    fn display_name(&self, lang: Lang) -> String {
        crate::i18n::pick(lang, self.name(), self.english().unwrap_or_default()).to_owned()
    }
}

impl Named for Organization {
    fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// The name's English translation (the API gives every department one), else an alias
    /// written in ASCII (the hospital's own English name is one).
    fn english(&self) -> Option<&str> {
        let translated = self.name_ext.as_ref().and_then(|e| e.translated("en"));
        translated.or_else(|| ascii_alias(&self.alias))
    }
}

/// The first alias written in ASCII: an English name among Chinese short names.
fn ascii_alias(aliases: &[String]) -> Option<&str> {
    aliases.iter().find(|a| a.is_ascii()).map(String::as_str)
}

impl Named for Location {
    fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    fn english(&self) -> Option<&str> {
        ascii_alias(&self.alias)
    }
}

/// A concept's text in the visitor's language: its English translation on English pages
/// where there is one, else the text (or the first coding's display).
pub fn concept_text(concept: &CodeableConcept, lang: Lang) -> &str {
    let zh = concept
        .text
        .as_deref()
        .or_else(|| concept.coding.first()?.display.as_deref())
        .unwrap_or_default();
    let en = concept
        .text_ext
        .as_ref()
        .and_then(|e| e.translated("en"))
        .unwrap_or_default();
    crate::i18n::pick(lang, zh, en)
}

/// A HumanName from a name as typed, split the way the domain splits names (compound Chinese
/// surnames, Latin and dotted names). A name that does not read is sent as text alone, and
/// the API says what is wrong with it.
pub fn human_name(text: &str) -> Value {
    let text = text.trim();
    match PersonName::parse(text) {
        Ok(name) => {
            json!({"text": name.as_str(), "family": name.family(), "given": [name.given()]})
        }
        Err(_) => json!({"text": text}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_read_back_to_whole_fen() {
        assert_eq!(fen_in(&json!({"value": 0.29, "currency": "CNY"})), 29);
        assert_eq!(fen_in(&json!({"value": 1234.56})), 123_456);
        assert_eq!(fen_in(&json!({"value": 30})), 3000);
        assert_eq!(fen_in(&Value::Null), 0);
        let item = json!({"extension": [{"url": "urn:x", "valueMoney": {"value": 12.5}}]});
        assert_eq!(extension_fen(&item, "urn:x"), 1250);
        assert_eq!(extension_fen(&item, "urn:y"), 0);
    }

    #[test]
    fn names_split_as_the_domain_splits_them() {
        assert_eq!(human_name(" 欧阳娜娜 ")["family"], "欧阳");
        assert_eq!(human_name("王小明")["given"][0], "小明");
        assert_eq!(human_name("")["text"], "");
        assert!(human_name("").get("family").is_none());
    }

    #[test]
    fn references_and_extensions_read_back() {
        let appointment = json!({"extension": [{"url": QUEUE_NUMBER_EXT, "valueInteger": 7}],
            "slot": [{"reference": "Slot/s-1"}]});
        assert_eq!(queue_number(&appointment), 7);
        assert_eq!(queue_number(&json!({})), 0);
        assert_eq!(
            id_of(&appointment["slot"][0], "Slot").as_deref(),
            Some("s-1")
        );
        assert_eq!(id_of(&appointment["slot"][0], "Schedule"), None);
        let typed = Reference::to("Organization", "d-1", None);
        assert_eq!(
            referenced_id(Some(&typed), "Organization").as_deref(),
            Some("d-1")
        );
        assert_eq!(referenced_id(Some(&typed), "Org"), None);
        assert_eq!(referenced_id(None, "Organization"), None);
    }

    #[test]
    fn departments_are_known_by_type_and_national_code() {
        let org: Organization = serde_json::from_value(json!({
            "resourceType": "Organization", "name": "呼吸内科", "alias": ["呼吸科"],
            "_name": {"extension": [{"url": huimin_fhir::TRANSLATION_EXT, "extension": [
                {"url": "lang", "valueCode": "en"}, {"url": "content", "valueString": "Respiratory Medicine"}]}]},
            "type": [{"coding": [{"code": "dept"}]}],
            "identifier": [{"system": "urn:oid:1.2", "value": "x"},
                           {"system": DEPARTMENT_CODE_SYSTEM, "value": "03.01"}]}))
        .unwrap();
        assert!(is_department(&org));
        assert_eq!(department_code(&org).unwrap().as_str(), "03.01");
        assert_eq!(org.display_name(Lang::Zh), "呼吸内科");
        assert_eq!(org.display_name(Lang::En), "Respiratory Medicine");
        let untranslated = Organization {
            name: Some("呼吸二科".into()),
            name_ext: None,
            ..org.clone()
        };
        assert_eq!(untranslated.display_name(Lang::En), "呼吸二科");
        let hospital = Organization {
            r#type: vec![CodeableConcept::text("hospital")],
            ..org
        };
        assert!(!is_department(&hospital));
    }

    #[test]
    fn a_concept_reads_in_english_where_it_is_translated() {
        let mut specialty = CodeableConcept::text("冠心病");
        assert_eq!(concept_text(&specialty, Lang::En), "冠心病");
        specialty.text_ext = Some(huimin_fhir::PrimitiveExtension::translation(
            "en",
            "coronary heart disease",
        ));
        assert_eq!(concept_text(&specialty, Lang::En), "coronary heart disease");
        assert_eq!(concept_text(&specialty, Lang::Zh), "冠心病");
    }
}
