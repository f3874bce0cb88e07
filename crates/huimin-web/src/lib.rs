//! Huimin's pages (惠民 H5 and workbench): server-rendered HTML, mobile first, Chinese by
//! default with English beside it, a large-text high-contrast mode (适老化), no front-end
//! build step. Templates (askama) and assets are compiled into the binary.
//!
//! The pages are a client of Huimin's own API, called in process: every page handler turns a
//! form or a link into an API request carrying the visitor's token (kept in an HttpOnly,
//! SameSite=Strict cookie), and renders the answer. Authorisation, the booking rules, audit
//! and the localised error texts therefore come from one place, the API; a page cannot do
//! anything its visitor could not do with a token.

mod admin;
mod api;
mod assets;
mod billing;
mod chrome;
mod fhir;
mod fmt;
mod i18n;
mod live;
mod messages;
mod names;
mod orders;
mod origin;
mod patient;
mod prescriptions;
mod qr;
mod records;
mod results;
mod staff;
mod web;

use axum::Router;
use axum::http::Request;
use tower_http::trace::TraceLayer;

pub use api::Api;

/// The pages, served beside the API (`App::build_with(settings, huimin_web::pages)`), on the
/// hospital's clock (the one the API books by).
pub fn pages(api: Router, clock: huimin_clock::Clock) -> Router {
    fmt::set_clock(clock);
    let api = Api::new(api);
    Router::new()
        .merge(patient::routes())
        .merge(staff::routes())
        .merge(records::routes())
        .merge(orders::routes())
        .merge(results::routes())
        .merge(prescriptions::routes())
        .merge(admin::routes())
        .merge(billing::routes())
        .merge(messages::routes())
        .merge(assets::routes())
        .layer(axum::middleware::from_fn_with_state(
            api.clone(),
            messages::count_unread,
        ))
        .layer(axum::middleware::from_fn_with_state(
            api.clone(),
            patient::read_name,
        ))
        .layer(axum::middleware::from_fn(origin::same_origin_posts))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                // The route template, never the path: paths hold ids and verification codes.
                let route = request
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map_or("unmatched", axum::extract::MatchedPath::as_str);
                tracing::info_span!("page", method = %request.method(), route)
            }),
        )
        .with_state(api)
}
