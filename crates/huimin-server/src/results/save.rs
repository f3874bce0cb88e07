//! Saving a report, for entry and import alike: the patient's sex and age for the reference
//! intervals, the resources built, the critical values found, the messages of a final report
//! (the patient, the ordering doctor, each critical value to the doctor at once), one store
//! transaction, and the audit.

use huimin_domain::i18n::Text;
use huimin_domain::identity::Sex;
use huimin_domain::messages::kind::EventKind;
use huimin_domain::results::{Critical, age_in_years};
use huimin_fhir::Observation;
use huimin_store::messages::NewEvent;
use huimin_store::results::{NewCritical, ReportRecord, ReportWrite, ReportWriteError};
use serde_json::json;

use super::build::{self, Entered, Frame, PatientFacts};
use super::gate::OrderFacts;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::ApiError;
use crate::state::AppState;
use huimin_store::Store;

/// A report ready to save.
pub struct Prepared<'a> {
    pub facts: OrderFacts,
    pub title: Text,
    pub category: &'static str,
    pub report_id: String,
    pub final_: bool,
    pub conclusion: Option<String>,
    pub values: Vec<Entered<'a>>,
    /// Imported observations whose code the analyte table does not map: kept as sent, shown
    /// as unknown, never flagged.
    pub unknown: Vec<Observation>,
    pub performer: Option<String>,
    /// `entry` or `import`.
    pub source: &'static str,
    pub expected_version: Option<i64>,
}

/// The patient's sex and age on `day`, for reference intervals.
pub async fn patient_facts(
    store: &Store,
    patient_id: &str,
    day: jiff::civil::Date,
) -> Result<PatientFacts, ApiError> {
    let patient = store
        .read_resource("Patient", patient_id)
        .await?
        .map(|p| p.content)
        .unwrap_or_default();
    let sex = match patient["gender"].as_str() {
        Some("male") => Some(Sex::Male),
        Some("female") => Some(Sex::Female),
        _ => None,
    };
    let age = patient["birthDate"]
        .as_str()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .and_then(|birth| age_in_years(birth, day));
    Ok(PatientFacts { sex, age })
}

fn side_code(side: Critical) -> &'static str {
    match side {
        Critical::Low => "low",
        Critical::High => "high",
    }
}

/// Writes the report; a report already final is refused (409) and nothing is written.
pub async fn save(state: &AppState, ctx: &Ctx, p: Prepared<'_>) -> Result<ReportRecord, ApiError> {
    let caller = ctx.require()?;
    let now = state.clock.now();
    let expected_version = p.expected_version;
    let final_ = p.final_;
    let write = report_write(&state.store, &state.clock, p, &caller.user_id, now).await?;
    let reference = format!("DiagnosticReport/{}", write.report.id);
    match state.store.save_report(&write, now.as_microsecond()).await {
        Ok(()) => {}
        Err(ReportWriteError::Final) => return Err(already_final()),
        Err(ReportWriteError::Changed) => {
            return Err(ApiError::conflict(Text::new(
                "报告刚被他人修改，请刷新后重试",
                "The report was changed meanwhile; reload it and try again",
            )));
        }
        Err(ReportWriteError::Order(e)) => {
            return Err(crate::orders::order_error(e).at("basedOn"));
        }
        Err(ReportWriteError::Store(e)) => return Err(e.into()),
    }
    let action = if expected_version.is_some() {
        "update"
    } else {
        "create"
    };
    let detail = if final_ {
        "result: final"
    } else {
        "result: preliminary"
    };
    audit::record(state, ctx, action, &reference, SUCCESS, detail).await?;
    Ok(write.report)
}

