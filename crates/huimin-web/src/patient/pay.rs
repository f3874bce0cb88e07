//! Paying on the phone: the pay buttons post here, the API opens an order at the gateway and
//! the browser is sent to the gateway's page; coming back (`?order=HM…`), the appointment
//! shows how that order stands, and a small script asks again until the gateway's word is in.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use serde_json::{Value, json};

use super::appointment::show_page;
use crate::api::Api;
use crate::i18n::t;
use crate::web::{SignedIn, Web};

/// Where an order stands, in the four ways the page tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderState {
    /// The gateway has not told us yet.
    Pending,
    Paid,
    /// Closed or failed: nothing was taken, the patient may pay again.
    Unpaid,
    /// The money came after the place was released: it goes back the way it came.
    Returned,
}

impl OrderState {
    /// The API's `status` of a pay order; `None` for a word it does not use.
    pub fn from_status(status: &str) -> Option<Self> {
        match status {
            "pending" => Some(Self::Pending),
            "paid" => Some(Self::Paid),
            "closed" => Some(Self::Unpaid),
            "refund-due" | "refunded" => Some(Self::Returned),
            _ => None,
        }
    }

    /// The class of the banner and the suffix of its text key.
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Unpaid => "unpaid",
            Self::Returned => "returned",
        }
    }
}

/// The banner of the order the patient came back from.
pub struct OrderBanner {
    pub id: String,
    pub state: OrderState,
    pub text: &'static str,
    /// "¥50.00 · 微信支付".
    pub detail: String,
}

impl OrderBanner {
    pub fn pending(&self) -> bool {
        self.state == OrderState::Pending
    }

    pub fn class(&self) -> &'static str {
        self.state.code()
    }
}

/// The banner from `GET /api/pay-orders/{id}`'s answer, if it is an order of the visit's
/// bill `invoice` (`Invoice/<id>`): an order of another visit (of the same family) is not
/// this page's to show.
pub fn banner_of(order: &Value, invoice: &str, lang: Lang) -> Option<OrderBanner> {
    if order["invoice"].as_str() != Some(invoice) {
        return None;
    }
    let state = OrderState::from_status(order["status"].as_str()?)?;
    let amount = order["amount"]["value"].as_f64().map(crate::fmt::yuan);
    let channel = &order["channel_display"];
    let method = crate::i18n::pick(
        lang,
        channel["zh"].as_str().unwrap_or_default(),
        channel["en"].as_str().unwrap_or_default(),
    );
    let detail = [amount.unwrap_or_default(), method.to_owned()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    Some(OrderBanner {
        id: order["id"].as_str()?.to_owned(),
        state,
        text: t(lang, &format!("order.{}", state.code())),
        detail,
    })
}

/// Reads order `order` as the API shows it to this visitor: nothing for another family's
/// order (a 404). Read before the appointment and its bill: the payment that marks the
/// order paid books the place in the same transaction, so the page never shows "paid"
/// beside a place still held.
pub async fn read_order(api: &Api, web: &Web, order: &str) -> Option<Value> {
    if !plausible_order_id(order) {
        return None;
    }
    let reply = api.get(web, &format!("/api/pay-orders/{order}")).await;
    reply.ok().then_some(reply.body)
}

/// Order numbers are letters and digits (`HM` and 30 hex digits); anything else is not
/// sent on to the API as part of a path.
pub fn plausible_order_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Where the browser may be sent to pay: a page of this site, or a gateway's over HTTPS.
pub fn checkout_target(url: &str) -> Option<&str> {
    let local = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
    (local || url.starts_with("https://")).then_some(url)
}

#[derive(serde::Deserialize)]
pub struct PayForm {
    channel: String,
}

/// `POST /appointments/{id}/pay`: opens (or reopens) an order and goes to the gateway's page.
pub async fn pay(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<PayForm>,
) -> Response {
    let reply = api
        .post_json(
            &web,
            &format!("/api/appointments/{id}/online-payment"),
            &json!({"channel": form.channel}),
        )
        .await;
    if reply.ok() {
        // The insurance paid it all: settled already, nothing to pay at a gateway.
        if reply.body["status"] == "paid"
            && let Some(order) = reply.body["id"].as_str().filter(|o| plausible_order_id(o))
        {
            return Redirect::to(&format!("/appointments/{id}?order={order}")).into_response();
        }
        let url = reply.body["checkout_url"].as_str().unwrap_or_default();
        if let Some(url) = checkout_target(url) {
            return Redirect::to(url).into_response();
        }
        tracing::error!("the gateway's checkout address is not one to send a browser to");
        let problem = t(web.lang, "pay.unavailable").to_owned();
        return show_page(&api, &web, &id, problem, StatusCode::BAD_GATEWAY).await;
    }
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    // The API's refusals are in the visitor's language; a gateway that did not answer in
    // JSON at all is told in ours.
    let problem = match reply.body {
        Value::Object(_) => reply.message(),
        _ => t(web.lang, "pay.unavailable").to_owned(),
    };
    show_page(&api, &web, &id, problem, reply.status).await
}

/// `GET /pay-orders/{id}/status`: the order's status for the return page's script (the
/// API wants the token the page's cookie holds, which scripts cannot read).
pub async fn status(State(api): State<Api>, web: Web, Path(order): Path<String>) -> Response {
    if !web.signed_in() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if !plausible_order_id(&order) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let reply = api.get(&web, &format!("/api/pay-orders/{order}")).await;
    if !reply.ok() {
        return reply.status.into_response();
    }
    Json(json!({"status": reply.body["status"]})).into_response()
}

#[cfg(test)]
#[path = "pay_tests.rs"]
mod tests;
