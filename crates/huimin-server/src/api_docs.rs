//! `/api/docs/`: Swagger UI over the app API's OpenAPI document (`/api/openapi.json`), so an
//! integration engineer can read and try the API in a browser. The viewer's files are
//! utoipa-swagger-ui's vendored copy of swagger-ui-dist, compiled into the binary: nothing is
//! fetched at build or run time, and every file is served from this origin (the pages' CSP).

use std::sync::{Arc, LazyLock};

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use utoipa_swagger_ui::Config;

use crate::error::ApiError;

static CONFIG: LazyLock<Arc<Config<'static>>> = LazyLock::new(|| {
    Arc::new(
        Config::new(["/api/openapi.json"])
            .try_it_out_enabled(true)
            .display_operation_id(true),
    )
});

/// `GET /api/docs`: the viewer's page lives at `/api/docs/` (its files are relative to it).
pub async fn home() -> Redirect {
    Redirect::permanent("/api/docs/")
}

/// `GET /api/docs/{file}`: one of the viewer's files; the empty name is its page.
pub async fn file(file: Option<Path<String>>) -> Response {
    let name = file.map(|Path(name)| name).unwrap_or_default();
    match utoipa_swagger_ui::serve(&name, CONFIG.clone()) {
        Ok(Some(found)) => (
            [(header::CONTENT_TYPE, found.content_type)],
            found.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => ApiError::not_found(&format!("/api/docs/{name}")).into_response(),
        Err(error) => {
            tracing::error!(%error, "the API viewer's configuration did not render");
            ApiError::internal().into_response()
        }
    }
}
