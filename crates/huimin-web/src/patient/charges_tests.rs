use huimin_fhir::names::{BALANCE_DUE_EXT, PAID_EXT, REFUNDED_EXT};
use serde_json::{Value, json};

use super::*;

fn money(value: f64) -> Value {
    json!({"value": value, "currency": "CNY"})
}

fn ext(url: &str, value: f64) -> Value {
    json!({"url": url, "valueMoney": money(value)})
}

fn channels() -> Vec<Channel> {
    channels_of(&json!({"channels": [
        {"code": "wechat-pay", "zh": "微信支付", "en": "WeChat Pay", "provider": "sandbox"},
        {"code": "alipay", "zh": "支付宝", "en": "Alipay", "provider": "sandbox"},
        {"zh": "no code: left out"}]}))
}

/// A ¥50 registration fee, `paid` of it paid by WeChat Pay.
fn bill(paid: f64) -> Value {
    let entries = if paid > 0.0 {
        json!([{"id": "p1", "kind": "payment", "amount": money(paid), "method": "wechat-pay",
            "method_display": {"zh": "微信支付", "en": "WeChat Pay"},
            "recorded_by": "online", "recorded_at": "2026-11-26T02:05:00Z"}])
    } else {
        json!([])
    };
    json!({
        "invoice": {"resourceType": "Invoice", "id": "bill-7",
            "status": if paid >= 50.0 { "balanced" } else { "issued" },
            "extension": [ext(PAID_EXT, paid), ext(REFUNDED_EXT, 0.0),
                ext(BALANCE_DUE_EXT, 50.0 - paid)],
            "totalNet": money(50.0)},
        "charge_items": [{"resourceType": "ChargeItem", "id": "reg", "status": "billable",
            "code": {"text": "挂号费"}, "quantity": {"value": 1}, "priceOverride": money(50.0),
            "extension": [ext(PAID_EXT, paid)]}],
        "entries": entries,
        "appointment": "Appointment/a-1",
    })
}

#[test]
fn the_methods_list_keeps_only_methods_with_a_code() {
    let listed = channels();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1].code, "alipay");
    assert!(channels_of(&json!({"channels": []})).is_empty());
    assert!(channels_of(&Value::Null).is_empty());
}

#[test]
fn a_held_place_with_nothing_paid_offers_one_button_per_method_for_the_fee() {
    let unbilled = json!({"invoice": null, "charge_items": [], "entries": [],
        "fee": money(50.0), "moved_to": null});
    let charges = from_bill(&unbilled, &channels(), true, false, Lang::Zh);
    assert!(charges.shown());
    assert_eq!(charges.lines[0].name, "挂号费");
    assert_eq!(charges.lines[0].amount, "¥50.00");
    assert_eq!(charges.due, "¥50.00");
    assert_eq!(charges.invoice, None);
    let labels: Vec<_> = charges.buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["微信支付 ¥50.00", "支付宝 ¥50.00"]);
    assert_eq!(charges.buttons[0].code, "wechat-pay");
    let english = from_bill(&bill(0.0), &channels(), true, false, Lang::En);
    let labels: Vec<_> = english.buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["WeChat Pay ¥50.00", "Alipay ¥50.00"]);
    assert_eq!(english.invoice.as_deref(), Some("Invoice/bill-7"));
}

#[test]
fn the_buttons_ask_only_for_what_is_still_due() {
    let charges = from_bill(&bill(20.0), &channels(), true, false, Lang::Zh);
    assert_eq!(charges.paid, "¥20.00");
    assert_eq!(charges.due, "¥30.00");
    assert_eq!(charges.buttons[1].label, "支付宝 ¥30.00");
    assert!(charges.settled.is_empty(), "not settled while money is due");
}

#[test]
fn no_buttons_without_methods_or_when_the_visit_takes_no_money() {
    assert!(
        from_bill(&bill(0.0), &[], true, false, Lang::Zh)
            .buttons
            .is_empty()
    );
    let cancelled = from_bill(&bill(0.0), &channels(), false, false, Lang::Zh);
    assert!(cancelled.buttons.is_empty());
    assert_eq!(cancelled.due, "¥50.00", "the figures still show");
}

#[test]
fn a_settled_bill_says_how_much_was_paid_how_and_when() {
    let charges = from_bill(&bill(50.0), &channels(), true, false, Lang::Zh);
    assert!(charges.buttons.is_empty());
    assert!(charges.due.is_empty());
    assert!(charges.paid.is_empty(), "the settled line says it");
    assert_eq!(charges.settled, "已缴费 ¥50.00 · 微信支付");
    assert_eq!(charges.settled_at, "11月26日 周四 10:05");
    let english = from_bill(&bill(50.0), &channels(), true, false, Lang::En);
    assert_eq!(english.settled, "Paid ¥50.00 · WeChat Pay");
}

#[test]
fn a_free_visit_and_a_moved_one_show_no_charges_here() {
    let free = json!({"invoice": null, "fee": money(0.0), "moved_to": null});
    assert!(!from_bill(&free, &channels(), true, false, Lang::Zh).shown());
    let moved = json!({"invoice": null, "fee": money(30.0), "moved_to": "Appointment/a-2"});
    assert!(!from_bill(&moved, &channels(), true, false, Lang::Zh).shown());
}

#[test]
fn settled_text_leaves_out_an_unknown_method() {
    assert_eq!(settled_text(5000, "", Lang::Zh), "已缴费 ¥50.00");
    assert_eq!(
        settled_text(2550, "支付宝", Lang::Zh),
        "已缴费 ¥25.50 · 支付宝"
    );
}

#[test]
fn an_insured_patient_is_not_promised_the_whole_amount_and_sees_each_part_paid() {
    let charges = from_bill(&bill(0.0), &channels(), true, true, Lang::Zh);
    assert_eq!(
        charges.buttons[0].label, "微信支付",
        "no amount before settlement"
    );
    assert!(charges.insured);
    let mut paid = bill(50.0);
    paid["entries"] = json!([
        {"id": "p1", "kind": "payment", "amount": money(35.0), "method": "medical-insurance",
            "method_display": {"zh": "医保统筹", "en": "medical insurance (pool fund)"},
            "recorded_at": "2026-11-26T02:05:00Z"},
        {"id": "p2", "kind": "payment", "amount": money(10.0), "method": "insurance-account",
            "method_display": {"zh": "医保个人账户", "en": "medical insurance personal account"},
            "recorded_at": "2026-11-26T02:05:00Z"},
        {"id": "p3", "kind": "payment", "amount": money(5.0), "method": "wechat-pay",
            "method_display": {"zh": "微信支付", "en": "WeChat Pay"},
            "recorded_at": "2026-11-26T02:05:00Z"}]);
    let settled = from_bill(&paid, &channels(), true, true, Lang::Zh).settled;
    assert_eq!(
        settled,
        "已缴费 ¥50.00 · 医保统筹 ¥35.00 · 医保个人账户 ¥10.00 · 微信支付 ¥5.00"
    );
}