/// The store write of a report made by `recorded_by` at `now`: its observations with their
/// intervals and flags for the patient's sex and age that day, its critical values and, when
/// final, its messages. Entry, import and the demo history write reports through it.
pub async fn report_write(
    store: &Store,
    clock: &huimin_clock::Clock,
    p: Prepared<'_>,
    recorded_by: &str,
    now: jiff::Timestamp,
) -> Result<ReportWrite, ApiError> {
    let now_micros = now.as_microsecond();
    let effective = now.to_string();
    let issued = p.final_.then(|| effective.clone());
    let patient = patient_facts(store, &p.facts.patient_id, clock.wall(now).date()).await?;
    let frame = Frame {
        facts: &p.facts,
        report_id: &p.report_id,
        title: &p.title,
        category: p.category,
        final_: p.final_,
        effective: &effective,
        effective_at: now_micros,
        issued: issued.as_deref(),
        performer: p.performer.as_deref(),
    };
    let mut observations = Vec::new();
    let mut criticals = Vec::new();
    let mut ids = Vec::new();
    for (n, entered) in p.values.iter().enumerate() {
        let id = build::observation_id(&p.report_id, n + 1);
        let (o, read) = build::observation(&frame, &id, entered, patient);
        if let Some(side) = read.critical {
            criticals.push(NewCritical {
                id: uuid::Uuid::now_v7().to_string(),
                observation_id: id.clone(),
                doctor_id: p.facts.orderer_id.clone().unwrap_or_default(),
                department_id: p.facts.department_id.clone(),
                analyte: entered.analyte.code.clone(),
                value: entered.amount.as_str().to_owned(),
                unit: entered.analyte.unit.clone(),
                side: side_code(side).to_owned(),
            });
        }
        observations.push(build::observation_record(
            &frame,
            &o,
            &entered.analyte.loinc,
        )?);
        ids.push(id);
    }
    for (n, mut o) in p.unknown.into_iter().enumerate() {
        let id = build::observation_id(&p.report_id, p.values.len() + n + 1);
        o.id = Some(id.clone());
        o.meta = None;
        o.status = if p.final_ {
            huimin_fhir::ObservationStatus::Final
        } else {
            huimin_fhir::ObservationStatus::Preliminary
        };
        o.subject = Some(huimin_fhir::Reference::to(
            "Patient",
            &p.facts.patient_id,
            None,
        ));
        o.encounter = p
            .facts
            .encounter_id
            .as_deref()
            .map(|e| huimin_fhir::Reference::to("Encounter", e, None));
        o.based_on = vec![huimin_fhir::Reference::to(
            "ServiceRequest",
            &p.facts.order_id,
            None,
        )];
        o.interpretation.clear();
        observations.push(build::observation_record(&frame, &o, "unknown")?);
        ids.push(id);
    }
    if !p.final_ {
        criticals.clear();
    }
    let report = build::report(&frame, &ids, p.conclusion.as_deref());
    let content = serde_json::to_string(&report).map_err(|_| ApiError::internal())?;
    let reference = format!("DiagnosticReport/{}", p.report_id);
    let mut events = Vec::new();
    if p.final_ {
        let event = |kind: EventKind, params| NewEvent {
            kind: kind.code(),
            patient_id: p.facts.patient_id.clone(),
            reference: reference.clone(),
            params,
        };
        events.push(event(
            EventKind::ReportReady,
            json!({"report": p.report_id}),
        ));
        if let Some(doctor) = &p.facts.orderer_id {
            events.push(event(
                EventKind::ReportReadyDoctor,
                json!({"report": p.report_id, "recipient": doctor}),
            ));
            for c in &criticals {
                events.push(event(
                    EventKind::CriticalValue,
                    json!({"report": p.report_id, "critical": c.id, "recipient": doctor}),
                ));
            }
        }
    }
    let record = ReportRecord {
        id: p.report_id.clone(),
        order_id: p.facts.order_id.clone(),
        patient_id: p.facts.patient_id.clone(),
        encounter_id: p.facts.encounter_id.clone(),
        item: p.facts.item.clone(),
        category: p.category.to_owned(),
        status: if p.final_ { "final" } else { "preliminary" }.to_owned(),
        orderer_id: p.facts.orderer_id.clone(),
        department_id: p.facts.department_id.clone(),
        source: p.source.to_owned(),
        content,
        effective_at: now_micros,
        issued_at: p.final_.then_some(now_micros),
        recorded_by: recorded_by.to_owned(),
        version: p.expected_version.map_or(1, |v| v + 1),
        updated_at: now_micros,
    };
    Ok(ReportWrite {
        report: record,
        observations,
        criticals,
        events,
        expected_version: p.expected_version,
    })
}

/// The refusal of a further report on a final one.
pub fn already_final() -> ApiError {
    ApiError::conflict(Text::new(
        "该申请的报告已审核发布，不能再修改或重复出具",
        "The report of this order is final: it cannot be changed or reported again",
    ))
    .at("basedOn")
}
