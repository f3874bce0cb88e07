//! OAuth2 password grant (`POST /auth/token`) and patient self-registration
//! (`POST /auth/register`).

pub mod password;
mod register;
pub mod throttle;
pub mod token;
mod token_endpoint;

use axum::Router;
use axum::routing::post;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(token_endpoint::issue_token))
        .route("/auth/register", post(register::register))
}

/// Phone numbers are patients' user names: `+86 138 0013 8000` and `13800138000` are one user.
pub fn normalise_username(raw: &str) -> String {
    let trimmed = raw.trim();
    match huimin_domain::phone::Phone::parse(trimmed) {
        Ok(phone) => phone.as_str().to_owned(),
        Err(_) => trimmed.to_lowercase(),
    }
}
