//! Critical values 危急值: the ordering doctor's list (`GET /api/critical-values`), the
//! acknowledgement (`POST /api/critical-values/{id}/ack`, who and when, once), and the
//! escalation worker: a critical value nobody acknowledged within
//! `results.critical_escalate_minutes` (default 10) goes to the department's head(s), whose
//! PractitionerRole carries `urn:huimin:ext:department-head`.

use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use huimin_domain::i18n::Text;
use huimin_domain::messages::kind::EventKind;
use huimin_domain::roles::Role;
use huimin_store::messages::NewEvent;
use huimin_store::results::{CriticalFilter, CriticalRecord};
use huimin_store::search::{Match, SearchClause, SearchQuery};
use huimin_store::{IndexValue, Store, StoreError};
use serde::Deserialize;
use serde_json::{Value, json};

use super::TABLE;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::records::access::DEPARTMENT_HEAD_EXT;
use crate::state::AppState;

/// The setting: minutes before an unacknowledged critical value goes to the department head.
pub const ESCALATE_MINUTES_KEY: &str = "results.critical_escalate_minutes";
pub const DEFAULT_ESCALATE_MINUTES: i64 = 10;
/// How often the worker looks.
pub const INTERVAL: Duration = Duration::from_secs(15);

/// The escalation delay in minutes (the setting, or 10 when unset or not a whole number 1–1440).
pub async fn escalate_minutes(store: &Store) -> Result<i64, StoreError> {
    Ok(store
        .setting(ESCALATE_MINUTES_KEY)
        .await?
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|m| (1..=1440).contains(m))
        .unwrap_or(DEFAULT_ESCALATE_MINUTES))
}

