//! Results from other institutions 外院结果, imported at `POST /fhir` as a `transaction`
//! Bundle: one `DiagnosticReport` with no local order, its `Observation`s, the `Patient` (known
//! here by an identity document) and the performing `Organization` (name, 统一社会信用代码 or
//! 执业许可证登记号, and its qualification in `urn:huimin:ext:institution-qualification`).
//! All or nothing: a broken reference, an item the catalogue cannot map, a performer without
//! qualification, a date after now, a value outside physical limits (a negative count) or a
//! patient not known here refuses the Bundle with the element's path, and nothing is written.
//! Technicians and administrators import; every import is audited.

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::Response;
use huimin_domain::DocumentKind;
use huimin_domain::i18n::Text;
use huimin_domain::roles::Role;
use huimin_fhir::{DiagnosticReport, DiagnosticReportStatus, Observation, Organization};
use huimin_store::recognition::ExternalResultRecord;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::checks::{check_observation, check_time, item_of, performer, unprocessable};
use super::read::fhir_text;
use super::served::served_report;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::results::import::{broken, invalid, parsed, references, transaction_bundle};
use crate::state::AppState;
use huimin_clock::Clock;
use huimin_store::Store;

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    entry: Vec<ProbeEntry>,
}

#[derive(Deserialize)]
struct ProbeEntry {
    resource: Option<ProbeResource>,
}

#[derive(Deserialize)]
struct ProbeResource {
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
}

/// Whether a transaction Bundle carries a report from another institution: a
/// DiagnosticReport beside the Organization that performed it.
pub fn is_external_bundle(body: &[u8]) -> bool {
    serde_json::from_slice::<Probe>(body).is_ok_and(|p| {
        let has = |kind: &str| {
            p.entry.iter().any(|e| {
                e.resource
                    .as_ref()
                    .is_some_and(|r| r.resource_type.as_deref() == Some(kind))
            })
        };
        has("DiagnosticReport") && has("Organization")
    })
}

pub(super) use crate::results::import::RawBundle;

/// Where each kind of entry is.
pub(super) struct Layout {
    pub report: usize,
    pub patient: usize,
    pub organization: usize,
    pub observations: Vec<usize>,
    urls: HashMap<String, usize>,
}

fn one_of_each(i: usize) -> ApiError {
    invalid(
        format!("Bundle.entry[{i}].resource.resourceType"),
        Text::new(
            "外院结果只含一份 DiagnosticReport、一个 Patient、一个 Organization 及其 Observation",
            "An external result holds one DiagnosticReport, one Patient, one Organization and its Observations",
        ),
    )
}

fn layout(bundle: &RawBundle<'_>) -> Result<Layout, ApiError> {
    let (mut report, mut patient, mut organization) = (None, None, None);
    let mut observations = Vec::new();
    let mut urls = HashMap::new();
    for (i, e) in bundle.entry.iter().enumerate() {
        if let Some(method) = e.request.as_ref().and_then(|r| r["method"].as_str())
            && method != "POST"
        {
            return Err(invalid(
                format!("Bundle.entry[{i}].request.method"),
                Text::new(
                    "外院结果导入仅支持 POST（新建）",
                    "An import only creates (POST)",
                ),
            ));
        }
        let kind = serde_json::from_str::<ProbeResource>(e.resource.get())
            .ok()
            .and_then(|p| p.resource_type)
            .unwrap_or_default();
        let slot = match kind.as_str() {
            "DiagnosticReport" => Some(&mut report),
            "Patient" => Some(&mut patient),
            "Organization" => Some(&mut organization),
            "Observation" => None,
            _ => return Err(one_of_each(i)),
        };
        match slot {
            Some(slot) if slot.is_some() => return Err(one_of_each(i)),
            Some(slot) => *slot = Some(i),
            None => observations.push(i),
        }
        if let Some(url) = e.full_url.as_deref() {
            if !url.starts_with("urn:uuid:") {
                return Err(invalid(
                    format!("Bundle.entry[{i}].fullUrl"),
                    Text::new("fullUrl 须为 urn:uuid:", "A fullUrl is a urn:uuid:"),
                ));
            }
            if urls.insert(url.to_owned(), i).is_some() {
                return Err(invalid(
                    format!("Bundle.entry[{i}].fullUrl"),
                    Text::new(
                        format!("fullUrl {url} 重复"),
                        format!("The fullUrl {url} is used twice"),
                    ),
                ));
            }
        }
    }
    let missing = |what: &str| {
        invalid(
            "Bundle.entry".into(),
            Text::new(format!("缺少 {what}"), format!("No {what}")),
        )
    };
    Ok(Layout {
        report: report.ok_or_else(|| missing("DiagnosticReport"))?,
        patient: patient.ok_or_else(|| missing("Patient"))?,
        organization: organization.ok_or_else(|| missing("Organization"))?,
        observations,
        urls,
    })
}

