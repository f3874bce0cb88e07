//! The earlier results offered to the doctor who orders an item: the patient's results from
//! other institutions and this hospital's own final reports of the same item, each kept only
//! if `huimin_domain::recognition::offer` lets it stand in for a new test today (the item
//! recognised, inside its window, a mark wide enough). Latest first.

use huimin_domain::orders::{OrderStatus, Orderable};
use huimin_domain::recognition::{Evidence, RetestReason, Scope, Source, offer};
use huimin_store::instant_text;
use huimin_store::orders::OrderFilter;
use huimin_store::results::ResultFilter;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::setting_of;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::CATALOGUE;
use crate::records::access::{Part, authorize_read};
use crate::state::AppState;

/// One result offered in place of a new test.
#[derive(Clone, Debug)]
pub struct Offer {
    pub item: String,
    /// `external` or `own`.
    pub source_kind: &'static str,
    pub source_id: String,
    /// The performing institution (`None`: this hospital).
    pub performer: Option<String>,
    pub level: Option<String>,
    pub mark: Option<Scope>,
    pub issued_at: i64,
    /// `{name, value, unit}` of each observation, and the report's conclusion.
    pub values: Vec<Value>,
    pub conclusion: Option<String>,
}

impl Offer {
    pub fn json(&self) -> Value {
        json!({
            "item": self.item,
            "source": self.source_kind,
            "result": self.source_id,
            "performer": {
                "name": self.performer,
                "this_hospital": self.performer.is_none(),
                "level": self.level,
                "scope": self.mark.map(|m| m.code()),
                "scope_label": self.mark.map(|m| json!({"zh": m.label().zh, "en": m.label().en})),
            },
            "issued": instant_text(self.issued_at),
            "values": self.values,
            "conclusion": self.conclusion,
        })
    }
}

#[derive(Deserialize)]
struct RawQuantity<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    unit: Option<String>,
    code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawObservation<'a> {
    #[serde(default)]
    code: Value,
    #[serde(borrow)]
    value_quantity: Option<RawQuantity<'a>>,
    value_string: Option<String>,
}

/// What an Observation's JSON text says: its name, value (the digits as sent) and unit.
pub fn observation_values(text: &str) -> Value {
    let Ok(o) = serde_json::from_str::<RawObservation<'_>>(text) else {
        return json!({});
    };
    let name = o.code["text"]
        .as_str()
        .or_else(|| o.code["coding"][0]["display"].as_str())
        .or_else(|| o.code["coding"][0]["code"].as_str())
        .map(str::to_owned);
    let q = o.value_quantity.as_ref();
    json!({
        "name": name,
        "value": q.and_then(|q| q.value).map(|v| v.get().to_owned()).or(o.value_string),
        "unit": q.and_then(|q| q.unit.clone().or_else(|| q.code.clone())),
    })
}

#[derive(Deserialize)]
struct RawReport<'a> {
    #[serde(borrow, default)]
    contained: Vec<&'a RawValue>,
    conclusion: Option<String>,
}

/// The observations' values and the conclusion of a stored external DiagnosticReport (its
/// observations contained).
pub fn report_values(content: &str) -> (Vec<Value>, Option<String>) {
    let Ok(report) = serde_json::from_str::<RawReport<'_>>(content) else {
        return (Vec::new(), None);
    };
    let values = report
        .contained
        .iter()
        .filter(|r| {
            serde_json::from_str::<Value>(r.get()).is_ok_and(|v| v["resourceType"] == "Observation")
        })
        .map(|r| observation_values(r.get()))
        .collect();
    (values, report.conclusion)
}

fn issued_on(state: &AppState, micros: i64) -> Option<jiff::civil::Date> {
    Timestamp::from_microsecond(micros)
        .ok()
        .map(|t| state.clock.wall(t).date())
}

