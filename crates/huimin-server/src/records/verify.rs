//! The public check of a printed record: anyone holding the paper (an insurer, another
//! hospital) asks whether its code is genuine and sees only what identifies the document —
//! hospital, type, visit date, department, the patient's masked name, the PDF's hash and
//! when it was issued. Unknown codes count against the asking address, so codes cannot be
//! enumerated; every answer about a real document is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use huimin_domain::i18n::{Text, en_count};
use huimin_domain::records::VerificationCode;
use huimin_store::records::RecordDocument;
use serde_json::{Value, json};

use super::documents::{OUTPATIENT_RECORD, sha256_hex};
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;
use crate::state::throttle::LoginThrottle;

fn throttled(seconds: u64) -> ApiError {
    let mut error = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "throttled",
        Text::new(
            format!("核验失败次数过多，请 {seconds} 秒后再试"),
            format!(
                "Too many unknown codes; try again in {}",
                en_count(seconds, "second")
            ),
        ),
    );
    error.retry_after = Some(seconds);
    error
}

fn unknown() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        Text::new(
            "没有与此核验码对应的病历：请核对核验码，或向出具病历的医院咨询",
            "No record has this verification code: check the code, or ask the hospital that issued the record",
        ),
    )
    .at("code")
}

/// The registered document `code` names, counting an unknown or malformed code against the
/// address; audited when found.
async fn lookup(state: &AppState, ctx: &Ctx, code: &str) -> Result<RecordDocument, ApiError> {
    let key = LoginThrottle::verify_key(&state.store, ctx.ip);
    let now = huimin_store::now_micros();
    if let Some(seconds) = LoginThrottle::blocked_for(&state.store, &[&key], now).await? {
        return Err(throttled(seconds));
    }
    let found = match VerificationCode::parse(code) {
        Ok(code) => state.store.record_document(code.as_str()).await?,
        Err(_) => None,
    };
    let Some(document) = found else {
        let verify = state.throttle.verify;
        state
            .throttle
            .failed(&state.store, &key, verify, now)
            .await?;
        return Err(unknown());
    };
    audit::record(
        state,
        ctx,
        "verify",
        &format!("Patient/{}", document.patient_id),
        SUCCESS,
        &format!("record document {}", document.code),
    )
    .await?;
    Ok(document)
}

fn document_type(code: &str) -> Value {
    let (zh, en) = match code {
        OUTPATIENT_RECORD => ("门诊病历", "Outpatient record"),
        _ => ("病历文书", "Medical record document"),
    };
    json!({"code": code, "display": {"zh": zh, "en": en}})
}

fn answer(state: &AppState, document: &RecordDocument) -> Value {
    let issued_at = jiff::Timestamp::from_microsecond(document.issued_at)
        .map(|t| {
            t.to_zoned(state.clock.zone().clone())
                .timestamp()
                .to_string()
        })
        .unwrap_or_default();
    let issued_local = jiff::Timestamp::from_microsecond(document.issued_at)
        .map(|t| {
            t.to_zoned(state.clock.zone().clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default();
    json!({
        "code": document.code,
        "genuine": true,
        "hospital": document.hospital,
        "document_type": document_type(&document.document_type),
        "visit_date": document.visit_date,
        "department": document.department,
        "patient": document.patient_masked,
        "sha256": document.sha256,
        "issued_at": issued_at,
        "issued_at_local": issued_local,
    })
}

/// `GET /api/verify/{code}`: whether the code names a document the hospital issued.
#[tracing::instrument(skip_all)]
pub async fn check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let document = lookup(&state, &ctx, &code).await?;
    Ok(Json(answer(&state, &document)))
}

/// `POST /api/verify/{code}/file` with a PDF as the body: whether these are the exact bytes
/// issued under the code (their SHA-256 is the registered one).
#[tracing::instrument(skip_all)]
pub async fn compare_file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let document = lookup(&state, &ctx, &code).await?;
    if body.is_empty() {
        return Err(ApiError::bad_request(Text::new(
            "请上传病历 PDF 文件",
            "Send the record's PDF file",
        ))
        .at("file"));
    }
    let sha256 = sha256_hex(&body);
    let mut answer = answer(&state, &document);
    answer["file_sha256"] = json!(sha256);
    answer["file_matches"] = json!(sha256 == document.sha256);
    Ok(Json(answer))
}
