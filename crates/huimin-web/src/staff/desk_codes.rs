//! The desk's one-time codes on a patient's page: after checking the identity card, the
//! registrar issues a claim code (the person signs up with their record on file, or a
//! relative adds them) or a password reset code, shown once on a printable page.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::identity::CodePurpose;
use huimin_fhir::Patient;
use serde::Deserialize;
use serde_json::json;

use super::desk::{Person, person, signed_out};
use super::desk_patient::{Pick, patient_page};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::web::SignedIn;

#[derive(Template)]
#[template(path = "desk_code.html")]
struct CodePage {
    c: Chrome,
    person: Person,
    code: String,
    claim: bool,
    valid: String,
}

#[derive(Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    purpose: String,
}

/// `POST /desk/patients/{id}/codes`: a new code, shown once; a refusal goes back to the
/// patient's page with its reason.
pub async fn issue(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<IssueForm>,
) -> Response {
    let path = format!("/api/patients/{id}/desk-codes");
    let body = json!({"purpose": form.purpose});
    let reply = api.post_json(&web, &path, &body).await;
    if let Some(away) = signed_out(&web, &reply) {
        return away;
    }
    let found = if reply.ok() {
        api.get(&web, &format!("/fhir/Patient/{id}")).await
    } else {
        reply.clone()
    };
    let Some(patient) = found.resource::<Patient>().filter(|_| reply.ok()) else {
        let said = (found.message(), None);
        return patient_page(&api, &web, &id, Pick::default(), said, found.status).await;
    };
    let purpose = CodePurpose::from_code(reply.body["purpose"].as_str().unwrap_or_default());
    let title = purpose.map(|p| p.label().get(web.lang).to_owned());
    render(
        StatusCode::CREATED,
        &CodePage {
            c: web.chrome(title.unwrap_or_default()),
            person: person(&patient, web.lang),
            code: reply.body["code"].as_str().unwrap_or_default().to_owned(),
            claim: purpose == Some(CodePurpose::Claim),
            valid: validity(&reply.body, web.lang),
        },
    )
}

/// "30 分钟内有效（至 13:33）…" for the answer's minutes, expiry and tries.
fn validity(issued: &serde_json::Value, lang: huimin_domain::i18n::Lang) -> String {
    let until = crate::fmt::local(issued["expires"].as_str().unwrap_or_default())
        .map(|t| t.strftime("%H:%M").to_string())
        .unwrap_or_default();
    crate::i18n::t(lang, "desk.code.valid")
        .replace("{minutes}", &issued["minutes"].to_string())
        .replace("{time}", &until)
        .replace("{tries}", &issued["tries"].to_string())
}
