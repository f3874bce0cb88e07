//! Who calls: the `Ctx` extractor reads the bearer token, checks it and finds its open
//! session and account (through the caller cache, so a rush of one session's requests reads
//! the rows once).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use huimin_domain::roles::Role;

use crate::client_addr::client_ip;
use crate::context::{Caller, Ctx, request_lang};
use crate::error::ApiError;
use crate::state::AppState;

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let lang = request_lang(parts);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let ip = client_ip(peer, &parts.headers, &state.settings.trusted_proxies);
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self {
                caller: None,
                ip,
                lang,
            });
        };
        let unauthorized = || ApiError::unauthorized();
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .ok_or_else(unauthorized)?;
        let claims = state.tokens.verify(token.trim()).ok_or_else(unauthorized)?;
        // The session and the account are re-read at least every couple of seconds so that
        // ending the session or disabling the account takes effect (see `state::callers`).
        let caller = state
            .callers
            .get_or_load(&claims.sid, || read_caller(state, &claims.sid, &claims.sub))
            .await?
            // A remembered session answers only for the account it belongs to.
            .filter(|caller| caller.user_id == claims.sub)
            .ok_or_else(unauthorized)?;
        Ok(Self {
            caller: Some(caller),
            ip,
            lang,
        })
    }
}

/// How often a session's `last_seen` is written at most: often enough to show "in use
/// today", rarely enough that a busy session costs one write a minute.
const TOUCH_EVERY_MICROS: i64 = 60_000_000;

/// The open session `sid` of the enabled account `user_id`, as a caller; `None` if the
/// session is ended, expired or another account's, or the account is disabled or gone.
async fn read_caller(
    state: &AppState,
    sid: &str,
    user_id: &str,
) -> Result<Option<Caller>, ApiError> {
    let now = huimin_store::now_micros();
    let Some(session) = state
        .store
        .open_session_by_id(sid, now)
        .await?
        .filter(|s| s.user_id == user_id)
    else {
        return Ok(None);
    };
    if session.last_seen_micros < now - TOUCH_EVERY_MICROS
        && let Err(err) = state
            .store
            .touch_session(sid, now, TOUCH_EVERY_MICROS)
            .await
    {
        // Only the "last used" time is lost; the request goes on.
        tracing::warn!(error = %err, "session last-seen time not written");
    }
    let Some(user) = state
        .store
        .user_by_id(user_id)
        .await?
        .filter(|u| !u.disabled)
    else {
        return Ok(None);
    };
    let Ok(role) = user.role.parse::<Role>() else {
        return Ok(None);
    };
    let patient_ids = if role == Role::Patient {
        state.store.account_patient_ids(&user.id).await?
    } else {
        Vec::new()
    };
    Ok(Some(Caller {
        user_id: user.id,
        username: user.username,
        practitioner_id: user.practitioner_id,
        role,
        patient_ids,
        session_id: Some(session.id),
    }))
}
