//! `GET /api/bills/{id}/e-invoice` (the PDF) and `GET /api/bills/{id}/e-invoice.json` (its
//! numbers and the bill's voided invoices): for the bill's patient (their family's account),
//! registrars and administrators. Either one issues the invoice if the bill has none for
//! what it states now.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::billing::EInvoice;
use huimin_store::records::notifiable::fields_from_patient;
use serde_json::{Value, json};

use super::amount::capital_amount;
use super::{InvoiceDocument, InvoiceIssuer, IssueError, Issued, LocalIssuer, check_code};
use crate::audit::{self, DENIED, SUCCESS};
use crate::billing::views::money;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn not_balanced() -> ApiError {
    ApiError::conflict(Text::new(
        "该账单尚未结清或已全部退费，不能开具电子票据",
        "This bill is not settled (or was refunded in full): it has no e-invoice",
    ))
}

fn issue_error(err: IssueError, id: &str) -> ApiError {
    match err {
        IssueError::NoBill => ApiError::not_found(&format!("Invoice/{id}")),
        IssueError::NotBalanced => not_balanced(),
        IssueError::Store(e) => e.into(),
    }
}

fn issuer(state: &AppState) -> LocalIssuer {
    LocalIssuer {
        store: state.store.clone(),
        clock: state.clock.clone(),
    }
}

/// Issues the bill's invoice if the caller may have it: the bill's patient, registrars and
/// administrators; a bill of another family is not found.
async fn issued_for(state: &AppState, ctx: &Ctx, id: &str) -> Result<Issued, ApiError> {
    let caller = ctx.require()?;
    let reference = format!("Invoice/{id}/e-invoice");
    let sheet = state.store.bill(id).await?;
    let allowed = sheet.as_ref().is_some_and(|s| match caller.role {
        Role::Patient => caller.patient_ids.contains(&s.bill.patient_id),
        _ => true,
    });
    if !allowed {
        audit::record(state, ctx, "read", &reference, DENIED, "").await?;
        return Err(ApiError::not_found(&format!("Invoice/{id}")));
    }
    if !matches!(caller.role, Role::Patient | Role::Registrar | Role::Admin) {
        audit::record(state, ctx, "read", &reference, DENIED, "").await?;
        return Err(ApiError::forbidden());
    }
    let issued = issuer(state)
        .issue(id, &caller.username)
        .await
        .map_err(|e| issue_error(e, id))?;
    let detail = match &issued.voided {
        Some(old) => format!("{} (voids {old})", issued.invoice.number),
        None => issued.invoice.number.clone(),
    };
    audit::record(state, ctx, "read", &reference, SUCCESS, &detail).await?;
    Ok(issued)
}

fn instant(micros: Option<i64>) -> Value {
    micros
        .and_then(|m| jiff::Timestamp::from_microsecond(m).ok())
        .map_or(Value::Null, |t| json!(t.to_string()))
}

fn invoice_json(i: &EInvoice) -> Value {
    json!({
        "number": i.number,
        "issued_at": instant(Some(i.issued_at)),
        "total": money(i.total_fen),
        "check_code": check_code(i),
        "voided_at": instant(i.voided_at),
        "replaced_by": i.replaced_by,
    })
}

/// `GET /api/bills/{id}/e-invoice.json`
#[tracing::instrument(skip_all)]
pub async fn metadata(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let issued = issued_for(&state, &ctx, &id).await?;
    let all = state.store.e_invoices_of_bill(&id).await?;
    let mut answer = invoice_json(&issued.invoice);
    answer["bill"] = json!(format!("Invoice/{id}"));
    answer["pdf"] = json!(format!("/api/bills/{id}/e-invoice"));
    answer["voided"] = all
        .iter()
        .filter(|i| i.voided_at.is_some())
        .map(invoice_json)
        .collect();
    Ok(Json(answer).into_response())
}

fn font_unavailable(problem: &str) -> ApiError {
    tracing::error!(%problem, "an e-invoice could not be printed");
    let mut error = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "transient",
        Text::new(
            "电子票据暂不可用：服务器缺少中文字体，请联系医院管理员",
            "E-invoices are unavailable: the server lacks its Chinese font; please tell the hospital's administrator",
        ),
    );
    error.retry_after = Some(3600);
    error
}

async fn document(state: &AppState, issued: &Issued) -> Result<InvoiceDocument, ApiError> {
    let (hospital_zh, hospital_en, _) = crate::records::print::hospital(state)
        .await
        .map_err(|e| {
            if e.status == StatusCode::CONFLICT {
                ApiError::conflict(Text::new(
                    "医院信息尚未登记，暂不能开具电子票据；请联系医院管理员",
                    "The hospital is not in the directory yet, so no e-invoice can be made; please tell the hospital's administrator",
                ))
            } else {
                e
            }
        })?;
    let patient_name = state
        .store
        .read_resource("Patient", &issued.sheet.bill.patient_id)
        .await?
        .map(|p| fields_from_patient(&p.content).patient_name)
        .unwrap_or_default();
    let invoice = &issued.invoice;
    let issued_on = jiff::Timestamp::from_microsecond(invoice.issued_at)
        .map(|t| t.to_zoned(state.clock.zone().clone()).date().to_string())
        .unwrap_or_default();
    Ok(InvoiceDocument {
        number: invoice.number.clone(),
        issued_on,
        hospital_zh,
        hospital_en,
        patient_name,
        lines: super::lines(&issued.sheet),
        total_fen: invoice.total_fen,
        total_words: capital_amount(invoice.total_fen).ok_or_else(ApiError::internal)?,
        payments: super::payments(&issued.sheet),
        check_code: check_code(invoice),
    })
}

/// `GET /api/bills/{id}/e-invoice`
#[tracing::instrument(skip_all)]
pub async fn pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let issued = issued_for(&state, &ctx, &id).await?;
    let font = state.pdf_fonts.get().map_err(|p| font_unavailable(&p))?;
    let doc = document(&state, &issued).await?;
    let number = doc.number.clone();
    let bytes = tokio::task::spawn_blocking(move || super::render_invoice_pdf(&doc, &font))
        .await
        .map_err(|_| ApiError::internal())?
        .map_err(|problem| {
            tracing::error!(%problem, "the e-invoice PDF could not be written");
            ApiError::internal()
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"e-invoice-{number}.pdf\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// After a refund: a bill whose invoice no longer states what it holds is re-issued now
/// (or its invoice voided when nothing is left to invoice), not at the next read.
pub async fn refresh_after_refund(state: &AppState, id: &str, by: &str) -> Result<(), ApiError> {
    let had_one = state
        .store
        .e_invoices_of_bill(id)
        .await?
        .iter()
        .any(|i| i.voided_at.is_none());
    if !had_one {
        return Ok(());
    }
    match issuer(state).issue(id, by).await {
        Ok(_) | Err(IssueError::NotBalanced) => Ok(()),
        Err(e) => Err(issue_error(e, id)),
    }
}
