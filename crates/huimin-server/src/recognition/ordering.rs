//! What the doctor decides at ordering when an item has a recognised result (DOMAIN §7): an
//! item named by its code alone, for which a result is offered, is refused with 409 naming
//! the item and the result; `{"code", "reuse": result}` takes the result instead of a test
//! (no order, no charge, the price avoided); `{"code", "retest_reason", "retest_detail"}`
//! orders the test again for an allowed reason, which the patient is told. Items with no
//! offered result are ordered as before.

use huimin_domain::i18n::Text;
use huimin_domain::orders::Orderable;
use huimin_domain::recognition::{RetestReason, check_detail};
use huimin_store::instant_text;
use huimin_store::recognition::{Decision, NewDecision, RecognitionRecord};
use serde::Deserialize;
use serde_json::{Value, json};

use super::offers::{Offer, offers_for};
use crate::error::ApiError;
use crate::orders::CATALOGUE;
use crate::state::AppState;

/// One item of an order request: its code, or its code with the doctor's decision.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum ItemChoice {
    Code(String),
    Decided(Decided),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decided {
    code: String,
    /// The offered result taken instead of a test.
    reuse: Option<String>,
    /// A `RetestReason` code, and the doctor's words.
    retest_reason: Option<String>,
    retest_detail: Option<String>,
}

impl ItemChoice {
    pub fn code(&self) -> &str {
        match self {
            ItemChoice::Code(c) => c,
            ItemChoice::Decided(d) => &d.code,
        }
    }
}

/// The items to order and the decisions to record with them.
pub struct Decisions {
    pub to_order: Vec<Orderable>,
    pub decisions: Vec<NewDecision>,
}

fn offered_text(item: &Orderable, offer: &Offer) -> Text {
    let day = &instant_text(offer.issued_at)[..10];
    let (zh_from, en_from) = match &offer.performer {
        Some(name) => (name.clone(), name.clone()),
        None => ("本院".to_owned(), "this hospital".to_owned()),
    };
    Text::new(
        format!(
            "“{}”已有可互认的结果：{zh_from} {day} 出具（结果 {}）。请采用该结果（reuse），或写明复查理由（retest_reason）",
            item.name.zh, offer.source_id
        ),
        format!(
            "{} has a recognised result from {en_from}, issued {day} (result {}): reuse it, or give a reason to test again (retest_reason)",
            item.name.en, offer.source_id
        ),
    )
}

