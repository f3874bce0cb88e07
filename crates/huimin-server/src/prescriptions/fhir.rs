//! Prescriptions at `/fhir`: `MedicationRequest/{prescription}-{line}` (one per line, the
//! prescription's number in `groupIdentifier`), `MedicationDispense/{prescription}-{line}`
//! once dispensed (lots in `urn:huimin:ext:lot-number`/`lot-expiry`), and `Medication/{code}`
//! (a formulary drug). Reads only; authorised as the app API's reads are.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use huimin_fhir::names::{
    DISPENSE_NUMBER_SYSTEM, DOSAGE_FORM_SYSTEM, DOSE_FREQUENCY_SYSTEM, DRUG_CODE_SYSTEM,
    LOT_EXPIRY_EXT, LOT_NUMBER_EXT, PRESCRIPTION_ITEM_SYSTEM, PRESCRIPTION_NUMBER_SYSTEM,
    ROUTE_SYSTEM,
};
use huimin_store::instant_text;
use huimin_store::prescriptions::PrescriptionRecord;
use serde_json::{Value, json};

use super::prescription_or_404;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::fhir::fhir_response;
use crate::state::AppState;

const ATC_SYSTEM: &str = "http://www.whocc.no/atc";

/// `{prescription}-{line}` split at its last hyphen.
fn split(id: &str) -> Option<(&str, usize)> {
    let (prescription, line) = id.rsplit_once('-')?;
    Some((prescription, line.parse().ok()?))
}

fn status(p: &PrescriptionRecord) -> &'static str {
    match p.status.as_str() {
        "submitted" => "draft",
        "returned" => "on-hold",
        "approved" | "paid" | "dispensed" => "active",
        "collected" => "completed",
        "cancelled" => "cancelled",
        _ => "stopped",
    }
}

fn medication(line: &Value) -> Value {
    let mut coding = vec![
        json!({"system": DRUG_CODE_SYSTEM, "code": line["drug"], "display": line["name"]["zh"]}),
    ];
    if let Some(atc) = line["atc"].as_str() {
        coding.push(json!({"system": ATC_SYSTEM, "code": atc}));
    }
    json!({"coding": coding, "text": format!("{} {}", line["name"]["zh"].as_str().unwrap_or(""), line["specification"].as_str().unwrap_or(""))})
}

fn dosage(line: &Value) -> Value {
    let mut dosage = json!({
        "sequence": 1,
        "text": line["instruction"]["zh"],
        "patientInstruction": line["instruction"]["zh"],
        "timing": {"code": {"coding": [{"system": DOSE_FREQUENCY_SYSTEM, "code": line["frequency"], "display": line["frequency_label"]["zh"]}]}},
        "route": {"coding": [{"system": ROUTE_SYSTEM, "code": line["route"], "display": line["route_label"]["zh"]}]},
    });
    if line["frequency"] == "PRN" {
        dosage["asNeededBoolean"] = json!(true);
    }
    if let Some(dose) = line["dose"].as_str().filter(|d| !d.is_empty())
        && let Ok(value) = dose.parse::<f64>()
    {
        dosage["doseAndRate"] =
            json!([{"doseQuantity": {"value": value, "unit": line["dose_unit"]}}]);
    }
    dosage
}

fn line_of<'a>(content: &'a Value, line: usize, id: &str) -> Result<&'a Value, ApiError> {
    content["lines"]
        .get(line)
        .ok_or_else(|| ApiError::not_found(id))
}

/// `GET /fhir/MedicationRequest/{id}`.
pub async fn request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let resource = format!("MedicationRequest/{id}");
    let (prescription, n) = split(&id).ok_or_else(|| ApiError::not_found(&resource))?;
    let p = prescription_or_404(&state, &ctx, prescription).await?;
    let content: Value = serde_json::from_str(&p.content).unwrap_or_default();
    let line = line_of(&content, n, &resource)?;
    let body = json!({
        "resourceType": "MedicationRequest",
        "id": id,
        "identifier": [{"system": PRESCRIPTION_ITEM_SYSTEM, "value": format!("{}-{}", p.number, n + 1)}],
        "status": status(&p),
        "intent": "order",
        "medicationCodeableConcept": medication(line),
        "subject": {"reference": format!("Patient/{}", p.patient_id)},
        "encounter": {"reference": format!("Encounter/{}", p.encounter_id)},
        "authoredOn": instant_text(p.signed_at),
        "requester": {"reference": format!("PractitionerRole/{}", p.role_id)},
        "groupIdentifier": {"system": PRESCRIPTION_NUMBER_SYSTEM, "value": p.number},
        "courseOfTherapyType": {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy",
            "code": if p.long_term { "continuous" } else { "acute" },
        }]},
        "dosageInstruction": [dosage(line)],
        "dispenseRequest": {
            "validityPeriod": {"end": p.valid_until},
            "quantity": {"value": line["quantity"], "unit": line["package_unit"]},
            "expectedSupplyDuration": {"value": line["days"], "unit": "d", "system": "http://unitsofmeasure.org", "code": "d"},
        },
    });
    Ok(fhir_response(StatusCode::OK, &body))
}

