//! The account's sign-in sessions (`/me/sign-ins`, 登录设备): where the account is signed in,
//! from the API's `/api/me/sign-ins`, each with a button that ends it. Ending the current one
//! signs out here.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::Value;

use super::forms::ok;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::web::{SignedIn, TOKEN_COOKIE};

/// One session as the page shows it.
pub struct Row {
    pub id: String,
    pub current: bool,
    /// "Chrome on Android", "curl", or "other".
    pub device: String,
    /// `browser` or `api`, as a label.
    pub kind: String,
    pub same_network: bool,
    pub signed_in: String,
    pub last_seen: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    c: Chrome,
    rows: Vec<Row>,
    ended: bool,
    failed: bool,
}

#[derive(Deserialize, Default)]
pub struct Shown {
    ended: Option<String>,
    failed: Option<String>,
}

fn row(session: &Value, lang: Lang) -> Row {
    let text = |key: &str| session[key].as_str().unwrap_or_default().to_owned();
    let kind = match session["client_kind"].as_str() {
        Some("browser") => "sessions.kind.browser",
        _ => "sessions.kind.api",
    };
    let device = match text("user_agent").as_str() {
        "" | "other" => crate::i18n::t(lang, "sessions.unknown_device").to_owned(),
        known => known.to_owned(),
    };
    Row {
        id: text("id"),
        current: session["current"].as_bool().unwrap_or(false),
        device,
        kind: crate::i18n::t(lang, kind).to_owned(),
        same_network: session["same_address"].as_bool().unwrap_or(false),
        signed_in: fmt::moment(&text("created"), lang),
        last_seen: fmt::moment(&text("last_seen"), lang),
        expires: fmt::moment(&text("expires"), lang),
    }
}

/// `GET /me/sign-ins`.
pub async fn page(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(shown): Query<Shown>,
) -> Response {
    let reply = api.get(&web, "/api/me/sign-ins").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let rows = reply.body["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| row(s, web.lang))
        .collect();
    ok(&SessionsPage {
        c: web.chrome(crate::i18n::t(web.lang, "sessions.title")),
        rows,
        ended: shown.ended.is_some(),
        failed: shown.failed.is_some() || !reply.ok(),
    })
}

/// `POST /me/sign-ins/{id}/end`: ends one session; the current one signs out here.
pub async fn end(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let listed = api.get(&web, "/api/me/sign-ins").await;
    if listed.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let current = listed.body["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|s| s["id"] == id.as_str() && s["current"] == true);
    let path = format!("/api/me/sign-ins/{}", crate::web::encoded(&id));
    let reply = api
        .call(&web, axum::http::Method::DELETE, &path, None)
        .await;
    if current && reply.ok() {
        let mut response = Redirect::to("/").into_response();
        response
            .headers_mut()
            .append(header::SET_COOKIE, web.set_cookie(TOKEN_COOKIE, "", 0));
        return response;
    }
    let shown = if reply.ok() { "ended=1" } else { "failed=1" };
    Redirect::to(&format!("/me/sign-ins?{shown}")).into_response()
}
