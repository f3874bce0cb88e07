//! Orders as the API shows them: an order with its item, steps (who, when) and whether it
//! has stalled; and as FHIR `ServiceRequest`.

use huimin_domain::orders::{OrderStatus, Orderable, is_stalled};
use huimin_fhir::names::{ORDER_STALLED_EXT, ORDER_STEP_EXT, ORDERABLE_SYSTEM};
use huimin_fhir::{
    CodeableConcept, Coding, Extension, PrimitiveExtension, Reference, RequestIntent,
    RequestStatus, ServiceRequest,
};
use huimin_store::instant_text;
use huimin_store::orders::{OrderRecord, StepRecord};
use serde_json::{Value, json};

use super::CATALOGUE;
use crate::billing::views::money;

const SNOMED: &str = "http://snomed.info/sct";

fn text_json(t: &huimin_domain::i18n::Text) -> Value {
    json!({"zh": t.zh, "en": t.en})
}

pub fn orderable_json(item: &Orderable) -> Value {
    json!({
        "code": item.code,
        "name": text_json(&item.name),
        "category": item.category.code(),
        "specimen_or_device": text_json(&item.specimen_or_device),
        "price": money(item.price.fen()),
        "price_code": item.price_code,
        "preparation": text_json(&item.preparation),
        "turnaround_hours": item.turnaround_hours,
        "loinc": item.loinc,
    })
}

/// Whether the order has stalled past its item's turnaround.
pub fn stalled(order: &OrderRecord, now: i64) -> bool {
    CATALOGUE
        .get(&order.item_code)
        .is_some_and(|item| is_stalled(order.status, order.paid_at, item.turnaround_hours, now))
}

/// An order with its steps (those of `steps` that are its own), for pages and the worklist.
pub fn order_json(order: &OrderRecord, steps: &[StepRecord], now: i64) -> Value {
    let item = CATALOGUE.get(&order.item_code);
    let steps: Vec<Value> = steps
        .iter()
        .filter(|s| s.order_id == order.id)
        .map(|s| {
            json!({
                "step": s.step.code(),
                "at": instant_text(s.at),
                "by": s.by_user,
                "role": s.by_role,
            })
        })
        .collect();
    let due = match (order.paid_at, item) {
        (Some(paid), Some(item)) if order.status.in_service() => Some(instant_text(
            paid + i64::from(item.turnaround_hours) * 3_600_000_000,
        )),
        _ => None,
    };
    json!({
        "id": order.id,
        "encounter": order.encounter_id,
        "appointment": order.appointment_id,
        "patient": order.patient_id,
        "department": order.department_id,
        "orderer": format!("PractitionerRole/{}", order.orderer_role_id),
        "item": order.item_code,
        "name": item.map(|i| text_json(&i.name)),
        "category": order.category,
        "specimen_or_device": item.map(|i| text_json(&i.specimen_or_device)),
        "preparation": item.map(|i| text_json(&i.preparation)),
        "price": item.map(|i| money(i.price.fen())),
        "turnaround_hours": item.map(|i| i.turnaround_hours),
        "status": order.status.code(),
        "fhir_status": order.status.fhir_status(),
        "ordered_at": instant_text(order.ordered_at),
        "paid_at": order.paid_at.map(instant_text),
        "due_at": due,
        "stalled": stalled(order, now),
        "cancellable": order.status.step(OrderStatus::Cancelled, category_of(order)).is_ok(),
        "charge_item": format!("ChargeItem/{}", order.charge_item_id),
        "steps": steps,
    })
}

fn category_of(order: &OrderRecord) -> huimin_domain::orders::OrderCategory {
    huimin_domain::orders::OrderCategory::from_code(&order.category)
        .unwrap_or(huimin_domain::orders::OrderCategory::Lab)
}

fn status_of(status: OrderStatus) -> RequestStatus {
    match status.fhir_status() {
        "completed" => RequestStatus::Completed,
        "revoked" => RequestStatus::Revoked,
        _ => RequestStatus::Active,
    }
}

/// The order as FHIR R4 `ServiceRequest`.
pub fn service_request(order: &OrderRecord, now: i64) -> ServiceRequest {
    let mut r = ServiceRequest::new(
        status_of(order.status),
        RequestIntent::Order,
        Reference::to("Patient", &order.patient_id, None),
    );
    r.id = Some(order.id.clone());
    let meta = huimin_fhir::FhirResource::meta_mut(&mut r);
    meta.version_id = Some(order.version.to_string());
    meta.last_updated = Some(instant_text(order.updated_at));
    let mut step = Extension::new(ORDER_STEP_EXT);
    step.value_code = Some(order.status.code().to_owned());
    let mut late = Extension::new(ORDER_STALLED_EXT);
    late.value_boolean = Some(stalled(order, now));
    r.extension = vec![step, late];
    let category = category_of(order);
    let (code, display) = category.snomed();
    r.category = vec![CodeableConcept::coded(Coding::new(
        SNOMED,
        code,
        Some(display.to_owned()),
    ))];
    let item = CATALOGUE.get(&order.item_code);
    let mut coding = vec![Coding::new(
        ORDERABLE_SYSTEM,
        &order.item_code,
        item.map(|i| i.name.zh.clone()),
    )];
    if let Some(loinc) = item.and_then(|i| i.loinc.clone()) {
        coding.push(Coding::new(crate::records::views::LOINC, loinc, None));
    }
    let mut concept = CodeableConcept {
        coding,
        ..Default::default()
    };
    if let Some(item) = item {
        concept.text = Some(item.name.zh.clone());
        concept.text_ext = Some(PrimitiveExtension::translation("en", &item.name.en));
        r.patient_instruction = Some(item.preparation.zh.clone());
    }
    r.code = Some(concept);
    r.encounter = Some(Reference::to("Encounter", &order.encounter_id, None));
    r.authored_on = Some(instant_text(order.ordered_at));
    r.requester = Some(Reference::to(
        "PractitionerRole",
        &order.orderer_role_id,
        None,
    ));
    r.supporting_info = vec![Reference::to("ChargeItem", &order.charge_item_id, None)];
    r
}
