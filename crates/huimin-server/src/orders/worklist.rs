//! `GET /api/orders?category=&status=&stalled=`: the technicians' worklist, the orders waiting
//! for their service or report, oldest first, stalled ones flagged.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::orders::{OrderCategory, OrderStatus};
use huimin_domain::roles::Role;
use huimin_store::orders::OrderFilter;
use serde::Deserialize;
use serde_json::json;

use super::views::{order_json, stalled};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WorklistQuery {
    category: Option<String>,
    /// One status, or several separated by commas; default: those in service.
    status: Option<String>,
    /// `true`: only stalled orders.
    stalled: Option<bool>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<WorklistQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Technician | Role::Admin) {
        audit::record(&state, &ctx, "read", "ServiceRequest", DENIED, "worklist").await?;
        return Err(ApiError::forbidden());
    }
    let category = match query.category.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            OrderCategory::from_code(c)
                .ok_or_else(|| {
                    ApiError::bad_request(Text::new(
                        format!("未知的项目类别：{c}（应为 lab、imaging 或 exam）"),
                        format!("Unknown category {c}: lab, imaging or exam"),
                    ))
                    .at("category")
                })?
                .code()
                .to_owned(),
        ),
    };
    let statuses = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => OrderStatus::ALL
            .into_iter()
            .filter(|s| s.in_service())
            .collect(),
        Some(list) => list
            .split(',')
            .map(|code| {
                OrderStatus::from_code(code.trim()).ok_or_else(|| {
                    ApiError::bad_request(Text::new(
                        format!("未知的医嘱状态：{code}"),
                        format!("Unknown order status: {code}"),
                    ))
                    .at("status")
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let orders = state
        .store
        .search_orders(&OrderFilter {
            statuses: Some(statuses),
            category,
            limit: 500,
            ..Default::default()
        })
        .await?;
    let now = state.clock.now().as_microsecond();
    let orders: Vec<_> = orders
        .into_iter()
        .filter(|o| query.stalled != Some(true) || stalled(o, now))
        .collect();
    let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
    let steps = state.store.order_steps(&ids).await?;
    let mut items = Vec::new();
    for o in &orders {
        let mut item = order_json(o, &steps, now);
        item["patient_name"] = crate::appointments::calling::patient_name(&state, &o.patient_id)
            .await?
            .into();
        items.push(item);
    }
    audit::record(&state, &ctx, "read", "ServiceRequest", SUCCESS, "worklist").await?;
    Ok(Json(json!({"total": items.len(), "orders": items})).into_response())
}
