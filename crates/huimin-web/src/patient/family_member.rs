//! One family member's page (`/family/{id}`): their name, phone and relationship to edit, and
//! removing them from the account after a confirmation that says their record stays.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::account::{Member, members_of};
use super::family::{RelationshipChoice, relationships, sorted};
use super::forms::{FieldProblems, render};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::web::{SignedIn, Web};

#[derive(Template)]
#[template(path = "family_member.html")]
struct MemberPage {
    c: Chrome,
    id: String,
    form: ChangeForm,
    relationships: Vec<RelationshipChoice>,
    problems: FieldProblems,
    /// Asking to confirm the removal.
    removing: bool,
}

#[derive(Deserialize, Default)]
pub struct ChangeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    relationship: String,
}

impl ChangeForm {
    /// The member as the account sees them (the phone masked: sent back as is, it is kept).
    fn of(member: Member) -> Self {
        ChangeForm {
            relationship: member.relationship_code().to_owned(),
            name: member.name,
            phone: member.phone_masked,
        }
    }
}

#[derive(Deserialize, Default)]
pub struct Remove {
    remove: Option<String>,
}

/// `GET /family/{id}`: the edit form, with the member as the account sees them.
pub async fn member(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<Remove>,
) -> Response {
    let Some(members) = members_of(&api, &web).await else {
        return web.to_login();
    };
    let Some(found) = members.into_iter().find(|m| m.id == id && !m.is_holder()) else {
        return crate::patient::directory::not_found(&web);
    };
    let form = ChangeForm::of(found);
    member_page(
        &web,
        id,
        form,
        FieldProblems::default(),
        q.remove.is_some(),
        StatusCode::OK,
    )
}

fn member_page(
    web: &Web,
    id: String,
    form: ChangeForm,
    problems: FieldProblems,
    removing: bool,
    status: StatusCode,
) -> Response {
    render(
        status,
        &MemberPage {
            c: web.chrome(crate::i18n::t(web.lang, "family.edit_title")),
            id,
            form,
            relationships: relationships(web.lang),
            problems,
            removing,
        },
    )
}

/// `POST /family/{id}`: saves the name, phone and relationship.
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Response {
    let body = json!({"name": form.name.trim(), "phone": form.phone.trim(), "relationship": form.relationship});
    let path = format!("/api/me/family/{id}");
    let reply = api
        .call(
            &web,
            Method::PUT,
            &path,
            Some(("application/json", body.to_string())),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to("/family?done=saved").into_response();
    }
    let problems = sorted(&reply);
    member_page(&web, id, form, problems, false, reply.status)
}

/// `POST /family/{id}/remove`: unlinks the member (their record stays at the hospital).
pub async fn remove(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/api/me/family/{id}");
    let reply = api.call(&web, Method::DELETE, &path, None).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to("/family?done=removed").into_response();
    }
    // Refused (a booking to come): the member's page says why.
    let Some(members) = members_of(&api, &web).await else {
        return web.to_login();
    };
    let Some(found) = members.into_iter().find(|m| m.id == id) else {
        return crate::patient::directory::not_found(&web);
    };
    let form = ChangeForm::of(found);
    let problems = FieldProblems::general_only(reply.message());
    member_page(&web, id, form, problems, false, reply.status)
}
