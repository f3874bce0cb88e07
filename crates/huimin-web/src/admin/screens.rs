//! Call screens (叫号屏) for administrators: issue a screen token for a department's
//! waiting-area screen (its address is shown once, to open on the screen's browser), see
//! those issued, revoke one (a screen that is lost, moved or replaced).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::{FieldProblems, render};
use crate::staff::common::{Choice, departments};
use crate::web::{SignedIn, Web};

pub struct Issued {
    pub id: String,
    pub department: String,
    pub label: String,
    pub by: String,
    pub at: String,
    pub revoked: String,
}

#[derive(Deserialize, Default)]
pub struct ScreenForm {
    #[serde(default)]
    department: String,
    #[serde(default)]
    label: String,
}

#[derive(Template)]
#[template(path = "admin_screens.html")]
struct ScreensPage {
    c: Chrome,
    screens: Vec<Issued>,
    departments: Vec<Choice>,
    department: String,
    form: ScreenForm,
    problems: FieldProblems,
    /// The address of a screen just issued (shown this once: only its hash is kept).
    address: String,
    notice: String,
}

async fn issued(api: &Api, web: &Web, departments: &[Choice]) -> Vec<Issued> {
    let reply = api.get(web, "/api/admin/screens").await;
    let name_of = |reference: &str| {
        let id = reference.trim_start_matches("Organization/");
        departments
            .iter()
            .find(|d| d.id == id)
            .map_or_else(|| id.to_owned(), |d| d.name.clone())
    };
    let moment = |at: &serde_json::Value| {
        at.as_str()
            .map(|t| crate::fmt::moment(t, web.lang))
            .unwrap_or_default()
    };
    reply.body["screens"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| Issued {
            id: s["id"].as_str().unwrap_or_default().to_owned(),
            department: name_of(s["department"].as_str().unwrap_or_default()),
            label: s["label"].as_str().unwrap_or_default().to_owned(),
            by: s["created_by"].as_str().unwrap_or_default().to_owned(),
            at: moment(&s["created_at"]),
            revoked: moment(&s["revoked_at"]),
        })
        .collect()
}

async fn page(
    api: &Api,
    web: &Web,
    (form, problems): (ScreenForm, FieldProblems),
    (address, notice): (String, String),
    status: StatusCode,
) -> Response {
    let departments = departments(api, web).await;
    render(
        status,
        &ScreensPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.screens")),
            screens: issued(api, web, &departments).await,
            department: form.department.clone(),
            departments,
            form,
            problems,
            address,
            notice,
        },
    )
}

/// `GET /admin/screens`.
pub async fn list(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    let said = (String::new(), String::new());
    let blank = (ScreenForm::default(), FieldProblems::default());
    page(&api, &web, blank, said, StatusCode::OK).await
}

const FIELDS: &[(&str, &[&str])] = &[("department", &["department"]), ("label", &["label"])];

/// `POST /admin/screens`: issues a token and shows the screen's address once.
pub async fn issue(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<ScreenForm>,
) -> Response {
    let body = json!({"department": form.department, "label": form.label});
    let reply = api.post_json(&web, "/api/admin/screens", &body).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        let problems = FieldProblems::sort(reply.problems(), FIELDS);
        let said = (String::new(), String::new());
        return page(&api, &web, (form, problems), said, reply.status).await;
    }
    let scheme = if web.https { "https" } else { "http" };
    let path = reply.body["screen_url"].as_str().unwrap_or_default();
    let address = format!("{scheme}://{}{path}", web.host);
    let notice = crate::i18n::t(web.lang, "admin.screens.issued").to_owned();
    let blank = (ScreenForm::default(), FieldProblems::default());
    page(&api, &web, blank, (address, notice), StatusCode::CREATED).await
}

/// `POST /admin/screens/{id}/revoke`.
pub async fn revoke(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/api/admin/screens/{}", crate::web::encoded(&id));
    let reply = api
        .call(&web, axum::http::Method::DELETE, &path, None)
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to("/admin/screens").into_response();
    }
    let problems = FieldProblems::general_only(reply.message());
    let said = (String::new(), String::new());
    page(
        &api,
        &web,
        (ScreenForm::default(), problems),
        said,
        reply.status,
    )
    .await
}
