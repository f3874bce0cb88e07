use serde_json::json;

use super::*;

fn order(status: &str) -> Value {
    json!({"id": "HM0123456789abcdef0123456789abcd", "invoice": "Invoice/bill-7",
        "status": status, "amount": {"value": 50.0, "currency": "CNY"},
        "channel": "alipay", "channel_display": {"zh": "支付宝", "en": "Alipay"},
        "checkout_url": "/sandbox/pay/HM0123456789abcdef0123456789abcd"})
}

#[test]
fn each_order_status_reads_as_one_of_four_outcomes() {
    let read = |s| OrderState::from_status(s);
    assert_eq!(read("pending"), Some(OrderState::Pending));
    assert_eq!(read("paid"), Some(OrderState::Paid));
    assert_eq!(read("closed"), Some(OrderState::Unpaid));
    assert_eq!(read("refund-due"), Some(OrderState::Returned));
    assert_eq!(read("refunded"), Some(OrderState::Returned));
    assert_eq!(read("exploded"), None);
}

#[test]
fn the_banner_tells_the_outcome_with_amount_and_method() {
    let paid = banner_of(&order("paid"), "Invoice/bill-7", Lang::Zh).expect("shown");
    assert_eq!(paid.text, "支付成功");
    assert_eq!(paid.detail, "¥50.00 · 支付宝");
    assert!(!paid.pending());
    let pending = banner_of(&order("pending"), "Invoice/bill-7", Lang::Zh).expect("shown");
    assert!(pending.pending());
    assert_eq!(pending.text, "支付结果确认中…");
    let closed = banner_of(&order("closed"), "Invoice/bill-7", Lang::En).expect("shown");
    assert_eq!(closed.class(), "unpaid");
    assert_eq!(closed.text, "Payment not completed: you can pay again");
    assert_eq!(closed.detail, "¥50.00 · Alipay");
    let late = banner_of(&order("refund-due"), "Invoice/bill-7", Lang::Zh).expect("shown");
    assert_eq!(late.text, "该笔款项将原路退回");
}

#[test]
fn an_order_of_another_visit_is_not_shown() {
    assert!(banner_of(&order("paid"), "Invoice/bill-8", Lang::Zh).is_none());
    assert!(banner_of(&json!({"status": "paid"}), "Invoice/bill-7", Lang::Zh).is_none());
}

#[test]
fn order_numbers_and_checkout_addresses_are_checked() {
    assert!(plausible_order_id("HM0123456789abcdef0123456789abcd"));
    assert!(!plausible_order_id(""));
    assert!(!plausible_order_id("HM1/../../admin"));
    assert!(!plausible_order_id("HM1?x=1"));
    assert_eq!(
        checkout_target("/sandbox/pay/HM1"),
        Some("/sandbox/pay/HM1")
    );
    assert_eq!(
        checkout_target("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=1"),
        Some("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=1")
    );
    assert_eq!(checkout_target("//evil.example/pay"), None);
    assert_eq!(checkout_target("http://plain.example/pay"), None);
    assert_eq!(checkout_target("javascript:alert(1)"), None);
}
