//! Patient self-registration: one account, one Patient record of its own, created together.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::identity::DocumentKind;
use huimin_domain::person::{PersonName, check_password_policy};
use huimin_domain::phone::Phone;
use huimin_store::NewUser;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit;
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::fhir::kinds::PATIENT;
use crate::fhir::patient;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    phone: Option<String>,
    password: Option<String>,
    name: Option<String>,
    /// Shorthand for `document_type = "resident_id"`.
    resident_id: Option<String>,
    document_type: Option<String>,
    document_number: Option<String>,
    /// `male` / `female`, for documents that do not encode it.
    gender: Option<String>,
    /// `YYYY-MM-DD`, for documents that do not encode it.
    birth_date: Option<String>,
}

fn missing(field: &'static str, zh: &str, en: &str) -> Issue {
    Issue {
        code: "required",
        text: Text::new(format!("请填写{zh}"), format!("{en} is required")),
        expression: Some(field.into()),
        rule: None,
    }
}

fn invalid(field: &'static str, text: Text) -> Issue {
    Issue::value(Some(field), text)
}

/// What a registration form came to once every field passed.
struct Checked {
    phone: Phone,
    name: PersonName,
    kind: DocumentKind,
    number: String,
    /// The form field the identity document came in (`resident_id` or `document_number`).
    field: &'static str,
}

#[tracing::instrument(skip_all)]
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let form: Registration = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(Text::new(
            format!("请求体不是有效的注册 JSON：{e}"),
            format!("The body is not valid registration JSON: {e}"),
        ))
    })?;
    let today = state.clock.today();
    let checked = check_form(&form, today)?;
    let resource = patient_resource(&form, &checked, today)?;
    let password = form.password.as_deref().unwrap_or_default();
    create_account(&state, ctx, &checked, &resource, password).await
}

/// Every problem of the form at once (422), or its checked values.
fn check_form(form: &Registration, today: jiff::civil::Date) -> Result<Checked, ApiError> {
    let mut issues = Vec::new();
    let phone = check_phone(form, &mut issues);
    check_password(form, &mut issues);
    let name = match form.name.as_deref() {
        None => {
            issues.push(missing("name", "姓名", "name"));
            None
        }
        Some(raw) => PersonName::parse(raw)
            .map_err(|e| issues.push(invalid("name", e.message())))
            .ok(),
    };
    let (kind, number, field) = document_of(form, &mut issues);
    match (kind, number.as_deref().map(str::trim)) {
        (Some(_), None | Some("")) => {
            issues.push(missing("document_number", "证件号码", "document_number"));
        }
        // Checked here too (the Patient checks it again) so that every problem of the form
        // is reported at once.
        (Some(kind), Some(number)) => {
            if let Err(e) = huimin_domain::identity::IdentityDocument::parse(kind, number, today) {
                issues.push(invalid(field, e.message()));
            }
        }
        (None, _) => {}
    }
    match (phone, name, kind, number) {
        (Some(phone), Some(name), Some(kind), Some(number)) if issues.is_empty() => Ok(Checked {
            phone,
            name,
            kind,
            number,
            field,
        }),
        _ => Err(ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        )),
    }
}

/// The mobile number accounts log in with.
fn check_phone(form: &Registration, issues: &mut Vec<Issue>) -> Option<Phone> {
    let raw = form
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let Some(raw) = raw else {
        issues.push(missing("phone", "手机号", "phone"));
        return None;
    };
    match Phone::parse(raw) {
        Ok(phone) if phone.is_mobile() => Some(phone),
        Ok(_) => {
            issues.push(invalid(
                "phone",
                Text::new(
                    "请填写手机号码（用于登录和接收通知）",
                    "Give a mobile number (used to log in and for notices)",
                ),
            ));
            None
        }
        Err(e) => {
            issues.push(invalid("phone", e.message()));
            None
        }
    }
}

fn check_password(form: &Registration, issues: &mut Vec<Issue>) {
    match form.password.as_deref() {
        None | Some("") => issues.push(missing("password", "密码", "password")),
        Some(pw) => {
            if let Err(e) = check_password_policy(pw) {
                issues.push(invalid("password", e.message()))
            }
        }
    }
}

