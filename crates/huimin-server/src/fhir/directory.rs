//! The hospital directory: organisations (hospital, campuses, departments), services,
//! locations, practitioners and their roles. Public to read, written by administrators.

use huimin_domain::directory::{DepartmentCode, PractitionerTitle, RegistrationClass};
use huimin_domain::i18n::Text;
use huimin_fhir::names::{
    DEPARTMENT_CODE_SYSTEM, REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT, TITLE_SYSTEM,
};
use serde_json::Value;

use super::index;
use super::spec::{Access, Checked, KindSpec, ParamDef, ParamKind, no_unique, param, parse_as};
use crate::error::Issue;

const IDENTIFIER: ParamDef = param(
    "identifier",
    ParamKind::Identifier,
    &["identifier"],
    "system|value or value",
);
const NAME: ParamDef = param(
    "name",
    ParamKind::Str,
    &["name", "alias"],
    "Name or alias (starts with, case-insensitive)",
);
const ACTIVE: ParamDef = param("active", ParamKind::Code, &["active"], "true | false");

pub const PRACTITIONER: KindSpec = KindSpec {
    name: "Practitioner",
    access: Access::Directory,
    sealed: false,
    parse: parse_as::<huimin_fhir::Practitioner>,
    check: check_named,
    unique: no_unique,
    params: &[
        IDENTIFIER,
        param(
            "name",
            ParamKind::HumanName,
            &["name"],
            "Any part of the name, or the whole name",
        ),
        param("family", ParamKind::Str, &["name.family"], "Family name"),
        param("given", ParamKind::Str, &["name.given"], "Given name"),
        param("phone", ParamKind::Phone, &["telecom"], "Work phone"),
        param(
            "gender",
            ParamKind::Code,
            &["gender"],
            "male | female | other | unknown",
        ),
        ACTIVE,
    ],
    documentation: "Doctors and other staff. The licence number (医师执业证书编码) uses the identifier system urn:huimin:sid:physician-licence.",
};

pub const PRACTITIONER_ROLE: KindSpec = KindSpec {
    name: "PractitionerRole",
    access: Access::Directory,
    sealed: false,
    parse: parse_as::<huimin_fhir::PractitionerRole>,
    check: check_practitioner_role,
    unique: no_unique,
    params: &[
        IDENTIFIER,
        param(
            "practitioner",
            ParamKind::Reference("Practitioner"),
            &["practitioner"],
            "The practitioner",
        ),
        param(
            "organization",
            ParamKind::Reference("Organization"),
            &["organization"],
            "Department or hospital",
        ),
        param(
            "location",
            ParamKind::Reference("Location"),
            &["location"],
            "Consulting room",
        ),
        param(
            "service",
            ParamKind::Reference("HealthcareService"),
            &["healthcareService"],
            "Clinic service",
        ),
        param(
            "role",
            ParamKind::Coding,
            &["code"],
            "Title, e.g. urn:huimin:cs:practitioner-title|chief-physician",
        ),
        param(
            "specialty",
            ParamKind::Coding,
            &["specialty"],
            "Specialty or department code",
        ),
        ACTIVE,
    ],
    documentation: "A doctor's post in a department: title in code (system urn:huimin:cs:practitioner-title), \
        registration class in extension urn:huimin:ext:registration-class (valueCode ordinary | expert | special-needs) \
        and fee in extension urn:huimin:ext:registration-fee (valueMoney, CNY).",
};

pub const ORGANIZATION: KindSpec = KindSpec {
    name: "Organization",
    access: Access::Directory,
    sealed: false,
    parse: parse_as::<huimin_fhir::Organization>,
    check: check_organization,
    unique: no_unique,
    params: &[
        IDENTIFIER,
        NAME,
        param(
            "type",
            ParamKind::Coding,
            &["type"],
            "prov (hospital) | dept (department) | …",
        ),
        param(
            "partof",
            ParamKind::Reference("Organization"),
            &["partOf"],
            "Parent organisation",
        ),
        param("address-city", ParamKind::Str, &["address.city"], "City"),
        ACTIVE,
    ],
    documentation: "Hospitals, campuses and departments. Departments carry their national code (诊疗科目) as an \
        identifier with system urn:huimin:cs:department-code.",
};

