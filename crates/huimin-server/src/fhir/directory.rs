//! The hospital directory: organisations (hospital, campuses, departments), services,
//! locations, practitioners and their roles. Public to read, written by administrators.

use huimin_domain::directory::{DepartmentCode, PractitionerTitle, RegistrationClass};
use huimin_domain::i18n::Text;
use huimin_store::{IndexEntry, UniqueKey};
use serde_json::Value;

use super::index;
use super::kinds::{Access, Checked, KindSpec, ParamDef, ParamKind, parse_as};
use crate::error::Issue;

/// National outpatient department codes (诊疗科目名录).
pub const DEPARTMENT_CODE_SYSTEM: &str = "urn:huimin:cs:department-code";
/// 主任医师 / 副主任医师 / 主治医师 / 住院医师.
pub const TITLE_SYSTEM: &str = "urn:huimin:cs:practitioner-title";
/// 普通号 / 专家号 / 特需号, on PractitionerRole.
pub const REGISTRATION_CLASS_EXT: &str = "urn:huimin:ext:registration-class";
/// Registration fee (Money, CNY), on PractitionerRole.
pub const REGISTRATION_FEE_EXT: &str = "urn:huimin:ext:registration-fee";

const IDENTIFIER: ParamDef = ParamDef {
    name: "identifier",
    kind: ParamKind::Identifier,
    doc: "system|value or value",
};
const NAME: ParamDef = ParamDef {
    name: "name",
    kind: ParamKind::Str,
    doc: "Name (starts with, case-insensitive)",
};
const ACTIVE: ParamDef = ParamDef {
    name: "active",
    kind: ParamKind::Code,
    doc: "true | false",
};

pub const PRACTITIONER: KindSpec = KindSpec {
    name: "Practitioner",
    access: Access::Directory,
    sealed: false,
    parse: parse_as::<huimin_fhir::Practitioner>,
    check: check_named,
    index: practitioner_index,
    params: &[
        IDENTIFIER,
        NAME,
        ParamDef {
            name: "family",
            kind: ParamKind::Str,
            doc: "Family name",
        },
        ParamDef {
            name: "given",
            kind: ParamKind::Str,
            doc: "Given name",
        },
        ParamDef {
            name: "phone",
            kind: ParamKind::Phone,
            doc: "Work phone",
        },
        ParamDef {
            name: "gender",
            kind: ParamKind::Code,
            doc: "male | female | other | unknown",
        },
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
    index: practitioner_role_index,
    params: &[
        IDENTIFIER,
        ParamDef {
            name: "practitioner",
            kind: ParamKind::Reference("Practitioner"),
            doc: "The practitioner",
        },
        ParamDef {
            name: "organization",
            kind: ParamKind::Reference("Organization"),
            doc: "Department or hospital",
        },
        ParamDef {
            name: "location",
            kind: ParamKind::Reference("Location"),
            doc: "Consulting room",
        },
        ParamDef {
            name: "service",
            kind: ParamKind::Reference("HealthcareService"),
            doc: "Clinic service",
        },
        ParamDef {
            name: "role",
            kind: ParamKind::Coding,
            doc: "Title, e.g. urn:huimin:cs:practitioner-title|chief-physician",
        },
        ParamDef {
            name: "specialty",
            kind: ParamKind::Coding,
            doc: "Specialty or department code",
        },
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
    index: organization_index,
    params: &[
        IDENTIFIER,
        NAME,
        ParamDef {
            name: "type",
            kind: ParamKind::Coding,
            doc: "prov (hospital) | dept (department) | …",
        },
        ParamDef {
            name: "partof",
            kind: ParamKind::Reference("Organization"),
            doc: "Parent organisation",
        },
        ParamDef {
            name: "address-city",
            kind: ParamKind::Str,
            doc: "City",
        },
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
    index: location_index,
    params: &[
        IDENTIFIER,
        NAME,
        ParamDef {
            name: "type",
            kind: ParamKind::Coding,
            doc: "Kind of place",
        },
        ParamDef {
            name: "organization",
            kind: ParamKind::Reference("Organization"),
            doc: "Managing organisation",
        },
        ParamDef {
            name: "partof",
            kind: ParamKind::Reference("Location"),
            doc: "Enclosing building or floor",
        },
        ParamDef {
            name: "status",
            kind: ParamKind::Code,
            doc: "active | suspended | inactive",
        },
    ],
    documentation: "Campuses, buildings, floors and rooms, nested with partOf.",
};

pub const HEALTHCARE_SERVICE: KindSpec = KindSpec {
    name: "HealthcareService",
    access: Access::Directory,
    sealed: false,
    parse: parse_as::<huimin_fhir::HealthcareService>,
    check: check_healthcare_service,
    index: healthcare_service_index,
    params: &[
        IDENTIFIER,
        NAME,
        ParamDef {
            name: "organization",
            kind: ParamKind::Reference("Organization"),
            doc: "Providing department",
        },
        ParamDef {
            name: "service-category",
            kind: ParamKind::Coding,
            doc: "Category (内科, 外科, …)",
        },
        ParamDef {
            name: "service-type",
            kind: ParamKind::Coding,
            doc: "Type, e.g. the department code",
        },
        ParamDef {
            name: "specialty",
            kind: ParamKind::Coding,
            doc: "Specialty",
        },
        ParamDef {
            name: "location",
            kind: ParamKind::Reference("Location"),
            doc: "Where it is offered",
        },
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

fn check_named(value: &mut Value, _: Option<&Value>) -> Checked {
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
                });
            }
        }
    }
}