/// The patient named by an identity document the hospital knows.
async fn known_patient(store: &Store, raw: &RawValue, at: usize) -> Result<String, ApiError> {
    let patient: Value = serde_json::from_str(raw.get()).map_err(|_| ApiError::internal())?;
    let identifiers = patient["identifier"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for identifier in &identifiers {
        let (Some(system), Some(value)) =
            (identifier["system"].as_str(), identifier["value"].as_str())
        else {
            continue;
        };
        if DocumentKind::from_fhir_system(system).is_none() {
            continue;
        }
        if let Some(id) = store
            .patient_with_document(system, &value.trim().to_uppercase())
            .await?
        {
            return Ok(id);
        }
    }
    Err(unprocessable(
        format!("Bundle.entry[{at}].resource.identifier"),
        "本院没有该患者的档案（须以本院登记的证件号识别患者）",
        "No patient on file here carries this identifier (an identity document registered here is needed)",
    ))
}

fn refuse_role(role: Role) -> bool {
    !matches!(role, Role::Technician | Role::Admin)
}

/// Every `urn:uuid:` reference is answered by an entry (checked before anything else).
fn no_broken_references(bundle: &RawBundle<'_>, layout: &Layout) -> Result<(), ApiError> {
    for (i, e) in bundle.entry.iter().enumerate() {
        let value: Value =
            serde_json::from_str(e.resource.get()).map_err(|_| ApiError::internal())?;
        let mut refs = Vec::new();
        references(&value, format!("Bundle.entry[{i}].resource"), &mut refs);
        for (path, r) in refs {
            if r.starts_with("urn:uuid:") && !layout.urls.contains_key(&r) {
                return Err(broken(path, &r));
            }
        }
    }
    Ok(())
}

/// A final report from elsewhere: no local order, nothing contained.
fn check_shape(report: &DiagnosticReport, at: usize) -> Result<(), ApiError> {
    let field = |f: &str| format!("Bundle.entry[{at}].resource.{f}");
    if !report.contained.is_empty() {
        return Err(unprocessable(
            field("contained"),
            "外院报告请以 Bundle 条目提交执行机构与检验结果，不接受 contained",
            "Send the performer and the observations as Bundle entries, not contained",
        ));
    }
    if !report.based_on.is_empty() {
        return Err(unprocessable(
            field("basedOn"),
            "外院结果没有本院申请单：请去掉 basedOn（本院结果请按申请单导入）",
            "An external result has no local order: leave out basedOn (this hospital's results are imported against their order)",
        ));
    }
    if report.status != DiagnosticReportStatus::Final {
        return Err(unprocessable(
            field("status"),
            "只能导入已审核发布（final）的外院报告",
            "Only final reports from other institutions are imported",
        ));
    }
    Ok(())
}

/// Each Observation is one of the report's results, about the Bundle's patient, not from the
/// future, its values inside limits; each result is one of the Observations.
fn check_observations(
    clock: &Clock,
    bundle: &RawBundle<'_>,
    layout: &Layout,
    report: &DiagnosticReport,
) -> Result<(), ApiError> {
    let at = layout.report;
    let field = |f: &str| format!("Bundle.entry[{at}].resource.{f}");
    let url_of = |i: usize| bundle.entry[i].full_url.clone().unwrap_or_default();
    let patient_url = url_of(layout.patient);
    let refers = |r: Option<&str>, url: &str| !url.is_empty() && r == Some(url);
    let results: Vec<&str> = report
        .result
        .iter()
        .map(|r| r.reference.as_deref().unwrap_or_default())
        .collect();
    for &i in &layout.observations {
        let o: Observation = parsed(bundle.entry[i].resource, i)?;
        if !results.contains(&url_of(i).as_str()) {
            return Err(invalid(
                format!("Bundle.entry[{i}]"),
                Text::new(
                    "该 Observation 不在报告的 result 中",
                    "This Observation is not among the report's results",
                ),
            ));
        }
        if !refers(
            o.subject.as_ref().and_then(|s| s.reference.as_deref()),
            &patient_url,
        ) {
            return Err(unprocessable(
                format!("Bundle.entry[{i}].resource.subject"),
                "检验结果的 subject 须引用 Bundle 中的 Patient",
                "The observation's subject must refer to the Patient in the Bundle",
            ));
        }
        check_time(
            clock,
            o.effective_date_time.as_deref(),
            format!("Bundle.entry[{i}].resource.effectiveDateTime"),
        )?;
        check_observation(&o, i)?;
    }
    for (j, r) in results.iter().enumerate() {
        if !layout.observations.iter().any(|&i| url_of(i) == *r) {
            return Err(broken(field(&format!("result[{j}].reference")), r));
        }
    }
    Ok(())
}

/// `POST /fhir` with a transaction Bundle of an external result.
pub async fn import(state: &AppState, ctx: &Ctx, body: &[u8]) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if refuse_role(caller.role) {
        let detail = "external result import: not a technician or admin";
        audit::record(state, ctx, "create", "DiagnosticReport", DENIED, detail).await?;
        return Err(ApiError::forbidden());
    }
    let now = state.clock.now().as_microsecond();
    let record = external_record(&state.store, &state.clock, body, &caller.username, now).await?;
    let id = record.id.clone();
    state.store.insert_external_result(&record).await?;
    let resource = format!("DiagnosticReport/{id}");
    audit::record(state, ctx, "create", &resource, SUCCESS, "external result").await?;
    let answer = json!({"resourceType": "Bundle", "type": "transaction-response", "entry": [
        {"response": {"status": "201 Created", "location": format!("/api/recognition/results/{id}")}}
    ]});
    Ok(fhir_text(StatusCode::OK, answer.to_string()))
}

