//! The doctor's visit page (1280 px first): the patient, their allergies, the note form (a
//! department template or the previous note to start from; saved as a draft while typing by
//! `static/record.js`, or with the Save button), signing with the password, amending a signed
//! note with a reason, and finishing the visit. A record outside the doctor's care asks for a
//! reason first (break-the-glass).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::records::{AllergySeverity, Section};
use serde_json::{Value, json};

use super::{
    AllergyRow, DiagnosisRow, SectionText, VersionRow, allergies_of, diagnoses_of, pick,
    sections_of, versions_of,
};
use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

/// How many diagnosis rows the form offers.
const DIAGNOSIS_ROWS: usize = 4;

pub struct Choice {
    pub code: String,
    pub label: String,
}

/// The diagnosis finder under the note's diagnoses: what was searched, the codes found, or
/// why none are shown.
#[derive(Default)]
pub struct DxFinder {
    pub query: String,
    pub options: Vec<DxOption>,
    pub message: String,
}

pub struct DxOption {
    pub code: String,
    pub name: String,
}

/// The finder's results alone, for `record.js` to put under the search box as the doctor types.
#[derive(Template)]
#[template(path = "record_dx_options.html")]
struct DxOptionsFragment {
    c: Chrome,
    id: String,
    dx: DxFinder,
}

pub struct TemplateChoice {
    pub key: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "record_visit.html")]
struct VisitPage {
    c: Chrome,
    id: String,
    patient: String,
    about: String,
    date: String,
    department: String,
    doctor: String,
    status: String,
    status_code: String,
    can_write: bool,
    signed: bool,
    overdue: bool,
    open: bool,
    allergies: Vec<AllergyRow>,
    severities: Vec<Choice>,
    certainties: Vec<Choice>,
    templates: Vec<TemplateChoice>,
    has_previous: bool,
    previous_date: String,
    sections: Vec<SectionText>,
    diagnoses: Vec<DiagnosisRow>,
    versions: Vec<VersionRow>,
    problem: String,
    notice: String,
    reason: String,
    dx: DxFinder,
    orders: crate::orders::VisitOrders,
    rx: crate::prescriptions::VisitRx,
}

#[derive(Template)]
#[template(path = "record_break_glass.html")]
struct BreakGlassPage {
    c: Chrome,
    id: String,
    text: String,
    problem: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    template: String,
    #[serde(default)]
    copy: String,
    #[serde(default)]
    break_glass: String,
    #[serde(default)]
    saved: String,
    /// The orders part's catalogue search.
    #[serde(default)]
    q: String,
    /// A returned prescription to amend in the prescriptions part.
    #[serde(default)]
    amend: String,
    /// What the prescriptions part just did (`signed`, `cancelled`).
    #[serde(default)]
    rx: String,
}

/// What the doctor typed, to show again after a refusal.
#[derive(Default)]
struct Typed {
    sections: Option<Value>,
    diagnoses: Option<Value>,
    reason: String,
    dx: DxFinder,
    /// The prescription being written, as typed.
    rx: Option<crate::prescriptions::Composer>,
}

