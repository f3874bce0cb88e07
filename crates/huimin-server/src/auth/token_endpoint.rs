use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use serde::Deserialize;
use serde_json::json;

use huimin_store::UserRecord;

use crate::audit;
use crate::context::Ctx;
use crate::localise::localised;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TokenRequest {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// An OAuth2 error response (RFC 6749 §5.2).
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    text: Text,
    retry_after: Option<u64>,
}

impl OAuthError {
    fn new(status: StatusCode, code: &'static str, text: Text) -> Self {
        Self {
            status,
            code,
            text,
            retry_after: None,
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after;
        let mut response = localised(self.status, move |lang| {
            let body = json!({ "error": self.code, "error_description": self.text.get(lang) });
            serde_json::to_vec(&body).unwrap_or_default()
        });
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

fn invalid_grant() -> OAuthError {
    OAuthError::new(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        Text::new(
            "用户名或密码错误，或账户已停用（请联系医院）",
            "The user name or password is wrong, or the account is disabled (please contact the hospital)",
        ),
    )
}

#[tracing::instrument(skip_all)]
pub async fn issue_token(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> Result<Response, OAuthError> {
    let (username, password) = credentials(form)?;
    if let Some(seconds) = state.throttle.blocked_for(ctx.ip) {
        let mut error = OAuthError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "temporarily_unavailable",
            Text::new(
                format!("登录失败次数过多，请 {seconds} 秒后再试"),
                format!(
                    "Too many failed logins; try again in {}",
                    huimin_domain::i18n::en_count(seconds, "second")
                ),
            ),
        );
        error.retry_after = Some(seconds);
        return Err(error);
    }
    if crate::fhir::kinds::has_control_chars(&username) || username.len() > 256 {
        return Err(invalid_grant());
    }
    let user = find_account(&state, &ctx, &username, &password).await?;
    let now = huimin_store::now_micros();
    refuse_if_locked(&user, now)?;
    if user.disabled {
        // Checked before the password and answered as a wrong one, at the same cost, so the
        // answer never tells whether the password of a disabled account was right.
        state.passwords.burn_time(&password);
        audit_login(&state, &ctx, None, &user.id, audit::DENIED, "disabled").await?;
        return Err(invalid_grant());
    }
    check_password(&state, &ctx, &user, &password, now).await?;
    log_in(&state, &ctx, &user).await
}

/// The user name and password of a well-formed password grant.
fn credentials(
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> Result<(String, String), OAuthError> {
    let invalid_request = |text| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", text);
    let Ok(Form(request)) = form else {
        return Err(invalid_request(Text::new(
            "请求须为 application/x-www-form-urlencoded 表单",
            "The request must be an application/x-www-form-urlencoded form",
        )));
    };
    match request.grant_type.as_deref() {
        Some("password") => {}
        Some(_) => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                Text::new(
                    "仅支持 grant_type=password",
                    "Only grant_type=password is supported",
                ),
            ));
        }
        None => {
            return Err(invalid_request(Text::new(
                "缺少 grant_type 参数",
                "The grant_type parameter is missing",
            )));
        }
    }
    let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    match (given(&request.username), given(&request.password)) {
        (true, true) => Ok((
            request.username.unwrap_or_default(),
            request.password.unwrap_or_default(),
        )),
        (false, false) => Err(invalid_request(Text::new(
            "请填写用户名（手机号）和密码",
            "Enter the user name (mobile number) and the password",
        ))),
        (false, true) => Err(invalid_request(Text::new(
            "请填写用户名（手机号）",
            "Enter the user name (mobile number)",
        ))),
        (true, false) => Err(invalid_request(Text::new(
            "请填写密码",
            "Enter the password",
        ))),
    }
}

/// Logs a storage failure and answers with the OAuth2 server error.
fn store_error(err: huimin_store::StoreError) -> OAuthError {
    tracing::error!(error = %err, "storage failure during login");
    server_error()
}

/// The account of a user name; an unknown one costs the time a password check would (so a
/// stranger cannot tell which names exist), counts as a failure and is audited.
async fn find_account(
    state: &AppState,
    ctx: &Ctx,
    username: &str,
    password: &str,
) -> Result<UserRecord, OAuthError> {
    let key = super::account_key(&state.store, username);
    if let Some(user) = state
        .store
        .user_by_username(&key)
        .await
        .map_err(store_error)?
    {
        return Ok(user);
    }
    state.passwords.burn_time(password);
    state.throttle.record_failure(ctx.ip);
    audit::record(
        state,
        ctx,
        "login",
        "Account",
        audit::DENIED,
        "unknown user",
    )
    .await
    .map_err(|_| server_error())?;
    Err(invalid_grant())
}

/// Refuses an account locked after repeated failures, saying for how long.
fn refuse_if_locked(user: &UserRecord, now: i64) -> Result<(), OAuthError> {
    if user.locked_until_micros <= now {
        return Ok(());
    }
    let minutes = (user.locked_until_micros - now) / 60_000_000 + 1;
    let mut error = OAuthError::new(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        Text::new(
            format!("账户因多次登录失败已临时锁定，请 {minutes} 分钟后再试"),
            format!(
                "The account is locked after repeated failed logins; try again in {}",
                huimin_domain::i18n::en_count(minutes as u64, "minute")
            ),
        ),
    );
    error.retry_after = Some((minutes * 60) as u64);
    Err(error)
}

/// A wrong password counts against the address and the account (which it may lock) and is
/// audited.
async fn check_password(
    state: &AppState,
    ctx: &Ctx,
    user: &UserRecord,
    password: &str,
    now: i64,
) -> Result<(), OAuthError> {
    if state.passwords.verify(password, &user.password_hash) {
        return Ok(());
    }
    state.throttle.record_failure(ctx.ip);
    let failures = state
        .store
        .record_login_failure(&user.id)
        .await
        .map_err(store_error)?;
    if failures >= state.settings.lockout_threshold {
        let until = now + state.settings.lockout.as_micros() as i64;
        state
            .store
            .lock_user_until(&user.id, until)
            .await
            .map_err(store_error)?;
    }
    audit_login(state, ctx, None, &user.id, audit::DENIED, "wrong password").await?;
    Err(invalid_grant())
}

/// Audits a login attempt on `account_id`, as `caller` (the account once it is proven).
async fn audit_login(
    state: &AppState,
    ctx: &Ctx,
    caller: Option<crate::context::Caller>,
    account_id: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), OAuthError> {
    let who = Ctx {
        caller,
        ..ctx.clone()
    };
    let account = format!("Account/{account_id}");
    audit::record(state, &who, "login", &account, outcome, detail)
        .await
        .map_err(|_| server_error())
}

/// A successful login: the failure counts reset, audited as the account, a token issued.
async fn log_in(state: &AppState, ctx: &Ctx, user: &UserRecord) -> Result<Response, OAuthError> {
    state.throttle.record_success(ctx.ip);
    state
        .store
        .record_login_success(&user.id)
        .await
        .map_err(store_error)?;
    let patient_ids = state
        .store
        .account_patient_ids(&user.id)
        .await
        .map_err(store_error)?;
    let caller = crate::context::Caller {
        user_id: user.id.clone(),
        username: user.username.clone(),
        practitioner_id: user.practitioner_id.clone(),
        role: user
            .role
            .parse()
            .unwrap_or(huimin_domain::roles::Role::Patient),
        patient_ids,
    };
    audit_login(state, ctx, Some(caller), &user.id, audit::SUCCESS, "").await?;
    Ok(token_response(
        state,
        &user.id,
        &user.role,
        StatusCode::OK,
        None,
    ))
}

/// The OAuth2 access-token response, shared with registration.
pub fn token_response(
    state: &AppState,
    user_id: &str,
    role: &str,
    status: StatusCode,
    patient: Option<&str>,
) -> Response {
    let token = state.tokens.issue(user_id, role);
    let mut body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": state.tokens.ttl.as_secs(),
        "role": role,
    });
    if let Some(patient) = patient {
        body["patient"] = json!(patient);
    }
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn server_error() -> OAuthError {
    OAuthError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        Text::new("服务器内部错误", "Internal server error"),
    )
}
