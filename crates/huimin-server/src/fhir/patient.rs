//! Patient: identity documents validated by the domain rules, one patient per document,
//! sealed at rest, identifiers and phone numbers masked for roles that do not need them.

use huimin_domain::i18n::Text;
use huimin_domain::identity::{DocumentKind, IdentityDocument, Sex};
use huimin_domain::masking::{mask_document_number, mask_phone};
use huimin_domain::phone::Phone;
use huimin_store::UniqueKey;
use serde_json::{Value, json};

use super::index;
use super::spec::{Access, Checked, KindSpec, ParamKind, param, parse_as};
use crate::error::Issue;

pub const SPEC: KindSpec = KindSpec {
    name: "Patient",
    access: Access::PatientData,
    sealed: true,
    parse: parse_as::<huimin_fhir::Patient>,
    check,
    unique: patient_unique,
    params: &[
        param(
            "identifier",
            ParamKind::Identifier,
            &["identifier"],
            "Identity document: system|value or value",
        ),
        param(
            "name",
            ParamKind::HumanName,
            &["name"],
            "Any part of the name, or the whole name",
        ),
        param(
            "family",
            ParamKind::Str,
            &["name.family"],
            "Family name (姓)",
        ),
        param("given", ParamKind::Str, &["name.given"], "Given name (名)"),
        param(
            "phone",
            ParamKind::Phone,
            &["telecom"],
            "Phone number, any notation",
        ),
        param(
            // Booking reads the birth date from this index (the elderly pool).
            huimin_store::appointments::BIRTH_DATE_PARAM,
            ParamKind::Date,
            &["birthDate"],
            "Date of birth",
        ),
        param(
            "gender",
            ParamKind::Code,
            &["gender"],
            "male | female | other | unknown",
        ),
        param("active", ParamKind::Code, &["active"], "true | false"),
        param(
            "organization",
            ParamKind::Reference("Organization"),
            &["managingOrganization"],
            "Managing organisation",
        ),
    ],
    documentation: "Identity documents use these identifier systems: \
        urn:huimin:sid:cn-resident-id (居民身份证, GB 11643 checked), urn:huimin:sid:passport (护照), \
        urn:huimin:sid:hk-mo-travel-permit (港澳居民来往内地通行证), urn:huimin:sid:tw-travel-permit \
        (台湾居民来往大陆通行证), urn:huimin:sid:hmt-residence-permit (港澳台居民居住证), \
        urn:huimin:sid:foreign-permanent-resident (外国人永久居留身份证). One patient per document \
        (409 on a duplicate). Identifiers, phone numbers and address lines are masked (meta.security \
        MASKED) except for administrators and registrars.",
};

fn issue(code: &'static str, expression: String, text: Text) -> Issue {
    Issue {
        code,
        text,
        expression: Some(expression),
        rule: None,
    }
}

/// The domain rules a Patient must pass on create and update, as of `today` (the hospital's).
pub fn check(patient: &mut Value, previous: Option<&Value>, today: jiff::civil::Date) -> Checked {
    strip_masked_tag(patient);
    if let Some(previous) = previous {
        restore_masked(patient, previous);
    }
    let mut issues = Vec::new();
    check_name(patient, &mut issues);
    let (derived_sex, derived_birth) = check_documents(patient, today, &mut issues);
    check_gender(patient, derived_sex, &mut issues);
    check_birth_date(patient, derived_birth, today, &mut issues);
    check_phones(patient, &mut issues);
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

/// A name is required (its text or its family name).
fn check_name(patient: &Value, issues: &mut Vec<Issue>) {
    let has_name = index::each(patient, &["name"]).iter().any(|n| {
        n.get("text")
            .and_then(Value::as_str)
            .is_some_and(|t| !t.trim().is_empty())
            || n.get("family")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.trim().is_empty())
    });
    if !has_name {
        issues.push(issue(
            "required",
            "Patient.name".into(),
            Text::new("请填写患者姓名", "The patient's name is required"),
        ));
    }
}

/// Identity documents are checked by the domain rules and written in their normal form; the
/// sex and birth date the first of them encodes.
fn check_documents(
    patient: &mut Value,
    today: jiff::civil::Date,
    issues: &mut Vec<Issue>,
) -> (Option<Sex>, Option<jiff::civil::Date>) {
    let mut derived_sex = None;
    let mut derived_birth = None;
    if let Some(identifiers) = patient.get_mut("identifier").and_then(Value::as_array_mut) {
        for (i, identifier) in identifiers.iter_mut().enumerate() {
            let system = identifier
                .get("system")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(kind) = DocumentKind::from_fhir_system(system) else {
                continue;
            };
            let raw = identifier
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or("");
            match IdentityDocument::parse(kind, raw, today) {
                Ok(document) => {
                    identifier["value"] = json!(document.number());
                    derived_sex = derived_sex.or(document.sex());
                    derived_birth = derived_birth.or(document.birth_date());
                }
                Err(e) => issues.push(issue(
                    "value",
                    format!("Patient.identifier[{i}].value"),
                    e.message(),
                )),
            }
        }
    }
    (derived_sex, derived_birth)
}