fn check_organization(value: &mut Value, _: Option<&Value>) -> Checked {
    let mut issues = Vec::new();
    require_name(value, "Organization", &mut issues);
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
                });
            }
        }
    }
    done(issues)
}

fn check_healthcare_service(value: &mut Value, _: Option<&Value>) -> Checked {
    let mut issues = Vec::new();
    require_name(value, "HealthcareService", &mut issues);
    check_department_codes(value, "HealthcareService", &["type"], &mut issues);
    check_department_codes(value, "HealthcareService", &["specialty"], &mut issues);
    done(issues)
}

fn check_practitioner_role(value: &mut Value, _: Option<&Value>) -> Checked {
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
                issues.push(Issue {
                    code: "value",
                    text: Text::new("挂号费须为不小于 0 的人民币金额，最多两位小数", "The registration fee must be a non-negative CNY amount with at most two decimals"),
                    expression: Some(at),
                });
            }
        }
    }
    done(issues)
}

fn practitioner_index(v: &Value) -> (Vec<IndexEntry>, Vec<UniqueKey>) {
    let mut out = Vec::new();
    index::identifiers(v, false, &mut out);
    index::human_names(v, &mut out);
    index::phones(v, false, &mut out);
    index::codes(v, "gender", &["gender"], &mut out);
    index::codes(v, "active", &["active"], &mut out);
    (out, Vec::new())
}

fn practitioner_role_index(v: &Value) -> (Vec<IndexEntry>, Vec<UniqueKey>) {
    let mut out = Vec::new();
    index::identifiers(v, false, &mut out);
    index::references(v, "practitioner", &["practitioner"], &mut out);
    index::references(v, "organization", &["organization"], &mut out);
    index::references(v, "location", &["location"], &mut out);
    index::references(v, "service", &["healthcareService"], &mut out);
    index::codings(v, "role", &["code"], &mut out);
    index::codings(v, "specialty", &["specialty"], &mut out);
    index::codes(v, "active", &["active"], &mut out);
    (out, Vec::new())
}

fn organization_index(v: &Value) -> (Vec<IndexEntry>, Vec<UniqueKey>) {
    let mut out = Vec::new();
    index::identifiers(v, false, &mut out);
    index::plain_strings(v, "name", &["name"], &mut out);
    index::plain_strings(v, "name", &["alias"], &mut out);
    index::codings(v, "type", &["type"], &mut out);
    index::references(v, "partof", &["partOf"], &mut out);
    index::plain_strings(v, "address-city", &["address", "city"], &mut out);
    index::codes(v, "active", &["active"], &mut out);
    (out, Vec::new())
}

fn location_index(v: &Value) -> (Vec<IndexEntry>, Vec<UniqueKey>) {
    let mut out = Vec::new();
    index::identifiers(v, false, &mut out);
    index::plain_strings(v, "name", &["name"], &mut out);
    index::plain_strings(v, "name", &["alias"], &mut out);
    index::codings(v, "type", &["type"], &mut out);
    index::references(v, "organization", &["managingOrganization"], &mut out);
    index::references(v, "partof", &["partOf"], &mut out);
    index::codes(v, "status", &["status"], &mut out);
    (out, Vec::new())
}

fn healthcare_service_index(v: &Value) -> (Vec<IndexEntry>, Vec<UniqueKey>) {
    let mut out = Vec::new();
    index::identifiers(v, false, &mut out);
    index::plain_strings(v, "name", &["name"], &mut out);
    index::references(v, "organization", &["providedBy"], &mut out);
    index::codings(v, "service-category", &["category"], &mut out);
    index::codings(v, "service-type", &["type"], &mut out);
    index::codings(v, "specialty", &["specialty"], &mut out);
    index::references(v, "location", &["location"], &mut out);
    index::codes(v, "active", &["active"], &mut out);
    (out, Vec::new())
}
