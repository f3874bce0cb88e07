//! `GET /fhir/metadata`: what this server does, generated from the kind registry so it cannot
//! drift from the handlers.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::filters;
use super::http::{base_url, fhir_response};
use super::kinds::{Access, ParamDef, all};
use super::params::{MAX_COUNT, SORT_KEYS};

pub async fn metadata(headers: HeaderMap) -> Response {
    fhir_response(StatusCode::OK, &capability_statement(&base_url(&headers)))
}

/// A `searchParam`, with the modifiers it answers to (R4 has no element for them).
fn search_param(p: &ParamDef) -> Value {
    let modifiers: Vec<String> = filters::modifiers(p.kind)
        .iter()
        .map(|m| format!(":{m}"))
        .collect();
    json!({
        "name": p.name,
        "type": p.kind.fhir_type(),
        "documentation": format!("{}. Modifiers: {}.", p.doc, modifiers.join(", ")),
    })
}

pub fn capability_statement(base: &str) -> Value {
    let mut resources: Vec<Value> = all()
        .into_iter()
        .map(|kind| {
            let params: Vec<Value> = std::iter::once(&filters::ID)
                .chain(kind.params)
                .map(search_param)
                .collect();
            let access = match kind.access {
                Access::PatientData => {
                    "Personal data: patients see only their own records; every access is audited."
                }
                Access::Directory => "Public directory: anyone may read; administrators write.",
            };
            let mut entry = json!({
                "type": kind.name,
                "documentation": format!("{} {access}", kind.documentation),
                "interaction": [
                    {"code": "read"}, {"code": "vread"}, {"code": "update"},
                    {"code": "create"}, {"code": "search-type"}
                ],
                "versioning": "versioned-update",
                "readHistory": true,
                "updateCreate": false,
                "searchParam": params,
            });
            if kind.name == "Patient" {
                entry["operation"] = json!([{"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                    "documentation": "GET /fhir/Patient/{id}/$everything: the whole record as a Bundle (record access rules apply)"}]);
            }
            entry
        })
        .collect();
    resources.push(json!({
        "type": "Schedule",
        "documentation": "A dated clinic session (出诊) of a doctor's post, opened by administrators with POST /api/admin/sessions. Public.",
        "interaction": [{"code": "read"}],
    }));
    resources.push(json!({
        "type": "Slot",
        "documentation": "A time window (≤ 30 minutes) of a session with its capacity (extension urn:huimin:ext:slot-capacity) and remaining places (urn:huimin:ext:slot-remaining). Public.",
        "interaction": [{"code": "read"}],
    }));
    resources.push(json!({
        "type": "Appointment",
        "documentation": "Bookings. POST with status booked (or pending to hold), one slot and a Patient participant; PUT or JSON PATCH of status to cancel (patients within the cut-off), check in (staff) or mark seen (doctors). Idempotency-Key is honoured on every booking request. A full slot is 409; a booking rule (quota, ban, release window, cut-off, identity) is 422 with the rule code in issue.details.coding (urn:huimin:cs:booking-rule).",
        "interaction": [{"code": "read"}, {"code": "create"}, {"code": "update"}, {"code": "patch"}],
        "operation": [
            {"name": "find", "definition": "urn:huimin:op:appointment-find", "documentation": "GET: bookable slots by department, practitioner, start, end, class"},
            {"name": "hold", "definition": "urn:huimin:op:appointment-hold", "documentation": "Parameters slot + patient: hold one place pending payment"},
            {"name": "book", "definition": "urn:huimin:op:appointment-book", "documentation": "Parameters appointment (confirm a hold) or slot + patient (book directly)"},
        ],
    }));
    resources.push(json!({
        "type": "Invoice",
        "documentation": "A visit's bill: its billable ChargeItems as lineItems, totals, and what was paid, refunded and is due (extensions urn:huimin:ext:paid, urn:huimin:ext:refunded, urn:huimin:ext:balance-due). The patient reads their own, staff any. Payments and refunds: /api/appointments/{id}/payment, /api/bills/{id}/refunds.",
        "interaction": [{"code": "read"}],
    }));
    resources.push(json!({
        "type": "ChargeItem",
        "documentation": "A fee on a visit's bill, coded from the hospital's price list (urn:huimin:cs:price-item); billable or aborted; occurrenceDateTime once given (no longer refundable). The patient reads their own, staff any.",
        "interaction": [{"code": "read"}],
    }));
    resources.push(json!({
        "type": "Encounter",
        "documentation": "A visit: opened arrived at check-in, in-progress when called in, finished by the doctor (POST /api/visits/{id}/finish). Record access rules apply (docs/design/records.md); a doctor outside the patient's care adds break_glass=<reason>.",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "patient", "type": "reference", "documentation": "The patient"},
            {"name": "date", "type": "date", "documentation": "The visit's day (eq, ge, le)"},
            {"name": "status", "type": "token", "documentation": "arrived, in-progress, finished, cancelled"},
            {"name": "appointment", "type": "reference", "documentation": "The visit's Appointment"},
            {"name": "practitioner", "type": "reference", "documentation": "The doctor's PractitionerRole"},
        ],
    }));
    resources.push(json!({
        "type": "ServiceRequest",
        "documentation": "An exam or lab order from the orderable catalogue (urn:huimin:cs:orderable, LOINC where mapped), placed through POST /api/visits/{id}/orders; its step of the closed loop in urn:huimin:ext:order-step, stalled past its turnaround in urn:huimin:ext:order-stalled. Record access rules apply.",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "patient", "type": "reference", "documentation": "The patient"},
            {"name": "encounter", "type": "reference", "documentation": "The visit"},
            {"name": "status", "type": "token", "documentation": "active, completed, revoked"},
        ],
    }));
    resources.push(json!({
        "type": "Composition",
        "documentation": "The outpatient note 门诊病历, written through /api/visits/{id}/note; a signed version is never changed, an amendment adds one. Patients read their family's signed versions.",
        "interaction": [{"code": "read"}, {"code": "vread"}, {"code": "history-instance"}],
        "versioning": "versioned",
        "readHistory": true,
    }));
    for (kind, text) in [
        (
            "Condition",
            "A diagnosis (ICD-10) of one version of a note, id {note}-v{version}-d{n}.",
        ),
        (
            "Provenance",
            "The signature of one version of a note (Ed25519 over its RFC 8785 canonical JSON), id {note}-v{version}.",
        ),
        (
            "AllergyIntolerance",
            "A patient's allergy, recorded once, shown on every later visit.",
        ),
    ] {
        resources
            .push(json!({"type": kind, "documentation": text, "interaction": [{"code": "read"}]}));
    }
    resources.push(json!({
        "type": "AuditEvent",
        "documentation": "The hash-chained audit trail; administrators only.",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "agent", "type": "token", "documentation": "User name of the actor"},
            {"name": "entity", "type": "reference", "documentation": "Resource acted on, e.g. Patient/123"},
        ],
    }));
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-23",
        "publisher": "Huimin",
        "kind": "instance",
        "software": {"name": "Huimin 惠民", "version": env!("CARGO_PKG_VERSION")},
        "implementation": {"description": "Huimin online–offline integrated medical services", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [{
            "mode": "server",
            "documentation": format!(
                "Errors are OperationOutcome resources, localised by Accept-Language (zh-CN default, en). \
                 Search on every type with searchParam: _count (≤ {MAX_COUNT}), _offset, _total, \
                 _summary=count, _sort ({SORT_KEYS}, comma-separated, the id ending every order); \
                 paging links repeat every parameter. A modifier not listed for a parameter is a 400."
            ),
            "security": {
                "cors": false,
                "service": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                    "code": "OAuth",
                }]}],
                "description": "OAuth2 bearer tokens from POST /auth/token (grant_type=password).",
            },
            "resource": resources,
            "interaction": [{
                "code": "transaction",
                "documentation": "POST /fhir with a transaction Bundle of up to 100 POST (create) entries, all created or none; urn:uuid: fullUrls referenced by other entries become the new ids. Staff only.",
            }],
        }],
    })
}