/// `GET /fhir/MedicationDispense/{id}`: a dispensed line, with its lots.
pub async fn dispense(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let resource = format!("MedicationDispense/{id}");
    let (prescription, n) = split(&id).ok_or_else(|| ApiError::not_found(&resource))?;
    let p = prescription_or_404(&state, &ctx, prescription).await?;
    let lots: Vec<_> = state
        .store
        .dispensed_lots(prescription)
        .await?
        .into_iter()
        .filter(|l| l.line_no == n as i64)
        .collect();
    let Some(first) = lots.first() else {
        return Err(ApiError::not_found(&resource));
    };
    let content: Value = serde_json::from_str(&p.content).unwrap_or_default();
    let line = line_of(&content, n, &resource)?;
    let extension: Vec<Value> = lots
        .iter()
        .flat_map(|l| {
            [
                json!({"url": LOT_NUMBER_EXT, "valueString": l.lot_number}),
                json!({"url": LOT_EXPIRY_EXT, "valueDate": l.expiry}),
            ]
        })
        .collect();
    let quantity: i64 = lots.iter().map(|l| l.quantity).sum();
    let mut body = json!({
        "resourceType": "MedicationDispense",
        "id": id,
        "extension": extension,
        "identifier": [{"system": DISPENSE_NUMBER_SYSTEM, "value": format!("{}-{}", p.number, n + 1)}],
        "status": "completed",
        "medicationCodeableConcept": medication(line),
        "subject": {"reference": format!("Patient/{}", p.patient_id)},
        "context": {"reference": format!("Encounter/{}", p.encounter_id)},
        "authorizingPrescription": [{"reference": format!("MedicationRequest/{id}")}],
        "quantity": {"value": quantity, "unit": line["package_unit"]},
        "daysSupply": {"value": line["days"], "unit": "d", "system": "http://unitsofmeasure.org", "code": "d"},
        "whenPrepared": instant_text(first.dispensed_at),
        "dosageInstruction": [dosage(line)],
    });
    if let Some(at) = p.collected_at {
        body["whenHandedOver"] = json!(instant_text(at));
    } else {
        body["status"] = json!("in-progress");
    }
    Ok(fhir_response(StatusCode::OK, &body))
}

/// `GET /fhir/Medication/{code}`: a formulary drug.
pub async fn medication_read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    ctx.require()?;
    let tables = state.drugs.tables(&state.store).await?;
    let drug = tables
        .formulary
        .get(&code)
        .filter(|d| d.code == code)
        .ok_or_else(|| ApiError::not_found(&format!("Medication/{code}")))?;
    let name = drug.name();
    let mut coding =
        vec![json!({"system": DRUG_CODE_SYSTEM, "code": drug.code, "display": name.zh})];
    if let Some(atc) = &drug.atc {
        coding.push(json!({"system": ATC_SYSTEM, "code": atc}));
    }
    let body = json!({
        "resourceType": "Medication",
        "id": drug.code,
        "identifier": [{"system": DRUG_CODE_SYSTEM, "value": drug.code}],
        "code": {"coding": coding, "text": format!("{} {}", name.zh, drug.specification())},
        "status": "active",
        "form": {"coding": [{"system": DOSAGE_FORM_SYSTEM, "code": drug.form.code(), "display": drug.form.zh()}]},
        "ingredient": drug.ingredients.iter().enumerate().map(|(i, ingredient)| {
            let mut item = json!({"itemCodeableConcept": {"text": ingredient}, "isActive": true});
            if i == 0 {
                item["strength"] = json!({
                    "numerator": {"value": drug.strength.to_string().parse::<f64>().unwrap_or(0.0), "unit": drug.strength_unit.code()},
                    "denominator": {"value": 1, "unit": drug.piece_unit},
                });
            }
            item
        }).collect::<Vec<_>>(),
    });
    Ok(fhir_response(StatusCode::OK, &body))
}
