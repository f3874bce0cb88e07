//! What the insurer knows of a patient (`/api/patients/{id}/insurance`): the desk records the
//! patient's insurance (number, scheme, retired, the personal account's balance) from the
//! card or the 医保电子凭证; the patient and the desk read it with the year's figures. With
//! the national platform connected these come from the platform, and this write goes away.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use huimin_domain::billing::insurance::{InsuredState, Scheme};
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_store::billing::CoverRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use super::views::money;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

fn cover_json(cover: &CoverRecord) -> Value {
    let s = &cover.state;
    json!({
        "patient": format!("Patient/{}", cover.patient_id),
        "insured_no": cover.insured_no,
        "scheme": s.scheme.code(),
        "scheme_display": {"zh": s.scheme.label().zh, "en": s.scheme.label().en},
        "retired": s.retired,
        "year": s.year,
        "account_balance": money(s.account_balance),
        "deductible_used": money(s.deductible_used),
        "pool_paid": money(s.pool_paid),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    let what = format!("Patient/{id}/insurance");
    let allowed = match caller.role {
        Role::Patient => caller.patient_ids.contains(&id),
        Role::Registrar | Role::Admin => true,
        _ => false,
    };
    if !allowed {
        audit::record(&state, &ctx, "read", &what, DENIED, "").await?;
        return Err(ApiError::not_found("Patient"));
    }
    audit::record(&state, &ctx, "read", &what, SUCCESS, "").await?;
    match state.store.insurance_cover(&id).await? {
        Some(cover) => Ok(Json(cover_json(&cover)).into_response()),
        None => Ok(
            Json(json!({"patient": format!("Patient/{id}"), "insured_no": null})).into_response(),
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverRequest {
    insured_no: String,
    scheme: String,
    #[serde(default)]
    retired: bool,
    #[serde(default)]
    account_balance_fen: i64,
}

pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Registrar | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let r: CoverRequest = crate::error::json_body(&body)?;
    let number = r.insured_no.trim();
    if !(6..=32).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::unprocessable(Text::new(
            "医保编号应为 6–32 位字母或数字",
            "The insurance number is 6–32 letters or digits",
        ))
        .at("insured_no"));
    }
    let scheme = Scheme::from_code(&r.scheme).ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            "险种应为 employee（职工医保）或 resident（居民医保）",
            "The scheme is employee or resident",
        ))
        .at("scheme")
    })?;
    if !(0..=100_000_000).contains(&r.account_balance_fen)
        || (scheme == Scheme::Resident && r.account_balance_fen != 0)
    {
        return Err(ApiError::unprocessable(Text::new(
            "个人账户余额应为 0–1,000,000 元；居民医保没有个人账户",
            "The account balance is ¥0–1,000,000; resident insurance has no personal account",
        ))
        .at("account_balance_fen"));
    }
    if state.store.read_resource("Patient", &id).await?.is_some() {
        let year = i32::from(state.clock.today().year());
        let old = state.store.insurance_cover(&id).await?;
        // The year's figures are the insurer's: kept when the desk corrects the card's details.
        let kept = old.map(|c| c.state.rolled_to(year));
        let cover = CoverRecord {
            patient_id: id.clone(),
            insured_no: number.to_owned(),
            state: InsuredState {
                scheme,
                retired: r.retired,
                year,
                account_balance: r.account_balance_fen,
                deductible_used: kept.as_ref().map_or(0, |s| s.deductible_used),
                pool_paid: kept.as_ref().map_or(0, |s| s.pool_paid),
            },
        };
        state
            .store
            .set_insurance_cover(&cover, state.clock.now().as_microsecond())
            .await?;
        audit::record(
            &state,
            &ctx,
            "update",
            &format!("Patient/{id}/insurance"),
            SUCCESS,
            "",
        )
        .await?;
        return Ok(Json(cover_json(&cover)).into_response());
    }
    Err(ApiError::not_found("Patient"))
}
