//! The operations this server runs, each as the `OperationDefinition` served at
//! `/fhir/OperationDefinition/{id}` and named by the CapabilityStatement, so a client can
//! resolve every `operation.definition` it is told about.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::http::{base_url, fhir_response};
use crate::error::ApiError;

/// How an operation is invoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// `[base]/Type/$code`.
    Type,
    /// `[base]/Type/{id}/$code`.
    Instance,
}

/// One parameter: name, in or out, cardinality, FHIR type, target of a Reference, text.
pub struct Param {
    pub name: &'static str,
    pub out: bool,
    pub min: u32,
    pub max: &'static str,
    pub kind: &'static str,
    pub target: Option<&'static str>,
    pub doc: &'static str,
}

const fn input(
    name: &'static str,
    min: u32,
    kind: &'static str,
    target: Option<&'static str>,
    doc: &'static str,
) -> Param {
    Param {
        name,
        out: false,
        min,
        max: "1",
        kind,
        target,
        doc,
    }
}

const fn output(kind: &'static str, doc: &'static str) -> Param {
    Param {
        name: "return",
        out: true,
        min: 1,
        max: "1",
        kind,
        target: None,
        doc,
    }
}

pub struct Operation {
    pub id: &'static str,
    pub code: &'static str,
    pub resource: &'static str,
    pub level: Level,
    pub affects_state: bool,
    pub title: &'static str,
    pub description: &'static str,
    pub params: &'static [Param],
}

pub const OPERATIONS: &[Operation] = &[
    Operation {
        id: "appointment-find",
        code: "find",
        resource: "Appointment",
        level: Level::Type,
        affects_state: false,
        title: "查找可预约号源 Find bookable slots",
        description: "GET: free slots of active sessions by department, doctor, dates and registration class, in time order, public. With patient, only the sessions that patient may be booked into.",
        params: &[
            input(
                "department",
                0,
                "string",
                None,
                "The department: Organization/{id} or its id",
            ),
            input(
                "practitioner",
                0,
                "string",
                None,
                "The doctor: Practitioner/{id} (every post they hold), PractitionerRole/{id} or a post's id",
            ),
            input(
                "patient",
                0,
                "string",
                None,
                "Patient/{id}: only sessions this patient may be booked into",
            ),
            input(
                "start",
                0,
                "date",
                None,
                "First day (YYYY-MM-DD, the hospital's), default today",
            ),
            input(
                "end",
                0,
                "date",
                None,
                "Last day (YYYY-MM-DD), default the furthest day any department books ahead",
            ),
            input(
                "class",
                0,
                "code",
                None,
                "Registration class: ordinary | expert | special-needs",
            ),
            input(
                "available",
                0,
                "boolean",
                None,
                "false also lists full slots",
            ),
            input(
                "_count",
                0,
                "integer",
                None,
                "Page size, at most 100 (default 50)",
            ),
            input("_offset", 0, "integer", None, "Where the page starts"),
            input("_total", 0, "code", None, "none | estimate | accurate"),
            output(
                "Bundle",
                "A searchset of Slots with self, next and previous links",
            ),
        ],
    },
    Operation {
        id: "appointment-hold",
        code: "hold",
        resource: "Appointment",
        level: Level::Type,
        affects_state: true,
        title: "锁号 Hold a place",
        description: "POST Parameters: hold one place of the slot for the patient, pending payment; the hold lapses at the time in urn:huimin:ext:hold-expires. Idempotency-Key is honoured.",
        params: &[
            input(
                "slot",
                1,
                "Reference",
                Some("http://hl7.org/fhir/StructureDefinition/Slot"),
                "The slot",
            ),
            input(
                "patient",
                1,
                "Reference",
                Some("http://hl7.org/fhir/StructureDefinition/Patient"),
                "The patient (one of the caller's family for patient accounts)",
            ),
            output("Appointment", "The pending Appointment"),
        ],
    },
    Operation {
        id: "appointment-book",
        code: "book",
        resource: "Appointment",
        level: Level::Type,
        affects_state: true,
        title: "预约 Book",
        description: "POST Parameters: confirm a hold (appointment), or book a slot for a patient directly (slot + patient). A full slot is 409; a booking rule is 422 with its rule code (urn:huimin:cs:booking-rule). Idempotency-Key is honoured.",
        params: &[
            input(
                "appointment",
                0,
                "Reference",
                Some("http://hl7.org/fhir/StructureDefinition/Appointment"),
                "A held Appointment to confirm",
            ),
            input(
                "slot",
                0,
                "Reference",
                Some("http://hl7.org/fhir/StructureDefinition/Slot"),
                "The slot, with patient, to book directly",
            ),
            input(
                "patient",
                0,
                "Reference",
                Some("http://hl7.org/fhir/StructureDefinition/Patient"),
                "The patient, with slot",
            ),
            output("Appointment", "The booked Appointment"),
        ],
    },
    Operation {
        id: "appointment-waitlist",
        code: "waitlist",
        resource: "Appointment",
        level: Level::Type,
        affects_state: true,
        title: "候补 Join a session's waitlist",
        description: "POST Parameters: put the patient on the waitlist of a full session. The entry is an Appointment with status waitlist, readable at its Location; when a place frees up the first entry is booked into it and ends.",
        params: &[
            input(
                "schedule",
                1,
                "Reference",
                Some("http://hl7.org/fhir/StructureDefinition/Schedule"),
                "The session",
            ),
            input(
                "patient",
                1,
                "Reference",
                Some("http://hl7.org/fhir/StructureDefinition/Patient"),
                "The patient",
            ),
            output("Appointment", "The waitlist entry (status waitlist)"),
        ],
    },
    Operation {
        id: "Patient-everything",
        code: "everything",
        resource: "Patient",
        level: Level::Instance,
        affects_state: false,
        title: "患者全部记录 Everything about a patient",
        description: "GET: the whole record as a searchset Bundle: the Patient, their visits and appointments, signed notes (every version's Composition, Conditions and Provenance) and allergies. Record access rules apply; a doctor outside the patient's care adds break_glass.",
        params: &[
            input(
                "break_glass",
                0,
                "string",
                None,
                "The reason for reading outside the patient's care (audited)",
            ),
            output("Bundle", "The patient's record"),
        ],
    },
];

