//! `/staff/notifiable`: the notifiable-disease report cards (传染病报告卡) of the doctor's
//! departments, soonest due first, overdue ones marked, each with a countdown; a card's form
//! (save as draft, or submit: the API names each field at fault and the form shows it).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::records::notifiable::{CaseClass, OCCUPATIONS};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Api, Problem};
use crate::chrome::Chrome;
use crate::i18n::{pick, t};
use crate::patient::forms::render;
use crate::web::{SignedIn, Web};

pub struct Row {
    pub id: String,
    pub name: String,
    pub disease: String,
    pub code: String,
    pub status: String,
    pub submitted: bool,
    pub overdue: bool,
    pub seconds: i64,
    /// Time left (or how late) when the page was made, for pages without scripts.
    pub left: String,
    pub due: String,
}

#[derive(Template)]
#[template(path = "staff_reports.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    overdue_only: bool,
    today: String,
}

/// Time left as `h:mm`, or how late.
fn left(seconds: i64, web: &Web) -> String {
    let m = seconds.unsigned_abs() / 60;
    let text = format!("{}:{:02}", m / 60, m % 60);
    if seconds < 0 {
        format!("{} {text}", t(web.lang, "reports.late_by"))
    } else {
        text
    }
}

fn row(card: &Value, web: &Web) -> Row {
    let seconds = card["timer"]["remaining_seconds"].as_i64().unwrap_or(0);
    let submitted = card["status"] == "submitted";
    Row {
        id: card["id"].as_str().unwrap_or_default().to_owned(),
        name: card["fields"]["patient_name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        disease: pick(
            web.lang,
            card["disease"]["name"].as_str().unwrap_or_default(),
            card["disease"]["name_en"].as_str().unwrap_or_default(),
        )
        .to_owned(),
        code: card["code"].as_str().unwrap_or_default().to_owned(),
        status: t(
            web.lang,
            if submitted {
                "reports.submitted"
            } else {
                "reports.draft"
            },
        )
        .to_owned(),
        submitted,
        overdue: !submitted && card["timer"]["overdue"] == true,
        seconds,
        left: left(seconds, web),
        due: crate::fmt::moment(
            card["timer"]["due_at"].as_str().unwrap_or_default(),
            web.lang,
        ),
    }
}

#[derive(Deserialize, Default)]
pub struct ListAsked {
    #[serde(default)]
    status: String,
}

/// `GET /staff/notifiable[?status=overdue]`.
pub async fn list(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(asked): Query<ListAsked>,
) -> Response {
    let overdue_only = asked.status == "overdue";
    let path = if overdue_only {
        "/api/notifiable-reports?status=overdue"
    } else {
        "/api/notifiable-reports"
    };
    let reply = api.get(&web, path).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "reports.title", &reply, "/staff");
    }
    let rows = reply.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| row(c, &web))
        .collect();
    let page = ListPage {
        c: web.chrome(t(web.lang, "reports.title")),
        rows,
        overdue_only,
        today: crate::fmt::today().to_string(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize, Default)]
pub struct ExportAsked {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `GET /staff/notifiable/export?from=&to=`: the API's CSV, as a download.
pub async fn export(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(asked): Query<ExportAsked>,
) -> Response {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("from", &asked.from)
        .append_pair("to", &asked.to)
        .finish();
    let (status, headers, bytes) = api
        .call_raw(
            &web,
            Method::GET,
            &format!("/api/notifiable-reports/export?{query}"),
        )
        .await;
    if status.is_success() {
        let disposition = headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("attachment")
            .to_owned();
        return (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response();
    }
    let reply = crate::api::Reply {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    };
    crate::staff::common::refusal(&web, "reports.export", &reply, "/staff/notifiable")
}

pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "staff_report.html")]
struct CardPage {
    c: Chrome,
    id: String,
    disease: String,
    code: String,
    submitted: bool,
    overdue: bool,
    seconds: i64,
    left: String,
    due: String,
    f: CardForm,
    occupations: Vec<Choice>,
    cases: Vec<Choice>,
    problems: Vec<Problem>,
    saved: bool,
}

