//! A person's details as sign-up and the family form send them: one JSON shape, checked by
//! the one domain check (`huimin_domain::person::check_person`), its problems named by the
//! JSON fields, and the Patient record they make.

use axum::http::StatusCode;
use huimin_domain::person::{FieldProblem, PersonDetails, PersonField, PersonForm, PhoneRule};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, Issue};
use crate::fhir::kinds::PATIENT;
use crate::fhir::patient;

/// The person fields of a sign-up or family form.
#[derive(Clone, Deserialize, Default)]
pub struct PersonBody {
    pub name: Option<String>,
    /// Shorthand for `document_type = "resident_id"` and `document_number`.
    pub resident_id: Option<String>,
    pub document_type: Option<String>,
    pub document_number: Option<String>,
    pub phone: Option<String>,
    /// `male` / `female`, for documents that do not encode it.
    pub gender: Option<String>,
    /// `YYYY-MM-DD`, for documents that do not encode it.
    pub birth_date: Option<String>,
}

impl PersonBody {
    /// The JSON field that carries the document number: `document_number` with a
    /// `document_type`, else `resident_id`.
    fn number_field(&self) -> &'static str {
        if self.document_type.is_some() || self.document_number.is_some() {
            "document_number"
        } else {
            "resident_id"
        }
    }
}

/// The JSON field a problem is about.
pub fn field_name(field: PersonField, body: &PersonBody) -> &'static str {
    match field {
        PersonField::Name => "name",
        PersonField::DocumentType => "document_type",
        PersonField::DocumentNumber => body.number_field(),
        PersonField::Phone => "phone",
        PersonField::Gender => "gender",
        PersonField::BirthDate => "birth_date",
        PersonField::Password => "password",
        PersonField::PasswordConfirmation => "password_confirmation",
    }
}

/// A domain problem as an issue at its JSON field.
pub fn issue(problem: FieldProblem, field: &str) -> Issue {
    Issue {
        code: if problem.required {
            "required"
        } else {
            "value"
        },
        text: problem.message,
        expression: Some(field.to_owned()),
        rule: None,
    }
}

/// The details, or every problem as issues at their fields. `resident_id` and
/// `document_type` together are refused (which document is meant?).
pub fn check(
    body: &PersonBody,
    phone: PhoneRule,
    today: jiff::civil::Date,
) -> Result<PersonDetails, Vec<Issue>> {
    if body.resident_id.is_some()
        && (body.document_type.is_some() || body.document_number.is_some())
    {
        return Err(vec![Issue::value(
            Some("document_type"),
            huimin_domain::i18n::Text::new(
                "resident_id 与 document_type/document_number 只能填写一种",
                "Give either resident_id or document_type and document_number, not both",
            ),
        )]);
    }
    let number = body.resident_id.as_ref().or(body.document_number.as_ref());
    let form = PersonForm {
        name: body.name.as_deref().unwrap_or_default(),
        document_type: body.document_type.as_deref().unwrap_or_default(),
        document_number: number.map(String::as_str).unwrap_or_default(),
        phone: body.phone.as_deref().unwrap_or_default(),
        gender: body.gender.as_deref().unwrap_or_default(),
        birth_date: body.birth_date.as_deref().unwrap_or_default(),
    };
    huimin_domain::person::check_person(&form, phone, today).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| {
                let field = field_name(p.field, body);
                issue(p, field)
            })
            .collect()
    })
}

/// The Patient record of checked details, through the same strict parse and rules as a FHIR
/// create (which cannot fail for checked details; if they did, the problem is reported).
pub fn patient_resource(
    details: &PersonDetails,
    today: jiff::civil::Date,
) -> Result<Value, ApiError> {
    let name = &details.name;
    let mut resource = json!({
        "resourceType": "Patient",
        "active": true,
        "identifier": [{
            "use": "official",
            "system": details.document.kind().fhir_system(),
            "value": details.document.number(),
        }],
        "name": [{ "use": "official", "text": name.as_str(), "family": name.family(), "given": [name.given()] }],
        "gender": details.sex.fhir_gender(),
        "birthDate": details.birth_date.to_string(),
    });
    if let Some(phone) = &details.phone {
        resource["telecom"] =
            json!([{ "system": "phone", "value": phone.as_str(), "use": "mobile" }]);
    }
    if name.given().is_empty() {
        resource["name"][0]
            .as_object_mut()
            .map(|n| n.remove("given"));
    }
    let bytes = serde_json::to_vec(&resource).expect("serialisable");
    let mut resource = (PATIENT.parse)(&bytes).map_err(|e| {
        ApiError::unprocessable(huimin_domain::i18n::Text::new(
            format!("患者档案无效：{}", e.message),
            format!("The patient record is not valid: {}", e.message),
        ))
    })?;
    patient::check(&mut resource, None, today)
        .map_err(|issues| ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, issues))?;
    Ok(resource)
}
