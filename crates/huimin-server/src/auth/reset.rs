//! `POST /auth/reset-password`: a forgotten password set anew with a code the desk gave after
//! checking the identity card (there is no SMS channel yet to send one to the phone on
//! file). The code is bound to the account's own record; setting the password ends every
//! session of the account (its tokens are refused from then on, on every server within the
//! caller cache's 2 s).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::identity::{CodePurpose, CodeRefusal};
use huimin_domain::person::check_new_password;
use serde::Deserialize;

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue, json_body};
use crate::identity::codes::{gone, open_with_code};
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The account's user name: a patient's mobile number.
    username: Option<String>,
    code: Option<String>,
    password: Option<String>,
    password_confirmation: Option<String>,
}

fn field_issue(field: &str, required: bool, text: Text) -> Issue {
    Issue {
        code: if required { "required" } else { "value" },
        text,
        expression: Some(field.to_owned()),
        rule: None,
    }
}

/// Every problem of the form that needs no lookup, at once.
fn check_form(form: &ResetRequest) -> Result<(), ApiError> {
    let mut issues = Vec::new();
    if form
        .username
        .as_deref()
        .unwrap_or_default()
        .trim()
        .is_empty()
    {
        let text = Text::new("请填写手机号", "Mobile number is required");
        issues.push(field_issue("username", true, text));
    }
    if form.code.as_deref().unwrap_or_default().trim().is_empty() {
        issues.push(field_issue("code", true, CodeRefusal::Missing.message()));
    }
    let password = form.password.as_deref().unwrap_or_default();
    let confirmation = form.password_confirmation.as_deref().unwrap_or(password);
    if let Err(problem) = check_new_password(password, confirmation) {
        let field = match problem.field {
            huimin_domain::person::PersonField::PasswordConfirmation => "password_confirmation",
            _ => "password",
        };
        issues.push(field_issue(field, problem.required, problem.message));
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        ))
    }
}

#[tracing::instrument(skip_all)]
pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let form: ResetRequest = json_body(&body)?;
    check_form(&form)?;
    let (user_id, own) = account_of(&state, &ctx, form.username.as_deref()).await?;
    let typed = form.code.as_deref().unwrap_or_default();
    let reset = CodePurpose::ResetPassword;
    let opened = open_with_code(&state, &ctx, &own, reset, typed, "code").await?;
    let hash = state
        .passwords
        .hash(form.password.as_deref().unwrap_or_default());
    let code = opened.code_use(&state);
    if !state
        .store
        .reset_password_with_code(&user_id, &hash, code)
        .await?
    {
        return Err(gone("code"));
    }
    state.callers.forget(&user_id);
    let account = format!("Account/{user_id}");
    audit::record(
        &state,
        &ctx,
        "reset-password",
        &account,
        SUCCESS,
        "desk code",
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The account of a user name and its own record; anything else is answered as a wrong code,
/// so the form does not tell which numbers have accounts.
async fn account_of(
    state: &AppState,
    ctx: &Ctx,
    username: Option<&str>,
) -> Result<(String, String), ApiError> {
    let key = super::account_key(&state.store, username.unwrap_or_default());
    if let Some(user) = state.store.user_by_username(&key).await? {
        let links = state.store.account_links(&user.id).await?;
        if let Some(own) = links.into_iter().find(|l| l.relationship == "self") {
            return Ok((user.id, own.patient_id));
        }
    }
    let detail = "no such patient account";
    audit::record(state, ctx, "reset-password", "Account", DENIED, detail).await?;
    Err(ApiError::unprocessable(CodeRefusal::Wrong { left: 0 }.message()).at("code"))
}
