//! Sign-in sessions (grants): opened with every token, ended by signing out
//! (`POST /auth/logout`), by the holder from their list (`GET /api/me/sign-ins`,
//! `DELETE /api/me/sign-ins/{id}`), and all at once by a new password or a disabled account
//! (in the store, in the same transaction as the change).
//!
//! A token is good only while its session is open: `auth::bearer` reads the session through
//! the caller cache, so an ended session's token is refused at once by the server that ended
//! it and within the cache's [`TTL`](crate::state::callers::TTL) (2 s) by every other.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::signin::user_agent_family;
use huimin_store::{FIRST_PARTY_CLIENT, NewSession, PASSWORD_GRANT, SessionRecord, instant_text};
use serde_json::{Value, json};

use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

/// Scope of a first-party sign-in: everything the account's role allows.
const FULL_SCOPE: &str = "*";

/// The keyed hash a session keeps of the client address (never the address itself): enough
/// to tell the holder "same network as now", useless to anyone without the data key.
pub fn address_hash(state: &AppState, ip: std::net::IpAddr) -> String {
    state
        .store
        .blind(&format!("session-address|{}", ip.to_canonical()))
}

/// `browser` for the pages and anything that says it is a browser, `api` otherwise.
fn client_kind(user_agent: &str) -> &'static str {
    if user_agent.starts_with("Mozilla/") {
        "browser"
    } else {
        "api"
    }
}

/// Opens a first-party session for an account and returns its token.
pub async fn open(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    user_id: &str,
    role: &str,
) -> Result<String, ApiError> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = huimin_clock::now();
    let now_micros = now.as_microsecond();
    let ttl = state.tokens.ttl.as_secs() as i64;
    let sid = state
        .store
        .open_session(NewSession {
            user_id,
            kind: PASSWORD_GRANT,
            client_id: FIRST_PARTY_CLIENT,
            scope: FULL_SCOPE,
            client_kind: client_kind(user_agent),
            address_hash: &address_hash(state, ctx.ip),
            user_agent: &user_agent_family(user_agent),
            now_micros,
            expires_at_micros: now_micros + ttl * 1_000_000,
        })
        .await?;
    Ok(state.tokens.issue(user_id, role, &sid, now.as_second()))
}

/// The OAuth2 access-token response of a new session, shared by login and registration.
pub async fn token_response(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    (user_id, role): (&str, &str),
    status: StatusCode,
    patient: Option<&str>,
) -> Result<Response, ApiError> {
    let token = open(state, ctx, headers, user_id, role).await?;
    let mut body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.tokens.ttl.as_secs(),
        "role": role,
    });
    if let Some(patient) = patient {
        body["patient"] = json!(patient);
    }
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `POST /auth/logout`: ends the session of the token sent; 204.
pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let sid = caller
        .session_id
        .clone()
        .ok_or_else(ApiError::unauthorized)?;
    end(&state, &ctx, &sid, huimin_store::session_ended::SIGNED_OUT).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/me/sign-ins`: the caller's open sessions, the most recently used first.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let now = huimin_store::now_micros();
    let sessions = state.store.open_sessions_of(&caller.user_id, now).await?;
    let here = address_hash(&state, ctx.ip);
    let current = caller.session_id.as_deref();
    let sessions: Vec<Value> = sessions
        .iter()
        .map(|s| session_json(s, current, &here))
        .collect();
    Ok(Json(json!({ "sessions": sessions })).into_response())
}

/// `DELETE /api/me/sign-ins/{id}`: ends one of the caller's sessions (the current one
/// included); 204. Another account's session answers 404 like a missing one.
pub async fn end_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    ctx.require()?;
    end(
        &state,
        &ctx,
        &id,
        huimin_store::session_ended::ENDED_BY_HOLDER,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Ends one session of the caller, forgets it here and audits it.
async fn end(state: &AppState, ctx: &Ctx, id: &str, reason: &str) -> Result<(), ApiError> {
    let caller = ctx.require()?;
    let now = huimin_store::now_micros();
    if id.len() > 64
        || !state
            .store
            .end_session(&caller.user_id, id, reason, now)
            .await?
    {
        return Err(ApiError::not_found("Session"));
    }
    state.callers.forget_session(id);
    let account = format!("Account/{}", caller.user_id);
    audit::record(state, ctx, "end-session", &account, SUCCESS, reason).await
}

fn session_json(session: &SessionRecord, current: Option<&str>, here: &str) -> Value {
    json!({
        "id": session.id,
        "current": current == Some(session.id.as_str()),
        "kind": session.kind,
        "client_id": session.client_id,
        "client_kind": session.client_kind,
        "user_agent": session.user_agent,
        "same_address": session.address_hash == here,
        "created": instant_text(session.created_at_micros),
        "last_seen": instant_text(session.last_seen_micros),
        "expires": instant_text(session.expires_at_micros),
    })
}
