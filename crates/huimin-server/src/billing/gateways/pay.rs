//! Paying a visit's bill on the phone: `POST /api/appointments/{id}/online-payment` opens an
//! order at the gateway of the chosen method and answers the page to pay on (a second tab
//! gets the same order back); `GET /api/pay-orders/{id}` tells how it stands.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::billing::{OrderRequest, PayError, PayOrder};
use huimin_store::instant_text;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{CheckoutRequest, Gateway};
use crate::appointments::operations::visible_appointment;
use crate::audit::{self, DENIED, SUCCESS};
use crate::billing::views::money;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// How long an order stays open at the gateway (a held place's own expiry comes first).
pub const ORDER_MINUTES: i64 = 15;

pub fn order_json(order: &PayOrder) -> Value {
    let method = PaymentMethod::from_code(&order.channel);
    json!({
        "id": order.id,
        "invoice": format!("Invoice/{}", order.bill_id),
        "patient": format!("Patient/{}", order.patient_id),
        "channel": order.channel,
        "channel_display": method.map(|m| json!({"zh": m.zh(), "en": m.en()})),
        "provider": order.provider,
        "amount": money(order.amount_fen),
        "insurance": (order.pool_fen + order.account_fen > 0).then(|| json!({
            "pool": money(order.pool_fen),
            "account": money(order.account_fen),
            "total": money(order.amount_fen + order.pool_fen + order.account_fen),
        })),
        "status": order.status,
        "checkout_url": order.checkout_url,
        "expires_at": instant_text(order.expires_at),
        "paid_at": order.paid_at.map(instant_text),
    })
}

fn pay_error(err: PayError) -> ApiError {
    match err {
        PayError::NotFound => ApiError::not_found("Appointment"),
        PayError::NothingDue => ApiError::conflict(Text::new(
            "该就诊没有待缴费用",
            "Nothing is due on this visit",
        )),
        PayError::Cancelled => ApiError::conflict(Text::new(
            "该预约已取消，不能缴费",
            "This appointment is cancelled: nothing can be paid",
        )),
        PayError::HoldLapsed => ApiError::conflict(Text::new(
            "锁号已过期，号源已释放，请重新预约",
            "The hold has lapsed and the place was released: please book again",
        )),
        PayError::Store(e) => e.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    channel: String,
}

pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Patient | Role::Registrar | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let request: StartRequest = crate::error::json_body(&body)?;
    let offered = state.gateways.channels();
    let channel = PaymentMethod::from_code(&request.channel)
        .filter(|c| offered.contains(c))
        .ok_or_else(|| {
            let codes: Vec<&str> = offered.iter().map(|m| m.code()).collect();
            ApiError::unprocessable(Text::new(
                format!(
                    "不支持在线支付方式 {}；可选：{}",
                    request.channel,
                    codes.join("、")
                ),
                format!(
                    "{} is not an online payment method here; use one of: {}",
                    request.channel,
                    codes.join(", ")
                ),
            ))
            .at("channel")
        })?;
    let Some(gateway) = state.gateways.for_channel(channel) else {
        return Err(ApiError::unavailable());
    };
    visible_appointment(&state, &ctx, &id, "update").await?;
    let now = state.clock.now().as_microsecond();
    let started = state
        .store
        .start_pay_order(
            &OrderRequest {
                appointment_id: &id,
                channel: channel.code(),
                provider: gateway.provider(),
                by: &caller.username,
                now,
                ttl_micros: ORDER_MINUTES * 60_000_000,
                insurance: Some((&state.insurance, i32::from(state.clock.today().year()))),
            },
            || format!("HM{}", &uuid::Uuid::new_v4().simple().to_string()[..30]),
        )
        .await
        .map_err(pay_error)?;
    for old in &started.closed {
        if let Some(g) = state.gateways.by_provider(&old.provider)
            && let Err(e) = g.close(&old.id).await
        {
            tracing::warn!(error = %e, "replaced order could not be closed at the gateway");
        }
    }
    let mut order = started.order;
    if !started.reused && order.status == "pending" {
        let checkout = CheckoutRequest {
            order_id: order.id.clone(),
            amount_fen: order.amount_fen,
            description: "门诊缴费 Outpatient bill".into(),
            notify_url: format!(
                "{}/api/payments/notify/{}",
                state.self_url,
                gateway.provider()
            ),
            return_url: format!("/appointments/{id}?order={}", order.id),
        };
        match gateway.checkout(&checkout, channel).await {
            Ok(url) => {
                state.store.set_checkout(&order.id, &url, now).await?;
                order.checkout_url = Some(url);
            }
            Err(e) => {
                tracing::error!(error = %e, "gateway refused the order");
                state.store.close_pay_order(&order.id, now).await?;
                return Err(ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "transient",
                    Text::new(
                        "支付渠道暂时不可用，请稍后再试或到收费窗口缴费",
                        "The payment service is not available now: try again later or pay at the desk",
                    ),
                ));
            }
        }
    }
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Appointment/{id}/online-payment"),
        SUCCESS,
        &order.id,
    )
    .await?;
    let status = if started.reused {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(order_json(&order))).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let order = state.store.pay_order(&id).await?;
    let allowed = order.as_ref().is_some_and(|o| match caller.role {
        Role::Patient => caller.patient_ids.contains(&o.patient_id),
        Role::Registrar | Role::Admin => true,
        _ => false,
    });
    let what = format!("PayOrder/{id}");
    let Some(order) = order.filter(|_| allowed) else {
        audit::record(&state, &ctx, "read", &what, DENIED, "").await?;
        return Err(ApiError::not_found("PayOrder"));
    };
    audit::record(&state, &ctx, "read", &what, SUCCESS, "").await?;
    let refunds = state.store.gateway_refunds_of_order(&id).await?;
    let mut answer = order_json(&order);
    answer["refunds"] = refunds
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "amount": money(r.amount_fen),
                "status": r.status,
                "requested_at": instant_text(r.created_at),
            })
        })
        .collect();
    Ok(Json(answer).into_response())
}

/// `GET /api/payments/channels`: the methods patients can pay online with here (none when no
/// gateway is configured), and whether they go through the sandbox.
pub async fn channels(State(state): State<AppState>) -> Json<Value> {
    let channels: Vec<Value> = state
        .gateways
        .channels()
        .into_iter()
        .filter_map(|c| {
            let gateway = state.gateways.for_channel(c)?;
            Some(json!({
                "code": c.code(),
                "zh": c.zh(),
                "en": c.en(),
                "provider": gateway.provider(),
            }))
        })
        .collect();
    Json(json!({ "channels": channels }))
}