/// The external result a Bundle carries, every check passed, ready to store: recorded by
/// `recorded_by` at `now` (the import, and the demo's result from another hospital).
pub async fn external_record(
    store: &Store,
    clock: &Clock,
    body: &[u8],
    recorded_by: &str,
    now: i64,
) -> Result<ExternalResultRecord, ApiError> {
    let bundle = transaction_bundle(body)?;
    let layout = layout(&bundle)?;
    no_broken_references(&bundle, &layout)?;
    let at = layout.report;
    let report: DiagnosticReport = parsed(bundle.entry[at].resource, at)?;
    let field = |f: &str| format!("Bundle.entry[{at}].resource.{f}");
    check_shape(&report, at)?;
    let item = item_of(&report, at)?;
    let url_of = |i: usize| bundle.entry[i].full_url.clone().unwrap_or_default();
    let patient_url = url_of(layout.patient);
    let org_url = url_of(layout.organization);
    let refers = |r: Option<&str>, url: &str| !url.is_empty() && r == Some(url);
    if !refers(
        report.subject.as_ref().and_then(|s| s.reference.as_deref()),
        &patient_url,
    ) {
        return Err(unprocessable(
            field("subject"),
            "报告的 subject 须引用 Bundle 中的 Patient",
            "The report's subject must refer to the Patient in the Bundle",
        ));
    }
    if !report
        .performer
        .iter()
        .any(|p| refers(p.reference.as_deref(), &org_url))
    {
        return Err(unprocessable(
            field("performer"),
            "报告的 performer 须引用 Bundle 中的执行机构（Organization）",
            "The report's performer must refer to the Organization in the Bundle",
        ));
    }
    let issued_text = report.issued.as_deref().ok_or_else(|| {
        unprocessable(
            field("issued"),
            "须写明报告发布时间（issued）",
            "The report needs its issued time",
        )
    })?;
    check_time(clock, Some(issued_text), field("issued"))?;
    check_time(
        clock,
        report.effective_date_time.as_deref(),
        field("effectiveDateTime"),
    )?;
    let issued = issued_text
        .parse::<Timestamp>()
        .map_err(|_| unprocessable(field("issued"), "时间格式无效", "Not a FHIR instant"))?;
    let org: Organization = parsed(
        bundle.entry[layout.organization].resource,
        layout.organization,
    )?;
    let performer = performer(&org, layout.organization)?;
    let patient_id =
        known_patient(store, bundle.entry[layout.patient].resource, layout.patient).await?;
    check_observations(clock, &bundle, &layout, &report)?;
    let id = uuid::Uuid::now_v7().to_string();
    let content = served_report(&bundle, &layout, &id, &patient_id)?;
    Ok(ExternalResultRecord {
        id: id.clone(),
        patient_id,
        item: item.code.clone(),
        issued_at: issued.as_microsecond(),
        performer_name: performer.name,
        performer_identifier: performer.identifier,
        performer_level: performer.level,
        mark_scope: performer.mark.code().to_owned(),
        content,
        recorded_by: recorded_by.to_owned(),
        recorded_at: now,
    })
}
