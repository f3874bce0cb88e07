//! The record as FHIR R4, built with the typed resources of `huimin-fhir`: a visit is an
//! `Encounter`, a note version a `Composition` with its `Condition`s, a signature a
//! `Provenance`, an allergy an `AllergyIntolerance`.

use huimin_domain::records::{
    ALLERGIES_LOINC, Allergy, DIAGNOSES_LOINC, NOTE_LOINC, Note, Section, VisitStatus,
};
use huimin_fhir::names::DEPARTMENT_EXT;
use huimin_fhir::{
    AllergyIntolerance, AllergyIntoleranceReaction, AllergyIntoleranceSeverity,
    AllergyIntoleranceType, CodeableConcept, Coding, Composition, CompositionAttestationMode,
    CompositionAttester, CompositionSection, CompositionStatus, Condition, Encounter,
    EncounterLocation, EncounterParticipant, EncounterStatus, Extension, Narrative,
    NarrativeStatus, Period, Provenance, ProvenanceAgent, ProvenanceEntity, ProvenanceEntityRole,
    Reference, Signature,
};
use huimin_store::instant_text;
use huimin_store::records::{EncounterRecord, NoteRecord, SignatureFacts};
use serde_json::Value;

pub const LOINC: &str = "http://loinc.org";
pub const ICD10: &str = "http://hl7.org/fhir/sid/icd-10";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VER: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
const CONDITION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
const ALLERGY_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const SIGNATURE_TYPE: &str = "urn:iso-astm:E1762-95:2013";
/// The rank of a diagnosis in Huimin's notes: primary 主要诊断 or secondary 其他诊断.
pub const DIAGNOSIS_RANK_EXT: &str = "urn:huimin:ext:diagnosis-rank";

fn reference(kind: &str, id: &str) -> Reference {
    Reference::to(kind, id, None)
}

fn status_of(status: VisitStatus) -> EncounterStatus {
    match status {
        VisitStatus::Arrived => EncounterStatus::Arrived,
        VisitStatus::InProgress => EncounterStatus::InProgress,
        VisitStatus::Finished => EncounterStatus::Finished,
        VisitStatus::Cancelled => EncounterStatus::Cancelled,
    }
}

pub fn encounter(record: &EncounterRecord) -> Encounter {
    let mut e = Encounter::new(
        status_of(record.status),
        Coding::new(ACT_CODE, "AMB", Some("ambulatory".into())),
    );
    e.id = Some(record.id.clone());
    let meta = huimin_fhir::FhirResource::meta_mut(&mut e);
    meta.version_id = Some(record.version.to_string());
    meta.last_updated = Some(instant_text(record.updated_at));
    let mut department = Extension::new(DEPARTMENT_EXT);
    department.value_reference = Some(reference("Organization", &record.department_id));
    e.extension = vec![department];
    e.subject = Some(reference("Patient", &record.patient_id));
    if let Some(role) = &record.practitioner_role_id {
        e.participant = vec![EncounterParticipant {
            individual: Some(reference("PractitionerRole", role)),
            ..Default::default()
        }];
    }
    e.appointment = vec![reference("Appointment", &record.appointment_id)];
    e.period = Some(Period {
        start: Some(instant_text(record.arrived_at)),
        end: record.finished_at.map(instant_text),
        ..Default::default()
    });
    if let Some(room) = &record.room_id {
        e.location = vec![EncounterLocation {
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            location: reference("Location", room),
            status: None,
            period: None,
        }];
    }
    e.service_provider = Some(reference("Organization", &record.department_id));
    e
}

/// XHTML narrative of plain text (escaped, line breaks kept).
pub fn narrative(text: &str) -> Narrative {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\n', "<br/>");
    Narrative {
        id: None,
        extension: Vec::new(),
        status: NarrativeStatus::Generated,
        div: format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{escaped}</div>"),
    }
}

fn loinc(code: &str, display: &str) -> CodeableConcept {
    CodeableConcept {
        coding: vec![Coding::new(LOINC, code, None)],
        text: Some(display.to_owned()),
        ..Default::default()
    }
}

/// The id of the `n`th (from 1) Condition of a note version.
pub fn condition_id(note_id: &str, version: i64, n: usize) -> String {
    format!("{note_id}-v{version}-d{n}")
}

/// The id of a note version's Provenance.
pub fn provenance_id(note_id: &str, version: i64) -> String {
    format!("{note_id}-v{version}")
}

/// What a version is: a draft, the first signed version, or an amendment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionKind {
    Draft,
    Final,
    Amended,
}

