//! Screen tokens (叫号屏凭证): an administrator issues one per waiting-area screen, for one
//! department; the screen's address carries it (`/screen/<department>?key=<token>`) and the
//! pages send it as [`HEADER`]. It lets the screen show that department's check-in code and
//! nothing else, so no staff member has to stay signed in on a browser in a public room. The
//! token is shown once, kept only as a keyed hash, and revoked by an administrator; issuing
//! and revoking are audited, and so is a refused use.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_store::appointments::ScreenTokenRecord;
use huimin_store::instant_text;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

/// The request header a screen sends its token in.
pub const HEADER: &str = "x-huimin-screen";

const MAX_LABEL_CHARS: usize = 40;

/// What a request says about a screen token: none sent, one that is good for the
/// department, or one that is not (unknown, revoked, or another department's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScreenKey {
    Absent,
    Valid(ScreenTokenRecord),
    Refused,
}

/// Reads and checks the screen token of a request against `department`.
pub async fn screen_key(
    state: &AppState,
    headers: &HeaderMap,
    department: &str,
) -> Result<ScreenKey, ApiError> {
    let Some(token) = headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| !t.is_empty())
    else {
        return Ok(ScreenKey::Absent);
    };
    Ok(match state.store.screen_token(token).await? {
        Some(record) if record.department_id == department => ScreenKey::Valid(record),
        _ => ScreenKey::Refused,
    })
}

/// Whether the request may see the department's check-in code: staff, or the department's
/// screen. A refused token is audited (someone holds a revoked or misplaced token).
pub async fn may_show_code(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    department: &str,
) -> Result<bool, ApiError> {
    if ctx.caller.as_ref().is_some_and(|c| c.role.is_staff()) {
        return Ok(true);
    }
    match screen_key(state, headers, department).await? {
        ScreenKey::Valid(_) => Ok(true),
        ScreenKey::Absent => Ok(false),
        ScreenKey::Refused => {
            let what = format!("Organization/{department}/check-in-code");
            audit::record(state, ctx, "read", &what, DENIED, "screen token").await?;
            Ok(false)
        }
    }
}

fn view(record: &ScreenTokenRecord) -> Value {
    json!({
        "id": record.id,
        "department": format!("Organization/{}", record.department_id),
        "label": record.label,
        "created_by": record.created_by,
        "created_at": instant_text(record.created_at),
        "revoked_at": record.revoked_at.map(instant_text),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// `Organization/<id>` or the id.
    #[serde(default)]
    department: String,
    /// Where the screen hangs (`候诊区东侧`), so an administrator knows which to revoke.
    #[serde(default)]
    label: String,
}

fn field(expression: &str, zh: &str, en: &str) -> Issue {
    Issue::value(Some(expression), Text::new(zh, en))
}

/// The department and label of a request, or every problem with them.
async fn checked(state: &AppState, request: &IssueRequest) -> Result<(String, String), ApiError> {
    let department = request
        .department
        .trim()
        .trim_start_matches("Organization/")
        .to_owned();
    let label = request.label.trim().to_owned();
    let mut issues = Vec::new();
    let known = !department.is_empty()
        && state
            .store
            .read_resource("Organization", &department)
            .await?
            .is_some();
    if !known {
        issues.push(field(
            "department",
            "请选择科室",
            "Choose the department whose screen this is",
        ));
    }
    if label.is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        issues.push(field(
            "label",
            "请填写屏幕位置（1 至 40 个字），如“门诊二楼候诊区”",
            "Say where the screen is (1 to 40 characters), such as 'Clinic 2nd floor waiting area'",
        ));
    }
    if !issues.is_empty() {
        return Err(ApiError::with_issues(
            StatusCode::UNPROCESSABLE_ENTITY,
            issues,
        ));
    }
    Ok((department, label))
}

/// A new token: 32 random bytes, hex, with a prefix that says what it is.
fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("scr_{hex}")
}

/// `POST /api/admin/screens` `{"department", "label"}`: issues a token (shown only in this
/// answer, with the screen's address).
pub async fn issue(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require_admin()?;
    let request: IssueRequest = crate::error::json_body(&body)?;
    let (department, label) = checked(&state, &request).await?;
    let token = new_token();
    let now = state.clock.now().as_microsecond();
    let record = state
        .store
        .add_screen_token(&token, &department, &label, &caller.username, now)
        .await?;
    let what = format!("ScreenToken/{}", record.id);
    let detail = format!("Organization/{department}");
    audit::record(&state, &ctx, "create", &what, SUCCESS, &detail).await?;
    let mut answer = view(&record);
    answer["token"] = json!(token);
    answer["screen_url"] = json!(format!("/screen/{department}?key={token}"));
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

/// `GET /api/admin/screens`: every token issued (never the tokens themselves).
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let all = state.store.screen_tokens().await?;
    let screens: Vec<Value> = all.iter().map(view).collect();
    Ok(Json(json!({"screens": screens})).into_response())
}

/// `DELETE /api/admin/screens/{id}`: the screen stops showing the check-in code at once.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    ctx.require_admin()?;
    let now = state.clock.now().as_microsecond();
    let Some(record) = state.store.revoke_screen_token(&id, now).await? else {
        return Err(ApiError::not_found(&format!("ScreenToken/{id}")));
    };
    let detail = format!("Organization/{}", record.department_id);
    audit::record(
        &state,
        &ctx,
        "delete",
        &format!("ScreenToken/{id}"),
        SUCCESS,
        &detail,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
