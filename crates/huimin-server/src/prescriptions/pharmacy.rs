//! The pharmacy's side: the review queue and decisions (处方审核, 医疗机构处方审核规范 2018),
//! dispensing and hand-over, skin tests, stock, and the review figures per doctor.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::i18n::Text;
use huimin_domain::prescriptions::DrugClass;
use huimin_domain::roles::Role;
use huimin_store::prescriptions::{Decision, NewLot, PrescriptionFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use super::views::prescription_json;
use super::{prescription_error, prescription_or_404};
use crate::audit::{self, SUCCESS};
use crate::context::{Caller, Ctx};
use crate::error::ApiError;
use crate::state::AppState;

/// Why a pharmacist returns a prescription (医疗机构处方审核规范 第十五条 categories).
const RETURN_REASONS: [(&str, &str, &str); 9] = [
    ("indication", "适应证不适宜", "Indication not appropriate"),
    (
        "drug-choice",
        "遴选药品不适宜",
        "Drug choice not appropriate",
    ),
    (
        "dose",
        "用法、用量不适宜",
        "Dose or frequency not appropriate",
    ),
    (
        "route",
        "给药途径或剂型不适宜",
        "Route or dosage form not appropriate",
    ),
    (
        "interaction",
        "联合用药不适宜或有相互作用",
        "Combination or interaction not appropriate",
    ),
    ("duplicate", "重复给药", "Duplicate therapy"),
    (
        "contraindication",
        "有禁忌证或过敏",
        "Contraindication or allergy",
    ),
    (
        "writing",
        "处方书写不规范",
        "Prescription not written to the rules",
    ),
    ("other", "其他", "Other"),
];

pub fn return_reason(code: &str) -> Option<Text> {
    RETURN_REASONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, en)| Text::new(*zh, *en))
}

fn reasons_json() -> Vec<Value> {
    RETURN_REASONS
        .iter()
        .map(|(c, zh, en)| json!({"code": c, "zh": zh, "en": en}))
        .collect()
}

/// A drug's charge on the bill: code, names with the specification, price per package.
pub(crate) fn charge_of(
    drug: &huimin_domain::prescriptions::Drug,
) -> (String, String, String, i64) {
    let name = drug.name();
    (
        drug.code.clone(),
        format!("{} {}", name.zh, drug.specification()),
        format!("{} {}", name.en, drug.specification()),
        drug.price.fen(),
    )
}

/// The caller if a pharmacist (or an administrator for stock), else 403.
fn pharmacist(ctx: &Ctx) -> Result<&Caller, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Pharmacist {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Text::new(
                "只有药师可以审核或调配处方",
                "Only a pharmacist may review or dispense",
            ),
        ));
    }
    Ok(caller)
}

/// Ends the prescriptions whose validity ran out unpaid (their stock goes back) before the
/// pharmacy looks at any: an expired prescription is never approved or dispensed.
async fn lapse(state: &AppState) -> Result<(), ApiError> {
    let today = state.clock.today().to_string();
    let now = state.clock.now().as_microsecond();
    state.store.lapse_prescriptions(&today, now).await?;
    Ok(())
}

/// `GET /api/pharmacy/reviews`: versions waiting for review, oldest first.
pub async fn queue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    pharmacist(&ctx)?;
    lapse(&state).await?;
    let pending = state.store.review_queue(200).await?;
    let mut out = Vec::new();
    for review in &pending {
        if let Some(p) = state.store.prescription(&review.prescription_id).await? {
            out.push(prescription_json(&state, &p).await?);
        }
    }
    audit::record(
        &state,
        &ctx,
        "read",
        "MedicationRequest?queue=review",
        SUCCESS,
        "",
    )
    .await?;
    Ok(Json(json!({"prescriptions": out, "reasons": reasons_json()})).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    version: i64,
    /// `approve` or `return`.
    decision: String,
    #[serde(default)]
    reason_code: String,
    #[serde(default)]
    reason_text: String,
}