/// The facts a note version is built from, besides the note itself.
pub struct NoteFacts<'a> {
    pub head: &'a NoteRecord,
    pub version: i64,
    pub kind: VersionKind,
    /// When this version was written (dateTime text).
    pub date: String,
    /// The patient's allergies, as references.
    pub allergies: &'a [String],
}

/// A note version as a Composition and its Conditions.
pub fn composition(note: &Note, facts: &NoteFacts<'_>) -> (Composition, Vec<Condition>) {
    let head = facts.head;
    let author = reference("PractitionerRole", &head.author_role_id);
    let status = match facts.kind {
        VersionKind::Draft => CompositionStatus::Preliminary,
        VersionKind::Final => CompositionStatus::Final,
        VersionKind::Amended => CompositionStatus::Amended,
    };
    let mut c = Composition::new(
        status,
        CodeableConcept {
            coding: vec![Coding::new(LOINC, NOTE_LOINC, Some("Consult note".into()))],
            text: Some("门诊病历".into()),
            ..Default::default()
        },
        facts.date.clone(),
        vec![author.clone()],
        "门诊病历".into(),
    );
    c.id = Some(head.id.clone());
    c.subject = Some(reference("Patient", &head.patient_id));
    c.encounter = Some(reference("Encounter", &head.encounter_id));
    c.custodian = Some(reference("Organization", &head.department_id));
    c.confidentiality = Some("R".into());
    if facts.kind != VersionKind::Draft {
        c.attester = vec![CompositionAttester {
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            mode: CompositionAttestationMode::Legal,
            time: Some(facts.date.clone()),
            party: Some(author.clone()),
        }];
    }
    let mut sections = Vec::new();
    for section in [
        Section::ChiefComplaint,
        Section::PresentIllness,
        Section::PastHistory,
    ] {
        push_text_into(&mut sections, note, section);
    }
    sections.push(CompositionSection {
        title: Some("过敏史".into()),
        code: Some(loinc(ALLERGIES_LOINC, "Allergies and adverse reactions")),
        entry: facts
            .allergies
            .iter()
            .map(|id| reference("AllergyIntolerance", id))
            .collect(),
        text: facts
            .allergies
            .is_empty()
            .then(|| narrative("未记录过敏史")),
        empty_reason: facts.allergies.is_empty().then(|| CodeableConcept {
            coding: vec![Coding::new(
                "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                "unavailable",
                None,
            )],
            ..Default::default()
        }),
        ..Default::default()
    });
    push_text_into(&mut sections, note, Section::PhysicalExam);
    push_text_into(&mut sections, note, Section::Auxiliary);
    let conditions: Vec<Condition> = note
        .diagnoses
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut condition = Condition::new(reference("Patient", &head.patient_id));
            condition.id = Some(condition_id(&head.id, facts.version, i + 1));
            let mut rank = Extension::new(DIAGNOSIS_RANK_EXT);
            rank.value_code = Some(if i == 0 { "primary" } else { "secondary" }.into());
            condition.extension = vec![rank];
            condition.clinical_status = Some(CodeableConcept {
                coding: vec![Coding::new(CONDITION_CLINICAL, "active", None)],
                ..Default::default()
            });
            condition.verification_status = Some(CodeableConcept {
                coding: vec![Coding::new(CONDITION_VER, d.certainty.code(), None)],
                text: Some(d.certainty.label().zh),
                ..Default::default()
            });
            condition.category = vec![CodeableConcept {
                coding: vec![Coding::new(CONDITION_CATEGORY, "encounter-diagnosis", None)],
                ..Default::default()
            }];
            let name = (!d.name.is_empty()).then(|| d.name.clone());
            condition.code = Some(CodeableConcept {
                coding: vec![Coding::new(ICD10, d.code.as_str(), name.clone())],
                text: name,
                ..Default::default()
            });
            condition.encounter = Some(reference("Encounter", &head.encounter_id));
            condition.recorded_date = Some(facts.date.clone());
            condition.recorder = Some(author.clone());
            condition
        })
        .collect();
    let diagnosis_text = note
        .diagnoses
        .iter()
        .map(|d| format!("{} {}（{}）", d.code, d.name, d.certainty.label().zh))
        .collect::<Vec<_>>()
        .join("\n");
    if !conditions.is_empty() {
        sections.push(CompositionSection {
            title: Some("诊断".into()),
            code: Some(loinc(DIAGNOSES_LOINC, "Diagnosis")),
            text: Some(narrative(&diagnosis_text)),
            entry: conditions
                .iter()
                .filter_map(|c| c.id.as_deref())
                .map(|id| reference("Condition", id))
                .collect(),
            ..Default::default()
        });
    }
    push_text_into(&mut sections, note, Section::Plan);
    c.section = sections;
    (c, conditions)
}

