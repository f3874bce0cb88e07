use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use serde::Deserialize;
use serde_json::json;

use huimin_store::UserRecord;

use crate::audit;
use crate::context::Ctx;
use crate::localise::localised;
use crate::state::AppState;
use crate::state::throttle::LoginThrottle;

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

/// The answer while an account or an address is in its back-off: the same whether the
/// account exists or not.
fn throttled(seconds: u64) -> OAuthError {
    let mut error = OAuthError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "temporarily_unavailable",
        Text::new(
            format!("登录尝试过于频繁，请 {seconds} 秒后再试"),
            format!(
                "Too many login attempts; try again in {}",
                huimin_domain::i18n::en_count(seconds, "second")
            ),
        ),
    );
    error.retry_after = Some(seconds);
    error
}

/// `POST /auth/token`: the password grant. The account named and the client address are
/// throttled independently (`state::throttle`); an unknown name, a disabled account and a
/// wrong password get one answer at one cost (a password hash is checked or burnt in each).
#[tracing::instrument(skip_all)]
pub async fn issue_token(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: Result<Form<TokenRequest>, axum::extract::rejection::FormRejection>,
) -> Result<Response, OAuthError> {
    let (username, password) = credentials(form)?;
    if crate::fhir::kinds::has_control_chars(&username) || username.len() > 256 {
        return Err(invalid_grant());
    }
    let key = super::account_key(&state.store, &username);
    let keys = LoginThrottle::login_keys(&state.store, &key, ctx.ip);
    let now = huimin_store::now_micros();
    let blocked = LoginThrottle::blocked_for(&state.store, &[&keys.account, &keys.address], now)
        .await
        .map_err(store_error)?;
    if let Some(seconds) = blocked {
        return Err(throttled(seconds));
    }
    let user = state
        .store
        .user_by_username(&key)
        .await
        .map_err(store_error)?;
    let refusal = match &user {
        None => {
            state.passwords.burn_time(&password);
            Some("unknown user")
        }
        // Checked before the password and answered as a wrong one, at the same cost, so the
        // answer never tells whether the password of a disabled account was right.
        Some(user) if user.disabled => {
            state.passwords.burn_time(&password);
            Some("disabled")
        }
        Some(user) if !state.passwords.verify(&password, &user.password_hash) => {
            Some("wrong password")
        }
        Some(_) => None,
    };
    match (user, refusal) {
        (Some(user), None) => {
            LoginThrottle::succeeded(&state.store, &keys)
                .await
                .map_err(store_error)?;
            log_in(&state, &ctx, &headers, &user).await
        }
        (user, refusal) => {
            let throttle = &state.throttle;
            throttle
                .failed(&state.store, &keys.account, throttle.account, now)
                .await
                .map_err(store_error)?;
            throttle
                .failed(&state.store, &keys.address, throttle.address, now)
                .await
                .map_err(store_error)?;
            let detail = refusal.unwrap_or("wrong password");
            match user {
                Some(user) => {
                    audit_login(&state, &ctx, None, &user.id, audit::DENIED, detail).await?
                }
                None => audit::record(&state, &ctx, "login", "Account", audit::DENIED, detail)
                    .await
                    .map_err(|_| server_error())?,
            }
            Err(invalid_grant())
        }
    }
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

/// A successful login: audited as the account, a session opened, its token issued.
async fn log_in(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    user: &UserRecord,
) -> Result<Response, OAuthError> {
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
        session_id: None,
    };
    audit_login(state, ctx, Some(caller), &user.id, audit::SUCCESS, "").await?;
    super::sessions::token_response(
        state,
        ctx,
        headers,
        (&user.id, &user.role),
        StatusCode::OK,
        None,
    )
    .await
    .map_err(|_| server_error())
}

fn server_error() -> OAuthError {
    OAuthError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        Text::new("服务器内部错误", "Internal server error"),
    )
}