/// `POST /api/prescriptions/{id}/review`: approve (stock reserved, lines billed) or return
/// with a reason.
pub async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = pharmacist(&ctx)?;
    let request: ReviewBody = crate::error::json_body(&body)?;
    lapse(&state).await?;
    prescription_or_404(&state, &ctx, &id).await?;
    let now = state.clock.now().as_microsecond();
    let record = match request.decision.as_str() {
        "approve" => {
            let tables = state.drugs.tables(&state.store).await?;
            let items = state.store.prescription_items(&id).await?;
            let mut charges = Vec::new();
            for item in &items {
                let drug = tables.formulary.get(&item.drug_code).ok_or_else(|| {
                    ApiError::conflict(Text::new(
                        format!("药品“{}”已不在药品字典中，请退回医生", item.drug_code),
                        format!(
                            "{} is no longer in the formulary; return it to the doctor",
                            item.drug_code
                        ),
                    ))
                })?;
                charges.push(charge_of(drug));
            }
            state
                .store
                .decide_prescription(
                    &id,
                    request.version,
                    &caller.username,
                    &Decision::Approve { charges: &charges },
                    now,
                )
                .await
                .map_err(prescription_error)?
        }
        "return" => {
            if return_reason(&request.reason_code).is_none() {
                let codes: Vec<&str> = RETURN_REASONS.iter().map(|r| r.0).collect();
                return Err(ApiError::unprocessable(Text::new(
                    format!("退回原因须为 {} 之一", codes.join(", ")),
                    format!("the reason must be one of {}", codes.join(", ")),
                ))
                .at("reason_code"));
            }
            let text = request.reason_text.trim();
            if text.chars().count() < 2 || text.chars().count() > 500 || text.contains(['<', '>']) {
                return Err(ApiError::unprocessable(Text::new(
                    "请写明退回理由（2–500 个字符）",
                    "Explain the return (2 to 500 characters)",
                ))
                .at("reason_text"));
            }
            state
                .store
                .decide_prescription(
                    &id,
                    request.version,
                    &caller.username,
                    &Decision::Return {
                        reason_code: &request.reason_code,
                        reason_text: text,
                    },
                    now,
                )
                .await
                .map_err(prescription_error)?
        }
        other => {
            return Err(ApiError::unprocessable(Text::new(
                format!("审核结论“{other}”无效，应为 approve 或 return"),
                format!("decision {other:?} is invalid; use approve or return"),
            ))
            .at("decision"));
        }
    };
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("MedicationRequest/{id}"),
        SUCCESS,
        &record.status,
    )
    .await?;
    Ok(Json(prescription_json(&state, &record).await?).into_response())
}

/// `GET /api/pharmacy/dispensing`: paid (to dispense) and dispensed (to hand over).
pub async fn dispensing(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    pharmacist(&ctx)?;
    lapse(&state).await?;
    let found = state
        .store
        .search_prescriptions(&PrescriptionFilter {
            statuses: Some(vec!["paid".to_owned(), "dispensed".to_owned()]),
            limit: 200,
            ..Default::default()
        })
        .await?;
    let mut out = Vec::new();
    for p in &found {
        out.push(prescription_json(&state, p).await?);
    }
    audit::record(
        &state,
        &ctx,
        "read",
        "MedicationRequest?queue=dispensing",
        SUCCESS,
        "",
    )
    .await?;
    Ok(Json(json!({"prescriptions": out})).into_response())
}