pub fn by_id(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}

/// The canonical URL of an operation's definition on this server.
pub fn canonical(base: &str, operation: &Operation) -> String {
    format!("{base}/OperationDefinition/{}", operation.id)
}

pub fn definition(base: &str, op: &Operation) -> Value {
    let parameters: Vec<Value> = op
        .params
        .iter()
        .map(|p| {
            let mut param = json!({
                "name": p.name,
                "use": if p.out { "out" } else { "in" },
                "min": p.min,
                "max": p.max,
                "documentation": p.doc,
                "type": p.kind,
            });
            if let Some(target) = p.target {
                param["targetProfile"] = json!([target]);
            }
            param
        })
        .collect();
    json!({
        "resourceType": "OperationDefinition",
        "id": op.id,
        "url": canonical(base, op),
        "version": env!("CARGO_PKG_VERSION"),
        "name": machine_name(op.id),
        "title": op.title,
        "status": "active",
        "kind": "operation",
        "publisher": "Huimin",
        "description": op.description,
        "affectsState": op.affects_state,
        "code": op.code,
        "resource": [op.resource],
        "system": false,
        "type": op.level == Level::Type,
        "instance": op.level == Level::Instance,
        "parameter": parameters,
    })
}

/// `appointment-find` → `AppointmentFind`, as R4 wants a name (`cnl-0`).
fn machine_name(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `GET /fhir/OperationDefinition/{id}`: public.
pub async fn read(Path(id): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let op = by_id(&id).ok_or_else(|| ApiError::not_found(&format!("OperationDefinition/{id}")))?;
    Ok(fhir_response(
        StatusCode::OK,
        &definition(&base_url(&headers), op),
    ))
}

/// The `operation` entries of a type in the CapabilityStatement.
pub fn declared(base: &str, resource: &str) -> Vec<Value> {
    OPERATIONS
        .iter()
        .filter(|op| op.resource == resource)
        .map(|op| {
            json!({
                "name": op.code,
                "definition": canonical(base, op),
                "documentation": op.description,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_has_a_distinct_id_and_one_return() {
        let mut ids: Vec<&str> = OPERATIONS.iter().map(|o| o.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), OPERATIONS.len());
        for op in OPERATIONS {
            assert_eq!(op.params.iter().filter(|p| p.out).count(), 1, "{}", op.id);
            let def = definition("http://h/fhir", op);
            assert!(
                def["name"]
                    .as_str()
                    .unwrap()
                    .starts_with(char::is_uppercase)
            );
            assert_eq!(
                def["url"],
                format!("http://h/fhir/OperationDefinition/{}", op.id)
            );
        }
    }
}
