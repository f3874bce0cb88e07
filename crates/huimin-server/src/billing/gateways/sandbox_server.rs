//! The sandbox gateway's own side, served by Huimin for the demo and the tests: it opens,
//! closes and refunds trades on signed requests, shows the payer a page (`huimin-web`'s
//! `billing::sandbox`), and sends signed notifications, with delays, failures and repeats on
//! the payer's demand. It answers only when the sandbox is configured
//! (`HUIMIN_PAY_SANDBOX`); it is never for production.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use huimin_store::sandbox::{PayerChoice, SandboxError, SandboxTrade};
use serde::Deserialize;
use serde_json::json;

// The trade bill lives beside this file; declared here so the gateways' module list stays as is.
#[path = "sandbox_bill.rs"]
mod sandbox_bill;

use super::sandbox::{SCHEME, WINDOW_SECONDS, request_message, verify};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sandbox/v3/pay/transactions/h5", post(open))
        .route(
            "/sandbox/v3/pay/transactions/out-trade-no/{no}/close",
            post(close),
        )
        .route("/sandbox/v3/refund/domestic/refunds", post(refund))
        .route("/sandbox/v3/bill/tradebill", get(sandbox_bill::tradebill))
        .route("/sandbox/trades/{no}", get(show))
        .route("/sandbox/trades/{no}/pay", post(pay))
}

pub(crate) fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

pub(crate) fn sandbox_error(err: SandboxError) -> Response {
    let status = match err {
        SandboxError::NoTrade => StatusCode::NOT_FOUND,
        SandboxError::Store(ref e) => {
            tracing::error!(error = %e, "sandbox gateway storage failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::BAD_REQUEST,
    };
    refuse(status, &err.to_string(), "sandbox refused the request")
}

/// A refusal of a merchant request: status, code, message.
pub(crate) struct Refusal(StatusCode, &'static str, &'static str);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        refuse(self.0, self.1, self.2)
    }
}

/// Checks a merchant POST's signature; the refusal to answer otherwise.
fn signed(state: &AppState, headers: &HeaderMap, uri: &Uri, body: &[u8]) -> Result<(), Refusal> {
    signed_as(state, "POST", headers, uri, body)
}

/// Checks a merchant request's signature over its method, path, query and body.
pub(crate) fn signed_as(
    state: &AppState,
    method: &str,
    headers: &HeaderMap,
    uri: &Uri,
    body: &[u8],
) -> Result<(), Refusal> {
    let Some(gateway) = &state.gateways.sandbox else {
        return Err(Refusal(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no sandbox here",
        ));
    };
    let unsigned = || Refusal(StatusCode::UNAUTHORIZED, "SIGN_ERROR", "signature wrong");
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(SCHEME))
        .ok_or_else(unsigned)?;
    let field = |name: &str| {
        auth.split(',')
            .filter_map(|part| part.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim_matches('"').to_owned())
    };
    let (Some(timestamp), Some(nonce), Some(signature)) =
        (field("timestamp"), field("nonce"), field("signature"))
    else {
        return Err(unsigned());
    };
    let timestamp: i64 = timestamp.parse().map_err(|_| unsigned())?;
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let body = std::str::from_utf8(body).map_err(|_| unsigned())?;
    let message = request_message(method, path, timestamp, &nonce, body);
    if !verify(&gateway.keys().merchant, &message, &signature) {
        return Err(unsigned());
    }
    if (state.clock.now().as_second() - timestamp).abs() > WINDOW_SECONDS {
        return Err(Refusal(
            StatusCode::UNAUTHORIZED,
            "SIGN_ERROR",
            "timestamp stale",
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
struct Amount {
    total: i64,
    currency: String,
}

#[derive(Deserialize)]
struct OpenRequest {
    out_trade_no: String,
    channel: String,
    description: String,
    amount: Amount,
    notify_url: String,
    return_url: String,
}

async fn open(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    if let Err(refused) = signed(&state, &headers, &uri, &body) {
        return refused.into_response();
    }
    let Ok(r) = serde_json::from_slice::<OpenRequest>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "malformed order");
    };
    let valid_no = (6..=32).contains(&r.out_trade_no.len())
        && r.out_trade_no
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-|*".contains(&b));
    if !valid_no || r.amount.total <= 0 || r.amount.currency != "CNY" {
        return refuse(
            StatusCode::BAD_REQUEST,
            "PARAM_ERROR",
            "order number or amount invalid",
        );
    }
    let trade = SandboxTrade {
        out_trade_no: r.out_trade_no,
        channel: r.channel,
        amount_fen: r.amount.total,
        description: r.description,
        notify_url: r.notify_url,
        return_url: r.return_url,
        state: "NOTPAY".into(),
        transaction_id: None,
        paid_at: None,
        refunded_fen: 0,
        notify_due: None,
        notify_left: 0,
        notify_attempts: 0,
        created_at: state.clock.now().as_microsecond(),
    };
    match state.store.sandbox_open_trade(&trade).await {
        Ok(trade) => Json(json!({
            "h5_url": format!("/sandbox/pay/{}", trade.out_trade_no),
        }))
        .into_response(),
        Err(e) => sandbox_error(e),
    }
}

async fn close(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Path(no): Path<String>,
    body: Bytes,
) -> Response {
    if let Err(refused) = signed(&state, &headers, &uri, &body) {
        return refused.into_response();
    }
    match state.store.sandbox_close(&no).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => sandbox_error(e),
    }
}

