//! The patient H5 site: the hospital and its doctors, booking, my appointments, check-in and
//! waiting, the account and its family members.

mod account;
pub(crate) mod appointment;
pub(crate) mod booking;
pub(crate) mod directory;
mod eligible;
pub(crate) mod forms;
mod hospital;
pub(crate) mod place;
pub(crate) mod profiles;
mod visit;

pub use hospital::{NameCache, read_name};

use axum::Router;
use axum::routing::{get, post};

use crate::api::Api;

pub fn routes() -> Router<Api> {
    Router::new()
        .route("/", get(directory::home))
        .route("/hospital", get(hospital::page))
        .route("/departments/{id}", get(directory::department))
        .route("/doctors/{id}", get(directory::doctor))
        .route("/book/{slot}", get(booking::confirm).post(booking::place))
        .route("/waitlist/{schedule}", post(booking::wait))
        .route("/me", get(appointment::mine))
        .route("/appointments/{id}", get(appointment::show))
        .route("/appointments/{id}/confirm", post(appointment::confirm))
        .route("/appointments/{id}/cancel", post(appointment::cancel))
        .route("/appointments/{id}/move-reply", post(visit::reply))
        .route("/appointments/{id}/check-in", post(appointment::check_in))
        .route("/appointments/{id}/live", get(appointment::live))
        .route("/here/{department}", get(appointment::here))
        .route("/login", get(account::login_page).post(account::login))
        .route("/signup", get(account::signup_page).post(account::signup))
        .route("/logout", post(account::logout))
        .route("/prefs", get(account::prefs))
        .route("/family", get(account::family).post(account::add_family))
}
