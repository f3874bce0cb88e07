//! The bill's electronic invoice (电子票据) as a download, for the patient on the appointment
//! page and for the desk: the API's PDF handed through (`GET /api/bills/{id}/e-invoice`).

use axum::extract::{Path, State};
use axum::response::Response;

use crate::api::Api;
use crate::web::SignedIn;

pub async fn download(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(bill): Path<String>,
) -> Response {
    let bill: String = url::form_urlencoded::byte_serialize(bill.as_bytes()).collect();
    let path = format!("/api/bills/{bill}/e-invoice");
    crate::records::patient::pass_pdf(&api, web, &path, "einvoice.title", "/me").await
}
