//! Import of results as a FHIR `transaction` Bundle at `/fhir`: one DiagnosticReport and its
//! Observations, linked by `urn:uuid:` `fullUrl`s. All or nothing: a reference that no entry
//! answers, an observation outside physical limits or in a unit that does not fit, an order
//! that cannot take a report (or whose report is final) refuses the whole Bundle, and nothing
//! is written. An Observation whose LOINC code the analyte table does not map is kept and shown
//! as unknown (never flagged).

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::i18n::Text;
use huimin_domain::results::check_value;
use huimin_domain::roles::Role;
use huimin_fhir::{
    DiagnosticReport, DiagnosticReportStatus, FhirResource, Observation, ParseError,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::TABLE;
use super::build::{Entered, LOINC, ORDERABLE, category_of};
use super::fhir::fhir_text;
use super::gate::{Claimed, order_gate};
use super::save::{Prepared, already_final, save};
use crate::audit::{self, DENIED};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
struct Probe<'a> {
    #[serde(default, borrow)]
    entry: Vec<ProbeEntry<'a>>,
}

#[derive(Deserialize)]
struct ProbeEntry<'a> {
    #[serde(borrow)]
    resource: Option<ProbeResource<'a>>,
}

#[derive(Deserialize)]
struct ProbeResource<'a> {
    #[serde(rename = "resourceType", borrow)]
    resource_type: Option<&'a str>,
}

/// Whether a transaction Bundle carries a DiagnosticReport (then it is a results import).
pub fn is_results_bundle(body: &[u8]) -> bool {
    serde_json::from_slice::<Probe<'_>>(body).is_ok_and(|p| {
        p.entry.iter().any(|e| {
            e.resource
                .as_ref()
                .is_some_and(|r| r.resource_type == Some("DiagnosticReport"))
        })
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawBundle<'a> {
    pub(crate) r#type: String,
    #[serde(borrow)]
    pub(crate) entry: Vec<RawEntry<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawEntry<'a> {
    pub(crate) full_url: Option<String>,
    #[serde(borrow)]
    pub(crate) resource: &'a RawValue,
    pub(crate) request: Option<Value>,
}

/// The Bundle of an import, its entries kept as sent: a `transaction`, else refused.
pub(crate) fn transaction_bundle(body: &[u8]) -> Result<RawBundle<'_>, ApiError> {
    let bundle: RawBundle<'_> = serde_json::from_slice(body).map_err(|e| {
        invalid(
            "Bundle".into(),
            Text::new(
                format!("Bundle 格式错误：{e}"),
                format!("Malformed Bundle: {e}"),
            ),
        )
    })?;
    if bundle.r#type != "transaction" {
        return Err(invalid(
            "Bundle.type".into(),
            Text::new(
                "仅支持 transaction 类型的 Bundle",
                "Only transaction Bundles are supported",
            ),
        ));
    }
    Ok(bundle)
}

pub(crate) fn invalid(path: String, text: Text) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid", text).at(path)
}

pub(crate) fn broken(path: String, reference: &str) -> ApiError {
    invalid(
        path,
        Text::new(
            format!("引用 {reference} 不在本 Bundle 中（引用断裂），整个 Bundle 未写入"),
            format!(
                "The reference {reference} is not in this Bundle (a broken reference); nothing was written"
            ),
        ),
    )
}

pub(crate) fn parsed<T: FhirResource>(raw: &RawValue, index: usize) -> Result<T, ApiError> {
    huimin_fhir::parse_resource::<T>(raw.get().as_bytes()).map_err(|e: ParseError| {
        let inner = e.path.strip_prefix(T::TYPE).unwrap_or(&e.path);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "structure",
            Text::new(
                format!("资源结构错误：{}", e.message),
                format!("Invalid resource structure: {}", e.message),
            ),
        )
        .at(format!("Bundle.entry[{index}].resource{inner}"))
    })
}

/// The id in `Type/id`, or `None`.
fn local<'a>(reference: Option<&'a str>, kind: &str) -> Option<&'a str> {
    reference?.strip_prefix(kind)?.strip_prefix('/')
}