/// Refuses dispensing a drug that needs a skin test until a negative one is on the visit.
async fn skin_tests_done(
    state: &AppState,
    encounter: &str,
    content: &Value,
) -> Result<(), ApiError> {
    let tests = state.store.skin_tests(encounter).await?;
    for (i, line) in content["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let needs = line["classes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|x| x == DrugClass::SkinTest.code()));
        let code = line["drug"].as_str().unwrap_or("");
        let last = tests.iter().rev().find(|t| t.drug_code == code);
        if needs && last.is_none_or(|t| t.result != "negative") {
            let name = &line["name"];
            return Err(ApiError::conflict(Text::new(
                format!("{}需皮试，阴性结果记录后方可发药", name["zh"].as_str().unwrap_or(code)),
                format!(
                    "{} needs a skin test: it is dispensed only after a negative result is recorded",
                    name["en"].as_str().unwrap_or(code)
                ),
            ))
            .at(format!("lines[{i}]")));
        }
    }
    Ok(())
}

/// `POST /api/prescriptions/{id}/dispense`: a paid prescription's drugs leave their lots.
pub async fn dispense(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let caller = pharmacist(&ctx)?;
    lapse(&state).await?;
    let current = prescription_or_404(&state, &ctx, &id).await?;
    if current.status != "paid" {
        return Err(prescription_error(
            huimin_store::prescriptions::PrescriptionError::WrongStatus(current.status),
        ));
    }
    let content: Value = serde_json::from_str(&current.content).unwrap_or_default();
    skin_tests_done(&state, &current.encounter_id, &content).await?;
    let today = state.clock.today().to_string();
    let now = state.clock.now().as_microsecond();
    let record = state
        .store
        .dispense_prescription(&id, &caller.username, &today, now)
        .await
        .map_err(prescription_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("MedicationDispense/{id}"),
        SUCCESS,
        "dispensed",
    )
    .await?;
    Ok(Json(prescription_json(&state, &record).await?).into_response())
}

/// `POST /api/prescriptions/{id}/hand-over`: the patient has collected it.
pub async fn hand_over(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    pharmacist(&ctx)?;
    prescription_or_404(&state, &ctx, &id).await?;
    let now = state.clock.now().as_microsecond();
    let record = state
        .store
        .hand_over_prescription(&id, now)
        .await
        .map_err(prescription_error)?;
    audit::record(
        &state,
        &ctx,
        "update",
        &format!("MedicationDispense/{id}"),
        SUCCESS,
        "collected",
    )
    .await?;
    Ok(Json(prescription_json(&state, &record).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkinTestBody {
    drug: String,
    /// `negative` or `positive`.
    result: String,
}

/// `POST /api/visits/{id}/skin-tests`: a nurse, the visit's doctor or a pharmacist records a
/// skin test's result.
pub async fn skin_test(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Nurse | Role::Doctor | Role::Pharmacist) {
        return Err(ApiError::forbidden());
    }
    let request: SkinTestBody = crate::error::json_body(&body)?;
    let encounter = state
        .store
        .encounter(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(&format!("Encounter/{id}")))?;
    let tables = state.drugs.tables(&state.store).await?;
    let drug = tables
        .formulary
        .get(&request.drug)
        .filter(|d| d.has(DrugClass::SkinTest))
        .ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                format!("“{}”不是需要皮试的药品", request.drug),
                format!("{:?} is not a drug that needs a skin test", request.drug),
            ))
            .at("drug")
        })?;
    if !matches!(request.result.as_str(), "negative" | "positive") {
        return Err(ApiError::unprocessable(Text::new(
            "皮试结果须为 negative（阴性）或 positive（阳性）",
            "the result must be negative or positive",
        ))
        .at("result"));
    }
    let now = state.clock.now().as_microsecond();
    let record = state
        .store
        .record_skin_test(
            &id,
            &encounter.patient_id,
            &drug.code,
            &request.result,
            &caller.username,
            now,
        )
        .await?;
    audit::record(
        &state,
        &ctx,
        "create",
        &format!("Encounter/{id}/skin-tests"),
        SUCCESS,
        &drug.code,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": record.id, "drug": record.drug_code, "result": record.result, "recorded_at": record.recorded_at})),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct StockQuery {
    #[serde(default)]
    drug: Option<String>,
}