/// The identity document's kind and number as the form gives them, and the field to name in
/// a problem with the number.
fn document_of(
    form: &Registration,
    issues: &mut Vec<Issue>,
) -> (Option<DocumentKind>, Option<String>, &'static str) {
    match (
        &form.resident_id,
        &form.document_type,
        &form.document_number,
    ) {
        (Some(id), None, None) => (
            Some(DocumentKind::ResidentId),
            Some(id.clone()),
            "resident_id",
        ),
        (None, Some(kind), number) => match DocumentKind::from_code(kind) {
            Some(kind) => (Some(kind), number.clone(), "document_number"),
            None => {
                issues.push(invalid(
                    "document_type",
                    Text::new(
                        format!("不支持的证件类型：{kind}"),
                        format!("Unsupported document type: {kind}"),
                    ),
                ));
                (None, None, "document_number")
            }
        },
        (Some(_), Some(_), _) => {
            issues.push(invalid(
                "document_type",
                Text::new(
                    "resident_id 与 document_type 只能填写一个",
                    "Give either resident_id or document_type, not both",
                ),
            ));
            (None, None, "resident_id")
        }
        _ => {
            issues.push(missing(
                "resident_id",
                "身份证号或其他证件",
                "resident_id (or document_type and document_number)",
            ));
            (None, None, "resident_id")
        }
    }
}

/// The Patient record, through the same strict parse and rules as a FHIR create, with
/// problems named by registration's field names.
fn patient_resource(
    form: &Registration,
    checked: &Checked,
    today: jiff::civil::Date,
) -> Result<Value, ApiError> {
    let Checked {
        phone,
        name,
        kind,
        number,
        field,
    } = checked;
    let field = *field;
    let mut resource = json!({
        "resourceType": "Patient",
        "active": true,
        "identifier": [{ "use": "official", "system": kind.fhir_system(), "value": number.trim() }],
        "name": [{ "use": "official", "text": name.as_str(), "family": name.family(), "given": [name.given()] }],
        "telecom": [{ "system": "phone", "value": phone.as_str(), "use": "mobile" }],
    });
    if let Some(gender) = &form.gender {
        resource["gender"] = Value::String(gender.clone());
    }
    if let Some(birth_date) = &form.birth_date {
        resource["birthDate"] = Value::String(birth_date.clone());
    }
    let bytes = serde_json::to_vec(&resource).expect("serialisable");
    let mut resource = (PATIENT.parse)(&bytes).map_err(|e| {
        let field = if e.path.contains("gender") {
            "gender"
        } else if e.path.contains("birthDate") {
            "birth_date"
        } else {
            field
        };
        let text = Text::new(
            format!("{field} 的值无效：{}", e.message),
            format!("Invalid {field}: {}", e.message),
        );
        ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, vec![invalid(field, text)])
    })?;
    patient::check(&mut resource, None, today).map_err(|issues| {
        let renamed = issues
            .into_iter()
            .map(|mut issue| {
                issue.expression = issue.expression.map(|e| form_field(e, field));
                issue
            })
            .collect();
        ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, renamed)
    })?;
    Ok(resource)
}

/// A Patient element's name as the registration form calls it.
fn form_field(element: String, document_field: &str) -> String {
    if element.starts_with("Patient.identifier") {
        document_field.to_owned()
    } else if element.starts_with("Patient.gender") {
        "gender".into()
    } else if element.starts_with("Patient.birthDate") {
        "birth_date".into()
    } else {
        element
    }
}

/// The account and its Patient record, created together; audited, answered with a token.
async fn create_account(
    state: &AppState,
    ctx: Ctx,
    checked: &Checked,
    resource: &Value,
    password: &str,
) -> Result<Response, ApiError> {
    let id = uuid::Uuid::new_v4().to_string();
    let (index, unique) = PATIENT.index(resource);
    let user = NewUser {
        username: super::account_key(&state.store, checked.phone.as_str()),
        password_hash: state.passwords.hash(password),
        role: "patient".into(),
        display_name: checked.name.as_str().to_owned(),
        practitioner_id: None,
    };
    let write = huimin_store::ResourceWrite {
        resource_type: "Patient",
        id: &id,
        content: resource,
        index: &index,
        unique: &unique,
        sealed: true,
    };
    let (user, stored) = state.store.register_patient_account(user, write).await?;
    let caller = crate::context::Caller {
        user_id: user.id.clone(),
        username: user.username.clone(),
        practitioner_id: user.practitioner_id.clone(),
        role: huimin_domain::roles::Role::Patient,
        patient_ids: vec![stored.id.clone()],
    };
    let who = Ctx {
        caller: Some(caller),
        ..ctx
    };
    let patient_ref = format!("Patient/{}", stored.id);
    audit::record(
        state,
        &who,
        "create",
        &patient_ref,
        audit::SUCCESS,
        "self-registration",
    )
    .await?;
    Ok(super::token_endpoint::token_response(
        state,
        &user.id,
        "patient",
        StatusCode::CREATED,
        Some(&patient_ref),
    ))
}
