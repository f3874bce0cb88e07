//! Prescriptions as JSON for the app and the pages: lines with their instructions, findings
//! and overrides, reviews, dispensed lots; the stored content is the signed part.

use huimin_domain::i18n::Text;
use huimin_domain::prescriptions::Line;
use huimin_domain::prescriptions::checks::{Finding, Override};
use huimin_store::prescriptions::{DispensedLot, PrescriptionRecord, ReviewRecord};
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

fn text(t: &Text) -> Value {
    json!({"zh": t.zh, "en": t.en})
}

pub fn finding_json(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.code(),
        "message": text(&f.message),
        "lines": f.lines,
        "data": f.data.iter().map(|(k, v)| json!({"name": k, "value": v})).collect::<Vec<_>>(),
    })
}

pub fn line_json(line: &Line) -> Value {
    let drug = &line.drug;
    json!({
        "drug": drug.code,
        "name": text(&drug.name()),
        "specification": drug.specification(),
        "dose": if line.dose.is_zero() { String::new() } else { line.dose.to_string() },
        "dose_unit": line.dose_unit.code(drug),
        "frequency": line.frequency.code(),
        "frequency_label": text(&line.frequency.label()),
        "route": line.route.code(),
        "route_label": text(&line.route.label()),
        "days": line.days,
        "quantity": line.quantity,
        "package_unit": drug.package_unit,
        "unit_price_fen": drug.price.fen(),
        "amount_fen": drug.price.fen() * i64::from(line.quantity),
        "note": line.note,
        "instruction": text(&line.instruction()),
        "classes": drug.classes.iter().map(|c| c.code()).collect::<Vec<_>>(),
        "atc": drug.atc,
    })
}

pub fn override_json(o: &Override) -> Value {
    json!({"rule": o.rule, "line": o.line, "reason": o.reason})
}

fn review_json(r: &ReviewRecord) -> Value {
    json!({
        "version": r.version,
        "submitted_at": r.submitted_at,
        "pharmacist": r.pharmacist,
        "decision": r.decision,
        "reason_code": r.reason_code,
        "reason": r.reason_code.as_deref().and_then(super::pharmacy::return_reason).map(|t| text(&t)),
        "reason_text": r.reason_text,
        "decided_at": r.decided_at,
    })
}

fn lot_json(l: &DispensedLot) -> Value {
    json!({
        "line": l.line_no,
        "lot_number": l.lot_number,
        "expiry": l.expiry,
        "quantity": l.quantity,
        "dispensed_by": l.dispensed_by,
        "dispensed_at": l.dispensed_at,
    })
}

/// Where a prescription stands, in words a patient understands.
pub fn status_label(status: &str) -> Text {
    match status {
        "submitted" => Text::new("待药师审核", "Awaiting the pharmacist's review"),
        "returned" => Text::new("药师退回，待医生修改", "Returned to the doctor"),
        "approved" => Text::new("审核通过，待缴费", "Approved: to be paid"),
        "paid" => Text::new("已缴费，药房配药中", "Paid: being prepared"),
        "dispensed" => Text::new("已配好，请到药房取药", "Ready to collect at the pharmacy"),
        "collected" => Text::new("已取药", "Collected"),
        "expired" => Text::new("已过期失效", "Expired"),
        "cancelled" => Text::new("已撤销", "Cancelled"),
        _ => Text::new(status, status),
    }
}

/// A department's name (its Organization) in both languages, or its id.
pub async fn department_name(state: &AppState, id: &str) -> Result<Text, ApiError> {
    let org = state.store.read_resource("Organization", id).await?;
    Ok(match org {
        Some(org) => crate::directory::department_text(&org.content),
        None => Text::new(id, id),
    })
}

/// The prescribing doctor's name, from the post the prescription was written on.
async fn doctor_name(state: &AppState, p: &PrescriptionRecord) -> Result<String, ApiError> {
    let role = state
        .store
        .read_resource("PractitionerRole", &p.role_id)
        .await?;
    Ok(role
        .and_then(|r| {
            r.content["practitioner"]["display"]
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| p.doctor.clone()))
}

/// The whole prescription: head, stored content, reviews and dispensed lots.
pub async fn prescription_json(
    state: &AppState,
    p: &PrescriptionRecord,
) -> Result<Value, ApiError> {
    let content: Value = serde_json::from_str(&p.content).unwrap_or_default();
    let reviews = state.store.reviews_of(&p.id).await?;
    let lots = state.store.dispensed_lots(&p.id).await?;
    Ok(json!({
        "id": p.id,
        "number": p.number,
        "encounter": p.encounter_id,
        "patient": p.patient_id,
        "patient_name": crate::appointments::calling::patient_name(state, &p.patient_id).await?,
        "department": text(&department_name(state, &p.department_id).await?),
        "practitioner": p.practitioner_id,
        "doctor": p.doctor,
        "doctor_name": doctor_name(state, p).await?,
        "kind": p.kind,
        "long_term": p.long_term,
        "status": p.status,
        "status_label": text(&status_label(&p.status)),
        "version": p.version,
        "total_fen": p.total_fen,
        "valid_until": p.valid_until,
        "written_at": p.written_at,
        "signed_at": p.signed_at,
        "approved_at": p.approved_at,
        "paid_at": p.paid_at,
        "dispensed_at": p.dispensed_at,
        "collected_at": p.collected_at,
        "lines": content["lines"],
        "findings": content["findings"],
        "overrides": content["overrides"],
        "signature": content["signature"],
        "reviews": reviews.iter().map(review_json).collect::<Vec<_>>(),
        "dispensed": lots.iter().map(lot_json).collect::<Vec<_>>(),
    }))
}