/// The gender a document encodes fills a missing gender and must match a given one.
fn check_gender(patient: &mut Value, derived: Option<Sex>, issues: &mut Vec<Issue>) {
    if let Some(sex) = derived {
        match patient.get("gender").and_then(Value::as_str) {
            None => patient["gender"] = json!(sex.fhir_gender()),
            Some(g) if g != sex.fhir_gender() => issues.push(issue(
                "business-rule",
                "Patient.gender".into(),
                Text::new(
                    "性别与身份证号不一致",
                    "The gender does not match the resident ID",
                ),
            )),
            Some(_) => {}
        }
    }
}

/// The birth date a document encodes fills a missing one and must match a given one; a date
/// of birth is never after today.
fn check_birth_date(
    patient: &mut Value,
    derived: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
    issues: &mut Vec<Issue>,
) {
    match (derived, patient.get("birthDate").and_then(Value::as_str)) {
        (Some(date), None) => patient["birthDate"] = json!(date.to_string()),
        (Some(date), Some(given)) if given != date.to_string() => issues.push(issue(
            "business-rule",
            "Patient.birthDate".into(),
            Text::new(
                "出生日期与身份证号不一致",
                "The birth date does not match the resident ID",
            ),
        )),
        (None, Some(given))
            if given
                .parse::<jiff::civil::Date>()
                .is_ok_and(|date| date > today) =>
        {
            issues.push(issue(
                "value",
                "Patient.birthDate".into(),
                Text::new(
                    "出生日期不能晚于今天",
                    "The birth date cannot be in the future",
                ),
            ));
        }
        _ => {}
    }
}

/// Phone numbers are checked and written in their normal form.
fn check_phones(patient: &mut Value, issues: &mut Vec<Issue>) {
    if let Some(telecoms) = patient.get_mut("telecom").and_then(Value::as_array_mut) {
        for (i, telecom) in telecoms.iter_mut().enumerate() {
            let system = telecom.get("system").and_then(Value::as_str).unwrap_or("");
            if !matches!(system, "phone" | "sms") {
                continue;
            }
            let raw = telecom.get("value").and_then(Value::as_str).unwrap_or("");
            match Phone::parse(raw) {
                Ok(phone) => telecom["value"] = json!(phone.as_str()),
                Err(e) => issues.push(issue(
                    "value",
                    format!("Patient.telecom[{i}].value"),
                    e.message(),
                )),
            }
        }
    }
}

/// One patient per identity document.
fn patient_unique(patient: &Value) -> Vec<UniqueKey> {
    index::each(patient, &["identifier"])
        .into_iter()
        .filter_map(|identifier| {
            let system = identifier.get("system").and_then(Value::as_str)?;
            DocumentKind::from_fhir_system(system)?;
            let value = identifier.get("value").and_then(Value::as_str)?;
            Some(UniqueKey {
                system: system.to_owned(),
                value: value.trim().to_uppercase(),
            })
        })
        .collect()
}

/// A masked value sent back unchanged on update means "keep what is stored": a client that
/// only ever saw `110***********1137` must not overwrite the real number with the mask.
fn restore_masked(patient: &mut Value, previous: &Value) {
    for (field, mask) in [
        ("identifier", mask_document_number as fn(&str) -> String),
        ("telecom", mask_phone),
    ] {
        let stored: Vec<String> = index::strings(previous, &[field, "value"]);
        let Some(items) = patient.get_mut(field).and_then(Value::as_array_mut) else {
            continue;
        };
        for item in items {
            let Some(value) = item.get("value").and_then(Value::as_str) else {
                continue;
            };
            if !value.contains('*') {
                continue;
            }
            if let Some(original) = stored.iter().find(|s| mask(s) == value) {
                item["value"] = json!(original);
            }
        }
    }
}

/// The view for roles that must not see identifiers in full.
pub fn mask_view(patient: &mut Value) {
    if let Some(items) = patient.get_mut("identifier").and_then(Value::as_array_mut) {
        for item in items {
            if let Some(v) = item.get("value").and_then(Value::as_str) {
                item["value"] = json!(mask_document_number(v));
            }
        }
    }
    if let Some(items) = patient.get_mut("telecom").and_then(Value::as_array_mut) {
        for item in items {
            if let Some(v) = item.get("value").and_then(Value::as_str) {
                item["value"] = json!(mask_phone(v));
            }
        }
    }
    if let Some(items) = patient.get_mut("address").and_then(Value::as_array_mut) {
        for item in items {
            if let Some(lines) = item.get_mut("line").and_then(Value::as_array_mut) {
                for line in lines {
                    *line = json!("***");
                }
            }
            if item.get("text").is_some() {
                item["text"] = json!("***");
            }
        }
    }
    let meta = patient
        .as_object_mut()
        .map(|o| o.entry("meta").or_insert_with(|| json!({})));
    if let Some(meta) = meta {
        meta["security"] = json!([{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
            "code": "MASKED",
            "display": "masked",
        }]);
    }
}

/// The MASKED label describes a view, never stored data.
fn strip_masked_tag(patient: &mut Value) {
    let Some(meta) = patient.get_mut("meta").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(security) = meta.get_mut("security").and_then(Value::as_array_mut) {
        security.retain(|c| c.get("code").and_then(Value::as_str) != Some("MASKED"));
        if security.is_empty() {
            meta.remove("security");
        }
    }
}
