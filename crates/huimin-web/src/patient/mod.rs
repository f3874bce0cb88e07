//! The patient H5 site: the hospital and its doctors, booking, my appointments, check-in and
//! waiting, the account and its family members.

mod account;
pub(crate) mod appointment;
pub(crate) mod booking;
mod charges;
pub(crate) mod directory;
mod eligible;
pub(crate) mod facts;
mod family;
mod family_member;
mod forgot;
pub(crate) mod forms;
mod here;
mod hospital;
mod mine;
mod pay;
pub(crate) mod place;
pub(crate) mod profiles;
mod search;
mod sessions;
mod signup;
mod visit;
mod waitlist;

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
        .route(
            "/waitlist/{schedule}",
            get(waitlist::join_form).post(waitlist::join),
        )
        .route("/me", get(mine::mine))
        .route("/me/waitlist/{id}", get(waitlist::entry))
        .route("/me/sign-ins", get(sessions::page))
        .route("/me/sign-ins/{id}/end", post(sessions::end))
        .route("/me/waitlist/{id}/leave", post(waitlist::leave))
        .route("/appointments/{id}", get(appointment::show))
        .route("/appointments/{id}/confirm", post(appointment::confirm))
        .route("/appointments/{id}/pay", post(pay::pay))
        .route("/pay-orders/{order}/status", get(pay::status))
        .route("/appointments/{id}/cancel", post(appointment::cancel))
        .route("/appointments/{id}/move-reply", post(visit::reply))
        .route("/appointments/{id}/check-in", post(appointment::check_in))
        .route("/appointments/{id}/live", get(appointment::live))
        .route("/here/{department}", get(here::show))
        .route(
            "/here/{department}/check-in/{appointment}",
            post(here::check_in),
        )
        .route("/login", get(account::login_page).post(account::login))
        .route("/signup", get(signup::signup_page).post(signup::signup))
        .route("/terms", get(signup::terms))
        .route("/privacy", get(signup::privacy))
        .route("/forgot", get(forgot::forgot_page).post(forgot::reset))
        .route("/logout", post(account::logout))
        .route("/prefs", get(account::prefs))
        .route("/family", get(family::family).post(family::add))
        .route(
            "/family/{id}",
            get(family_member::member).post(family_member::save),
        )
        .route("/family/{id}/remove", post(family_member::remove))
}
