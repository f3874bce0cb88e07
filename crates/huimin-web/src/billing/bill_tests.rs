use serde_json::{Value, json};

use super::*;

fn money(value: f64) -> Value {
    json!({"value": value, "currency": "CNY"})
}

fn ext(url: &str, value: f64) -> Value {
    json!({"url": url, "valueMoney": money(value)})
}

/// A bill as `GET /api/appointments/{id}/bill` writes it: a performed registration fee, two
/// booklets of which one was refunded, and an aborted card.
fn sample() -> Value {
    json!({
        "invoice": {"resourceType": "Invoice", "id": "bill-1", "status": "balanced",
            "extension": [ext(PAID_EXT, 32.0), ext(REFUNDED_EXT, 3.5), ext(BALANCE_DUE_EXT, 0.0)],
            "totalNet": money(28.5)},
        "charge_items": [
            {"resourceType": "ChargeItem", "id": "reg", "status": "billable",
             "code": {"text": "挂号费"}, "quantity": {"value": 1}, "priceOverride": money(27.5),
             "occurrenceDateTime": "2026-11-26T00:10:00Z", "extension": [ext(PAID_EXT, 27.5)]},
            {"resourceType": "ChargeItem", "id": "book", "status": "billable",
             "code": {"text": "病历本"}, "quantity": {"value": 1}, "priceOverride": money(1.0),
             "extension": [ext(PAID_EXT, 1.0)]},
            {"resourceType": "ChargeItem", "id": "card", "status": "aborted",
             "code": {"text": "就诊卡"}, "quantity": {"value": 1}, "priceOverride": money(0.0),
             "extension": [ext(PAID_EXT, 0.0)]}],
        "entries": [
            {"id": "p1", "kind": "payment", "amount": money(32.0), "method": "wechat-pay",
             "method_display": {"zh": "微信支付", "en": "WeChat Pay"}, "reason": null,
             "reason_display": null, "note": null, "recorded_by": "desk-wang",
             "recorded_at": "2026-11-26T00:00:00Z"},
            {"id": "r1", "kind": "refund", "amount": money(3.5), "method": "wechat-pay",
             "method_display": {"zh": "微信支付", "en": "WeChat Pay"}, "reason": "desk",
             "reason_display": {"zh": "窗口退费", "en": "refunded at the desk"},
             "note": "患者不需要", "recorded_by": "desk-wang",
             "recorded_at": "2026-11-26T00:05:00Z"}],
        "appointment": "Appointment/a-1",
    })
}

#[test]
fn a_bill_reads_its_items_entries_and_totals_in_fen() {
    let money = VisitMoney::read(&sample(), Lang::Zh);
    let bill = money.bill.as_ref().expect("a bill");
    assert_eq!(bill.id, "bill-1");
    assert_eq!(
        (bill.total, bill.paid, bill.refunded, bill.due),
        (2850, 3200, 350, 0)
    );
    assert_eq!(bill.status_text, "已结清");
    let names: Vec<_> = bill.items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["挂号费", "病历本", "就诊卡"]);
    let reg = &bill.items[0];
    assert_eq!(
        (reg.amount.as_str(), reg.paid.as_str()),
        ("¥27.50", "¥27.50")
    );
    assert!(!reg.refundable(), "performed");
    assert!(reg.performed.contains("08:10"), "{}", reg.performed);
    assert!(bill.items[1].refundable());
    assert!(!bill.items[2].refundable(), "aborted");
    assert!(bill.refundable());
    let refund = &bill.entries[1];
    assert!(refund.refund && !bill.entries[0].refund);
    assert_eq!(
        (refund.kind, refund.amount.as_str(), refund.method.as_str()),
        ("退款", "¥3.50", "微信支付")
    );
    assert_eq!(refund.reason, "窗口退费 · 患者不需要");
    assert_eq!(refund.by, "desk-wang");
    assert_eq!(bill.entries[0].reason, "", "a payment has no reason");
    assert_eq!(money.due(), 0);
    assert_eq!(money.summary(Lang::Zh), "已缴费 ¥28.50 · 已退 ¥3.50");
    let english = VisitMoney::read(&sample(), Lang::En);
    let bill = english.bill.unwrap();
    assert_eq!(bill.entries[1].method, "WeChat Pay");
    assert_eq!(bill.entries[1].reason, "refunded at the desk · 患者不需要");
}

#[test]
fn the_state_beside_a_visit_follows_its_money() {
    let unpaid = json!({"invoice": null, "charge_items": [], "entries": [],
        "appointment": "Appointment/a-1", "fee": money(30.0), "moved_to": null});
    let unpaid = VisitMoney::read(&unpaid, Lang::Zh);
    assert!(unpaid.bill.is_none());
    assert_eq!(
        (unpaid.due(), unpaid.summary(Lang::Zh)),
        (3000, "未缴费 ¥30.00".into())
    );

    let free = json!({"invoice": null, "fee": money(0.0), "moved_to": null});
    let free = VisitMoney::read(&free, Lang::Zh);
    assert_eq!((free.due(), free.summary(Lang::Zh)), (0, String::new()));

    let moved = json!({"invoice": null, "fee": money(30.0), "moved_to": "Appointment/a-2"});
    let moved = VisitMoney::read(&moved, Lang::Zh);
    assert_eq!(moved.moved_to.as_deref(), Some("a-2"));
    assert_eq!(moved.due(), 0, "the bill went to the new appointment");
    assert_eq!(moved.summary(Lang::Zh), "");

    let mut more = sample();
    more["invoice"]["extension"][2] = ext(BALANCE_DUE_EXT, 5.0);
    more["invoice"]["status"] = json!("issued");
    let more = VisitMoney::read(&more, Lang::Zh);
    assert_eq!((more.due(), more.due_text()), (500, "¥5.00".into()));
    assert_eq!(more.summary(Lang::Zh), "待缴 ¥5.00");
    assert_eq!(more.summary(Lang::En), "Due ¥5.00");

    let mut cancelled = sample();
    cancelled["invoice"]["status"] = json!("cancelled");
    let cancelled = VisitMoney::read(&cancelled, Lang::Zh);
    assert_eq!(cancelled.summary(Lang::Zh), "已退费");
}
