//! Patient self-registration: one account and its own Patient record, created together — or,
//! when the person's record is already on file (a walk-in registered at the desk, a family
//! member someone added), the account claims that record with the desk's claim code.
//!
//! An anonymous caller must not learn whether an ID or a phone number is known here: an ID on
//! file (claimed or not) and a phone that already has an account get one and the same
//! refusal, which points to the desk's claim code and to signing in
//! ([`not_online`]); only a caller holding a valid desk code (so checked at the desk in
//! person) hears that the record is someone else's. Attempts are throttled per client
//! address (`state::throttle`), so probing many IDs is slow.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::identity::CodePurpose;
use huimin_domain::person::{
    PersonDetails, PersonField, PhoneRule, TERMS_VERSION, check_new_password,
};
use huimin_store::{LinkRefusal, NewUser, UserRecord};
use serde::Deserialize;

use crate::audit;
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::fhir::kinds::PATIENT;
use crate::identity::codes::{gone, open_with_code};
use crate::identity::person::{self, PersonBody};
use crate::state::AppState;
use crate::state::throttle::LoginThrottle;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    phone: Option<String>,
    password: Option<String>,
    /// The password typed again; checked when sent.
    password_confirmation: Option<String>,
    name: Option<String>,
    /// Shorthand for `document_type = "resident_id"`.
    resident_id: Option<String>,
    document_type: Option<String>,
    document_number: Option<String>,
    /// `male` / `female`, for documents that do not encode it.
    gender: Option<String>,
    /// `YYYY-MM-DD`, for documents that do not encode it.
    birth_date: Option<String>,
    /// The version of the user agreement and privacy policy the person read and accepted.
    accept_terms: Option<String>,
    /// The desk's claim code, when the person's record is already on file.
    claim_code: Option<String>,
}

impl Registration {
    fn person(&self) -> PersonBody {
        PersonBody {
            name: self.name.clone(),
            resident_id: self.resident_id.clone(),
            document_type: self.document_type.clone(),
            document_number: self.document_number.clone(),
            phone: self.phone.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date.clone(),
        }
    }
}

#[tracing::instrument(skip_all)]
pub async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let form: Registration = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(Text::new(
            format!("请求体不是有效的注册 JSON：{e}"),
            format!("The body is not valid registration JSON: {e}"),
        ))
    })?;
    let details = check_form(&form, state.clock.today())?;
    count_attempt(&state, &ctx).await?;
    let password = form.password.as_deref().unwrap_or_default();
    let system = details.document.kind().fhir_system();
    match state
        .store
        .patient_with_document(system, details.document.number())
        .await?
    {
        Some(on_file) => {
            let person = (&form, &details);
            claim(&state, ctx, &headers, person, &on_file, password).await
        }
        None => create_account(&state, ctx, &headers, &details, password).await,
    }
}

/// Counts a registration from the caller's address, or refuses it (429) while the address
/// is in its back-off.
async fn count_attempt(state: &AppState, ctx: &Ctx) -> Result<(), ApiError> {
    let key = LoginThrottle::register_key(&state.store, ctx.ip);
    let now = huimin_store::now_micros();
    if let Some(seconds) = LoginThrottle::blocked_for(&state.store, &[&key], now).await? {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "throttled",
            Text::new(
                format!("注册尝试过于频繁，请 {seconds} 秒后再试"),
                format!(
                    "Too many sign-up attempts; try again in {}",
                    huimin_domain::i18n::en_count(seconds, "second")
                ),
            ),
        );
        error.retry_after = Some(seconds);
        return Err(error);
    }
    let throttle = &state.throttle;
    throttle
        .failed(&state.store, &key, throttle.register, now)
        .await?;
    Ok(())
}

/// The one answer for an ID on file (claimed or not, without a desk code) and for a phone
/// that already has an account: it confirms neither, and gives the honest paths.
fn not_online() -> ApiError {
    ApiError::with_issues(
        StatusCode::CONFLICT,
        vec![Issue {
            code: "duplicate",
            text: Text::new(
                "无法用这些信息在线开户：如您曾在本院就诊，请输入挂号窗口核对证件后给您的认领码；\
                 如您已有账户，请直接登录或找回密码",
                "An account cannot be opened online with these details: if you have been a \
                 patient here, enter the claim code the desk gives you after checking your \
                 identity card; if you already have an account, sign in or reset your password",
            ),
            expression: Some("claim_code".into()),
            rule: Some("on-file"),
        }],
    )
}

/// Every problem of the form at once (422), or the person's checked details.
fn check_form(form: &Registration, today: jiff::civil::Date) -> Result<PersonDetails, ApiError> {
    let person = form.person();
    let details = person::check(&person, PhoneRule::Mobile, today);
    let mut issues = details.as_ref().err().cloned().unwrap_or_default();
    let password = form.password.as_deref().unwrap_or_default();
    let confirmation = form.password_confirmation.as_deref().unwrap_or(password);
    if let Err(problem) = check_new_password(password, confirmation) {
        let field = person::field_name(problem.field, &person);
        issues.push(person::issue(problem, field));
    }
    if let Some(issue) = consent_issue(form.accept_terms.as_deref()) {
        issues.push(issue);
    }
    match details {
        Ok(details) if issues.is_empty() => Ok(details),
        _ => Err(ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        )),
    }
}

