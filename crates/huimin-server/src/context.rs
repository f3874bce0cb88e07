//! What every handler knows about the request: who calls (from the bearer token), from where,
//! and in which language to answer.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use huimin_domain::i18n::Lang;
use huimin_domain::roles::Role;

use crate::error::ApiError;
use crate::state::AppState;

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: String,
    pub username: String,
    /// For doctors and other clinicians: their Practitioner id.
    pub practitioner_id: Option<String>,
    pub role: Role,
    /// For patient accounts: the Patient records the account may act for.
    pub patient_ids: Vec<String>,
}

/// The request's context; `caller` is `None` when no token was sent.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub caller: Option<Caller>,
    pub ip: IpAddr,
    pub lang: Lang,
}

impl Ctx {
    /// The caller, or 401.
    pub fn require(&self) -> Result<&Caller, ApiError> {
        self.caller
            .as_ref()
            .ok_or_else(|| ApiError::unauthorized().lang(self.lang))
    }

    /// Who to name in the audit trail: staff by user name, patients by their own Patient
    /// record (their user name is a phone number, which the trail must not hold).
    pub fn actor(&self) -> (String, String) {
        match &self.caller {
            Some(c) if c.role == Role::Patient => {
                let who = c
                    .patient_ids
                    .first()
                    .map(|id| format!("Patient/{id}"))
                    .unwrap_or_else(|| "patient".into());
                (who, c.role.as_str().to_owned())
            }
            Some(c) => (c.username.clone(), c.role.as_str().to_owned()),
            None => ("anonymous".into(), "none".into()),
        }
    }
}

pub fn request_lang(parts: &Parts) -> Lang {
    let from_query = parts.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_code(&v))
    });
    from_query.unwrap_or_else(|| {
        parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Lang::from_accept_language)
            .unwrap_or_default()
    })
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let lang = request_lang(parts);
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(Self {
                caller: None,
                ip,
                lang,
            });
        };
        let unauthorized = || ApiError::unauthorized().lang(lang);
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
        // effect (see `auth::callers`).
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
