//! What every handler knows about the request: who calls, from where, and in which language
//! to answer. The extractor that fills it in from the bearer token is `auth::bearer`.

use std::net::IpAddr;

use axum::http::request::Parts;
use huimin_domain::i18n::Lang;
use huimin_domain::roles::Role;

use crate::error::ApiError;
use crate::localise::lang_of;

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
    /// The sign-in session of the token (`None` while signing in or up, before it exists).
    pub session_id: Option<String>,
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
        self.caller.as_ref().ok_or_else(ApiError::unauthorized)
    }

    /// The caller if an administrator; 401 without a caller, 403 for any other role.
    pub fn require_admin(&self) -> Result<&Caller, ApiError> {
        let caller = self.require()?;
        if caller.role != Role::Admin {
            return Err(ApiError::forbidden());
        }
        Ok(caller)
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

/// The language a request asks for: `?lang=`, else `Accept-Language`, else Chinese. The
/// `localise` layer has read it already; a router without the layer (tests) reads it here.
pub fn request_lang(parts: &Parts) -> Lang {
    parts
        .extensions
        .get::<Lang>()
        .copied()
        .unwrap_or_else(|| lang_of(&parts.uri, &parts.headers))
}
