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
use huimin_domain::orders::Orderable;
use huimin_domain::recognition::{
    InstitutionIdKind, Scope, check_institution_id, hospital_level_ok,
};
use huimin_domain::results::check_value;
use huimin_domain::roles::Role;
use huimin_fhir::names::{
    CREDIT_CODE_SYSTEM, INSTITUTION_LICENCE_SYSTEM, INSTITUTION_QUALIFICATION_EXT,
    ORDERABLE_SYSTEM,
};
use huimin_fhir::{DiagnosticReport, DiagnosticReportStatus, Observation, Organization};
use huimin_store::recognition::ExternalResultRecord;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::read::fhir_text;
use crate::audit::{self, DENIED, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::orders::CATALOGUE;
use crate::results::TABLE;
use crate::results::import::{broken, invalid, parsed, references};
use crate::state::AppState;

const LOINC: &str = "http://loinc.org";

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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBundle<'a> {
    r#type: String,
    #[serde(borrow)]
    entry: Vec<RawEntry<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry<'a> {
    full_url: Option<String>,
    #[serde(borrow)]
    resource: &'a RawValue,
    request: Option<Value>,
}

/// Where each kind of entry is.
struct Layout {
    report: usize,
    patient: usize,
    organization: usize,
    observations: Vec<usize>,
    urls: HashMap<String, usize>,
}