pub const LOCATION: KindSpec = KindSpec {
    name: "Location",
    access: Access::Directory,
    sealed: false,
    parse: parse_as::<huimin_fhir::Location>,
    check: check_named,
    unique: no_unique,
    params: &[
        IDENTIFIER,
        NAME,
        param("type", ParamKind::Coding, &["type"], "Kind of place"),
        param(
            "organization",
            ParamKind::Reference("Organization"),
            &["managingOrganization"],
            "Managing organisation",
        ),
        param(
            "partof",
            ParamKind::Reference("Location"),
            &["partOf"],
            "Enclosing building or floor",
        ),
        param(
            "status",
            ParamKind::Code,
            &["status"],
            "active | suspended | inactive",
        ),
    ],
    documentation: "Campuses, buildings, floors and rooms, nested with partOf.",
};

pub const HEALTHCARE_SERVICE: KindSpec = KindSpec {
    name: "HealthcareService",
    access: Access::Directory,
    sealed: false,
    parse: parse_as::<huimin_fhir::HealthcareService>,
    check: check_healthcare_service,
    unique: no_unique,
    params: &[
        IDENTIFIER,
        param(
            "name",
            ParamKind::Str,
            &["name"],
            "Name (starts with, case-insensitive)",
        ),
        param(
            "organization",
            ParamKind::Reference("Organization"),
            &["providedBy"],
            "Providing department",
        ),
        param(
            "service-category",
            ParamKind::Coding,
            &["category"],
            "Category (内科, 外科, …)",
        ),
        param(
            "service-type",
            ParamKind::Coding,
            &["type"],
            "Type, e.g. the department code",
        ),
        param("specialty", ParamKind::Coding, &["specialty"], "Specialty"),
        param(
            "location",
            ParamKind::Reference("Location"),
            &["location"],
            "Where it is offered",
        ),
        ACTIVE,
    ],
    documentation: "A department's outpatient clinic service. The national department code is a Coding with system \
        urn:huimin:cs:department-code in type.",
};

fn named(value: &Value) -> bool {
    value
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.trim().is_empty())
        || index::each(value, &["name"]).iter().any(|n| {
            n.get("text")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.trim().is_empty())
                || n.get("family")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.trim().is_empty())
        })
}

fn require_name(value: &Value, kind: &str, issues: &mut Vec<Issue>) {
    if !named(value) {
        issues.push(Issue {
            code: "required",
            text: Text::new("请填写名称", "A name is required"),
            expression: Some(format!("{kind}.name")),
            rule: None,
        });
    }
}

