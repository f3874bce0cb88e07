//! The FHIR JSON the pages exchange with the API: the extension and code-system names (the
//! server's own constants), reading extensions and references, and building a HumanName.

use huimin_domain::person::PersonName;
use serde_json::{Value, json};

pub use huimin_server::appointments::views::{
    HOLD_EXPIRES_EXT, QUEUE_NUMBER_EXT, RELEASE_AT_EXT, SLOT_REMAINING_EXT,
};
pub use huimin_server::fhir::{
    DEPARTMENT_CODE_SYSTEM, REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT, TITLE_SYSTEM,
};

pub fn extension<'a>(resource: &'a Value, url: &str) -> Option<&'a Value> {
    resource["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"] == url)
}

/// An extension's `valueInteger`.
pub fn extension_int(resource: &Value, url: &str) -> Option<i64> {
    extension(resource, url).and_then(|e| e["valueInteger"].as_i64())
}

/// An appointment's queue number (0 when it has none).
pub fn queue_number(appointment: &Value) -> i64 {
    extension_int(appointment, QUEUE_NUMBER_EXT).unwrap_or(0)
}

/// The id in a reference to `kind` (`{"reference": "Patient/123"}` → `123`).
pub fn id_of(reference: &Value, kind: &str) -> Option<String> {
    reference["reference"]
        .as_str()?
        .strip_prefix(kind)?
        .strip_prefix('/')
        .map(str::to_owned)
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
    }
}