fn visit_path(id: &str, break_glass: &str) -> String {
    if break_glass.is_empty() {
        format!("/api/visits/{id}")
    } else {
        format!("/api/visits/{id}?break_glass={}", encoded(break_glass))
    }
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<Choice> {
    all.iter()
        .map(|x| Choice {
            code: code(*x).to_owned(),
            label: label(*x),
        })
        .collect()
}

async fn page(
    api: &Api,
    web: &Web,
    id: &str,
    query: &ShowQuery,
    typed: Typed,
    (problem, status): (String, StatusCode),
) -> Response {
    let reply = api.get(web, &visit_path(id, &query.break_glass)).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let asks_reason = reply
        .problems()
        .iter()
        .any(|p| p.field.as_deref() == Some("break_glass"));
    if asks_reason {
        let title = crate::i18n::t(web.lang, "record.break_glass");
        return render(
            reply.status,
            &BreakGlassPage {
                c: web.chrome(title),
                id: id.to_owned(),
                text: reply.message(),
                problem: if query.break_glass.is_empty() {
                    String::new()
                } else {
                    reply.message()
                },
            },
        );
    }
    if !reply.ok() {
        return crate::staff::common::refusal(web, "record.title", &reply, "/staff");
    }
    let body = &reply.body;
    let lang = web.lang;
    let note = &body["note"];
    let signed = note["status"] == "signed";
    let mut template_key = body["template"].as_str().unwrap_or_default().to_owned();
    let template = body["templates"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["key"] == query.template.as_str())
        .cloned();
    if let Some(t) = &template {
        template_key = t["key"].as_str().unwrap_or_default().to_owned();
    }
    // What the form starts from: what was just typed, else a chosen template or the previous
    // note, else the draft (or the signed version being amended).
    let (sections, diagnoses) = if let Some(s) = typed.sections {
        (s, typed.diagnoses.unwrap_or(Value::Null))
    } else if let Some(t) = &template {
        (t["sections"].clone(), note["diagnoses"].clone())
    } else if query.copy == "previous" && body["previous"].is_object() {
        (
            body["previous"]["sections"].clone(),
            body["previous"]["diagnoses"].clone(),
        )
    } else {
        (note["sections"].clone(), note["diagnoses"].clone())
    };
    let mut diagnoses = diagnoses_of(&diagnoses, lang);
    let shown_rows = if body["can_write"] == true {
        DIAGNOSIS_ROWS.max(diagnoses.len())
    } else {
        diagnoses.len()
    };
    while diagnoses.len() < shown_rows {
        diagnoses.push(DiagnosisRow {
            code: String::new(),
            name: String::new(),
            certainty: "confirmed".into(),
            certainty_label: String::new(),
        });
    }
    let patient = &body["patient"];
    let age = patient["birth_date"]
        .as_str()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .map(|b| huimin_domain::directory::age_on(b, crate::fmt::today()));
    let gender = match patient["gender"].as_str() {
        Some("male") => crate::i18n::t(lang, "record.male"),
        Some("female") => crate::i18n::t(lang, "record.female"),
        _ => "",
    };
    let about = match age {
        Some(a) => format!("{gender} {a}{}", crate::i18n::t(lang, "record.years")),
        None => gender.to_owned(),
    };
    let status_code = body["status"].as_str().unwrap_or_default().to_owned();
    let status_label = huimin_domain::records::VisitStatus::from_code(&status_code)
        .map(|s| pick(lang, s.label()))
        .unwrap_or_default();
    let notice = if query.saved == "1" {
        crate::i18n::t(lang, "record.saved").to_owned()
    } else if query.saved == "signed" {
        crate::i18n::t(lang, "record.signed_notice").to_owned()
    } else {
        String::new()
    };
    let orders = crate::orders::visit_orders(api, web, id, &query.q).await;
    let rx = crate::prescriptions::visit_rx(api, web, id, typed.rx, &query.amend, &query.rx).await;
    render(
        status,
        &VisitPage {
            c: web.chrome(crate::i18n::t(lang, "record.title")),
            id: id.to_owned(),
            patient: patient["name"].as_str().unwrap_or_default().to_owned(),
            about,
            date: body["date"].as_str().unwrap_or_default().to_owned(),
            department: body["department"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            doctor: body["doctor"].as_str().unwrap_or_default().to_owned(),
            status: status_label,
            open: matches!(status_code.as_str(), "arrived" | "in-progress"),
            status_code,
            can_write: body["can_write"] == true,
            signed,
            overdue: note["overdue"] == true,
            allergies: allergies_of(&body["allergies"], lang),
            severities: choices(&AllergySeverity::ALL, AllergySeverity::code, |s| {
                pick(lang, s.label())
            }),
            certainties: choices(
                &[
                    huimin_domain::records::Certainty::Confirmed,
                    huimin_domain::records::Certainty::Provisional,
                ],
                huimin_domain::records::Certainty::code,
                |s| pick(lang, s.label()),
            ),
            templates: body["templates"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| TemplateChoice {
                    key: t["key"].as_str().unwrap_or_default().to_owned(),
                    name: t["name"].as_str().unwrap_or_default().to_owned(),
                    selected: t["key"] == template_key.as_str(),
                })
                .collect(),
            has_previous: body["previous"].is_object(),
            previous_date: body["previous"]["date"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            sections: sections_of(&sections, lang),
            diagnoses,
            versions: versions_of(note, lang),
            problem,
            notice,
            reason: typed.reason,
            dx: typed.dx,
            orders,
            rx,
        },
    )
}

/// `GET /staff/visits/{id}?template=&copy=previous&break_glass=`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Response {
    page(
        &api,
        &web,
        &id,
        &query,
        Typed::default(),
        (String::new(), StatusCode::OK),
    )
    .await
}

/// The visit page with the prescription being written as typed (the prescriptions part's
/// buttons answer with it).
pub(crate) async fn with_composer(
    api: &Api,
    web: &Web,
    id: &str,
    composer: crate::prescriptions::Composer,
    status: StatusCode,
) -> Response {
    let typed = Typed {
        rx: Some(composer),
        ..Typed::default()
    };
    let query = ShowQuery::default();
    page(api, web, id, &query, typed, (String::new(), status)).await
}

/// The note's JSON from the form's fields, in their order.
fn note_body(pairs: &[(String, String)]) -> Value {
    let field = |name: &str| {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let mut sections = serde_json::Map::new();
    for s in Section::ALL {
        if let Some(text) = field(s.key()).pop() {
            sections.insert(s.key().to_owned(), Value::from(text));
        }
    }
    let (codes, names, certainties) = (field("dx_code"), field("dx_name"), field("dx_certainty"));
    let diagnoses: Vec<Value> = codes
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty())
        .map(|(i, c)| {
            json!({
                "code": c.trim(),
                "name": names.get(i).cloned().unwrap_or_default(),
                "certainty": certainties.get(i).cloned().unwrap_or_else(|| "confirmed".into()),
            })
        })
        .collect();
    json!({"sections": sections, "diagnoses": diagnoses})
}

fn value_of(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Re-shows the form with what was typed and why it was refused.
async fn refused(
    api: &Api,
    web: &Web,
    id: &str,
    reply: &Reply,
    note: Option<&Value>,
    reason: String,
) -> Response {
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    let typed = Typed {
        sections: note.map(|n| n["sections"].clone()),
        diagnoses: note.map(|n| n["diagnoses"].clone()),
        reason,
        dx: DxFinder::default(),
        rx: None,
    };
    let problem = reply
        .problems()
        .into_iter()
        .map(|p| p.text)
        .collect::<Vec<_>>()
        .join(" ");
    page(
        api,
        web,
        id,
        &ShowQuery::default(),
        typed,
        (problem, reply.status),
    )
    .await
}

/// `POST /staff/visits/{id}/note`: Save (or `X-Autosave: 1` from `record.js`, answered
/// with a status only).
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let body = note_body(&pairs);
    let reply = api
        .call(
            &web,
            Method::PUT,
            &format!("/api/visits/{id}/note"),
            Some(("application/json", body.to_string())),
        )
        .await;
    if headers.get("x-autosave").is_some() {
        let status = if reply.ok() {
            StatusCode::NO_CONTENT
        } else {
            reply.status
        };
        return (status, reply.message()).into_response();
    }
    if reply.ok() {
        return Redirect::to(&format!("/staff/visits/{id}?saved=1")).into_response();
    }
    refused(&api, &web, &id, &reply, Some(&body), String::new()).await
}

/// How many codes the finder shows.
const DX_OPTIONS: usize = 10;

/// The codes `query` finds (`GET /api/icd10`), or why there are none.
async fn find_codes(api: &Api, web: &Web, query: &str) -> DxFinder {
    let query = query.trim().to_owned();
    if query.is_empty() {
        return DxFinder::default();
    }
    let reply = api
        .get(
            web,
            &format!("/api/icd10?q={}&_count={DX_OPTIONS}", encoded(&query)),
        )
        .await;
    if !reply.ok() {
        return DxFinder {
            query,
            options: Vec::new(),
            message: reply.message(),
        };
    }
    let options: Vec<DxOption> = reply.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| DxOption {
            code: item["code"].as_str().unwrap_or_default().to_owned(),
            name: item["name"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    let message = if options.is_empty() {
        crate::i18n::t(web.lang, "record.dx_none").to_owned()
    } else {
        String::new()
    };
    DxFinder {
        query,
        options,
        message,
    }
}

/// The form as typed, shown again with the finder's state (nothing is saved: the draft is
/// saved by Save, autosave or signing).
async fn reshow(
    api: &Api,
    web: &Web,
    id: &str,
    pairs: &[(String, String)],
    note: Value,
    dx: DxFinder,
) -> Response {
    let typed = Typed {
        sections: Some(note["sections"].clone()),
        diagnoses: Some(note["diagnoses"].clone()),
        reason: value_of(pairs, "reason"),
        dx,
        rx: None,
    };
    page(
        api,
        web,
        id,
        &ShowQuery::default(),
        typed,
        (String::new(), StatusCode::OK),
    )
    .await
}

/// `POST /staff/visits/{id}/dx-search`: the finder's button (without JavaScript): the page
/// again, as typed, with the codes found.
pub async fn dx_search(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let dx = find_codes(&api, &web, &value_of(&pairs, "dx_q")).await;
    reshow(&api, &web, &id, &pairs, note_body(&pairs), dx).await
}

/// `POST /staff/visits/{id}/dx-pick`: a code picked from the finder joins the diagnoses (the
/// first empty row; once only), with its name from the table.
pub async fn dx_pick(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let mut note = note_body(&pairs);
    let code = value_of(&pairs, "dx_pick");
    let reply = api
        .get(&web, &format!("/api/icd10/{}", encoded(code.trim())))
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        let dx = DxFinder {
            query: value_of(&pairs, "dx_q"),
            options: Vec::new(),
            message: reply.message(),
        };
        return reshow(&api, &web, &id, &pairs, note, dx).await;
    }
    let picked = reply.body["code"].as_str().unwrap_or_default().to_owned();
    if let Some(list) = note["diagnoses"].as_array_mut()
        && !list.iter().any(|d| d["code"] == picked.as_str())
    {
        list.push(json!({
            "code": picked,
            "name": reply.body["name"],
            "certainty": "confirmed",
        }));
    }
    reshow(&api, &web, &id, &pairs, note, DxFinder::default()).await
}

#[derive(serde::Deserialize)]
pub struct OptionsQuery {
    #[serde(default)]
    q: String,
}

/// `GET /staff/visits/{id}/dx-options?q=`: the finder's results as a fragment for
/// `record.js`.
pub async fn dx_options(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(query): Query<OptionsQuery>,
) -> Response {
    let dx = find_codes(&api, &web, &query.q).await;
    render(
        StatusCode::OK,
        &DxOptionsFragment {
            c: web.chrome(crate::i18n::t(web.lang, "record.title")),
            id,
            dx,
        },
    )
}

/// `POST /staff/visits/{id}/sign`: saves what is in the form, then signs with the password.
pub async fn sign(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let body = note_body(&pairs);
    let saved = api
        .call(
            &web,
            Method::PUT,
            &format!("/api/visits/{id}/note"),
            Some(("application/json", body.to_string())),
        )
        .await;
    if !saved.ok() {
        return refused(&api, &web, &id, &saved, Some(&body), String::new()).await;
    }
    let reply = api
        .post_json(
            &web,
            &format!("/api/visits/{id}/note/sign"),
            &json!({"password": value_of(&pairs, "password")}),
        )
        .await;
    if reply.ok() {
        return Redirect::to(&format!("/staff/visits/{id}?saved=signed")).into_response();
    }
    refused(&api, &web, &id, &reply, Some(&body), String::new()).await
}

/// `POST /staff/visits/{id}/amend`.
pub async fn amend(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let mut body = note_body(&pairs);
    let reason = value_of(&pairs, "reason");
    body["reason"] = json!(reason);
    body["password"] = json!(value_of(&pairs, "password"));
    let reply = api
        .post_json(&web, &format!("/api/visits/{id}/note/amend"), &body)
        .await;
    if reply.ok() {
        return Redirect::to(&format!("/staff/visits/{id}?saved=signed")).into_response();
    }
    refused(&api, &web, &id, &reply, Some(&body), reason).await
}

/// `POST /staff/visits/{id}/allergies`.
pub async fn add_allergy(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let body = json!({
        "substance": value_of(&pairs, "substance"),
        "reaction": value_of(&pairs, "reaction"),
        "severity": value_of(&pairs, "severity"),
    });
    let reply = api
        .post_json(&web, &format!("/api/visits/{id}/allergies"), &body)
        .await;
    if reply.ok() {
        return Redirect::to(&format!("/staff/visits/{id}#allergies")).into_response();
    }
    refused(&api, &web, &id, &reply, None, String::new()).await
}

/// `POST /staff/visits/{id}/finish`.
pub async fn finish(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .call(
            &web,
            Method::POST,
            &format!("/api/visits/{id}/finish"),
            None,
        )
        .await;
    if reply.ok() {
        return Redirect::to(&format!("/staff/visits/{id}")).into_response();
    }
    refused(&api, &web, &id, &reply, None, String::new()).await
}

/// `GET /staff/appointments/{id}/visit`: the visit of a patient in the line.
pub async fn of_appointment(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
) -> Response {
    let reply = api
        .get(
            &web,
            &format!("/fhir/Encounter?appointment={}", encoded(&id)),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    match reply.body["entry"][0]["resource"]["id"].as_str() {
        Some(encounter) if reply.ok() => {
            Redirect::to(&format!("/staff/visits/{encounter}")).into_response()
        }
        _ => crate::staff::common::refusal(&web, "record.title", &reply, "/staff"),
    }
}