/// The heads (Practitioner ids) of `department`.
async fn heads_of(state: &AppState, department: &str) -> Result<Vec<String>, ApiError> {
    let query = SearchQuery {
        clauses: vec![SearchClause {
            param: "organization".into(),
            any_of: vec![Match::Exact(IndexValue::Plain(format!(
                "Organization/{department}"
            )))],
            negated: false,
        }],
        count: 100,
        ..SearchQuery::default()
    };
    let found = state
        .store
        .search_resources("PractitionerRole", &query)
        .await?;
    let mut heads = Vec::new();
    for role in found.items {
        let head = role.content["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["url"] == DEPARTMENT_HEAD_EXT && e["valueBoolean"] == true);
        let practitioner = role.content["practitioner"]["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("Practitioner/"));
        if head
            && role.content["active"] != false
            && let Some(p) = practitioner
            && !heads.iter().any(|h| h == p)
        {
            heads.push(p.to_owned());
        }
    }
    Ok(heads)
}

/// What one escalation pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub escalated: usize,
    /// Due, but the department has no head on record (logged; looked at again next pass).
    pub headless: usize,
}

/// One pass at `now` (microseconds): every critical value raised at least the set minutes
/// before and still unacknowledged is escalated, once, with a message to each head.
pub async fn escalate_due(state: &AppState, now: i64) -> Result<Outcome, ApiError> {
    let minutes = escalate_minutes(&state.store).await?;
    let cutoff = now - minutes * 60_000_000;
    let mut outcome = Outcome::default();
    for c in state.store.critical_values_to_escalate(cutoff, 100).await? {
        let heads = match &c.department_id {
            Some(d) => heads_of(state, d).await?,
            None => Vec::new(),
        };
        if heads.is_empty() {
            tracing::warn!(critical = %c.id, "critical value due for escalation, but its department has no head on record");
            outcome.headless += 1;
            continue;
        }
        let waited = (now - c.raised_at) / 60_000_000;
        let events: Vec<NewEvent> = heads
            .iter()
            .map(|head| NewEvent {
                kind: EventKind::CriticalEscalated.code(),
                patient_id: c.patient_id.clone(),
                reference: format!("DiagnosticReport/{}", c.report_id),
                params: json!({"report": c.report_id, "critical": c.id, "recipient": head,
                    "minutes": waited, "orderer": c.doctor_id}),
            })
            .collect();
        if state
            .store
            .escalate_critical(&c.id, &heads, &events, now)
            .await?
        {
            outcome.escalated += 1;
        }
    }
    Ok(outcome)
}

/// Loops [`escalate_due`] until the task is aborted.
pub async fn run_forever(state: AppState) {
    let mut ticker = tokio::time::interval(INTERVAL);
    loop {
        ticker.tick().await;
        let now = state.clock.now().as_microsecond();
        if let Err(err) = escalate_due(&state, now).await {
            tracing::warn!(error = ?err.status, "critical value escalation pass failed");
        }
    }
}

/// One critical value as the lists show it.
pub fn critical_json(c: &CriticalRecord) -> Value {
    let analyte = TABLE.by_code(&c.analyte);
    let name = analyte
        .map(|a| a.name.clone())
        .unwrap_or_else(|| Text::new(&c.analyte, &c.analyte));
    let side = if c.side == "low" {
        Text::new("过低", "low")
    } else {
        Text::new("过高", "high")
    };
    json!({
        "id": c.id,
        "report": c.report_id,
        "observation": c.observation_id,
        "patient": c.patient_id,
        "doctor": c.doctor_id,
        "analyte": c.analyte,
        "name": {"zh": name.zh, "en": name.en},
        "value": c.value,
        "unit": c.unit,
        "side": c.side,
        "side_text": {"zh": side.zh, "en": side.en},
        "raised_at": huimin_store::instant_text(c.raised_at),
        "escalated_at": c.escalated_at.map(huimin_store::instant_text),
        "escalated_to": c.escalated_to,
        "acknowledged_at": c.acknowledged_at.map(huimin_store::instant_text),
        "acknowledged_by": c.acknowledged_by,
        "ack_delay_seconds": c.acknowledged_at.map(|a| (a - c.raised_at) / 1_000_000),
        "open": c.acknowledged_at.is_none(),
    })
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// `open` or `acknowledged`; absent: both.
    pub state: Option<String>,
    /// Administrators: the department.
    pub department: Option<String>,
}

/// Doctors' departments they head.
async fn headed_departments(state: &AppState, practitioner: &str) -> Result<Vec<String>, ApiError> {
    let mut departments = Vec::new();
    for role in crate::appointments::roles_of(state, practitioner).await? {
        let Some(post) = state.store.read_resource("PractitionerRole", &role).await? else {
            continue;
        };
        let head = post.content["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["url"] == DEPARTMENT_HEAD_EXT && e["valueBoolean"] == true);
        if head
            && let Some(d) = crate::appointments::department_of_role(&state.store, &role).await?
        {
            departments.push(d);
        }
    }
    Ok(departments)
}

/// `GET /api/critical-values?state=open|acknowledged`: a doctor's own (told or escalated to
/// them) and, for a department head, the department's; an administrator names `department`.
/// Latest first, with each acknowledgement's delay.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let caller = ctx.require()?;
    let open = match query.state.as_deref() {
        None | Some("") => None,
        Some("open") => Some(true),
        Some("acknowledged") => Some(false),
        Some(other) => {
            return Err(ApiError::bad_request(Text::new(
                format!("state 应为 open 或 acknowledged（收到：{other}）"),
                format!("state is open or acknowledged (got {other})"),
            ))
            .at("state"));
        }
    };
    let mut filter = CriticalFilter {
        open,
        limit: 200,
        ..Default::default()
    };
    match (caller.role, caller.practitioner_id.as_deref()) {
        (Role::Doctor, Some(p)) => {
            filter.practitioner = Some(p.to_owned());
            let headed = headed_departments(&state, p).await?;
            if !headed.is_empty() {
                filter.departments = Some(headed);
            }
        }
        (Role::Admin, _) => {
            filter.departments = Some(query.department.into_iter().collect());
        }
        _ => {
            audit::record(
                &state,
                &ctx,
                "read",
                "CriticalValue",
                DENIED,
                "not a doctor",
            )
            .await?;
            return Err(ApiError::forbidden());
        }
    }
    let items = state.store.critical_values(&filter).await?;
    audit::record(
        &state,
        &ctx,
        "read",
        "CriticalValue",
        SUCCESS,
        "critical values",
    )
    .await?;
    let acknowledged: Vec<i64> = items
        .iter()
        .filter_map(|c| c.acknowledged_at.map(|a| (a - c.raised_at) / 1_000_000))
        .collect();
    let mean = (!acknowledged.is_empty())
        .then(|| acknowledged.iter().sum::<i64>() / acknowledged.len() as i64);
    // The doctor acts on a person: the list names them (the read is audited above).
    let mut shown = Vec::with_capacity(items.len());
    for c in &items {
        let mut one = critical_json(c);
        one["patient_name"] =
            json!(crate::appointments::calling::patient_name(&state, &c.patient_id).await?);
        shown.push(one);
    }
    Ok(Json(json!({
        "items": shown,
        "open": items.iter().filter(|c| c.acknowledged_at.is_none()).count(),
        "mean_ack_delay_seconds": mean,
    })))
}

/// `POST /api/critical-values/{id}/ack`: the doctor told (or a head it was escalated to)
/// records that they received it; a second acknowledgement is refused, and so is anyone else's.
pub async fn acknowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = ctx.require()?;
    let resource = format!("CriticalValue/{id}");
    let Some(c) = state.store.critical_value(&id).await? else {
        return Err(ApiError::not_found(&resource));
    };
    let me = caller.practitioner_id.as_deref().unwrap_or_default();
    let mine = caller.role == Role::Doctor
        && !me.is_empty()
        && (c.doctor_id == me || c.escalated_to.iter().any(|h| h == me));
    if !mine {
        audit::record(
            &state,
            &ctx,
            "update",
            &resource,
            DENIED,
            "not this doctor's critical value",
        )
        .await?;
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden",
            Text::new(
                "这条危急值不是通知您的，只有开单医生或接到上报的科主任可以确认",
                "This critical value was not sent to you: only the ordering doctor or the head it was escalated to may acknowledge it",
            ),
        )
        .at("id"));
    }
    let now = state.clock.now().as_microsecond();
    if !state.store.acknowledge_critical(&id, me, now).await? {
        return Err(ApiError::conflict(Text::new(
            "这条危急值已确认过",
            "This critical value was acknowledged already",
        ))
        .at("id"));
    }
    audit::record(
        &state,
        &ctx,
        "update",
        &resource,
        SUCCESS,
        "critical value acknowledged",
    )
    .await?;
    let c = state
        .store
        .critical_value(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&resource))?;
    Ok(Json(critical_json(&c)))
}
