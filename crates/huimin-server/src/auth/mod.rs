//! OAuth2 password grant (`POST /auth/token`), patient self-registration
//! (`POST /auth/register`), a forgotten password reset with a desk code
//! (`POST /auth/reset-password`), and the sign-in sessions every token belongs to
//! (`POST /auth/logout`, `/api/me/sign-ins`).

mod bearer;
mod register;
mod reset;
pub mod sessions;
mod token_endpoint;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/token", post(token_endpoint::issue_token))
        .route("/auth/register", post(register::register))
        .route("/auth/reset-password", post(reset::reset_password))
        .route("/auth/logout", post(sessions::logout))
        .route("/api/me/sign-ins", get(sessions::list))
        .route("/api/me/sign-ins/{id}", delete(sessions::end_one))
}

/// The stored account key for a user name. Phone numbers are patients' user names
/// (`+86 138 0013 8000` and `13800138000` are one user) and are stored only as a keyed hash,
/// so the accounts table does not reveal them; staff names are stored lower-cased.
pub fn account_key(store: &huimin_store::Store, raw: &str) -> String {
    let trimmed = raw.trim();
    match huimin_domain::phone::Phone::parse(trimmed) {
        Ok(phone) => format!("{PHONE_ACCOUNT_PREFIX}{}", store.blind(phone.as_str())),
        Err(_) => trimmed.to_lowercase(),
    }
}

/// Prefix of account keys that stand for a phone number.
pub const PHONE_ACCOUNT_PREFIX: &str = "phone:";
