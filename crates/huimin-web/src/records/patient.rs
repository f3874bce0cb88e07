//! The patient's record pages (375 px first): the family's visits, and one visit's signed
//! note with diagnoses, allergies and amendments, and that note as a PDF to download.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AllergyRow, VersionRow, allergies_of, versions_of};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::web::SignedIn;

pub struct VisitRow {
    pub id: String,
    pub date: String,
    pub patient: String,
    pub department: String,
    pub doctor: String,
    pub signed: bool,
    pub amended: bool,
    pub diagnoses: String,
}

#[derive(Template)]
#[template(path = "record_list.html")]
struct ListPage {
    c: Chrome,
    visits: Vec<VisitRow>,
}

#[derive(Template)]
#[template(path = "record_patient.html")]
struct VisitPage {
    c: Chrome,
    id: String,
    patient: String,
    date: String,
    department: String,
    doctor: String,
    allergies: Vec<AllergyRow>,
    signed: bool,
    /// Latest version first.
    versions: Vec<VersionRow>,
    orders: crate::orders::VisitOrders,
    rx: crate::prescriptions::VisitPrescriptions,
}

/// `GET /me/records`.
pub async fn list(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    let reply = api.get(&web, "/api/me/visits").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "record.mine", &reply, "/");
    }
    let visits = reply.body["visits"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| VisitRow {
            id: v["encounter"].as_str().unwrap_or_default().to_owned(),
            date: v["date"].as_str().unwrap_or_default().to_owned(),
            patient: v["patient"]["name"].as_str().unwrap_or_default().to_owned(),
            department: v["department"].as_str().unwrap_or_default().to_owned(),
            doctor: v["doctor"].as_str().unwrap_or_default().to_owned(),
            signed: v["signed"] == true,
            amended: v["amended"] == true,
            diagnoses: v["diagnoses"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| {
                    d["name"]
                        .as_str()
                        .filter(|n| !n.is_empty())
                        .or(d["code"].as_str())
                })
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect();
    render(
        StatusCode::OK,
        &ListPage {
            c: web.chrome(crate::i18n::t(web.lang, "record.mine")),
            visits,
        },
    )
}

/// `GET /me/records/{id}`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api.get(&web, &format!("/api/visits/{id}")).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "record.mine", &reply, "/me/records");
    }
    let body = &reply.body;
    let mut versions = versions_of(&body["note"], web.lang);
    versions.reverse();
    let orders = crate::orders::visit_orders(&api, &web, &id, "").await;
    let rx = crate::prescriptions::of_visit(&api, &web, &id).await;
    render(
        StatusCode::OK,
        &VisitPage {
            c: web.chrome(crate::i18n::t(web.lang, "record.visit")),
            id: id.clone(),
            patient: body["patient"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            date: body["date"].as_str().unwrap_or_default().to_owned(),
            department: body["department"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            doctor: body["doctor"].as_str().unwrap_or_default().to_owned(),
            allergies: allergies_of(&body["allergies"], web.lang),
            signed: body["note"]["status"] == "signed",
            versions,
            orders,
            rx,
        },
    )
}

/// `GET /me/records/{id}/pdf`: the visit's signed note as the API prints it, passed on as
/// a download; a refusal (no signed note, another family's visit) is shown as a page.
pub async fn pdf(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let path = format!("/api/visits/{}/pdf", urlencoding_segment(&id));
    pass_pdf(
        &api,
        web,
        &path,
        "record.visit",
        &format!("/me/records/{id}"),
    )
    .await
}

/// The API's PDF at `path` handed to the browser as a download; the API's refusal as a page
/// (titled by `title_key`, with a way `back`).
pub(crate) async fn pass_pdf(
    api: &Api,
    web: crate::web::Web,
    path: &str,
    title_key: &str,
    back: &str,
) -> Response {
    let (status, headers, bytes) = api.call_raw(&web, Method::GET, path).await;
    if status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if status.is_success() {
        let passed = |name: header::HeaderName, default: &str| {
            let value = headers
                .get(&name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(default)
                .to_owned();
            (name, value)
        };
        return (
            [
                passed(header::CONTENT_TYPE, "application/pdf"),
                passed(header::CONTENT_DISPOSITION, "attachment"),
                passed(header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response();
    }
    let reply = crate::api::Reply {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or_default(),
    };
    crate::staff::common::refusal(&web, title_key, &reply, back)
}

/// An id as one path segment (ids are letters, digits and `-`; anything else is escaped).
fn urlencoding_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}
