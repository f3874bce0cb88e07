//! The desk's one-time codes: `POST /api/patients/{id}/desk-codes` issues one after the
//! registrar checked the identity card, and [`open_with_code`] checks a typed code where it
//! unlocks something (sign-up, adding a family member, resetting a password). A code is
//! stored only as a keyed hash, bound to its record and purpose; every issue and every use,
//! refused ones included, is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::identity::{CodePurpose, CodeRefusal, DeskCode, IssuedCode, judge_code};
use huimin_domain::roles::Role;
use huimin_store::NewDeskCode;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue, json_body};
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssueBody {
    purpose: String,
}

/// `POST /api/patients/{id}/desk-codes` `{"purpose": "claim" | "reset-password"}`
/// (registrars, administrators): a new code for the record, replacing any open one of the
/// same purpose. The answer is the only place the code appears in clear.
#[tracing::instrument(skip_all)]
pub async fn issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(patient_id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let resource = format!("Patient/{patient_id}");
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Registrar | Role::Admin) {
        audit::record(&state, &ctx, "issue-code", &resource, DENIED, "role").await?;
        return Err(ApiError::forbidden());
    }
    let purpose = issuable(&state, &patient_id, &body).await?;
    let code = DeskCode::from_random(rand::random());
    let now = state.clock.now();
    let rule = state.settings.desk_codes;
    let expires = rule.expires(now);
    let new = NewDeskCode {
        patient_id: &patient_id,
        purpose: purpose.code(),
        code: code.as_str(),
        issued_by: &caller.user_id,
        issued_at_micros: now.as_microsecond(),
        expires_at_micros: expires.as_microsecond(),
    };
    state.store.issue_desk_code(new).await?;
    let detail = purpose.code();
    audit::record(&state, &ctx, "issue-code", &resource, SUCCESS, detail).await?;
    let body = json!({
        "code": code.display(),
        "purpose": purpose.code(),
        "patient": resource,
        "expires": expires.to_string(),
        "minutes": rule.minutes,
        "tries": rule.tries,
    });
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The purpose asked for, once the record exists and (for a password reset) is an account's
/// own record.
async fn issuable(
    state: &AppState,
    patient_id: &str,
    body: &[u8],
) -> Result<CodePurpose, ApiError> {
    let body: IssueBody = json_body(body)?;
    let purpose = CodePurpose::from_code(&body.purpose).ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            "purpose 须为 claim（认领档案）或 reset-password（重置密码）",
            "purpose must be claim (claim a record) or reset-password",
        ))
        .at("purpose")
    })?;
    let store = &state.store;
    if store.read_resource("Patient", patient_id).await?.is_none() {
        return Err(ApiError::not_found(&format!("Patient/{patient_id}")));
    }
    if purpose == CodePurpose::ResetPassword && store.holder_of(patient_id).await?.is_none() {
        return Err(ApiError::conflict(Text::new(
            "此患者还没有以本人档案注册的账户，无需重置密码；请其注册（用认领码认领档案）",
            "No account has this record as its own, so there is no password to reset: \
             the person signs up (claiming the record with a claim code)",
        )));
    }
    Ok(purpose)
}

/// A code that opened its record: which one, and the instant it was checked at, for the
/// write that uses it.
pub struct Opened {
    pub id: String,
    pub now: Timestamp,
}

impl Opened {
    pub fn code_use(&self, state: &AppState) -> huimin_store::CodeUse<'_> {
        huimin_store::CodeUse {
            id: &self.id,
            now_micros: self.now.as_microsecond(),
            max_failures: i64::from(state.settings.desk_codes.tries),
        }
    }
}

/// A refused code: 422 at `field`, with the refusal's rule code.
fn refused(refusal: CodeRefusal, field: &str) -> ApiError {
    let code = if refusal == CodeRefusal::Missing {
        "required"
    } else {
        "business-rule"
    };
    let issue = Issue {
        code,
        text: refusal.message(),
        expression: Some(field.to_owned()),
        rule: Some(refusal.rule_code()),
    };
    ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, vec![issue])
}

/// Checks `typed` against the record's newest code of `purpose`. A wrong code counts as a
/// try; each refusal is a 422 at `field` with the refusal's rule code, and audited.
pub async fn open_with_code(
    state: &AppState,
    ctx: &Ctx,
    patient_id: &str,
    purpose: CodePurpose,
    typed: &str,
    field: &str,
) -> Result<Opened, ApiError> {
    let code = DeskCode::parse(typed).map_err(|r| refused(r, field))?;
    let now = state.clock.now();
    let store = &state.store;
    let latest = store.latest_desk_code(patient_id, purpose.code()).await?;
    let hash = store.desk_code_hash(patient_id, purpose.code(), code.as_str());
    let matches = latest.as_ref().is_some_and(|l| l.code_hash == hash);
    let issued = latest.as_ref().map(|l| IssuedCode {
        expires: Timestamp::from_microsecond(l.expires_at_micros).unwrap_or(Timestamp::MIN),
        failures: u32::try_from(l.failures).unwrap_or(u32::MAX),
        closed: l.closed,
    });
    let judged = judge_code(issued, matches, &state.settings.desk_codes, now);
    match (judged, latest) {
        (Ok(()), Some(latest)) => Ok(Opened { id: latest.id, now }),
        (judged, latest) => {
            if let (false, Some(latest)) = (matches, &latest) {
                store.count_desk_code_failure(&latest.id).await?;
            }
            let refusal = judged.err().unwrap_or(CodeRefusal::Wrong { left: 0 });
            let detail = format!("{} {}", purpose.code(), refusal.rule_code());
            let resource = format!("Patient/{patient_id}");
            audit::record(state, ctx, "use-code", &resource, DENIED, &detail).await?;
            Err(refused(refusal, field))
        }
    }
}

/// The answer when a code was fine when checked but used, expired or voided before the
/// write that needed it (two tries at once).
pub fn gone(field: &str) -> ApiError {
    ApiError::unprocessable(CodeRefusal::Used.message()).at(field)
}
