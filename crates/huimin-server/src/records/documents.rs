//! Issuing a printed visit record: a fresh verification code, the PDF drawn with it, the
//! registry row that lets `/verify/{code}` answer, and the audit record — in that order, so
//! that no PDF leaves without its code being checkable.

use axum::http::{HeaderMap, StatusCode, header};
use huimin_domain::i18n::Text;
use huimin_domain::masking::mask_name;
use huimin_domain::records::{VerificationCode, VisitDocument};
use huimin_store::records::{IssuedDocument, RecordDocument};
use sha2::{Digest, Sha256};

use super::pdf::{PdfError, render_visit_pdf};
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// The document type of an outpatient record in the registry and the verify answer.
pub const OUTPATIENT_RECORD: &str = "outpatient-record";

/// What a printed record is of: the ids the registry keeps beside its code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueRefs {
    pub patient_id: String,
    pub encounter_id: String,
    pub composition_id: String,
    /// The note's version printed (the signed or amended one).
    pub composition_version: String,
    /// The visit's date in the hospital's time zone (`2026-12-07`), shown by the check.
    pub visit_date: String,
}

/// A printed record and the code printed on it.
#[derive(Clone, Debug)]
pub struct IssuedPdf {
    pub bytes: Vec<u8>,
    pub code: VerificationCode,
    /// SHA-256 of `bytes`, lower-case hex, as registered.
    pub sha256: String,
}

/// `https://host`: where this request came to, for the printed verify address (the
/// reverse proxy's `X-Forwarded-Proto` names the scheme).
pub fn site_base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn unavailable(problem: &str) -> ApiError {
    tracing::error!(%problem, "a record could not be printed");
    let mut error = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "transient",
        Text::new(
            "病历打印暂不可用：服务器缺少中文字体，请联系医院管理员",
            "Printing records is unavailable: the server lacks its Chinese font; please tell the hospital's administrator",
        ),
    );
    error.retry_after = Some(3600);
    error
}

fn pdf_error(err: PdfError) -> ApiError {
    match err {
        PdfError::Document(refusal) => ApiError::unprocessable(refusal.message).at(refusal.field),
        PdfError::Write(problem) => {
            tracing::error!(%problem, "the PDF could not be written");
            ApiError::internal()
        }
    }
}

/// Prints `doc` as a PDF with a new verification code and registers it. `site` is the
/// public address of the hospital's site (`site_base`): the verify address printed is
/// `{site}/verify/{code}`, and `doc`'s own `code` and `verify_url` are replaced.
///
/// The caller has decided that `ctx` may read the record; this writes the registry row and
/// audits the issue (`create` of `Composition/{id}/_history/{version}`, detail `pdf CODE`).
pub async fn issue_visit_pdf(
    state: &AppState,
    ctx: &Ctx,
    site: &str,
    mut doc: VisitDocument,
    refs: &IssueRefs,
) -> Result<IssuedPdf, ApiError> {
    let font = state.pdf_fonts.get().map_err(|p| unavailable(&p))?;
    let (issued_by, _) = ctx.actor();
    // A code is drawn again only in the rare case it is taken (1 in 31^10 per issued one).
    for _ in 0..4 {
        let code = VerificationCode::generate(&mut rand::rng());
        doc.code = code.clone();
        doc.verify_url = format!("{}/verify/{code}", site.trim_end_matches('/'));
        let (printed, font) = (doc.clone(), font.clone());
        let bytes = tokio::task::spawn_blocking(move || render_visit_pdf(&printed, &font))
            .await
            .map_err(|_| ApiError::internal())?
            .map_err(pdf_error)?;
        let sha256 = sha256_hex(&bytes);
        let row = RecordDocument {
            code: code.to_string(),
            document_type: OUTPATIENT_RECORD.into(),
            patient_id: refs.patient_id.clone(),
            encounter_id: refs.encounter_id.clone(),
            composition_id: refs.composition_id.clone(),
            composition_version: refs.composition_version.clone(),
            sha256: sha256.clone(),
            hospital: doc.hospital_name_zh.clone(),
            visit_date: refs.visit_date.clone(),
            department: doc.department.clone(),
            patient_masked: mask_name(&doc.patient_name),
            issued_at: state.clock.now().as_microsecond(),
            issued_by: issued_by.clone(),
        };
        match state.store.add_record_document(&row).await {
            Ok(()) => {
                audit::record(
                    state,
                    ctx,
                    "create",
                    &format!(
                        "Composition/{}/_history/{}",
                        refs.composition_id, refs.composition_version
                    ),
                    SUCCESS,
                    &format!("pdf {code}"),
                )
                .await?;
                return Ok(IssuedPdf {
                    bytes,
                    code,
                    sha256,
                });
            }
            Err(IssuedDocument::CodeTaken) => continue,
            Err(IssuedDocument::Store(err)) => return Err(err.into()),
        }
    }
    Err(ApiError::internal())
}
