use std::collections::BTreeMap;

use huimin_gateways::billing::alipay::*;
use huimin_gateways::billing::{GatewayError, OutRefundNo, OutTradeNo};
use serde_json::Value;

use crate::{s, vectors};

fn setup() -> (Value, AppKey, AlipayPublicKey) {
    let v = vectors("alipay.json");
    let k = &v["keys"];
    let app = AppKey::new(s(k, "app_id"), s(k, "app_private_key_pem")).unwrap();
    let alipay = AlipayPublicKey::new(s(k, "alipay_public_key_pem")).unwrap();
    (v, app, alipay)
}

fn params(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn request<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

#[test]
fn sign_strings_and_signatures_equal_the_sdks() {
    let (v, app, _) = setup();
    let list = v["requests"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    for r in list {
        let p = params(&r["params"]);
        assert_eq!(sign_string(&p), s(r, "sign_string"), "{}", s(r, "name"));
        assert_eq!(
            sign_params(&app, &p).unwrap(),
            s(r, "signature"),
            "{}",
            s(r, "name")
        );
    }
}

/// Our typed requests produce the SDK's parameters exactly, `sign` included.
#[test]
fn typed_requests_equal_the_sdks_signed_parameters() {
    let (v, app, _) = setup();
    let no = OutTradeNo::parse("HM20261207-0001").unwrap();
    let wap = WapPay {
        out_trade_no: no.clone(),
        total_fen: 2550,
        subject: "惠民医院-门诊缴费 挂号费（普通门诊）".into(),
        quit_url: "https://huimin.example/pay/cancel".into(),
        time_expire: Some("2026-12-07 10:30:00".into()),
        notify_url: "https://pay.huimin.example/api/pay/alipay/notify".into(),
        return_url: Some("https://huimin.example/pay/done?order=HM20261207-0001".into()),
    };
    let refund = TradeRefund {
        out_trade_no: no.clone(),
        refund_fen: 1000,
        out_request_no: OutRefundNo::parse("HMR20261207-0001").unwrap(),
        refund_reason: Some("患者取消挂号，退部分费用".into()),
    };
    let ours = [
        ("wap_pay", wap.sign(&app, "2026-12-07 10:00:05").unwrap()),
        (
            "trade_query",
            trade_query(&app, &no, "2026-12-07 10:05:00").unwrap(),
        ),
        (
            "trade_refund_partial",
            refund.sign(&app, "2026-12-07 11:20:00").unwrap(),
        ),
        (
            "bill_download_url",
            bill_download_url_query(&app, "2026-12-06", "2026-12-07 09:00:00").unwrap(),
        ),
    ];
    for (name, signed) in ours {
        assert_eq!(
            signed.params,
            params(&request(&v, name)["params"]),
            "{name}"
        );
    }
    // The page URL carries the same parameters as the SDK's (encodings differ: the SDK's
    // URLSearchParams writes a space as '+', encodeURIComponent as %20).
    let url = wap_pay_url(&app, &wap, "2026-12-07 10:00:05", GATEWAY).unwrap();
    let sdk_url = s(request(&v, "wap_pay"), "sdk_url");
    assert_eq!(query(&url), query(sdk_url));
    assert!(url.starts_with("https://openapi.alipay.com/gateway.do?"));
}

fn query(url: &str) -> BTreeMap<String, String> {
    let (_, q) = url.split_once('?').unwrap();
    let decode = |s: &str| percent_decode(&s.replace('+', " "));
    q.split('&')
        .map(|kv| kv.split_once('=').unwrap())
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn form(v: &Value) -> Vec<(String, String)> {
    params(v).into_iter().collect()
}

#[test]
fn notifications_the_sdk_accepts_verify_and_read_and_tampered_ones_are_refused() {
    let (v, _, alipay) = setup();
    let app_id = s(&v["keys"], "app_id");
    let list = v["notifications"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    for n in list {
        assert_eq!(n["sdk_accepted"], true);
        let notice = verify_notification(&alipay, app_id, &form(&n["form"])).unwrap();
        let f = &n["form"];
        assert_eq!(notice.out_trade_no, s(f, "out_trade_no"));
        assert_eq!(notice.trade_no, s(f, "trade_no"));
        assert_eq!(notice.notify_id, s(f, "notify_id"));
        assert_eq!(notice.trade_status, TradeStatus::TradeSuccess);
        assert_eq!(notice.total_fen, 2550);
        for t in n["tampered"].as_array().unwrap() {
            assert_eq!(t["sdk_accepted"], false);
            let err = verify_notification(&alipay, app_id, &form(&t["form"])).unwrap_err();
            assert_eq!(err, GatewayError::BadSignature, "{}", t["tampered"]);
        }
    }
    let refund = verify_notification(&alipay, app_id, &form(&list[1]["form"])).unwrap();
    assert_eq!(refund.refund_fee_fen, Some(1000));
    assert_eq!(refund.out_biz_no.as_deref(), Some("HMR20261207-0001"));
    let paid = verify_notification(&alipay, app_id, &form(&list[0]["form"])).unwrap();
    assert_eq!(paid.gmt_payment.as_deref(), Some("2026-12-07 10:01:02"));
    assert_eq!(paid.receipt_fen, Some(2550));
}

#[test]
fn a_notification_for_another_app_or_without_sign_is_refused() {
    let (v, _, alipay) = setup();
    let f = form(&v["notifications"][0]["form"]);
    let err = verify_notification(&alipay, "2021000000000000", &f).unwrap_err();
    assert!(matches!(
        err,
        GatewayError::InvalidField {
            field: "app_id",
            ..
        }
    ));
    let unsigned: Vec<_> = f.iter().filter(|(k, _)| k != "sign").cloned().collect();
    assert!(matches!(
        verify_notification(&alipay, "1", &unsigned),
        Err(GatewayError::InvalidField { field: "sign", .. })
    ));
    let mut twice = f.clone();
    twice.push(("total_amount".into(), "0.01".into()));
    assert!(matches!(
        verify_notification(&alipay, "1", &twice),
        Err(GatewayError::InvalidField { field: "form", .. })
    ));
}

#[test]
fn responses_verify_over_the_exact_node_text() {
    let (v, _, alipay) = setup();
    for r in v["responses"].as_array().unwrap() {
        let raw = s(r, "raw");
        assert_eq!(r["sdk_accepted"], true);
        let key = s(r, "response_key");
        assert_eq!(
            response_node(raw, key).unwrap(),
            Some(s(r, "signed_content"))
        );
        let node = verify_response(&alipay, raw, s(r, "method")).unwrap();
        assert_eq!(node["code"], "10000");
        for t in r["tampered"].as_array().unwrap() {
            assert_eq!(t["sdk_accepted"], false);
            assert_eq!(
                verify_response(&alipay, s(t, "raw"), s(r, "method")),
                Err(GatewayError::BadSignature)
            );
        }
    }
    let query = &v["responses"][0];
    let node = verify_response(&alipay, s(query, "raw"), "alipay.trade.query").unwrap();
    assert_eq!(node["ext_infos"], "{\"note\":\"a/b }{\"}");
    let err = verify_response(&alipay, s(query, "raw"), "alipay.trade.refund").unwrap_err();
    assert_eq!(
        err,
        GatewayError::MissingResponseNode("alipay_trade_refund_response".into())
    );
}