/// Decides each item against the results offered for the patient today.
pub async fn decide(
    state: &AppState,
    patient_id: &str,
    items: Vec<Orderable>,
    choices: &[ItemChoice],
) -> Result<Decisions, ApiError> {
    let mut out = Decisions {
        to_order: Vec::new(),
        decisions: Vec::new(),
    };
    for (i, (item, choice)) in items.into_iter().zip(choices).enumerate() {
        let offers = offers_for(state, patient_id, &item).await?;
        let at = |field: &str| format!("items[{i}].{field}");
        let decided = match choice {
            ItemChoice::Code(_) => None,
            ItemChoice::Decided(d) if d.reuse.is_none() && d.retest_reason.is_none() => None,
            ItemChoice::Decided(d) => Some(d),
        };
        let Some(decided) = decided else {
            if let Some(first) = offers.first() {
                return Err(
                    ApiError::conflict(offered_text(&item, first)).at(format!("items[{i}]"))
                );
            }
            out.to_order.push(item);
            continue;
        };
        if decided.reuse.is_some() && decided.retest_reason.is_some() {
            return Err(ApiError::unprocessable(Text::new(
                "采用互认结果与复查只能选一项",
                "Either reuse the result or test again, not both",
            ))
            .at(at("reuse")));
        }
        if let Some(reuse) = decided.reuse.as_deref() {
            let offer = offers.iter().find(|o| o.source_id == reuse).ok_or_else(|| {
                ApiError::unprocessable(Text::new(
                    format!("结果 {reuse} 不是“{}”可互认的结果（不在有效期或互认范围内）", item.name.zh),
                    format!("Result {reuse} is not a recognised result of {} (outside its window or scope)", item.name.en),
                ))
                .at(at("reuse"))
            })?;
            out.decisions.push(NewDecision {
                item: item.code.clone(),
                source_kind: offer.source_kind.to_owned(),
                source_id: offer.source_id.clone(),
                decision: Decision::Reused {
                    avoided_fen: item.price.fen(),
                },
            });
            continue;
        }
        let code = decided.retest_reason.as_deref().unwrap_or_default().trim();
        let reason = RetestReason::from_code(code).ok_or_else(|| {
            ApiError::unprocessable(Text::new(
                format!("复查理由“{code}”无效：可为 condition-changed、fast-changing、before-surgery、emergency 或 legal-assessment"),
                format!("Unknown retest reason {code:?}: condition-changed, fast-changing, before-surgery, emergency or legal-assessment"),
            ))
            .at(at("retest_reason"))
        })?;
        let detail = check_detail(decided.retest_detail.as_deref())
            .map_err(|r| ApiError::unprocessable(r.text).at(at("retest_detail")))?;
        let Some(first) = offers.first() else {
            return Err(ApiError::unprocessable(Text::new(
                format!("“{}”没有可互认的结果，无需写复查理由", item.name.zh),
                format!(
                    "{} has no recognised result: no retest reason is needed",
                    item.name.en
                ),
            ))
            .at(at("retest_reason")));
        };
        out.decisions.push(NewDecision {
            item: item.code.clone(),
            source_kind: first.source_kind.to_owned(),
            source_id: first.source_id.clone(),
            decision: Decision::Retest {
                reason: reason.code().to_owned(),
                detail,
            },
        });
        out.to_order.push(item);
    }
    Ok(out)
}

/// A decision as the visit's readers see it: what was reused (from where, issued when) or
/// why a test was done again, in plain words.
pub async fn recognition_json(state: &AppState, r: &RecognitionRecord) -> Result<Value, ApiError> {
    let (from, issued) = match r.source_kind.as_str() {
        "external" => match state.store.external_result(&r.source_id).await? {
            Some(x) => (Some(x.performer_name), Some(instant_text(x.issued_at))),
            None => (None, None),
        },
        _ => {
            let issued = state
                .store
                .report(&r.source_id)
                .await?
                .and_then(|x| x.issued_at)
                .map(instant_text);
            (None, issued)
        }
    };
    let item = CATALOGUE.get(&r.item);
    let (decision, reason) = match &r.decision {
        Decision::Reused { avoided_fen } => (
            json!({"kind": "reused", "avoided_fen": avoided_fen}),
            Value::Null,
        ),
        Decision::Retest { reason, detail } => {
            let plain = RetestReason::from_code(reason).map(|r| r.plain());
            let label = RetestReason::from_code(reason).map(|r| r.label());
            (
                json!({"kind": "retest"}),
                json!({
                    "code": reason,
                    "label": label.map(|t| json!({"zh": t.zh, "en": t.en})),
                    "plain": plain.map(|t| json!({"zh": t.zh, "en": t.en})),
                    "detail": detail,
                }),
            )
        }
    };
    Ok(json!({
        "id": r.id,
        "item": r.item,
        "name": item.map(|i| json!({"zh": i.name.zh, "en": i.name.en})),
        "decision": decision["kind"],
        "avoided_fen": decision["avoided_fen"],
        "reason": reason,
        "order": r.order_id,
        "source": {
            "kind": r.source_kind,
            "result": r.source_id,
            "performer": from,
            "this_hospital": r.source_kind == "own",
            "issued": issued,
        },
        "decided_at": instant_text(r.decided_at),
    }))
}

/// The visit's recognition decisions (reused results, retests with their reasons).
pub async fn recognitions_json(
    state: &AppState,
    encounter_id: &str,
) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    for r in state.store.recognitions_of_visit(encounter_id).await? {
        out.push(recognition_json(state, &r).await?);
    }
    Ok(out)
}
