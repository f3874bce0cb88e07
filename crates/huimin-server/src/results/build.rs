//! The FHIR resources of a report, built from checked values: the Observations (value,
//! reference interval, flag) and the DiagnosticReport that groups them. Built as typed
//! `huimin-fhir` values and written to text once, so decimals keep their digits.

use huimin_domain::i18n::Text;
use huimin_domain::identity::Sex;
use huimin_domain::results::{Amount, Analyte, Interpretation, RefRange, interpret};
use huimin_fhir::{
    CodeableConcept, Coding, Decimal, DiagnosticReport, DiagnosticReportStatus, Observation,
    ObservationReferenceRange, ObservationStatus, PrimitiveExtension, Quantity, Reference,
};
use huimin_store::results::ObservationRecord;

use super::gate::OrderFacts;

pub const LOINC: &str = "http://loinc.org";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const INTERPRETATION: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
pub const SERVICE_SECTION: &str = "http://terminology.hl7.org/CodeSystem/v2-0074";
/// The hospital's orderable items (the order catalogue's codes).
pub const ORDERABLE: &str = "urn:huimin:cs:orderable";

/// One checked value of a panel.
#[derive(Clone, Debug)]
pub struct Entered<'a> {
    pub analyte: &'a Analyte,
    pub amount: Amount,
}

/// The patient facts a reference interval depends on.
#[derive(Clone, Copy, Debug, Default)]
pub struct PatientFacts {
    pub sex: Option<Sex>,
    pub age: Option<u32>,
}

/// Everything about the report but its values.
pub struct Frame<'a> {
    pub facts: &'a OrderFacts,
    pub report_id: &'a str,
    pub title: &'a Text,
    /// `laboratory`, `imaging` or `exam`.
    pub category: &'a str,
    pub final_: bool,
    pub effective: &'a str,
    pub effective_at: i64,
    pub issued: Option<&'a str>,
    pub performer: Option<&'a str>,
}

pub fn category_of(item: &str) -> &'static str {
    if item.starts_with("IMG-") {
        "imaging"
    } else if item.starts_with("EXM-") {
        "exam"
    } else {
        "laboratory"
    }
}

fn translated(text: &Text) -> CodeableConcept {
    CodeableConcept {
        text: Some(text.zh.clone()),
        text_ext: Some(PrimitiveExtension::translation("en", text.en.clone())),
        ..Default::default()
    }
}

fn coded(system: &str, code: &str, text: Option<&Text>) -> CodeableConcept {
    let mut c = text.map(translated).unwrap_or_default();
    c.coding = vec![Coding::new(system, code, None)];
    c
}

fn quantity(value: &Amount, unit: &str) -> Quantity {
    Quantity {
        value: Decimal::parse(value.as_str()),
        unit: Some(unit.to_owned()),
        system: Some(UCUM.to_owned()),
        code: Some(unit.to_owned()),
        ..Default::default()
    }
}

fn reference_range(range: &RefRange, unit: &str) -> ObservationReferenceRange {
    ObservationReferenceRange {
        low: range.low.as_ref().map(|a| quantity(a, unit)),
        high: range.high.as_ref().map(|a| quantity(a, unit)),
        text: Some(range.text()),
        ..Default::default()
    }
}

fn interpretation(i: &Interpretation) -> Option<CodeableConcept> {
    let code = i.code()?;
    let text = match (i.critical, i.flag) {
        (Some(c), _) => c.text(),
        (None, Some(f)) => f.text(),
        (None, None) => return None,
    };
    Some(coded(INTERPRETATION, code, Some(&text)))
}

fn subject(frame: &Frame<'_>) -> (Reference, Option<Reference>, Vec<Reference>) {
    (
        Reference::to("Patient", &frame.facts.patient_id, None),
        frame
            .facts
            .encounter_id
            .as_deref()
            .map(|e| Reference::to("Encounter", e, None)),
        vec![Reference::to("ServiceRequest", &frame.facts.order_id, None)],
    )
}

