//! Bills on the wire: FHIR `Invoice` and `ChargeItem`, and the ledger's entries (payments
//! and refunds) as the desk and the patient read them.

use huimin_domain::appointments::PaymentMethod;
use huimin_domain::billing::RefundReason;
use huimin_fhir::names::{BALANCE_DUE_EXT, PAID_EXT, PRICE_ITEM_SYSTEM, REFUNDED_EXT};
use huimin_store::billing::{BillSheet, ChargeItemRecord, EntryRecord};
use huimin_store::instant_text;
use serde_json::{Value, json};

pub fn money(fen: i64) -> Value {
    json!({"value": fen as f64 / 100.0, "currency": "CNY"})
}

fn money_ext(url: &str, fen: i64) -> Value {
    json!({"url": url, "valueMoney": money(fen)})
}

pub fn invoice_json(sheet: &BillSheet) -> Value {
    let numbers = sheet.numbers();
    let bill = &sheet.bill;
    let lines: Vec<Value> = sheet
        .items
        .iter()
        .filter(|i| i.status == "billable")
        .enumerate()
        .map(|(n, item)| {
            json!({
                "sequence": n + 1,
                "chargeItemReference": {"reference": format!("ChargeItem/{}", item.id)},
                "priceComponent": [{"type": "base", "amount": money(item.amount_fen)}],
            })
        })
        .collect();
    let mut invoice = json!({
        "resourceType": "Invoice",
        "id": bill.id,
        "meta": {"versionId": bill.version.to_string(), "lastUpdated": instant_text(bill.updated_at)},
        "extension": [
            money_ext(PAID_EXT, numbers.paid()),
            money_ext(REFUNDED_EXT, numbers.refunded()),
            money_ext(BALANCE_DUE_EXT, numbers.due().max(0)),
        ],
        "status": bill.status,
        "subject": {"reference": format!("Patient/{}", bill.patient_id)},
        "date": instant_text(bill.created_at),
        "totalNet": money(numbers.total()),
        "totalGross": money(numbers.total()),
    });
    if !lines.is_empty() {
        invoice["lineItem"] = Value::Array(lines);
    }
    invoice
}

pub fn charge_item_json(item: &ChargeItemRecord, sheet: &BillSheet) -> Value {
    let held = sheet.numbers().held_for(&item.id);
    let mut value = json!({
        "resourceType": "ChargeItem",
        "id": item.id,
        "status": item.status,
        "code": {
            "coding": [{"system": PRICE_ITEM_SYSTEM, "code": item.code, "display": item.name_zh}],
            "text": item.name_zh,
            // The English name, as FHIR carries another language of a string.
            "_text": {"extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/translation",
                "extension": [
                    {"url": "lang", "valueCode": "en"},
                    {"url": "content", "valueString": item.name_en},
                ],
            }]},
        },
        "subject": {"reference": format!("Patient/{}", item.patient_id)},
        "quantity": {"value": item.quantity},
        "priceOverride": money(item.amount_fen),
        "enteredDate": instant_text(item.created_at),
        "supportingInformation": [{"reference": item.context}],
        "extension": [money_ext(PAID_EXT, held)],
    });
    if let Some(list) = item.list_price_fen {
        value["overrideReason"] = json!(format!(
            "医生挂号费（价格目录 ¥{:.2}）/ the doctor's own fee (list price ¥{:.2})",
            list as f64 / 100.0,
            list as f64 / 100.0
        ));
    }
    if let Some(at) = item.performed_at {
        value["occurrenceDateTime"] = json!(instant_text(at));
    }
    value
}

pub fn entry_json(entry: &EntryRecord) -> Value {
    let method = PaymentMethod::from_code(&entry.method);
    let reason = entry.reason.as_deref().and_then(RefundReason::from_code);
    json!({
        "id": entry.id,
        "kind": entry.kind,
        "amount": money(entry.amount_fen),
        "amount_fen": entry.amount_fen,
        "method": entry.method,
        "method_display": method.map(|m| json!({"zh": m.zh(), "en": m.en()})),
        "refund_of": entry.refund_of,
        "reason": entry.reason,
        "reason_display": reason.map(|r| { let t = r.text(); json!({"zh": t.zh, "en": t.en}) }),
        "note": entry.note,
        "recorded_by": entry.recorded_by,
        "recorded_at": instant_text(entry.recorded_at),
        "charge_items": entry.allocations.iter().map(|(item, fen)| json!({
            "reference": format!("ChargeItem/{item}"), "amount": money(*fen),
        })).collect::<Vec<_>>(),
    })
}

/// The whole bill for the pages and the desk, with each item's names in both languages and
/// the items refunded only by cancelling the visit (its fee while `visit_open`).
pub fn bill_json(sheet: &BillSheet, visit_open: bool) -> Value {
    let names: serde_json::Map<String, Value> = sheet
        .items
        .iter()
        .map(|i| (i.id.clone(), json!({"zh": i.name_zh, "en": i.name_en})))
        .collect();
    let cancel_first: Vec<&str> = sheet
        .items
        .iter()
        .filter(|i| visit_open && i.category == "registration" && i.status == "billable")
        .filter(|i| i.performed_at.is_none())
        .map(|i| i.id.as_str())
        .collect();
    json!({
        "invoice": invoice_json(sheet),
        "charge_items": sheet.items.iter().map(|i| charge_item_json(i, sheet)).collect::<Vec<_>>(),
        "item_names": names,
        "refund_by_cancelling": cancel_first,
        "entries": sheet.entries.iter().map(entry_json).collect::<Vec<_>>(),
        "appointment": format!("Appointment/{}", sheet.bill.appointment_id),
    })
}