fn unprocessable(path: String, zh: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::unprocessable(Text::new(zh, en)).at(path)
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
                Text::new("外院结果导入仅支持 POST（新建）", "An import only creates (POST)"),
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
                    Text::new(format!("fullUrl {url} 重复"), format!("The fullUrl {url} is used twice")),
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
async fn known_patient(state: &AppState, raw: &RawValue, at: usize) -> Result<String, ApiError> {
    let patient: Value = serde_json::from_str(raw.get()).map_err(|_| ApiError::internal())?;
    let identifiers = patient["identifier"].as_array().cloned().unwrap_or_default();
    for identifier in &identifiers {
        let (Some(system), Some(value)) = (identifier["system"].as_str(), identifier["value"].as_str())
        else {
            continue;
        };
        if DocumentKind::from_fhir_system(system).is_none() {
            continue;
        }
        if let Some(id) = state
            .store
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

/// The performer's name, identifier, level and recognition mark; all required.
struct Performer {
    name: String,
    identifier: String,
    level: String,
    mark: Scope,
}

fn performer(org: &Organization, at: usize) -> Result<Performer, ApiError> {
    let path = |field: &str| format!("Bundle.entry[{at}].resource.{field}");
    let name = org
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| unprocessable(path("name"), "须写明执行机构名称", "Name the performing institution"))?;
    let mut identifier = None;
    for (i, id) in org.identifier.iter().enumerate() {
        let kind = match id.system.as_deref() {
            Some(CREDIT_CODE_SYSTEM) => InstitutionIdKind::CreditCode,
            Some(INSTITUTION_LICENCE_SYSTEM) => InstitutionIdKind::LicenceNumber,
            _ => continue,
        };
        let value = id.value.as_deref().unwrap_or_default().trim();
        check_institution_id(kind, value)
            .map_err(|t| ApiError::unprocessable(t).at(path(&format!("identifier[{i}].value"))))?;
        identifier = Some(format!("{}|{value}", id.system.as_deref().unwrap_or_default()));
        break;
    }
    let identifier = identifier.ok_or_else(|| {
        unprocessable(
            path("identifier"),
            "执行机构须有统一社会信用代码或医疗机构执业许可证登记号",
            "The institution needs a unified social credit code or a licence registration number",
        )
    })?;
    let no_qualification = || {
        unprocessable(
            path("extension"),
            "执行机构缺少资质（医院等级与互认标识范围）",
            "The performing institution has no qualification (hospital level and recognition mark)",
        )
    };
    let (k, qualification) = org
        .extension
        .iter()
        .enumerate()
        .find(|(_, e)| e.url == INSTITUTION_QUALIFICATION_EXT)
        .ok_or_else(no_qualification)?;
    let part = |url: &str| qualification.extension.iter().position(|e| e.url == url);
    let level_at = part("level").ok_or_else(no_qualification)?;
    let level = qualification.extension[level_at]
        .value_string
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if !hospital_level_ok(level) {
        return Err(unprocessable(
            path(&format!("extension[{k}].extension[{level_at}].valueString")),
            format!("医院等级“{level}”无效（如 三级甲等）"),
            format!("Unknown hospital level {level:?} (e.g. 三级甲等)"),
        ));
    }
    let scope_at = part("recognition-scope").ok_or_else(no_qualification)?;
    let code = qualification.extension[scope_at]
        .value_code
        .as_deref()
        .unwrap_or_default();
    let mark = Scope::from_code(code).ok_or_else(|| {
        unprocessable(
            path(&format!("extension[{k}].extension[{scope_at}].valueCode")),
            format!("互认范围“{code}”无效：可为 national、province、city 或 alliance"),
            format!("Unknown recognition scope {code:?}: national, province, city or alliance"),
        )
    })?;
    Ok(Performer {
        name: name.to_owned(),
        identifier,
        level: level.to_owned(),
        mark,
    })
}

/// The catalogue item the report answers: its orderable code, else its LOINC order code.
fn item_of(report: &DiagnosticReport, at: usize) -> Result<&'static Orderable, ApiError> {
    let coding = &report.code.coding;
    let by_code = coding
        .iter()
        .filter(|c| c.system.as_deref() == Some(ORDERABLE_SYSTEM))
        .find_map(|c| c.code.as_deref().and_then(|c| CATALOGUE.get(c)));
    let by_loinc = || {
        coding
            .iter()
            .filter(|c| c.system.as_deref() == Some(LOINC))
            .find_map(|c| {
                CATALOGUE
                    .all()
                    .find(|i| i.loinc.is_some() && i.loinc.as_deref() == c.code.as_deref())
            })
    };
    by_code.or_else(by_loinc).ok_or_else(|| {
        unprocessable(
            format!("Bundle.entry[{at}].resource.code"),
            "报告项目不在本院检查检验目录中（按项目代码或 LOINC 对照）",
            "The report's item is not in the orderable catalogue (by item code or LOINC)",
        )
    })
}

/// A FHIR date or dateTime after now, in the hospital's calendar for a bare date.
fn after_now(state: &AppState, text: &str) -> Option<bool> {
    if text.len() == 10 {
        return text
            .parse::<jiff::civil::Date>()
            .ok()
            .map(|d| d > state.clock.today());
    }
    text.parse::<Timestamp>().ok().map(|t| t > state.clock.now())
}

fn check_time(state: &AppState, text: Option<&str>, path: String) -> Result<(), ApiError> {
    match text.map(|t| after_now(state, t)) {
        None => Ok(()),
        Some(Some(false)) => Ok(()),
        Some(None) => Err(unprocessable(path, "时间格式无效", "Not a FHIR date or dateTime")),
        Some(Some(true)) => Err(unprocessable(
            path,
            "时间晚于现在：结果不能来自未来",
            "This time is after now: a result cannot come from the future",
        )),
    }
}

/// Each Observation's values pass the analyte table's checks; one the table does not map may
/// still not be negative.
fn check_observation(o: &Observation, at: usize) -> Result<(), ApiError> {
    let path = format!("Bundle.entry[{at}].resource.valueQuantity");
    let Some(q) = o.value_quantity.as_ref() else {
        return Ok(());
    };
    let value = q.value.as_ref().map(|v| v.as_str().to_owned()).unwrap_or_default();
    let loinc = o
        .code
        .coding
        .iter()
        .find(|c| c.system.as_deref() == Some(LOINC))
        .and_then(|c| c.code.as_deref());
    match loinc.and_then(|c| TABLE.by_loinc(c)) {
        Some(analyte) => {
            let unit = q.code.clone().or_else(|| q.unit.clone()).unwrap_or_default();
            check_value(analyte, &value, &unit, &path)
                .map(|_| ())
                .map_err(|p| ApiError::unprocessable(p.text).at(p.field))
        }
        None if value.trim_start().starts_with('-') => Err(unprocessable(
            format!("{path}.value"),
            "检验数值不能为负数",
            "A measured value cannot be negative",
        )),
        None => Ok(()),
    }
}

/// The entry's JSON text with `urn:uuid:` references replaced and its `id` set: the digits of
/// every number are kept (no detour through `Value`).
fn rewritten(raw: &RawValue, id: &str, refs: &[(String, String)]) -> Result<Box<RawValue>, ApiError> {
    let mut text = raw.get().to_owned();
    for (from, to) in refs {
        text = text.replace(&format!("\"{from}\""), &format!("\"{to}\""));
    }
    let mut fields: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(&text).map_err(|_| ApiError::internal())?;
    fields.insert(
        "id".into(),
        RawValue::from_string(json!(id).to_string()).map_err(|_| ApiError::internal())?,
    );
    let text = serde_json::to_string(&fields).map_err(|_| ApiError::internal())?;
    RawValue::from_string(text).map_err(|_| ApiError::internal())
}

fn refuse_role(role: Role) -> bool {
    !matches!(role, Role::Technician | Role::Admin)
}

/// `POST /fhir` with a transaction Bundle of an external result.
pub async fn import(state: &AppState, ctx: &Ctx, body: &[u8]) -> Result<Response, ApiError> {
    let caller = ctx.require()?;
    if refuse_role(caller.role) {
        let detail = "external result import: not a technician or admin";
        audit::record(state, ctx, "create", "DiagnosticReport", DENIED, detail).await?;
        return Err(ApiError::forbidden());
    }
    let bundle: RawBundle<'_> = serde_json::from_slice(body).map_err(|e| {
        invalid(
            "Bundle".into(),
            Text::new(format!("Bundle 格式错误：{e}"), format!("Malformed Bundle: {e}")),
        )
    })?;
    if bundle.r#type != "transaction" {
        return Err(invalid(
            "Bundle.type".into(),
            Text::new("仅支持 transaction 类型的 Bundle", "Only transaction Bundles are supported"),
        ));
    }
    let layout = layout(&bundle)?;
    for (i, e) in bundle.entry.iter().enumerate() {
        let value: Value = serde_json::from_str(e.resource.get()).map_err(|_| ApiError::internal())?;
        let mut refs = Vec::new();
        references(&value, format!("Bundle.entry[{i}].resource"), &mut refs);
        for (path, r) in refs {
            if r.starts_with("urn:uuid:") && !layout.urls.contains_key(&r) {
                return Err(broken(path, &r));
            }
        }
    }
    let at = layout.report;
    let report: DiagnosticReport = parsed(bundle.entry[at].resource, at)?;
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
    let item = item_of(&report, at)?;
    let url_of = |i: usize| bundle.entry[i].full_url.clone().unwrap_or_default();
    let patient_url = url_of(layout.patient);
    let org_url = url_of(layout.organization);
    let refers = |r: Option<&str>, url: &str| !url.is_empty() && r == Some(url);
    if !refers(report.subject.as_ref().and_then(|s| s.reference.as_deref()), &patient_url) {
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
        unprocessable(field("issued"), "须写明报告发布时间（issued）", "The report needs its issued time")
    })?;
    check_time(state, Some(issued_text), field("issued"))?;
    check_time(state, report.effective_date_time.as_deref(), field("effectiveDateTime"))?;
    let issued = issued_text
        .parse::<Timestamp>()
        .map_err(|_| unprocessable(field("issued"), "时间格式无效", "Not a FHIR instant"))?;
    let org: Organization = parsed(bundle.entry[layout.organization].resource, layout.organization)?;
    let performer = performer(&org, layout.organization)?;
    let patient_id = known_patient(state, bundle.entry[layout.patient].resource, layout.patient).await?;
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
                Text::new("该 Observation 不在报告的 result 中", "This Observation is not among the report's results"),
            ));
        }
        if !refers(o.subject.as_ref().and_then(|s| s.reference.as_deref()), &patient_url) {
            return Err(unprocessable(
                format!("Bundle.entry[{i}].resource.subject"),
                "检验结果的 subject 须引用 Bundle 中的 Patient",
                "The observation's subject must refer to the Patient in the Bundle",
            ));
        }
        check_time(state, o.effective_date_time.as_deref(), format!("Bundle.entry[{i}].resource.effectiveDateTime"))?;
        check_observation(&o, i)?;
    }
    for (j, r) in results.iter().enumerate() {
        if !layout.observations.iter().any(|&i| url_of(i) == *r) {
            return Err(broken(field(&format!("result[{j}].reference")), r));
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    let content = served_report(&bundle, &layout, &id, &patient_id)?;
    let now = state.clock.now().as_microsecond();
    state
        .store
        .insert_external_result(&ExternalResultRecord {
            id: id.clone(),
            patient_id,
            item: item.code.clone(),
            issued_at: issued.as_microsecond(),
            performer_name: performer.name,
            performer_identifier: performer.identifier,
            performer_level: performer.level,
            mark_scope: performer.mark.code().to_owned(),
            content,
            recorded_by: caller.username.clone(),
            recorded_at: now,
        })
        .await?;
    let resource = format!("DiagnosticReport/{id}");
    audit::record(state, ctx, "create", &resource, SUCCESS, "external result").await?;
    let answer = json!({"resourceType": "Bundle", "type": "transaction-response", "entry": [
        {"response": {"status": "201 Created", "location": format!("/api/recognition/results/{id}")}}
    ]});
    Ok(fhir_text(StatusCode::OK, answer.to_string()))
}

/// The DiagnosticReport kept and served: its id the result's, the performer and the
/// observations `contained` (`#org`, `#o01`…, so the report stands alone and every reference
/// resolves), the patient this hospital's `Patient/{id}` (the sender's identity document is not
/// kept again).
fn served_report(
    bundle: &RawBundle<'_>,
    layout: &Layout,
    id: &str,
    patient_id: &str,
) -> Result<String, ApiError> {
    let mut local: Vec<(usize, String)> = vec![(layout.organization, "org".to_owned())];
    for (n, &i) in layout.observations.iter().enumerate() {
        local.push((i, format!("o{:02}", n + 1)));
    }
    let mut refs: Vec<(String, String)> = Vec::new();
    for (i, local_id) in &local {
        if let Some(old) = bundle.entry[*i].full_url.clone() {
            refs.push((old, format!("#{local_id}")));
        }
    }
    if let Some(old) = bundle.entry[layout.patient].full_url.clone() {
        refs.push((old, format!("Patient/{patient_id}")));
    }
    let mut contained = Vec::new();
    for (i, local_id) in &local {
        contained.push(rewritten(bundle.entry[*i].resource, local_id, &refs)?);
    }
    let report = rewritten(bundle.entry[layout.report].resource, id, &refs)?;
    let mut fields: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(report.get()).map_err(|_| ApiError::internal())?;
    let contained = serde_json::to_string(&contained).map_err(|_| ApiError::internal())?;
    fields.insert(
        "contained".into(),
        RawValue::from_string(contained).map_err(|_| ApiError::internal())?,
    );
    serde_json::to_string(&fields).map_err(|_| ApiError::internal())
}
