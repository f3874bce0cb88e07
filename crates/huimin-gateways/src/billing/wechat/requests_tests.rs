use super::*;
use crate::billing::wechat::{BillType, TradeBillRequest};

fn jsapi() -> JsapiOrder {
    JsapiOrder {
        appid: "wxd678efh567hg6787".into(),
        mchid: "1900009191".into(),
        description: "挂号费".into(),
        out_trade_no: OutTradeNo::parse("HM20261207-0001").unwrap(),
        total_fen: 1,
        notify_url: "https://pay.huimin.example/notify".into(),
        payer_openid: "openid".into(),
        time_expire: None,
        attach: None,
    }
}

fn refused_field(r: Result<ApiRequest, GatewayError>) -> &'static str {
    match r {
        Err(GatewayError::InvalidField { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

#[test]
fn a_minimal_jsapi_order_is_compact_json_in_cny() {
    let r = jsapi().request().unwrap();
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v3/pay/transactions/jsapi");
    assert_eq!(
        r.body,
        r#"{"notify_url":"https://pay.huimin.example/notify","description":"挂号费","out_trade_no":"HM20261207-0001","amount":{"total":1,"currency":"CNY"},"payer":{"openid":"openid"},"appid":"wxd678efh567hg6787","mchid":"1900009191"}"#
    );
}

#[test]
fn bad_orders_are_refused_naming_the_field() {
    assert_eq!(
        refused_field(
            JsapiOrder {
                total_fen: 0,
                ..jsapi()
            }
            .request()
        ),
        "amount.total"
    );
    assert_eq!(
        refused_field(
            JsapiOrder {
                description: String::new(),
                ..jsapi()
            }
            .request()
        ),
        "description"
    );
    assert_eq!(
        refused_field(
            JsapiOrder {
                description: "字".repeat(128),
                ..jsapi()
            }
            .request()
        ),
        "description"
    );
    assert_eq!(
        refused_field(
            JsapiOrder {
                description: "a\nb".into(),
                ..jsapi()
            }
            .request()
        ),
        "description"
    );
    assert_eq!(
        refused_field(
            JsapiOrder {
                notify_url: "http://x".into(),
                ..jsapi()
            }
            .request()
        ),
        "notify_url"
    );
    assert_eq!(
        refused_field(
            JsapiOrder {
                payer_openid: String::new(),
                ..jsapi()
            }
            .request()
        ),
        "payer.openid"
    );
    assert_eq!(
        refused_field(
            JsapiOrder {
                attach: Some("a".repeat(129)),
                ..jsapi()
            }
            .request()
        ),
        "attach"
    );
    let o = jsapi();
    let h5 = H5Order {
        appid: o.appid,
        mchid: o.mchid,
        description: o.description,
        out_trade_no: o.out_trade_no,
        total_fen: 100,
        notify_url: o.notify_url,
        payer_client_ip: "not-an-ip".into(),
        time_expire: None,
        attach: None,
    };
    assert_eq!(refused_field(h5.request()), "scene_info.payer_client_ip");
}

#[test]
fn refunds_cannot_exceed_the_total_or_be_empty() {
    let refund = RefundRequest {
        out_trade_no: OutTradeNo::parse("HM20261207-0001").unwrap(),
        out_refund_no: OutRefundNo::parse("R1").unwrap(),
        refund_fen: 2551,
        total_fen: 2550,
        reason: None,
        notify_url: None,
    };
    assert_eq!(refused_field(refund.request()), "amount.refund");
    assert_eq!(
        refused_field(
            RefundRequest {
                refund_fen: 0,
                ..refund.clone()
            }
            .request()
        ),
        "amount.refund"
    );
    let ok = RefundRequest {
        refund_fen: 2550,
        ..refund
    }
    .request()
    .unwrap();
    assert_eq!(
        ok.body,
        r#"{"out_refund_no":"R1","amount":{"refund":2550,"total":2550,"currency":"CNY"},"out_trade_no":"HM20261207-0001"}"#
    );
}

#[test]
fn bill_dates_must_be_iso_days() {
    for bad in [
        "2026-12-6",
        "2026/12/06",
        "20261206",
        "2026-12-06 ",
        "２０２６-12-06",
    ] {
        let r = TradeBillRequest {
            bill_date: bad.into(),
            bill_type: BillType::All,
            tar_type: None,
        };
        assert_eq!(refused_field(r.request()), "bill_date", "{bad}");
    }
    let r = TradeBillRequest {
        bill_date: "2026-12-06".into(),
        bill_type: BillType::Refund,
        tar_type: None,
    };
    assert_eq!(
        r.request().unwrap().path,
        "/v3/bill/tradebill?bill_date=2026-12-06&bill_type=REFUND"
    );
}