/// The results of `item` offered for `patient_id` today.
pub async fn offers_for(
    state: &AppState,
    patient_id: &str,
    item: &Orderable,
) -> Result<Vec<Offer>, ApiError> {
    let setting = setting_of(state, item).await?;
    if !setting.recognised() {
        return Ok(Vec::new());
    }
    let today = state.clock.today();
    let mut offers = Vec::new();
    for r in state
        .store
        .external_results_of(patient_id, Some(&item.code))
        .await?
    {
        let Some(mark) = Scope::from_code(&r.mark_scope) else {
            continue;
        };
        let Some(day) = issued_on(state, r.issued_at) else {
            continue;
        };
        let evidence = Evidence {
            issued_on: day,
            source: Source::External { mark },
        };
        if offer(setting, evidence, today).is_err() {
            continue;
        }
        let (values, conclusion) = report_values(&r.content);
        offers.push(Offer {
            item: item.code.clone(),
            source_kind: "external",
            source_id: r.id.clone(),
            performer: Some(r.performer_name.clone()),
            level: Some(r.performer_level.clone()),
            mark: Some(mark),
            issued_at: r.issued_at,
            values,
            conclusion,
        });
    }
    let own = state
        .store
        .search_reports(&ResultFilter {
            patients: Some(vec![patient_id.to_owned()]),
            code: Some(item.code.clone()),
            status: Some("final".into()),
            limit: 20,
            ..Default::default()
        })
        .await?;
    for r in own {
        let Some(issued) = r.issued_at else { continue };
        let Some(day) = issued_on(state, issued) else {
            continue;
        };
        let evidence = Evidence {
            issued_on: day,
            source: Source::Own,
        };
        if offer(setting, evidence, today).is_err() {
            continue;
        }
        let report: Value = serde_json::from_str(&r.content).unwrap_or_default();
        let values = state
            .store
            .observations_of(&r.id)
            .await?
            .iter()
            .map(|o| observation_values(&o.content))
            .collect();
        offers.push(Offer {
            item: item.code.clone(),
            source_kind: "own",
            source_id: r.id.clone(),
            performer: None,
            level: None,
            mark: None,
            issued_at: issued,
            values,
            conclusion: report["conclusion"].as_str().map(str::to_owned),
        });
    }
    offers.sort_by_key(|o| std::cmp::Reverse(o.issued_at));
    Ok(offers)
}

/// For the doctor who may order: the results offered today, by item, leaving out the items
/// already ordered or reused on the visit. Reading them is a read of the patient's results,
/// authorised and audited as one.
pub async fn offers_json(
    state: &AppState,
    ctx: &Ctx,
    encounter_id: &str,
    patient_id: &str,
) -> Result<Value, ApiError> {
    let ordered = state
        .store
        .search_orders(&OrderFilter {
            encounter: Some(encounter_id.to_owned()),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let reused = state.store.recognitions_of_visit(encounter_id).await?;
    let decided = |code: &str| {
        ordered
            .iter()
            .any(|o| o.item_code == code && o.status != OrderStatus::Cancelled)
            || reused.iter().any(|r| r.item == code)
    };
    let mut by_item = serde_json::Map::new();
    for item in CATALOGUE.all().filter(|i| !decided(&i.code)) {
        let offers = offers_for(state, patient_id, item).await?;
        if !offers.is_empty() {
            by_item.insert(item.code.clone(), offers.iter().map(|o| o.json()).collect());
        }
    }
    if !by_item.is_empty() {
        authorize_read(
            state,
            ctx,
            patient_id,
            Part::Results,
            &format!("Patient/{patient_id}/recognised-results"),
            None,
        )
        .await?;
    }
    Ok(Value::Object(by_item))
}

pub fn retest_reasons() -> Vec<Value> {
    RetestReason::ALL
        .iter()
        .map(|r| json!({"code": r.code(), "label": {"zh": r.label().zh, "en": r.label().en}}))
        .collect()
}
