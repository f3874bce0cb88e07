use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::{Lang, Text};
use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::context::Ctx;
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
    lang: Lang,
    retry_after: Option<u64>,
}

impl OAuthError {
    fn new(status: StatusCode, code: &'static str, text: Text, lang: Lang) -> Self {
        Self {
            status,
            code,
            text,
            lang,
            retry_after: None,
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.code, "error_description": self.text.get(self.lang) });
        let mut response = (self.status, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

fn invalid_grant(lang: Lang) -> OAuthError {
    OAuthError::new(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        Text::new("用户名或密码错误", "The user name or password is wrong"),
        lang,
    )
}

#[tracing::instrument(skip_all)]
pub async fn issue_token(
    State(state): State<AppState>,
    ctx: Ctx,
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> Result<Response, OAuthError> {
    let lang = ctx.lang;
    let Ok(Form(request)) = form else {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Text::new(
                "请求须为 application/x-www-form-urlencoded 表单",
                "The request must be an application/x-www-form-urlencoded form",
            ),
            lang,
        ));
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
                lang,
            ));
        }
        None => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                Text::new(
                    "缺少 grant_type 参数",
                    "The grant_type parameter is missing",
                ),
                lang,
            ));
        }
    }
    let (Some(username), Some(password)) = (request.username, request.password) else {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            Text::new("缺少用户名或密码", "The username or password is missing"),
            lang,
        ));
    };
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
            lang,
        );
        error.retry_after = Some(seconds);
        return Err(error);
    }
    if crate::fhir::kinds::has_control_chars(&username) || username.len() > 256 {
        return Err(invalid_grant(lang));
    }
    let username = super::account_key(&state.store, &username);
    let store_error = |err: huimin_store::StoreError| {
        tracing::error!(error = %err, "storage failure during login");
        server_error(lang)
    };
    let Some(user) = state
        .store
        .user_by_username(&username)
        .await
        .map_err(store_error)?
    else {
        state.passwords.burn_time(&password);
        state.throttle.record_failure(ctx.ip);
        audit::record(
            &state,
            &ctx,
            "login",
            "Account",
            audit::DENIED,
            "unknown user",
        )
        .await
        .map_err(|_| server_error(lang))?;
        return Err(invalid_grant(lang));
    };
    let now = huimin_store::now_micros();
    if user.locked_until_micros > now {
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
            lang,
        );
        error.retry_after = Some((minutes * 60) as u64);
        return Err(error);
    }
    if !state.passwords.verify(&password, &user.password_hash) {
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
        let who = Ctx {
            caller: None,
            ..ctx.clone()
        };
        audit::record(
            &state,
            &who,
            "login",
            &format!("Account/{}", user.id),
            audit::DENIED,
            "wrong password",
        )
        .await
        .map_err(|_| server_error(lang))?;
        return Err(invalid_grant(lang));
    }
    if user.disabled {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            Text::new(
                "该账户已停用，请联系医院",
                "This account is disabled; please contact the hospital",
            ),
            lang,
        ));
    }
    state.throttle.record_success(ctx.ip);
    state
        .store
        .record_login_success(&user.id)
        .await
        .map_err(store_error)?;
    let role = user.role.clone();
    let patient_ids = state
        .store
        .account_patient_ids(&user.id)
        .await
        .map_err(store_error)?;
    let caller = crate::context::Caller {
        user_id: user.id.clone(),
        username: user.username.clone(),
        practitioner_id: user.practitioner_id.clone(),
        role: role.parse().unwrap_or(huimin_domain::roles::Role::Patient),
        patient_ids,
    };
    let who = Ctx {
        caller: Some(caller),
        ..ctx.clone()
    };
    audit::record(
        &state,
        &who,
        "login",
        &format!("Account/{}", user.id),
        audit::SUCCESS,
        "",
    )
    .await
    .map_err(|_| server_error(lang))?;
    Ok(token_response(
        &state,
        &user.id,
        &role,
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

fn server_error(lang: Lang) -> OAuthError {
    OAuthError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        Text::new("服务器内部错误", "Internal server error"),
        lang,
    )
}