/// Sign-up needs the agreement and privacy policy of the version shown accepted.
fn consent_issue(accepted: Option<&str>) -> Option<Issue> {
    let (code, text) = match accepted.map(str::trim) {
        Some(version) if version == TERMS_VERSION => return None,
        None | Some("") => (
            "required",
            Text::new(
                "请阅读并同意《用户协议》和《隐私政策》",
                "Read and accept the user agreement and the privacy policy",
            ),
        ),
        Some(_) => (
            "value",
            Text::new(
                "《用户协议》或《隐私政策》已更新，请重新阅读后同意",
                "The user agreement or privacy policy has changed: read it again and accept it",
            ),
        ),
    };
    Some(Issue {
        code,
        text,
        expression: Some("accept_terms".into()),
        rule: None,
    })
}

fn new_user(state: &AppState, details: &PersonDetails, password: &str) -> Option<NewUser> {
    let phone = details.phone.as_ref()?;
    Some(NewUser {
        username: super::account_key(&state.store, phone.as_str()),
        password_hash: state.passwords.hash(password),
        role: "patient".into(),
        display_name: details.name.as_str().to_owned(),
        practitioner_id: None,
    })
}

/// The record already is someone's own: the person is sent to the desk.
fn already_claimed(field: &str) -> ApiError {
    ApiError::with_issues(
        StatusCode::CONFLICT,
        vec![Issue {
            code: "conflict",
            text: Text::new(
                "此证件的就诊档案已由其他账户认领为本人档案，不能再次认领；如有疑问，请携带证件到挂号窗口",
                "The record of this ID already belongs to another account and cannot be claimed again: \
                 if this is wrong, bring your identity card to the registration desk",
            ),
            expression: Some(field.to_owned()),
            rule: Some("already-claimed"),
        }],
    )
}

/// An account whose own record is the one on file, opened by the desk's claim code.
async fn claim(
    state: &AppState,
    ctx: Ctx,
    headers: &HeaderMap,
    (form, details): (&Registration, &PersonDetails),
    patient_id: &str,
    password: &str,
) -> Result<Response, ApiError> {
    let document_field = person::field_name(PersonField::DocumentNumber, &form.person());
    let typed = form.claim_code.as_deref().unwrap_or_default();
    if typed.trim().is_empty() {
        return Err(not_online());
    }
    let claim = CodePurpose::Claim;
    let opened = open_with_code(state, &ctx, patient_id, claim, typed, "claim_code").await?;
    // Only now, with the desk's code (the identity card was checked in person), may the
    // answer say that the record is already someone's.
    if state.store.holder_of(patient_id).await?.is_some() {
        return Err(already_claimed(document_field));
    }
    let user = new_user(state, details, password).ok_or_else(ApiError::internal)?;
    let code = opened.code_use(state);
    let claimed = state
        .store
        .claim_patient_account(user, patient_id, code, TERMS_VERSION)
        .await?;
    let user = match claimed {
        Ok(user) => user,
        Err(LinkRefusal::CodeGone) => return Err(gone("claim_code")),
        Err(_) => return Err(already_claimed(document_field)),
    };
    let detail = "self-registration with a claim code";
    signed_up(state, ctx, headers, &user, patient_id, "claim", detail).await
}

/// The account and its Patient record, created together.
async fn create_account(
    state: &AppState,
    ctx: Ctx,
    headers: &HeaderMap,
    details: &PersonDetails,
    password: &str,
) -> Result<Response, ApiError> {
    let resource = person::patient_resource(details, state.clock.today())?;
    let id = uuid::Uuid::new_v4().to_string();
    let (index, unique) = PATIENT.index(&resource);
    let user = new_user(state, details, password).ok_or_else(ApiError::internal)?;
    let write = huimin_store::ResourceWrite {
        resource_type: "Patient",
        id: &id,
        content: &resource,
        index: &index,
        unique: &unique,
        sealed: true,
    };
    let created = state
        .store
        .register_patient_account(user, write, Some(TERMS_VERSION))
        .await;
    let (user, stored) = match created {
        Ok(done) => done,
        // Registered a moment ago by another request (the record is on file now), or the
        // phone already has an account: answered as an ID on file is.
        Err(
            huimin_store::StoreError::Duplicate { .. } | huimin_store::StoreError::UsernameTaken,
        ) => {
            return Err(not_online());
        }
        Err(other) => return Err(other.into()),
    };
    let detail = "self-registration";
    signed_up(state, ctx, headers, &user, &stored.id, "create", detail).await
}

/// Audited as the new account, answered with its token.
async fn signed_up(
    state: &AppState,
    ctx: Ctx,
    headers: &HeaderMap,
    user: &UserRecord,
    patient_id: &str,
    action: &str,
    detail: &str,
) -> Result<Response, ApiError> {
    let caller = crate::context::Caller {
        user_id: user.id.clone(),
        username: user.username.clone(),
        practitioner_id: user.practitioner_id.clone(),
        role: huimin_domain::roles::Role::Patient,
        patient_ids: vec![patient_id.to_owned()],
        session_id: None,
    };
    let who = Ctx {
        caller: Some(caller),
        ..ctx
    };
    let patient_ref = format!("Patient/{patient_id}");
    audit::record(state, &who, action, &patient_ref, audit::SUCCESS, detail).await?;
    super::sessions::token_response(
        state,
        &who,
        headers,
        (&user.id, "patient"),
        StatusCode::CREATED,
        Some(&patient_ref),
    )
    .await
}
