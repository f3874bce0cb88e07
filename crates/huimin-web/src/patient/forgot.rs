//! A forgotten password (`/forgot`): until codes can be sent by SMS, the desk checks the
//! identity card and gives a reset code; here the patient enters their mobile number, the
//! code and the new password twice.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::forms::{FieldProblems, ok, render};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::web::Web;

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    c: Chrome,
    username: String,
    code: String,
    problems: FieldProblems,
}

#[derive(Deserialize, Default)]
pub struct ForgotForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirmation: String,
}

pub async fn forgot_page(web: Web) -> Response {
    ok(&ForgotPage {
        c: web.chrome(crate::i18n::t(web.lang, "forgot.title")),
        username: String::new(),
        code: String::new(),
        problems: FieldProblems::default(),
    })
}

const FIELDS: &[(&str, &[&str])] = &[
    ("username", &["username"]),
    ("code", &["code"]),
    ("password_confirmation", &["password_confirmation"]),
    ("password", &["password"]),
];

pub async fn reset(State(api): State<Api>, web: Web, Form(form): Form<ForgotForm>) -> Response {
    let body = json!({
        "username": form.username.trim(),
        "code": form.code.trim(),
        "password": form.password,
        "password_confirmation": form.password_confirmation,
    });
    let reply = api.post_json(&web, "/auth/reset-password", &body).await;
    if reply.ok() {
        return Redirect::to("/login?reset=1").into_response();
    }
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ForgotPage {
            c: web.chrome(crate::i18n::t(web.lang, "forgot.title")),
            problems: FieldProblems::sort(reply.problems(), FIELDS),
            username: form.username,
            code: form.code,
        },
    )
}
