//! Ordering from the visit and the steps of the closed loop: `GET/POST
//! /api/visits/{id}/orders` (the visit's orders for whoever may read the visit; ordering by
//! the visit's doctor while it is open) and `POST /api/orders/{id}/steps` (technicians
//! schedule, collect or perform and report; the ordering doctor reviews or cancels).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::orders::{OrderStatus, Orderable};
use huimin_domain::records::VisitStatus;
use huimin_domain::roles::Role;
use huimin_store::orders::{OrderFilter, OrderRecord, Orderer};
use huimin_store::records::EncounterRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use super::views::order_json;
use super::{CATALOGUE, closed_visit, order_error};
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::ApiError;
use crate::recognition::offers::{offers_json, retest_reasons};
use crate::recognition::ordering::{ItemChoice, decide, recognitions_json};
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

/// How many items one request may order.
const MAX_ITEMS: usize = 20;

pub(crate) async fn encounter_or_404(
    state: &AppState,
    id: &str,
) -> Result<EncounterRecord, ApiError> {
    state
        .store
        .encounter(id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Encounter/{id}")))
}

/// Whether the caller is a doctor holding this post.
pub(crate) async fn holds_post(
    state: &AppState,
    caller: &Caller,
    role: Option<&str>,
) -> Result<bool, ApiError> {
    let (Role::Doctor, Some(practitioner), Some(role)) =
        (caller.role, caller.practitioner_id.as_deref(), role)
    else {
        return Ok(false);
    };
    Ok(crate::appointments::roles_of(state, practitioner)
        .await?
        .iter()
        .any(|r| r == role))
}

/// The orders of a visit as JSON, with their steps.
pub(crate) async fn orders_json(
    state: &AppState,
    encounter_id: &str,
) -> Result<Vec<Value>, ApiError> {
    let orders = state
        .store
        .search_orders(&OrderFilter {
            encounter: Some(encounter_id.to_owned()),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let ids: Vec<String> = orders.iter().map(|o| o.id.clone()).collect();
    let steps = state.store.order_steps(&ids).await?;
    let now = state.clock.now().as_microsecond();
    Ok(orders.iter().map(|o| order_json(o, &steps, now)).collect())
}

/// `GET /api/visits/{id}/orders`: the visit's orders, where each stands, whether the caller
/// may order, and the visit's returns with results.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let encounter = encounter_or_404(&state, &id).await?;
    authorize_read(
        &state,
        &ctx,
        &encounter.patient_id,
        Part::Visits,
        &format!("Encounter/{id}/orders"),
        None,
    )
    .await?;
    let doctor = holds_post(&state, caller, encounter.practitioner_role_id.as_deref()).await?;
    let open = matches!(
        encounter.status,
        VisitStatus::Arrived | VisitStatus::InProgress
    );
    let orders = orders_json(&state, &id).await?;
    let recognitions = recognitions_json(&state, &id).await?;
    let offers = if doctor && open {
        offers_json(&state, &ctx, &id, &encounter.patient_id).await?
    } else {
        json!({})
    };
    let returns = super::returns::returns_json(&state, &id).await?;
    let returnable = super::returns::facts(&state, &encounter).await?;
    Ok(Json(json!({
        "encounter": id,
        "status": encounter.status.code(),
        "can_order": doctor && open,
        "can_review": doctor,
        "can_return": returnable.is_ok() && (doctor || matches!(caller.role, Role::Registrar | Role::Admin)),
        "orders": orders,
        "recognitions": recognitions,
        "offers": offers,
        "retest_reasons": retest_reasons(),
        "returns": returns,
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceBody {
    /// The items to order: catalogue codes, or codes with the doctor's decision about a
    /// recognised result (`recognition::ordering`).
    items: Vec<ItemChoice>,
}

/// The items named, each from the catalogue, none twice nor already ordered on the visit.
fn items_of(codes: &[String], ordered: &[OrderRecord]) -> Result<Vec<Orderable>, ApiError> {
    if codes.is_empty() || codes.len() > MAX_ITEMS {
        return Err(ApiError::unprocessable(Text::new(
            format!("请选择 1 至 {MAX_ITEMS} 个检查检验项目"),
            format!("Choose 1 to {MAX_ITEMS} items to order"),
        ))
        .at("items"));
    }
    let mut items: Vec<Orderable> = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let code = code.trim();
        let item = CATALOGUE.get(code).ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                format!("检查检验项目目录中没有“{code}”"),
                format!("The orderable catalogue has no item {code:?}"),
            ))
            .at(format!("items[{i}]"))
        })?;
        let twice = items.iter().any(|x| x.code == item.code)
            || ordered
                .iter()
                .any(|o| o.item_code == item.code && o.status != OrderStatus::Cancelled);
        if twice {
            return Err(ApiError::unprocessable(Text::new(
                format!("本次就诊已开具“{}”，不能重复开单", item.name.zh),
                format!("{} is already ordered on this visit", item.name.en),
            ))
            .at(format!("items[{i}]")));
        }
        items.push(item.clone());
    }
    Ok(items)
}

/// `POST /api/visits/{id}/orders`: the visit's doctor orders items from the catalogue while
/// the visit is open; each becomes a charge item on the visit's bill.
pub async fn place(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let encounter = encounter_or_404(&state, &id).await?;
    let resource = format!("Encounter/{id}/orders");
    let role = encounter.practitioner_role_id.clone();
    if !holds_post(&state, caller, role.as_deref()).await? {
        audit::record(
            &state,
            &ctx,
            "create",
            &resource,
            DENIED,
            "not the visit's doctor",
        )
        .await?;
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Text::new(
                "只有接诊医生可以为本次就诊开检查检验",
                "Only the doctor who sees the patient may order for this visit",
            ),
        )
        .at("encounter"));
    }
    let request: PlaceBody = crate::error::json_body(&body)?;
    if !matches!(
        encounter.status,
        VisitStatus::Arrived | VisitStatus::InProgress
    ) {
        return Err(closed_visit());
    }
    let ordered = state
        .store
        .search_orders(&OrderFilter {
            encounter: Some(id.clone()),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let codes: Vec<String> = request.items.iter().map(|c| c.code().to_owned()).collect();
    let items = items_of(&codes, &ordered)?;
    let decided = decide(&state, &encounter.patient_id, items, &request.items).await?;
    let now = state.clock.now().as_microsecond();
    let practitioner = caller.practitioner_id.clone().unwrap_or_default();
    let orderer = Orderer {
        practitioner_id: &practitioner,
        role_id: role.as_deref().unwrap_or_default(),
        username: &caller.username,
    };
    let placed = state
        .store
        .place_orders_recognising(&id, &decided.to_order, &decided.decisions, &orderer, now)
        .await
        .map_err(order_error)?;
    for d in &decided.decisions {
        audit::record(
            &state,
            &ctx,
            "create",
            &format!("{resource}/recognition"),
            SUCCESS,
            &format!("{} {}", d.item, d.source_id),
        )
        .await?;
    }
    for order in &placed {
        audit::record(
            &state,
            &ctx,
            "create",
            &format!("ServiceRequest/{}", order.id),
            SUCCESS,
            &order.item_code,
        )
        .await?;
    }
    let ids: Vec<String> = placed.iter().map(|o| o.id.clone()).collect();
    let steps = state.store.order_steps(&ids).await?;
    let orders: Vec<Value> = placed.iter().map(|o| order_json(o, &steps, now)).collect();
    let recognitions = recognitions_json(&state, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"orders": orders, "recognitions": recognitions})),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// The status the order moves to.
    status: String,
}

