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
    let reply = api
        .post_json(&web, &path, &json!({"purpose": form.purpose}))
        .await;
    if let Some(away) = signed_out(&web, &reply) {
        return away;
    }
    if !reply.ok() {
        let said = (reply.message(), None);
        return patient_page(&api, &web, &id, Pick::default(), said, reply.status).await;
    }
    let found = api.get(&web, &format!("/fhir/Patient/{id}")).await;
    let Some(patient) = found.resource::<Patient>() else {
        return patient_page(
            &api,
            &web,
            &id,
            Pick::default(),
            (found.message(), None),
            found.status,
        )
        .await;
    };
    let until = crate::fmt::local(reply.body["expires"].as_str().unwrap_or_default())
        .map(|t| t.strftime("%H:%M").to_string())
        .unwrap_or_default();
    let valid = crate::i18n::t(web.lang, "desk.code.valid")
        .replace("{minutes}", &reply.body["minutes"].to_string())
        .replace("{time}", &until)
        .replace("{tries}", &reply.body["tries"].to_string());
    let purpose = CodePurpose::from_code(reply.body["purpose"].as_str().unwrap_or_default());
    render(
        StatusCode::CREATED,
        &CodePage {
            c: web.chrome(
                purpose
                    .map(|p| p.label().get(web.lang).to_owned())
                    .unwrap_or_default(),
            ),
            person: person(&patient, web.lang),
            code: reply.body["code"].as_str().unwrap_or_default().to_owned(),
            claim: purpose == Some(CodePurpose::Claim),
            valid,
        },
    )
}
