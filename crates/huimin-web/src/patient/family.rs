//! Family members (就诊人, `/family`): the account holder first (本人), then each member with
//! their relationship and a link to their page (`family_member.rs`), and the form to add one
//! — the person fields of sign-up, checked by the same API check; a person already on file
//! is added with the desk's claim code.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use huimin_domain::person::Relationship;
use serde::Deserialize;
use serde_json::json;

use super::account::{Member, members_of};
use super::forms::{FieldProblems, render};
use super::signup::{DocumentChoice, PERSON_FIELDS, PersonFields, documents, person_json};
use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::web::{SignedIn, Web};

/// A relationship to choose from.
pub struct RelationshipChoice {
    pub code: &'static str,
    pub label: String,
}

pub(super) fn relationships(lang: Lang) -> Vec<RelationshipChoice> {
    Relationship::FAMILY
        .into_iter()
        .map(|r| RelationshipChoice {
            code: r.code(),
            label: label(r, lang),
        })
        .collect()
}

fn label(r: Relationship, lang: Lang) -> String {
    r.label().get(lang).to_owned()
}

/// A listed member with their relationship in the visitor's language.
pub struct Listed {
    pub member: Member,
    pub relationship: String,
}

#[derive(Template)]
#[template(path = "family.html")]
struct FamilyPage {
    c: Chrome,
    members: Vec<Listed>,
    form: MemberForm,
    documents: Vec<DocumentChoice>,
    relationships: Vec<RelationshipChoice>,
    problems: FieldProblems,
    notice: &'static str,
}

impl FamilyPage {
    fn asks_for_code(&self) -> bool {
        self.problems.has("claim_code") || !self.form.claim_code.is_empty()
    }
}

#[derive(Deserialize, Default)]
pub struct MemberForm {
    #[serde(flatten)]
    person: PersonFields,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    relationship: String,
    #[serde(default)]
    claim_code: String,
}

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

pub async fn family(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(q): Query<Done>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("added") => "family.added",
        Some("saved") => "family.saved",
        Some("removed") => "family.removed",
        _ => "",
    };
    family_page(
        &api,
        &web,
        MemberForm::default(),
        FieldProblems::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

async fn family_page(
    api: &Api,
    web: &Web,
    form: MemberForm,
    problems: FieldProblems,
    notice: &str,
    status: StatusCode,
) -> Response {
    let Some(members) = members_of(api, web).await else {
        return web.to_login();
    };
    let members = members
        .into_iter()
        .map(|member| Listed {
            relationship: member
                .relationship
                .map(|r| label(r, web.lang))
                .unwrap_or_default(),
            member,
        })
        .collect();
    let notice = if notice.is_empty() {
        ""
    } else {
        crate::i18n::t(web.lang, notice)
    };
    render(
        status,
        &FamilyPage {
            c: web.chrome(crate::i18n::t(web.lang, "family.title")),
            members,
            form,
            documents: documents(web.lang),
            relationships: relationships(web.lang),
            problems,
            notice,
        },
    )
}

const MEMBER_FIELDS: &[(&str, &[&str])] = &[("relationship", &["relationship"])];

pub(super) fn sorted(reply: &Reply) -> FieldProblems {
    let fields: Vec<(&'static str, &[&str])> =
        MEMBER_FIELDS.iter().chain(PERSON_FIELDS).copied().collect();
    FieldProblems::sort(reply.problems(), &fields)
}

pub async fn add(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<MemberForm>,
) -> Response {
    let mut body = person_json(&form.person);
    body["relationship"] = json!(form.relationship);
    if !form.phone.trim().is_empty() {
        body["phone"] = json!(form.phone.trim());
    }
    if !form.claim_code.trim().is_empty() {
        body["claim_code"] = json!(form.claim_code.trim());
    }
    let reply = api.post_json(&web, "/api/me/family", &body).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to("/family?done=added").into_response();
    }
    let problems = sorted(&reply);
    family_page(
        &api,
        &web,
        form,
        problems,
        "",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