/// The id of a report's `n`th observation (1-based, so they sort in print order).
pub fn observation_id(report_id: &str, n: usize) -> String {
    format!("{report_id}-o{n:02}")
}

/// An Observation for one entered value, its interpretation and critical side.
pub fn observation(
    frame: &Frame<'_>,
    id: &str,
    entered: &Entered<'_>,
    patient: PatientFacts,
) -> (Observation, Interpretation) {
    let a = entered.analyte;
    let status = if frame.final_ {
        ObservationStatus::Final
    } else {
        ObservationStatus::Preliminary
    };
    let mut code = coded(LOINC, &a.loinc, Some(&a.name));
    code.coding[0].display = Some(a.name.en.clone());
    let mut o = Observation::new(status, code);
    let (subject, encounter, based_on) = subject(frame);
    o.id = Some(id.to_owned());
    o.based_on = based_on;
    o.category = vec![coded(OBSERVATION_CATEGORY, "laboratory", None)];
    o.subject = Some(subject);
    o.encounter = encounter;
    o.effective_date_time = Some(frame.effective.to_owned());
    o.issued = frame.issued.map(str::to_owned);
    o.performer = frame
        .performer
        .map(|p| Reference::to("Practitioner", p, None))
        .into_iter()
        .collect();
    // The value in the table's unit spelling: accepted synonyms mean the same unit.
    o.value_quantity = Some(quantity(&entered.amount, &a.unit));
    let read = interpret(a, &entered.amount, patient.sex, patient.age);
    o.interpretation = interpretation(&read).into_iter().collect();
    o.reference_range = read
        .range
        .as_ref()
        .map(|r| reference_range(r, &a.unit))
        .into_iter()
        .collect();
    (o, read)
}

/// The DiagnosticReport grouping `observations` (their ids) or carrying `conclusion`.
pub fn report(
    frame: &Frame<'_>,
    observation_ids: &[String],
    conclusion: Option<&str>,
) -> DiagnosticReport {
    let status = if frame.final_ {
        DiagnosticReportStatus::Final
    } else {
        DiagnosticReportStatus::Preliminary
    };
    let section = match frame.category {
        "imaging" => "RAD",
        "exam" => "EC",
        _ => "LAB",
    };
    let mut r = DiagnosticReport::new(
        status,
        coded(ORDERABLE, &frame.facts.item, Some(frame.title)),
    );
    let (subject, encounter, based_on) = subject(frame);
    r.id = Some(frame.report_id.to_owned());
    r.based_on = based_on;
    r.category = vec![coded(SERVICE_SECTION, section, None)];
    r.subject = Some(subject);
    r.encounter = encounter;
    r.effective_date_time = Some(frame.effective.to_owned());
    r.issued = frame.issued.map(str::to_owned);
    r.performer = frame
        .performer
        .map(|p| Reference::to("Practitioner", p, None))
        .into_iter()
        .collect();
    r.result = observation_ids
        .iter()
        .map(|id| Reference::to("Observation", id, None))
        .collect();
    r.conclusion = conclusion.map(str::to_owned);
    r
}

/// The stored row of an observation.
pub fn observation_record(
    frame: &Frame<'_>,
    o: &Observation,
    code: &str,
) -> Result<ObservationRecord, crate::error::ApiError> {
    Ok(ObservationRecord {
        id: o.id.clone().unwrap_or_default(),
        report_id: frame.report_id.to_owned(),
        patient_id: frame.facts.patient_id.clone(),
        encounter_id: frame.facts.encounter_id.clone(),
        order_id: frame.facts.order_id.clone(),
        code: code.to_owned(),
        category: o
            .category
            .first()
            .and_then(|c| c.coding.first())
            .and_then(|c| c.code.clone())
            .unwrap_or_else(|| "laboratory".into()),
        status: o.status.as_str().to_owned(),
        effective_at: frame.effective_at,
        content: serde_json::to_string(o).map_err(|_| crate::error::ApiError::internal())?,
    })
}
