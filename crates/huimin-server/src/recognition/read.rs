//! `GET /api/recognition/results/{id}`: a result from another institution as the FHIR
//! `DiagnosticReport` kept at import (performer and observations contained), for whoever may read
//! the patient's results (`records::access::authorize_read`, `Part::Results`; another
//! family's is 404). Served as stored text so decimals keep their digits.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::context::Ctx;
use crate::error::ApiError;
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

pub fn fhir_text(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(crate::fhir::FHIR_JSON),
    );
    response
}

pub async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    ctx.require()?;
    let resource = format!("DiagnosticReport/{id}");
    let Some(result) = state.store.external_result(&id).await? else {
        return Err(ApiError::not_found(&resource));
    };
    authorize_read(
        &state,
        &ctx,
        &result.patient_id,
        Part::Results,
        &resource,
        None,
    )
    .await?;
    Ok(fhir_text(StatusCode::OK, result.content))
}