#[derive(Deserialize)]
struct RefundAmount {
    refund: i64,
    total: i64,
    currency: String,
}

#[derive(Deserialize)]
struct RefundRequest {
    out_refund_no: String,
    out_trade_no: String,
    amount: RefundAmount,
}

async fn refund(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    if let Err(refused) = signed(&state, &headers, &uri, &body) {
        return refused.into_response();
    }
    let Ok(r) = serde_json::from_slice::<RefundRequest>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "malformed refund");
    };
    let trade = match state.store.sandbox_trade(&r.out_trade_no).await {
        Ok(Some(trade)) => trade,
        Ok(None) => return sandbox_error(SandboxError::NoTrade),
        Err(e) => return sandbox_error(e.into()),
    };
    if r.amount.total != trade.amount_fen || r.amount.currency != "CNY" {
        return refuse(
            StatusCode::BAD_REQUEST,
            "PARAM_ERROR",
            "total does not match the trade",
        );
    }
    let now = state.clock.now().as_microsecond();
    match state
        .store
        .sandbox_refund(&r.out_refund_no, &r.out_trade_no, r.amount.refund, now)
        .await
    {
        Ok(()) => {
            Json(json!({"out_refund_no": r.out_refund_no, "status": "SUCCESS"})).into_response()
        }
        Err(e) => sandbox_error(e),
    }
}

/// What the payer's page shows of a trade.
async fn show(State(state): State<AppState>, Path(no): Path<String>) -> Response {
    if state.gateways.sandbox.is_none() {
        return refuse(StatusCode::NOT_FOUND, "NOT_FOUND", "no sandbox here");
    }
    match state.store.sandbox_trade(&no).await {
        Ok(Some(t)) => Json(json!({
            "out_trade_no": t.out_trade_no,
            "channel": t.channel,
            "description": t.description,
            "amount": {"total": t.amount_fen, "currency": "CNY"},
            "state": t.state,
            "return_url": t.return_url,
        }))
        .into_response(),
        Ok(None) => sandbox_error(SandboxError::NoTrade),
        Err(e) => sandbox_error(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayRequest {
    pay: bool,
    #[serde(default)]
    delay_seconds: i64,
    #[serde(default = "one")]
    notices: i64,
}

fn one() -> i64 {
    1
}

/// The payer pays or fails to, on the sandbox's page.
async fn pay(State(state): State<AppState>, Path(no): Path<String>, body: Bytes) -> Response {
    if state.gateways.sandbox.is_none() {
        return refuse(StatusCode::NOT_FOUND, "NOT_FOUND", "no sandbox here");
    }
    let Ok(r) = serde_json::from_slice::<PayRequest>(&body) else {
        return refuse(StatusCode::BAD_REQUEST, "PARAM_ERROR", "malformed choice");
    };
    if !(0..=120).contains(&r.delay_seconds) || !(1..=3).contains(&r.notices) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "PARAM_ERROR",
            "delay 0–120 seconds, 1–3 notices",
        );
    }
    let choice = PayerChoice {
        pay: r.pay,
        delay_seconds: r.delay_seconds,
        notices: r.notices,
    };
    let now = state.clock.now().as_microsecond();
    match state.store.sandbox_pay(&no, choice, now).await {
        Ok(t) => {
            state.gateways.wake_worker();
            Json(json!({"state": t.state, "return_url": t.return_url})).into_response()
        }
        Err(e) => sandbox_error(e),
    }
}
