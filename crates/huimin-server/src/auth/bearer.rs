//! Who calls: the `Ctx` extractor reads the bearer token, checks it and finds its account
//! (through the caller cache, so a rush of one account's requests reads the row once).

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
        // The account is re-read at least every couple of seconds so that disabling it takes
        // effect (see `state::callers`).
        let caller = state
            .callers
            .get_or_load(&claims.sub, || read_caller(state, &claims.sub))
            .await?
            .ok_or_else(unauthorized)?;
        Ok(Self {
            caller: Some(caller),
            ip,
            lang,
        })
    }
}

/// The enabled account behind a token's subject, as a caller; `None` if there is none.
async fn read_caller(state: &AppState, user_id: &str) -> Result<Option<Caller>, ApiError> {
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
    }))
}
