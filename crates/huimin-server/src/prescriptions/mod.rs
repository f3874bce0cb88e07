//! Prescriptions over HTTP (docs/design/prescriptions.md): the formulary search (`drugs`),
//! writing and signing with the rules of rational drug use (`input`, `writing`), the
//! pharmacy's review, dispensing and stock (`pharmacy`), the imported drug tables and
//! prescribing rights (`admin`), and the patient's own prescriptions (`mine`).

mod admin;
mod drugs;
mod external;
mod fhir;
pub(crate) mod input;
mod mine;
pub(crate) mod pharmacy;
mod views;
pub(crate) mod writing;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::prescriptions::{PrescriptionError, PrescriptionRecord, StockError};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/drugs", get(drugs::search))
        .route(
            "/api/visits/{id}/prescriptions",
            get(writing::list).post(writing::create),
        )
        .route("/api/visits/{id}/prescriptions/check", post(writing::check))
        .route("/api/visits/{id}/skin-tests", post(pharmacy::skin_test))
        .route(
            "/api/visits/{id}/external-medications",
            get(external::list).post(external::add),
        )
        .route(
            "/api/prescriptions/{id}",
            get(writing::read).put(writing::amend),
        )
        .route("/api/prescriptions/{id}/cancel", post(writing::cancel))
        .route("/api/prescriptions/{id}/review", post(pharmacy::review))
        .route("/api/prescriptions/{id}/dispense", post(pharmacy::dispense))
        .route(
            "/api/prescriptions/{id}/hand-over",
            post(pharmacy::hand_over),
        )
        .route("/api/pharmacy/reviews", get(pharmacy::queue))
        .route("/api/pharmacy/dispensing", get(pharmacy::dispensing))
        .route(
            "/api/pharmacy/stock",
            get(pharmacy::stock).post(pharmacy::receive),
        )
        .route("/api/pharmacy/review-stats", get(pharmacy::stats))
        .route("/api/admin/drug-tables", get(admin::tables))
        .route("/api/admin/drug-tables/{name}", put(admin::import))
        .route(
            "/api/admin/prescribing-rights/{practitioner}",
            put(admin::set_rights),
        )
        .route("/api/me/prescriptions", get(mine::prescriptions))
        .route("/api/me/medications", get(mine::medications))
        .route("/fhir/MedicationRequest/{id}", get(fhir::request))
        .route("/fhir/MedicationDispense/{id}", get(fhir::dispense))
        .route("/fhir/Medication/{code}", get(fhir::medication_read))
}

/// A prescription the caller may read, or 404 (a patient asking for another's gets the
/// same 404 as for a missing one). Reads are audited.
pub(crate) async fn prescription_or_404(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
) -> Result<PrescriptionRecord, ApiError> {
    let caller = ctx.require()?;
    let resource = format!("MedicationRequest/{id}");
    let record = state.store.prescription(id).await?;
    let Some(record) = record else {
        return Err(ApiError::not_found(&resource));
    };
    match caller.role {
        Role::Pharmacist => {
            audit::record(state, ctx, "read", &resource, SUCCESS, "pharmacy").await?;
        }
        _ => {
            authorize_read(
                state,
                ctx,
                &record.patient_id,
                Part::Visits,
                &resource,
                None,
            )
            .await?;
        }
    }
    Ok(record)
}

pub(crate) fn prescription_error(e: PrescriptionError) -> ApiError {
    match e {
        PrescriptionError::NotFound => ApiError::not_found("MedicationRequest"),
        PrescriptionError::VisitClosed => ApiError::conflict(Text::new(
            "该就诊已结束或已取消，不能再开处方",
            "This visit is finished or cancelled: no more prescriptions",
        ))
        .at("encounter"),
        PrescriptionError::BillCancelled => ApiError::conflict(Text::new(
            "该就诊的账单已取消",
            "This visit's bill is cancelled",
        ))
        .at("encounter"),
        PrescriptionError::WrongStatus(status) => {
            let now = views::status_label(&status);
            ApiError::conflict(Text::new(
                format!("处方当前状态为“{}”，不能进行此操作", now.zh),
                format!("The prescription is {}: this cannot be done now", now.en.to_lowercase()),
            ))
            .at("status")
        }
        PrescriptionError::Conflict => ApiError::conflict(Text::new(
            "处方刚被他人更新，请刷新后重试",
            "The prescription was changed meanwhile; reload and try again",
        ))
        .at("version"),
        PrescriptionError::Stock(StockError::Short(drug, wanted, free)) => ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            Text::new(
                format!("药品 {drug} 库存不足：需要 {wanted}，可用 {free}，不能通过审核"),
                format!("{drug} is out of stock: {wanted} wanted, {free} available; it cannot be approved"),
            ),
        )
        .at("lines"),
        PrescriptionError::Stock(StockError::Expired(lot)) => ApiError::conflict(Text::new(
            format!("批号 {lot} 已过有效期，不能发药；请将该批次下架并重新审核"),
            format!("Lot {lot} has expired and is never dispensed; withdraw it and review again"),
        ))
        .at("lines"),
        PrescriptionError::Stock(StockError::Store(e)) | PrescriptionError::Store(e) => e.into(),
    }
}