impl CardPage {
    /// The problem of `field`, if the API named one.
    fn problem(&self, field: &str) -> String {
        self.problems
            .iter()
            .filter(|p| p.field.as_deref() == Some(field))
            .map(|p| p.text.clone())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The form's fields, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct CardForm {
    #[serde(default)]
    patient_name: String,
    #[serde(default)]
    parent_name: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    occupation: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    onset_date: String,
    #[serde(default)]
    case_class: String,
    #[serde(default)]
    remarks: String,
    #[serde(default)]
    action: String,
}

impl CardForm {
    fn of(card: &Value) -> Self {
        let f = &card["fields"];
        let s = |k: &str| f[k].as_str().unwrap_or_default().to_owned();
        CardForm {
            patient_name: s("patient_name"),
            parent_name: s("parent_name"),
            sex: s("sex"),
            birth_date: s("birth_date"),
            id_number: s("id_number"),
            occupation: s("occupation"),
            address: s("address"),
            phone: s("phone"),
            onset_date: s("onset_date"),
            case_class: s("case_class"),
            remarks: s("remarks"),
            action: String::new(),
        }
    }

    fn json(&self) -> Value {
        json!({"patient_name": self.patient_name, "parent_name": self.parent_name,
            "sex": self.sex, "birth_date": self.birth_date, "id_number": self.id_number,
            "occupation": self.occupation, "address": self.address, "phone": self.phone,
            "onset_date": self.onset_date, "case_class": self.case_class,
            "remarks": self.remarks})
    }
}

fn page(web: &Web, card: &Value, form: CardForm, problems: Vec<Problem>, saved: bool) -> CardPage {
    let r = row(card, web);
    let occupations = OCCUPATIONS
        .iter()
        .map(|(code, zh, en)| Choice {
            code,
            label: pick(web.lang, zh, en),
            chosen: form.occupation == *code,
        })
        .collect();
    let cases = CaseClass::ALL
        .iter()
        .map(|c| Choice {
            code: c.code(),
            label: case_label(*c, web.lang),
            chosen: form.case_class == c.code(),
        })
        .collect();
    CardPage {
        c: web.chrome(format!("{} · {}", t(web.lang, "reports.card"), r.disease)),
        id: r.id,
        disease: r.disease,
        code: r.code,
        submitted: r.submitted,
        overdue: r.overdue,
        seconds: r.seconds,
        left: r.left,
        due: r.due,
        f: form,
        occupations,
        cases,
        problems,
        saved,
    }
}

fn case_label(class: CaseClass, lang: huimin_domain::Lang) -> &'static str {
    let (zh, en) = match class {
        CaseClass::Suspected => ("疑似病例", "Suspected case"),
        CaseClass::Clinical => ("临床诊断病例", "Clinically diagnosed case"),
        CaseClass::Confirmed => ("确诊病例", "Confirmed case"),
        CaseClass::Carrier => ("病原携带者", "Carrier"),
    };
    pick(lang, zh, en)
}

#[derive(Deserialize, Default)]
pub struct CardAsked {
    #[serde(default)]
    saved: String,
}

/// `GET /staff/notifiable/{id}`.
pub async fn card(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(asked): Query<CardAsked>,
) -> Response {
    let reply = api
        .get(&web, &format!("/api/notifiable-reports/{id}"))
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return crate::staff::common::refusal(&web, "reports.card", &reply, "/staff/notifiable");
    }
    let form = CardForm::of(&reply.body);
    render(
        StatusCode::OK,
        &page(&web, &reply.body, form, Vec::new(), !asked.saved.is_empty()),
    )
}

/// `POST /staff/notifiable/{id}`: saves the draft (`action=save`) or submits it.
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CardForm>,
) -> Response {
    let path = if form.action == "submit" {
        format!("/api/notifiable-reports/{id}/submit")
    } else {
        format!("/api/notifiable-reports/{id}")
    };
    let method = if form.action == "submit" {
        Method::POST
    } else {
        Method::PUT
    };
    let body = Some(("application/json", form.json().to_string()));
    let reply = api.call(&web, method, &path, body).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to(&format!("/staff/notifiable/{id}?saved=1")).into_response();
    }
    let current = api
        .get(&web, &format!("/api/notifiable-reports/{id}"))
        .await;
    if !current.ok() {
        return crate::staff::common::refusal(&web, "reports.card", &reply, "/staff/notifiable");
    }
    let status = reply.status;
    render(
        status,
        &page(&web, &current.body, form, reply.problems(), false),
    )
}