fn unknown_step(code: &str) -> ApiError {
    ApiError::unprocessable(Text::new(
        format!(
            "未知的步骤“{code}”：可为 scheduled、collected、performed、reported、reviewed 或 cancelled（缴费在收费处完成）"
        ),
        format!(
            "Unknown step {code:?}: scheduled, collected, performed, reported, reviewed or cancelled (payment is made at the desk)"
        ),
    ))
    .at("status")
}

/// `POST /api/orders/{id}/steps`: moves an order one step of its loop, as its role allows.
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let resource = format!("ServiceRequest/{id}");
    let order = state
        .store
        .order(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))?;
    // Patients learn nothing about orders of other families, not even that they exist.
    if caller.role == Role::Patient {
        if !caller.patient_ids.contains(&order.patient_id) {
            audit::record(
                &state,
                &ctx,
                "update",
                &resource,
                DENIED,
                "not the family's",
            )
            .await?;
            return Err(ApiError::not_found(&resource));
        }
        return Err(ApiError::forbidden());
    }
    let request: StepBody = crate::error::json_body(&body)?;
    let to = OrderStatus::from_code(request.status.trim())
        .filter(|s| s.taken_by().is_some())
        .ok_or_else(|| unknown_step(request.status.trim()))?;
    if to == OrderStatus::Reported {
        // The loop closes on a real report: only a final report (entry or import) moves the
        // order to reported, in the report's own transaction.
        return Err(ApiError::conflict(Text::new(
            "“已出报告”由结果录入或导入审核发布时自动标记",
            "An order becomes reported when its report is made final (entry or import)",
        ))
        .at("status"));
    }
    let allowed = match to.taken_by() {
        Some(Role::Technician) => caller.role == Role::Technician,
        Some(Role::Doctor) => holds_post(&state, caller, Some(&order.orderer_role_id)).await?,
        _ => false,
    };
    if !allowed {
        audit::record(&state, &ctx, "update", &resource, DENIED, to.code()).await?;
        let text = if to.taken_by() == Some(Role::Technician) {
            Text::new(
                "预约、采样、检查和报告由检验或影像技师完成",
                "Scheduling, collecting, performing and reporting are done by lab or imaging technicians",
            )
        } else {
            Text::new(
                "只有开单医生可以查看确认或撤销该医嘱",
                "Only the ordering doctor may review or cancel this order",
            )
        };
        return Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", text).at("status"));
    }
    let now = state.clock.now().as_microsecond();
    let done = state
        .store
        .step_order(&id, to, &caller.username, caller.role.as_str(), now)
        .await
        .map_err(order_error)?;
    audit::record(&state, &ctx, "update", &resource, SUCCESS, to.code()).await?;
    let steps = state.store.order_steps(std::slice::from_ref(&id)).await?;
    Ok(Json(order_json(&done, &steps, now)).into_response())
}
