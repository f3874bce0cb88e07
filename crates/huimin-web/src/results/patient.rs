//! The patient's reports on the phone (375 px first): the family's final reports, latest
//! first, and one report with each value, its unit, reference interval and a plain 偏高/偏低
//! with an arrow. Drafts and another family's reports are the API's 404.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::staff::ReportPage;
use super::{ReportShown, report_shown};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::{SignedIn, encoded};

#[derive(Template)]
#[template(path = "result_list.html")]
struct ListPage {
    c: Chrome,
    reports: Vec<ReportShown>,
}

/// `GET /me/records/results`.
pub async fn list(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    let reply = api.get(&web, "/api/me/results").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "results.mine", &reply, "/me/records");
    }
    let reports = reply.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| report_shown(r, web.lang))
        .collect();
    render(
        StatusCode::OK,
        &ListPage {
            c: web.chrome(t(web.lang, "results.mine")),
            reports,
        },
    )
}

/// `GET /me/records/results/{id}`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .get(&web, &format!("/api/results/reports/{}", encoded(&id)))
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(
            &web,
            "results.report",
            &reply,
            "/me/records/results",
        );
    }
    render(
        StatusCode::OK,
        &ReportPage {
            c: web.chrome(t(web.lang, "results.report")),
            r: report_shown(&reply.body, web.lang),
            back: "/me/records/results".into(),
            back_label: t(web.lang, "results.back_to_list").to_owned(),
        },
    )
}