/// `GET /api/pharmacy/stock[?drug=]`: lots, first expiring first.
pub async fn stock(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<StockQuery>,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Pharmacist | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let today = state.clock.today().to_string();
    let lots = state.store.lots(query.drug.as_deref()).await?;
    let tables = state.drugs.tables(&state.store).await?;
    let out: Vec<Value> = lots
        .iter()
        .map(|l| {
            let drug = tables.formulary.get(&l.drug_code);
            let name = drug.map(|d| d.name());
            json!({
                "drug": l.drug_code, "lot_number": l.lot_number, "expiry": l.expiry,
                "on_hand": l.on_hand, "reserved": l.reserved, "expired": l.expiry < today,
                "name": name.map(|n| json!({"zh": n.zh, "en": n.en})),
                "specification": drug.map(|d| d.specification()),
                "package_unit": drug.map(|d| d.package_unit.clone()),
            })
        })
        .collect();
    Ok(Json(json!({"lots": out})).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiveBody {
    drug: String,
    lot_number: String,
    expiry: String,
    quantity: i64,
}

/// `POST /api/pharmacy/stock`: packages of a lot received.
pub async fn receive(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Pharmacist | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let request: ReceiveBody = crate::error::json_body(&body)?;
    let tables = state.drugs.tables(&state.store).await?;
    let drug = tables.formulary.get(&request.drug).ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            format!("药品编码“{}”不在药品字典中", request.drug),
            format!("drug code {:?} is not in the formulary", request.drug),
        ))
        .at("drug")
    })?;
    let lot = request.lot_number.trim();
    if lot.is_empty()
        || lot.len() > 40
        || !lot.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(ApiError::unprocessable(Text::new(
            "批号须为 1–40 位字母、数字或 -",
            "the lot number must be 1 to 40 letters, digits or -",
        ))
        .at("lot_number"));
    }
    let expiry: jiff::civil::Date = request.expiry.parse().map_err(|_| {
        ApiError::unprocessable(Text::new(
            "有效期须为 YYYY-MM-DD 日期",
            "the expiry must be a date YYYY-MM-DD",
        ))
        .at("expiry")
    })?;
    if expiry < state.clock.today() {
        return Err(ApiError::unprocessable(Text::new(
            "该批次已过有效期，不能入库",
            "This lot has expired: it cannot be received",
        ))
        .at("expiry"));
    }
    if !(1..=100_000).contains(&request.quantity) {
        return Err(ApiError::unprocessable(Text::new(
            "数量须为 1–100000",
            "the quantity must be 1 to 100000",
        ))
        .at("quantity"));
    }
    let now = state.clock.now().as_microsecond();
    let record = state
        .store
        .receive_lot(
            &NewLot {
                drug_code: &drug.code,
                lot_number: lot,
                expiry: &expiry.to_string(),
                quantity: request.quantity,
                by: &caller.username,
            },
            now,
        )
        .await?;
    audit::record(
        &state,
        &ctx,
        "create",
        "Medication/stock",
        SUCCESS,
        &format!("{} {lot}", drug.code),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"drug": record.drug_code, "lot_number": record.lot_number, "expiry": record.expiry, "on_hand": record.on_hand, "reserved": record.reserved})),
    )
        .into_response())
}

/// `GET /api/pharmacy/review-stats`: per doctor, versions reviewed, returned, mean wait.
pub async fn stats(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if !matches!(caller.role, Role::Pharmacist | Role::Admin) {
        return Err(ApiError::forbidden());
    }
    let rows = state.store.review_stats(0, i64::MAX).await?;
    let out: Vec<Value> = rows
        .iter()
        .map(|r| json!({"doctor": r.doctor, "reviewed": r.reviewed, "returned": r.returned,
            "return_rate": r.returned as f64 / r.reviewed.max(1) as f64, "mean_wait_seconds": r.mean_wait_seconds}))
        .collect();
    Ok(Json(json!({"doctors": out})).into_response())
}