fn push_text_into(sections: &mut Vec<CompositionSection>, note: &Note, section: Section) {
    // An empty part is left out: R4 (cmp-1) wants text, entries or sub-sections in each.
    let text = note.section(section);
    if text.is_empty() {
        return;
    }
    let title = section.title();
    sections.push(CompositionSection {
        title: Some(title.zh.clone()),
        code: Some(loinc(section.loinc(), &title.en)),
        text: Some(narrative(text)),
        ..Default::default()
    });
}

/// The signature of a note version as a Provenance.
pub fn provenance(
    head: &NoteRecord,
    version: i64,
    signature: &SignatureFacts,
    reason: Option<&str>,
) -> Provenance {
    let when = instant_text(signature.signed_at);
    let who = reference("PractitionerRole", &head.author_role_id);
    let mut p = Provenance::new(
        vec![Reference::to(
            "Composition",
            &format!("{}/_history/{version}", head.id),
            None,
        )],
        when.clone(),
        vec![ProvenanceAgent {
            r#type: Some(CodeableConcept {
                coding: vec![Coding::new(
                    "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                    "author",
                    None,
                )],
                ..Default::default()
            }),
            who: who.clone(),
            ..Default::default()
        }],
    );
    p.id = Some(provenance_id(&head.id, version));
    p.activity = Some(CodeableConcept {
        coding: vec![Coding::new(
            "http://terminology.hl7.org/CodeSystem/v3-DataOperation",
            if version == 1 { "CREATE" } else { "UPDATE" },
            None,
        )],
        ..Default::default()
    });
    if let Some(reason) = reason {
        p.reason = vec![CodeableConcept::text(reason)];
    }
    if version > 1 {
        p.entity = vec![ProvenanceEntity {
            id: None,
            extension: Vec::new(),
            modifier_extension: Vec::new(),
            role: ProvenanceEntityRole::Revision,
            what: Reference::to(
                "Composition",
                &format!("{}/_history/{}", head.id, version - 1),
                None,
            ),
        }];
    }
    let mut key = Reference::to("Device", "huimin-signing", None);
    key.identifier = Some(huimin_fhir::Identifier::new(
        "urn:huimin:id:signing-key",
        &signature.key_id,
    ));
    key.reference = None;
    p.signature = vec![Signature {
        id: None,
        extension: Vec::new(),
        r#type: vec![Coding::new(
            SIGNATURE_TYPE,
            "1.2.840.10065.1.12.1.1",
            Some("Author's Signature".into()),
        )],
        when,
        who,
        on_behalf_of: Some(key),
        target_format: Some("application/json".into()),
        sig_format: Some("application/x-ed25519".into()),
        data: Some(signature.signature.clone()),
    }];
    p
}

/// An allergy as an AllergyIntolerance.
pub fn allergy(
    id: &str,
    patient_id: &str,
    encounter_id: Option<&str>,
    recorder_role: &str,
    recorded: &str,
    a: &Allergy,
) -> AllergyIntolerance {
    let mut r = AllergyIntolerance::new(reference("Patient", patient_id));
    r.id = Some(id.to_owned());
    r.clinical_status = Some(CodeableConcept {
        coding: vec![Coding::new(ALLERGY_CLINICAL, "active", None)],
        ..Default::default()
    });
    r.r#type = Some(AllergyIntoleranceType::Allergy);
    r.code = Some(CodeableConcept::text(&a.substance));
    r.encounter = encounter_id.map(|e| reference("Encounter", e));
    r.recorded_date = Some(recorded.to_owned());
    r.recorder = Some(reference("PractitionerRole", recorder_role));
    r.reaction = vec![AllergyIntoleranceReaction {
        manifestation: vec![CodeableConcept::text(&a.reaction)],
        severity: Some(match a.severity {
            huimin_domain::records::AllergySeverity::Mild => AllergyIntoleranceSeverity::Mild,
            huimin_domain::records::AllergySeverity::Moderate => {
                AllergyIntoleranceSeverity::Moderate
            }
            huimin_domain::records::AllergySeverity::Severe => AllergyIntoleranceSeverity::Severe,
        }),
        ..Default::default()
    }];
    r
}

/// The allergy's substance, reaction and severity read back from its JSON.
pub fn allergy_facts(content: &Value) -> (String, String, String) {
    let text = |p: &str| {
        content
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    (
        text("/code/text"),
        text("/reaction/0/manifestation/0/text"),
        text("/reaction/0/severity"),
    )
}
