//! `GET /fhir/metadata`: what this server does, generated from the kind registry so it cannot
//! drift from the handlers.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::filters;
use super::http::{base_url, fhir_response};
use super::include::{reference_params, revinclude_names};
use super::kinds::{Access, ParamDef, all};
use super::params::{MAX_COUNT, SORT_KEYS};
use super::{operations, scheduling};

pub async fn metadata(headers: HeaderMap) -> Response {
    fhir_response(StatusCode::OK, &capability_statement(&base_url(&headers)))
}

/// A `searchParam`, with the modifiers it answers to (R4 has no element for them).
fn search_param(p: &ParamDef) -> Value {
    let modifiers: Vec<String> = filters::modifiers(p.kind)
        .iter()
        .map(|m| format!(":{m}"))
        .collect();
    let modifiers = if modifiers.is_empty() {
        "none".to_owned()
    } else {
        modifiers.join(", ")
    };
    json!({
        "name": p.name,
        "type": p.kind.fhir_type(),
        "documentation": format!("{}. Modifiers: {modifiers}.", p.doc),
    })
}

/// The scheduling types' entries, from the tables their searches read.
fn scheduling_resources(base: &str) -> Vec<Value> {
    scheduling::all()
        .into_iter()
        .map(|ty| {
            let mut interaction = vec![json!({"code": "read"}), json!({"code": "search-type"})];
            if ty.name == "Appointment" {
                interaction.extend([
                    json!({"code": "create"}),
                    json!({"code": "update"}),
                    json!({"code": "patch"}),
                ]);
            }
            let sorts = ty.sort_names().join(", ");
            let mut entry = json!({
                "type": ty.name,
                "documentation": format!("{} Sort (_sort): {sorts}.", ty.documentation),
                "interaction": interaction,
                "searchParam": ty.all_params().map(search_param).collect::<Vec<_>>(),
            });
            if !ty.includes.is_empty() {
                entry["searchInclude"] = json!(ty.includes);
            }
            if !ty.revincludes.is_empty() {
                entry["searchRevInclude"] = json!(ty.revincludes);
            }
            let ops = operations::declared(base, ty.name);
            if !ops.is_empty() {
                entry["operation"] = Value::Array(ops);
            }
            entry
        })
        .collect()
}

pub fn capability_statement(base: &str) -> Value {
    let mut resources: Vec<Value> = all()
        .into_iter()
        .map(|kind| {
            let params: Vec<Value> = filters::params_of(kind).map(search_param).collect();
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
                "conditionalCreate": true,
                "conditionalUpdate": true,
                "searchParam": params,
            });
            let includes: Vec<String> = reference_params(kind)
                .map(|(p, _)| format!("{}:{p}", kind.name))
                .collect();
            if !includes.is_empty() {
                entry["searchInclude"] = json!(includes);
            }
            let revincludes = revinclude_names(kind);
            if !revincludes.is_empty() {
                entry["searchRevInclude"] = json!(revincludes);
            }
            let ops = operations::declared(base, kind.name);
            if !ops.is_empty() {
                entry["operation"] = Value::Array(ops);
            }
            entry
        })
        .collect();
    resources.extend(scheduling_resources(base));
    resources.push(json!({
        "type": "OperationDefinition",
        "documentation": "The definitions of the operations named here.",
        "interaction": [{"code": "read"}],
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
        (
            "MedicationRequest",
            "One line of a prescription 处方, id {prescription}-{line}, the prescription's number in groupIdentifier; written, checked, signed and reviewed through /api/visits/{id}/prescriptions (docs/design/prescriptions.md).",
        ),
        (
            "MedicationDispense",
            "A dispensed line, id {prescription}-{line}, with its lots (urn:huimin:ext:lot-number, urn:huimin:ext:lot-expiry).",
        ),
        (
            "Medication",
            "A drug of the formulary 药品字典 (urn:huimin:cs:drug, ATC where one exists), id = its code.",
        ),
    ] {
        resources
            .push(json!({"type": kind, "documentation": text, "interaction": [{"code": "read"}]}));
    }
    for (kind, text) in [
        (
            "DiagnosticReport",
            "A laboratory, imaging or ECG report of one order (basedOn ServiceRequest), entered by technicians through /api/results/{order} or imported as a transaction Bundle; a final report is never changed. Patients read their family's final reports.",
        ),
        (
            "Observation",
            "One result of a report: LOINC code, valueQuantity (UCUM, decimals as written), the patient's reference range, interpretation L/H/N/LL/HH. An unmapped LOINC code of an import is kept, shown as unknown.",
        ),
    ] {
        resources.push(json!({
            "type": kind,
            "documentation": text,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": "patient", "type": "reference", "documentation": "The patient (or encounter or based-on is required for staff)"},
                {"name": "encounter", "type": "reference", "documentation": "The visit"},
                {"name": "based-on", "type": "reference", "documentation": "The order (ServiceRequest)"},
                {"name": "code", "type": "token", "documentation": "LOINC (Observation) or the orderable item (DiagnosticReport)"},
                {"name": "category", "type": "token", "documentation": "laboratory; LAB, RAD, EC for reports"},
                {"name": "date", "type": "date", "documentation": "When it was reported (eq, ge, le, gt, lt)"},
            ],
        }));
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
        "patchFormat": ["application/json-patch+json"],
        "rest": [{
            "mode": "server",
            "documentation": format!(
                "Errors are OperationOutcome resources, localised by Accept-Language (zh-CN default, en). \
                 Search on every type with searchParam: _count (≤ {MAX_COUNT}), _offset, _total, \
                 _summary (true, count, data, false), _elements, _include and _revinclude as \
                 listed per type (included resources only as the caller may see them), \
                 _sort (the directory and Patient: {SORT_KEYS}; the scheduling types as each \
                 says; comma-separated, the id ending every order); paging links repeat every \
                 parameter. An unknown parameter, a modifier not listed for a parameter, a \
                 _sort key or an include not served is a 400 unless the request says \
                 Prefer: handling=lenient, which ignores it and says so in an OperationOutcome \
                 entry (search.mode outcome)."
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
                "documentation": "POST /fhir with a transaction Bundle of up to 100 POST (create) entries, all created or none; urn:uuid: fullUrls referenced by other entries become the new ids; request.ifNoneExist makes an entry a conditional create (found: nothing created, references point at what exists). Staff only. A Bundle holding a DiagnosticReport is a results import (technicians): one report and its Observations, a broken urn:uuid: reference refuses it whole.",
            }, {
                "code": "batch",
                "documentation": "POST /fhir with a batch Bundle of up to 100 POST (create) entries, each created or refused on its own (its response.outcome); entries may not refer to each other; request.ifNoneExist as in a transaction. Staff only.",
            }],
        }],
    })
}
