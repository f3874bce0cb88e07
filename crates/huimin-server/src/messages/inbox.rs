//! `GET /api/me/messages`, `GET /api/me/messages/unread`, `POST /api/me/messages/{id}/read`
//! and `POST /api/me/messages/read`: the messages of the patients an account acts for (its
//! own and its family's), newest first, in the request's language.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::{Lang, Text};
use huimin_domain::roles::Role;
use huimin_store::instant_text;
use huimin_store::messages::Notification;
use serde_json::{Value, json};

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::ApiError;
use crate::state::AppState;

const DEFAULT_PER_PAGE: u32 = 20;
const MAX_PER_PAGE: u32 = 100;

/// The caller if a patient; anyone else is refused, and the refusal audited.
async fn patient<'a>(
    state: &AppState,
    ctx: &'a Ctx,
    action: &str,
    resource: &str,
) -> Result<&'a Caller, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Patient {
        audit::record(state, ctx, action, resource, DENIED, "not a patient").await?;
        return Err(ApiError::forbidden());
    }
    Ok(caller)
}

/// `Patient/a,Patient/b`: whose messages a request touched, for the trail.
fn patients(caller: &Caller) -> String {
    caller
        .patient_ids
        .iter()
        .map(|p| format!("Patient/{p}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `page` (from 1) and `per_page` (1 to 100, default 20) of the query; a 422 naming the
/// parameter otherwise.
fn paging(query: Option<&str>) -> Result<(u32, u32), ApiError> {
    let (mut page, mut per_page) = (1, DEFAULT_PER_PAGE);
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "page" => {
                page = value.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                    ApiError::unprocessable(Text::new(
                        format!("page 须为从 1 起的整数，收到 “{value}”"),
                        format!("page must be a whole number from 1, not \"{value}\""),
                    ))
                    .at("page")
                })?
            }
            "per_page" => {
                per_page = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                    .ok_or_else(|| {
                        ApiError::unprocessable(Text::new(
                            format!("per_page 须为 1 到 {MAX_PER_PAGE} 的整数，收到 “{value}”"),
                            format!(
                                "per_page must be a whole number from 1 to {MAX_PER_PAGE}, not \"{value}\""
                            ),
                        ))
                        .at("per_page")
                    })?
            }
            _ => {}
        }
    }
    Ok((page, per_page))
}

/// One message as the API shows it, its text in `lang`.
pub fn message_json(n: &Notification, lang: Lang) -> Value {
    let text = Text::new(n.text_zh.clone(), n.text_en.clone());
    json!({
        "id": n.id,
        "kind": n.kind,
        "patient": format!("Patient/{}", n.patient_id),
        "text": text.get(lang),
        "reference": n.reference,
        "created_at": instant_text(n.created_at),
        "read": n.read_at.is_some(),
    })
}

/// `GET /api/me/messages?page=&per_page=`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let caller = patient(&state, &ctx, "search", "Message?patient").await?;
    let (page, per_page) = paging(query.as_deref())?;
    let offset = u64::from(page - 1) * u64::from(per_page);
    let inbox = state
        .store
        .inbox(&caller.patient_ids, per_page, offset)
        .await?;
    audit::record(
        &state,
        &ctx,
        "search",
        "Message?patient",
        SUCCESS,
        &patients(caller),
    )
    .await?;
    let messages: Vec<Value> = inbox
        .messages
        .iter()
        .map(|n| message_json(n, ctx.lang))
        .collect();
    Ok(Json(json!({
        "total": inbox.total,
        "unread": inbox.unread,
        "page": page,
        "per_page": per_page,
        "messages": messages,
    }))
    .into_response())
}

/// `GET /api/me/messages/unread`: how many messages are unread, for the pages' badge.
pub async fn unread(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = patient(&state, &ctx, "read", "Message?unread").await?;
    let unread = state.store.unread_count(&caller.patient_ids).await?;
    audit::record(
        &state,
        &ctx,
        "read",
        "Message?unread",
        SUCCESS,
        &patients(caller),
    )
    .await?;
    Ok(Json(json!({"unread": unread})).into_response())
}

/// `POST /api/me/messages/{id}/read`: 204, again as often as asked; 404 for a message of
/// another account, exactly as for one that does not exist.
pub async fn mark_read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let what = format!("Message/{id}");
    let caller = patient(&state, &ctx, "update", &what).await?;
    let now = state.clock.now().as_microsecond();
    let found = state.store.mark_read(&caller.patient_ids, &id, now).await?;
    if !found {
        audit::record(&state, &ctx, "update", &what, DENIED, "").await?;
        return Err(ApiError::not_found("Message"));
    }
    audit::record(&state, &ctx, "update", &what, SUCCESS, "read").await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/me/messages/read`: marks all of them read; how many were unread.
pub async fn mark_all_read(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = patient(&state, &ctx, "update", "Message?patient").await?;
    let now = state.clock.now().as_microsecond();
    let marked = state.store.mark_all_read(&caller.patient_ids, now).await?;
    audit::record(
        &state,
        &ctx,
        "update",
        "Message?patient",
        SUCCESS,
        &format!("{} read: {marked}", patients(caller)),
    )
    .await?;
    Ok(Json(json!({"marked": marked})).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_to_the_first_twenty_and_refuses_what_is_out_of_range() {
        assert_eq!(paging(None).unwrap(), (1, 20));
        assert_eq!(
            paging(Some("page=3&per_page=100&lang=en")).unwrap(),
            (3, 100)
        );
        for (query, field) in [
            ("page=0", "page"),
            ("page=x", "page"),
            ("page=-1", "page"),
            ("per_page=0", "per_page"),
            ("per_page=101", "per_page"),
            ("per_page=", "per_page"),
        ] {
            let err = paging(Some(query)).unwrap_err();
            assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert_eq!(err.issues[0].expression.as_deref(), Some(field), "{query}");
        }
    }
}
