//! `/verify/{code}`: anyone holding a printed record types or scans its code and sees
//! whether the hospital issued it, with only the facts that identify the document; an
//! uploaded PDF is compared byte for byte (SHA-256) with the one registered.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use serde_json::Value;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::web::Web;

/// The facts the API shows about a genuine document.
struct Facts {
    code: String,
    hospital: String,
    document_type: String,
    visit_date: String,
    department: String,
    patient: String,
    sha256: String,
    issued_at: String,
}

impl Facts {
    fn from_answer(body: &Value, web: &Web) -> Self {
        let text = |key: &str| body[key].as_str().unwrap_or_default().to_owned();
        let lang = if web.lang == huimin_domain::i18n::Lang::En {
            "en"
        } else {
            "zh"
        };
        Self {
            code: text("code"),
            hospital: text("hospital"),
            document_type: body["document_type"]["display"][lang]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            visit_date: text("visit_date"),
            department: text("department"),
            patient: text("patient"),
            sha256: text("sha256"),
            issued_at: text("issued_at_local"),
        }
    }
}

/// What the page says after a PDF was uploaded.
enum FileCheck {
    None,
    Matches,
    Differs(String),
    Problem(String),
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    c: Chrome,
    /// The code as typed (shown back in the form).
    code: String,
    facts: Option<Facts>,
    /// Why there are no facts (unknown code, too many tries), when a code was asked about.
    problem: String,
    file: FileCheck,
}

impl VerifyPage {
    fn matches(&self) -> bool {
        matches!(self.file, FileCheck::Matches)
    }
    fn differs(&self) -> Option<&str> {
        match &self.file {
            FileCheck::Differs(sha) => Some(sha),
            _ => None,
        }
    }
    fn file_problem(&self) -> Option<&str> {
        match &self.file {
            FileCheck::Problem(text) => Some(text),
            _ => None,
        }
    }
}

fn page(web: &Web, code: String) -> VerifyPage {
    VerifyPage {
        c: web.chrome(crate::i18n::t(web.lang, "verify.title")),
        code,
        facts: None,
        problem: String::new(),
        file: FileCheck::None,
    }
}

#[derive(Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

fn api_path(code: &str) -> String {
    format!(
        "/api/verify/{}",
        utf8_percent_encode(code.trim(), NON_ALPHANUMERIC)
    )
}

/// `GET /verify`: the form; with `?code=` the check itself.
pub async fn form(web: Web, Query(query): Query<CodeQuery>) -> Response {
    match query.code.as_deref().map(str::trim) {
        Some(code) if !code.is_empty() => {
            let target = format!("/verify/{}", utf8_percent_encode(code, NON_ALPHANUMERIC));
            Redirect::to(&target).into_response()
        }
        _ => render(StatusCode::OK, &page(&web, String::new())),
    }
}

/// Asks the API about `code`: the page with the facts, or the API's refusal (404, 429).
async fn checked(api: &Api, web: &Web, code: String) -> (StatusCode, VerifyPage) {
    let reply = api.get(web, &api_path(&code)).await;
    let mut shown = page(web, code);
    if reply.ok() {
        shown.facts = Some(Facts::from_answer(&reply.body, web));
        (StatusCode::OK, shown)
    } else {
        shown.problem = reply.message();
        (reply.status, shown)
    }
}

/// `GET /verify/{code}`.
pub async fn show(State(api): State<Api>, web: Web, Path(code): Path<String>) -> Response {
    let (status, shown) = checked(&api, &web, code).await;
    render(status, &shown)
}

/// The uploaded file's bytes, if the form sent one.
async fn uploaded(mut form: Multipart) -> Option<Vec<u8>> {
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("file") {
            return field.bytes().await.ok().map(|b| b.to_vec());
        }
    }
    None
}

/// `POST /verify/{code}` with a PDF: whether it is the very file registered.
pub async fn compare(
    State(api): State<Api>,
    web: Web,
    Path(code): Path<String>,
    form: Multipart,
) -> Response {
    let bytes = uploaded(form).await.unwrap_or_default();
    if bytes.is_empty() {
        let (status, mut shown) = checked(&api, &web, code).await;
        shown.file = FileCheck::Problem(crate::i18n::t(web.lang, "verify.no_file").to_owned());
        let status = if status.is_success() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            status
        };
        return render(status, &shown);
    }
    let path = format!("{}/file", api_path(&code));
    let reply = api.post_bytes(&web, &path, "application/pdf", bytes).await;
    let mut shown = page(&web, code);
    if !reply.ok() {
        shown.problem = reply.message();
        return render(reply.status, &shown);
    }
    shown.facts = Some(Facts::from_answer(&reply.body, &web));
    shown.file = if reply.body["file_matches"] == true {
        FileCheck::Matches
    } else {
        FileCheck::Differs(
            reply.body["file_sha256"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    render(StatusCode::OK, &shown)
}