/// Every `reference` of the JSON text with its path, for the broken-reference check.
pub(crate) fn references(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match item {
                    Value::String(r) if key == "reference" => {
                        out.push((format!("{path}.reference"), r.clone()))
                    }
                    other => references(other, format!("{path}.{key}"), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                references(item, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// `POST /fhir` with a results transaction.
pub async fn import(state: &AppState, ctx: &Ctx, body: &[u8]) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if caller.role != Role::Technician {
        audit::record(
            state,
            ctx,
            "create",
            "DiagnosticReport",
            DENIED,
            "results import: not a technician",
        )
        .await?;
        return Err(ApiError::forbidden());
    }
    let bundle = transaction_bundle(body)?;
    // Which entry is which, and the fullUrls they answer to.
    let mut report_at = None;
    let mut urls: HashMap<String, usize> = HashMap::new();
    for (i, e) in bundle.entry.iter().enumerate() {
        if let Some(method) = e.request.as_ref().and_then(|r| r["method"].as_str())
            && method != "POST"
        {
            return Err(invalid(
                format!("Bundle.entry[{i}].request.method"),
                Text::new(
                    "结果导入仅支持 POST（新建）",
                    "A results import only creates (POST)",
                ),
            ));
        }
        let kind = serde_json::from_str::<ProbeResource<'_>>(e.resource.get())
            .ok()
            .and_then(|p| p.resource_type.map(str::to_owned))
            .unwrap_or_default();
        match kind.as_str() {
            "DiagnosticReport" if report_at.is_none() => report_at = Some(i),
            "Observation" => {}
            _ => {
                return Err(invalid(
                    format!("Bundle.entry[{i}].resource.resourceType"),
                    Text::new(
                        "结果导入只含一份 DiagnosticReport 及其 Observation",
                        "A results import holds one DiagnosticReport and its Observations",
                    ),
                ));
            }
        }
        if let Some(url) = e.full_url.as_deref().filter(|u| u.starts_with("urn:uuid:"))
            && urls.insert(url.to_owned(), i).is_some()
        {
            return Err(invalid(
                format!("Bundle.entry[{i}].fullUrl"),
                Text::new(
                    format!("fullUrl {url} 重复"),
                    format!("The fullUrl {url} is used twice"),
                ),
            ));
        }
    }
    let Some(report_at) = report_at else {
        return Err(invalid(
            "Bundle.entry".into(),
            Text::new("缺少 DiagnosticReport", "No DiagnosticReport"),
        ));
    };
    // Every urn:uuid: reference must be answered by an entry: checked before anything else.
    for (i, e) in bundle.entry.iter().enumerate() {
        let value: Value =
            serde_json::from_str(e.resource.get()).map_err(|_| ApiError::internal())?;
        let mut refs = Vec::new();
        references(&value, format!("Bundle.entry[{i}].resource"), &mut refs);
        for (path, r) in refs {
            if r.starts_with("urn:uuid:") && !urls.contains_key(&r) {
                return Err(broken(path, &r));
            }
        }
    }
    let report: DiagnosticReport = parsed(bundle.entry[report_at].resource, report_at)?;
    let at = |field: &str| format!("Bundle.entry[{report_at}].resource.{field}");
    let final_ = match report.status {
        DiagnosticReportStatus::Final => true,
        DiagnosticReportStatus::Preliminary | DiagnosticReportStatus::Partial => false,
        other => {
            return Err(ApiError::unprocessable(Text::new(
                format!("不能导入状态为 {other} 的报告"),
                format!("A report with status {other} cannot be imported"),
            ))
            .at(at("status")));
        }
    };
    let order = local(
        report.based_on.first().and_then(|r| r.reference.as_deref()),
        "ServiceRequest",
    )
    .ok_or_else(|| {
        ApiError::unprocessable(Text::new(
            "报告须注明所依据的申请单（basedOn: ServiceRequest/…）",
            "The report must name its order (basedOn: ServiceRequest/…)",
        ))
        .at(at("basedOn"))
    })?
    .to_owned();
    let item = report
        .code
        .coding
        .iter()
        .find(|c| c.system.as_deref() == Some(ORDERABLE))
        .and_then(|c| c.code.clone());
    let prefix = format!("Bundle.entry[{report_at}].resource.");
    let claimed = Claimed {
        encounter: report
            .encounter
            .as_ref()
            .and_then(|r| r.reference.as_deref()),
        item: item.as_deref(),
        patient: report.subject.as_ref().and_then(|r| r.reference.as_deref()),
        prefix: &prefix,
    };
    let facts = order_gate(state, &order, &claimed).await?;
    let existing = state.store.report_of_order(&order).await?;
    if existing.as_ref().is_some_and(|r| r.status == "final") {
        return Err(already_final());
    }
    // The observations, in the report's order; each must be one of the report's results.
    let mut values = Vec::new();
    let mut unknown = Vec::new();
    let mut used = Vec::new();
    for (j, r) in report.result.iter().enumerate() {
        let target = r.reference.as_deref().unwrap_or_default();
        let Some(&i) = urls.get(target).filter(|&&i| i != report_at) else {
            return Err(broken(at(&format!("result[{j}].reference")), target));
        };
        used.push(i);
        let o: Observation = parsed(bundle.entry[i].resource, i)?;
        let field = format!("Bundle.entry[{i}].resource");
        if let Some(subject) = o.subject.as_ref().and_then(|s| s.reference.as_deref())
            && local(Some(subject), "Patient") != Some(facts.patient_id.as_str())
        {
            return Err(ApiError::unprocessable(Text::new(
                "检验结果的患者与报告的患者不符",
                "The observation's patient is not the report's patient",
            ))
            .at(format!("{field}.subject")));
        }
        let loinc = o
            .code
            .coding
            .iter()
            .find(|c| c.system.as_deref() == Some(LOINC))
            .and_then(|c| c.code.as_deref());
        match loinc.and_then(|c| TABLE.by_loinc(c)) {
            Some(analyte) => {
                let q = o.value_quantity.as_ref();
                let value = q
                    .and_then(|q| q.value.as_ref())
                    .map(|v| v.as_str().to_owned());
                let unit = q.and_then(|q| q.code.clone().or_else(|| q.unit.clone()));
                let (Some(value), Some(unit)) = (value, unit) else {
                    return Err(ApiError::unprocessable(Text::new(
                        format!("{}须有数值和单位（valueQuantity）", analyte.name.zh),
                        format!(
                            "{} needs a value and a unit (valueQuantity)",
                            analyte.name.en
                        ),
                    ))
                    .at(format!("{field}.valueQuantity")));
                };
                let amount = check_value(analyte, &value, &unit, &format!("{field}.valueQuantity"))
                    .map_err(|p| ApiError::unprocessable(p.text).at(p.field))?;
                values.push(Entered { analyte, amount });
            }
            None => unknown.push(o),
        }
    }
    if let Some(i) = (0..bundle.entry.len()).find(|i| *i != report_at && !used.contains(i)) {
        return Err(invalid(
            format!("Bundle.entry[{i}]"),
            Text::new(
                "该 Observation 不在报告的 result 中",
                "This Observation is not among the report's results",
            ),
        ));
    }
    let title = TABLE
        .report(&facts.item)
        .map(|f| f.title.clone())
        .unwrap_or_else(|| {
            let t = report
                .code
                .text
                .clone()
                .unwrap_or_else(|| facts.item.clone());
            Text::new(t.clone(), t)
        });
    let record = save(
        state,
        ctx,
        Prepared {
            title,
            category: category_of(&facts.item),
            report_id: existing
                .as_ref()
                .map(|r| r.id.clone())
                .unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
            final_,
            conclusion: report.conclusion.clone(),
            values,
            unknown,
            performer: caller.practitioner_id.clone(),
            source: "import",
            expected_version: existing.as_ref().map(|r| r.version),
            facts,
        },
    )
    .await?;
    let mut entries = vec![json!({"response": {"status": "201 Created",
        "location": format!("DiagnosticReport/{}", record.id)}})];
    for o in state.store.observations_of(&record.id).await? {
        entries.push(json!({"response": {"status": "201 Created",
            "location": format!("Observation/{}", o.id)}}));
    }
    let answer =
        json!({"resourceType": "Bundle", "type": "transaction-response", "entry": entries});
    Ok(fhir_text(StatusCode::OK, answer.to_string()))
}
