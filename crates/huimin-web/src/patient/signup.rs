//! Signing up (`/signup`): the person's details (any identity document the desk accepts),
//! the password twice, the agreement and privacy policy accepted, and — when the person's
//! record is already on file — the claim code the desk gave. The agreement and privacy
//! pages (`/terms`, `/privacy`) are here too.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::i18n::Lang;
use huimin_domain::identity::DocumentKind;
use huimin_domain::person::TERMS_VERSION;
use serde::Deserialize;
use serde_json::{Value, json};

use super::account::{Next, signed_in};
use super::forms::{FieldProblems, ok, render};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::web::{Web, safe_next};

/// An identity document kind to choose from.
pub struct DocumentChoice {
    pub code: &'static str,
    pub label: String,
}

/// Every kind the desk accepts, the resident ID card first.
pub fn documents(lang: Lang) -> Vec<DocumentChoice> {
    DocumentKind::ALL
        .into_iter()
        .map(|kind| DocumentChoice {
            code: kind.code(),
            label: kind.label().get(lang).to_owned(),
        })
        .collect()
}

/// The person fields a form sends to the API (sign-up and the family form share them and
/// the template `person_fields.html`): empty ones are left out.
pub fn person_json(form: &PersonFields) -> Value {
    let mut body = json!({
        "name": form.name.trim(),
        "document_type": if form.document_type.is_empty() { "resident_id" } else { form.document_type.as_str() },
        "document_number": form.document_number.trim(),
    });
    for (key, value) in [("gender", &form.gender), ("birth_date", &form.birth_date)] {
        if !value.trim().is_empty() {
            body[key] = json!(value.trim());
        }
    }
    body
}

/// The fields of `person_fields.html`.
#[derive(Deserialize, Default)]
pub struct PersonFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub document_type: String,
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub birth_date: String,
}

impl PersonFields {
    /// The sex and birth date fields show (they are folded away for resident ID cards, which
    /// carry both) once a document of another kind is chosen, a value is given or the API
    /// asks for them.
    pub fn shows_more(&self, problems: &FieldProblems) -> bool {
        !matches!(self.document_type.as_str(), "" | "resident_id")
            || !self.gender.is_empty()
            || !self.birth_date.is_empty()
            || problems.has("gender")
            || problems.has("birth_date")
    }
}

/// Which API element names land on which field of the person fields.
pub const PERSON_FIELDS: &[(&str, &[&str])] = &[
    ("name", &["name"]),
    ("document_type", &["document_type"]),
    (
        "document_number",
        &["document_number", "resident_id", "identifier"],
    ),
    ("gender", &["gender"]),
    ("birth_date", &["birth_date", "birthDate"]),
    ("phone", &["phone", "telecom"]),
    ("claim_code", &["claim_code"]),
];

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    c: Chrome,
    form: SignupForm,
    documents: Vec<DocumentChoice>,
    problems: FieldProblems,
    terms_version: &'static str,
}

impl SignupPage {
    /// The claim code field shows once the API asked for it (the record is on file).
    fn asks_for_code(&self) -> bool {
        self.problems.has("claim_code") || !self.form.claim_code.is_empty()
    }
}

#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(flatten)]
    person: PersonFields,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
    accept_terms: Option<String>,
    #[serde(default)]
    claim_code: String,
    next: Option<String>,
}

pub async fn signup_page(web: Web, Query(q): Query<Next>) -> Response {
    ok(&SignupPage {
        c: web.chrome(crate::i18n::t(web.lang, "signup.title")),
        form: SignupForm {
            next: Some(safe_next(q.next.as_deref())),
            ..SignupForm::default()
        },
        documents: documents(web.lang),
        problems: FieldProblems::default(),
        terms_version: TERMS_VERSION,
    })
}

const SIGNUP_FIELDS: &[(&str, &[&str])] = &[
    ("password_confirmation", &["password_confirmation"]),
    ("password", &["password"]),
    ("accept_terms", &["accept_terms"]),
];

pub async fn signup(
    State(api): State<Api>,
    web: Web,
    Form(mut form): Form<SignupForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let mut body = person_json(&form.person);
    body["phone"] = json!(form.phone.trim());
    body["password"] = json!(form.password);
    body["password_confirmation"] = json!(form.password_confirmation);
    if let Some(version) = &form.accept_terms {
        body["accept_terms"] = json!(version);
    }
    if !form.claim_code.trim().is_empty() {
        body["claim_code"] = json!(form.claim_code.trim());
    }
    let reply = api.post_json(&web, "/auth/register", &body).await;
    if let (true, Some(token)) = (reply.ok(), reply.body["access_token"].as_str()) {
        let expires = reply.body["expires_in"].as_i64().unwrap_or(3600);
        return signed_in(&web, token, expires, &next);
    }
    // Everything typed comes back except the passwords.
    form.password.clear();
    form.password_confirmation.clear();
    let fields: Vec<(&'static str, &[&str])> =
        SIGNUP_FIELDS.iter().chain(PERSON_FIELDS).copied().collect();
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &SignupPage {
            c: web.chrome(crate::i18n::t(web.lang, "signup.title")),
            problems: FieldProblems::sort(reply.problems(), &fields),
            form,
            documents: documents(web.lang),
            terms_version: TERMS_VERSION,
        },
    )
}

#[derive(Template)]
#[template(path = "terms.html")]
struct TermsPage {
    c: Chrome,
    version: &'static str,
    paragraphs: Vec<&'static str>,
}

/// The page of `title` with the paragraphs `prefix.p1`, `prefix.p2`, …
fn terms_page(web: &Web, title: &str, prefix: &str, count: usize) -> Response {
    ok(&TermsPage {
        c: web.chrome(crate::i18n::t(web.lang, title)),
        version: TERMS_VERSION,
        paragraphs: (1..=count)
            .map(|n| crate::i18n::t(web.lang, &format!("{prefix}.p{n}")))
            .collect(),
    })
}

/// `/terms`: the user agreement of the version sign-up accepts.
pub async fn terms(web: Web) -> Response {
    terms_page(&web, "terms.title", "terms", 6)
}

/// `/privacy`: the privacy policy of the version sign-up accepts.
pub async fn privacy(web: Web) -> Response {
    terms_page(&web, "privacy.title", "privacy", 6)
}