fn done(issues: Vec<Issue>) -> Checked {
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

fn check_named(value: &mut Value, _: Option<&Value>, _: jiff::civil::Date) -> Checked {
    let kind = value
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or("Resource")
        .to_owned();
    let mut issues = Vec::new();
    require_name(value, &kind, &mut issues);
    done(issues)
}

/// Department codes anywhere in `path` must be in the national catalogue.
fn check_department_codes(value: &Value, kind: &str, path: &[&str], issues: &mut Vec<Issue>) {
    for (i, concept) in index::each(value, path).into_iter().enumerate() {
        for coding in index::each(concept, &["coding"]) {
            if coding.get("system").and_then(Value::as_str) != Some(DEPARTMENT_CODE_SYSTEM) {
                continue;
            }
            let code = coding.get("code").and_then(Value::as_str).unwrap_or("");
            if let Err(e) = DepartmentCode::parse(code) {
                issues.push(Issue {
                    code: "code-invalid",
                    text: e.message(),
                    expression: Some(format!("{kind}.{}[{i}]", path.join("."))),
                    rule: None,
                });
            }
        }
    }
}

/// Also gives a department without an English name its national code's (see
/// `crate::directory::fill_english`).
fn check_organization(value: &mut Value, _: Option<&Value>, _: jiff::civil::Date) -> Checked {
    crate::directory::fill_english(value);
    let mut issues = Vec::new();
    require_name(value, "Organization", &mut issues);
    issues.extend(crate::directory::check_english(value));
    for (i, identifier) in index::each(value, &["identifier"]).into_iter().enumerate() {
        if identifier.get("system").and_then(Value::as_str) == Some(DEPARTMENT_CODE_SYSTEM) {
            let code = identifier
                .get("value")
                .and_then(Value::as_str)
                .unwrap_or("");
            if let Err(e) = DepartmentCode::parse(code) {
                issues.push(Issue {
                    code: "code-invalid",
                    text: e.message(),
                    expression: Some(format!("Organization.identifier[{i}].value")),
                    rule: None,
                });
            }
        }
    }
    done(issues)
}

fn check_healthcare_service(value: &mut Value, _: Option<&Value>, _: jiff::civil::Date) -> Checked {
    let mut issues = Vec::new();
    require_name(value, "HealthcareService", &mut issues);
    check_department_codes(value, "HealthcareService", &["type"], &mut issues);
    check_department_codes(value, "HealthcareService", &["specialty"], &mut issues);
    done(issues)
}

fn check_practitioner_role(value: &mut Value, _: Option<&Value>, _: jiff::civil::Date) -> Checked {
    let mut issues = Vec::new();
    for (i, concept) in index::each(value, &["code"]).into_iter().enumerate() {
        for coding in index::each(concept, &["coding"]) {
            if coding.get("system").and_then(Value::as_str) != Some(TITLE_SYSTEM) {
                continue;
            }
            let code = coding.get("code").and_then(Value::as_str).unwrap_or("");
            if PractitionerTitle::from_code(code).is_none() {
                issues.push(Issue {
                    code: "code-invalid",
                    text: Text::new(
                        format!("未知的职称代码：{code}"),
                        format!("Unknown practitioner title code: {code}"),
                    ),
                    expression: Some(format!("PractitionerRole.code[{i}]")),
                    rule: None,
                });
            }
        }
    }
    check_department_codes(value, "PractitionerRole", &["specialty"], &mut issues);
    for (i, ext) in index::each(value, &["extension"]).into_iter().enumerate() {
        let url = ext.get("url").and_then(Value::as_str).unwrap_or("");
        let at = format!("PractitionerRole.extension[{i}]");
        if url == REGISTRATION_CLASS_EXT {
            let code = ext.get("valueCode").and_then(Value::as_str).unwrap_or("");
            if RegistrationClass::from_code(code).is_none() {
                issues.push(Issue {
                    code: "code-invalid",
                    text: Text::new(
                        "挂号类别须为 ordinary、expert 或 special-needs",
                        "The registration class must be ordinary, expert or special-needs",
                    ),
                    expression: Some(at),
                    rule: None,
                });
            }
        } else if url == REGISTRATION_FEE_EXT {
            let money = ext.get("valueMoney");
            let amount = money.and_then(|m| m.get("value")).and_then(Value::as_f64);
            let currency = money
                .and_then(|m| m.get("currency"))
                .and_then(Value::as_str);
            let fen = amount.map(|a| (a * 100.0).round());
            let valid = matches!((amount, currency, fen), (Some(a), Some("CNY"), Some(f)) if a >= 0.0 && (a * 100.0 - f).abs() < 1e-6);
            if !valid {
                issues.push(Issue::value(
                    Some(&at),
                    Text::new("挂号费须为不小于 0 的人民币金额，最多两位小数", "The registration fee must be a non-negative CNY amount with at most two decimals"),
                ));
            }
        }
    }
    done(issues)
}
