use huimin_gateways::billing::GatewayError;
use huimin_gateways::billing::wechat::*;
use serde_json::Value;

use crate::{s, vectors};

struct Fixture {
    v: Value,
    key: MerchantKey,
}

fn fixture() -> Fixture {
    let v = vectors("wechat.json");
    let m = &v["keys"]["merchant"];
    let key = MerchantKey::new(s(m, "mchid"), s(m, "serial_no"), s(m, "private_key_pem")).unwrap();
    Fixture { v, key }
}

fn verifier(v: &Value) -> Verifier {
    let mut verifier = Verifier::new();
    let cert = &v["keys"]["platform_certificate"];
    let serial = verifier
        .add_certificate(s(cert, "certificate_pem"))
        .unwrap();
    assert_eq!(serial, s(cert, "serial_no"));
    let pk = &v["keys"]["platform_public_key"];
    verifier
        .add_public_key(s(pk, "id"), s(pk, "public_key_pem"))
        .unwrap();
    verifier
}

fn headers(h: &Value) -> SignedHeaders<'_> {
    SignedHeaders::from_lookup(|name| h[name].as_str()).unwrap()
}

fn ts(h: &Value) -> i64 {
    s(h, "Wechatpay-Timestamp").parse().unwrap()
}

#[test]
fn request_signatures_and_authorization_headers_equal_the_sdks() {
    let f = fixture();
    for group in ["requests", "compact_requests"] {
        let list = f.v[group].as_array().unwrap();
        assert!(list.len() >= 4, "{group}");
        for r in list {
            let t: i64 = s(r, "timestamp").parse().unwrap();
            let (method, path, nonce, body) =
                (s(r, "method"), s(r, "path"), s(r, "nonce"), s(r, "body"));
            let signature = sign_request(&f.key, method, path, t, nonce, body).unwrap();
            assert_eq!(signature, s(r, "signature"), "{}", s(r, "name"));
            let header = authorization(&f.key, method, path, t, nonce, body).unwrap();
            assert_eq!(header, s(r, "authorization"), "{}", s(r, "name"));
        }
    }
}

fn compact<'a>(v: &'a Value, name: &str) -> &'a Value {
    let name = format!("{name}_compact");
    v["compact_requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name.as_str())
        .unwrap()
}

fn sdk_request<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

/// Our typed requests give the very bytes the SDK signed (compact form), so the SDK's
/// signature is ours too.
#[test]
fn typed_requests_render_the_sdks_bodies_byte_for_byte() {
    let f = fixture();
    let m = &f.v["keys"]["merchant"];
    let (appid, mchid, notify_url) = (s(m, "appid"), s(m, "mchid"), s(m, "notify_url"));
    let jsapi = JsapiOrder {
        appid: appid.into(),
        mchid: mchid.into(),
        description: "惠民医院-门诊缴费 挂号费（普通门诊）".into(),
        out_trade_no: OutTradeNo::parse("HM20261207-0001").unwrap(),
        total_fen: 2550,
        notify_url: notify_url.into(),
        payer_openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
        time_expire: Some("2026-12-07T10:30:00+08:00".into()),
        attach: Some("visit=门诊-内科-42".into()),
    }
    .request()
    .unwrap();
    let h5 = H5Order {
        appid: appid.into(),
        mchid: mchid.into(),
        description: "惠民医院-检验费 血常规".into(),
        out_trade_no: OutTradeNo::parse("HM20261207_0002").unwrap(),
        total_fen: 3800,
        notify_url: notify_url.into(),
        payer_client_ip: "14.23.150.211".into(),
        time_expire: None,
        attach: None,
    }
    .request()
    .unwrap();
    let close = close(mchid, &OutTradeNo::parse("HM20261207_0002").unwrap()).unwrap();
    let refund = RefundRequest {
        out_trade_no: OutTradeNo::parse("HM20261207-0001").unwrap(),
        out_refund_no: OutRefundNo::parse("HMR20261207-0001").unwrap(),
        refund_fen: 1000,
        total_fen: 2550,
        reason: Some("患者取消挂号，退部分费用".into()),
        notify_url: Some(notify_url.into()),
    }
    .request()
    .unwrap();
    for (name, ours) in [
        ("jsapi_order", &jsapi),
        ("h5_order", &h5),
        ("close", &close),
        ("refund", &refund),
    ] {
        let sdk = compact(&f.v, name);
        assert_eq!(ours.method, s(sdk, "method"), "{name}");
        assert_eq!(ours.path, s(sdk, "path"), "{name}");
        assert_eq!(ours.body, s(sdk, "body"), "{name}");
        let t: i64 = s(sdk, "timestamp").parse().unwrap();
        assert_eq!(
            ours.authorization(&f.key, t, s(sdk, "nonce")).unwrap(),
            s(sdk, "authorization")
        );
        // And the same JSON as the SDK's own (ASCII-escaped, spaced) body.
        let sdk_json: Value = serde_json::from_str(s(sdk_request(&f.v, name), "body")).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&ours.body).unwrap(),
            sdk_json,
            "{name}"
        );
    }
    let query = query_by_out_trade_no(mchid, &OutTradeNo::parse("HM20261207-0001").unwrap());
    let bill = TradeBillRequest {
        bill_date: "2026-12-06".into(),
        bill_type: BillType::All,
        tar_type: Some(TarType::Gzip),
    }
    .request()
    .unwrap();
    for (name, ours) in [("query_by_out_trade_no", &query), ("trade_bill", &bill)] {
        let sdk = sdk_request(&f.v, name);
        assert_eq!(
            (ours.method, ours.path.as_str(), ours.body.as_str()),
            (s(sdk, "method"), s(sdk, "path"), "")
        );
        let t: i64 = s(sdk, "timestamp").parse().unwrap();
        assert_eq!(
            ours.authorization(&f.key, t, s(sdk, "nonce")).unwrap(),
            s(sdk, "authorization")
        );
    }
}

#[test]
fn jsapi_pay_sign_equals_the_sdks() {
    let f = fixture();
    let j = &f.v["jsapi_pay"];
    let prepay_id = s(j, "package").strip_prefix("prepay_id=").unwrap();
    let t: i64 = s(j, "time_stamp").parse().unwrap();
    let ours = jsapi_pay_params(&f.key, s(j, "app_id"), prepay_id, t, s(j, "nonce_str")).unwrap();
    assert_eq!(ours.pay_sign, s(j, "pay_sign"));
    let json = serde_json::to_value(&ours).unwrap();
    assert_eq!(json["package"], j["package"]);
    assert_eq!(json["signType"], "RSA");
    assert_eq!(json["timeStamp"], j["time_stamp"]);
}

#[test]
fn answers_the_sdk_accepted_verify_in_public_key_mode() {
    let f = fixture();
    let verifier = verifier(&f.v);
    for r in f.v["requests"].as_array().unwrap() {
        let a = &r["answer"];
        assert_eq!(r["sdk_accepted_answer"], true);
        let got = verifier
            .verify(
                &headers(&a["headers"]),
                s(a, "body"),
                ts(&a["headers"]) + 10,
            )
            .unwrap();
        assert_eq!(got.nonce, s(&a["headers"], "Wechatpay-Nonce"));
    }
}

#[test]
fn callbacks_verify_in_both_key_modes_and_every_tampered_variant_is_refused() {
    let f = fixture();
    let verifier = verifier(&f.v);
    let callbacks = f.v["callbacks"].as_array().unwrap();
    assert_eq!(callbacks.len(), 2);
    for c in callbacks {
        let name = s(c, "name");
        let h = &c["headers"];
        assert_eq!(c["sdk_accepted"], true);
        let replay = verifier.verify(&headers(h), s(c, "body"), ts(h)).unwrap();
        assert_eq!(
            replay,
            ReplayKey {
                nonce: s(h, "Wechatpay-Nonce").into(),
                remember_until: ts(h) + 300
            }
        );
        let tampered = c["tampered"].as_array().unwrap();
        assert_eq!(tampered.len(), 5);
        for t in tampered {
            assert_eq!(t["sdk_accepted"], false, "{name} {}", t["tampered"]);
            let err = verifier
                .verify(&headers(&t["headers"]), s(t, "body"), ts(h))
                .unwrap_err();
            let expected = match s(t, "tampered") {
                "serial" => matches!(err, GatewayError::UnknownSerial(_)),
                _ => err == GatewayError::BadSignature,
            };
            assert!(expected, "{name} {}: {err}", t["tampered"]);
        }
    }
}

#[test]
fn an_authentic_callback_outside_five_minutes_is_refused_as_stale() {
    let f = fixture();
    let verifier = verifier(&f.v);
    let c = &f.v["callbacks"][0];
    let h = &c["headers"];
    for now in [ts(h) + 300, ts(h) - 300] {
        assert!(verifier.verify(&headers(h), s(c, "body"), now).is_ok());
    }
    for now in [ts(h) + 301, ts(h) - 301] {
        let err = verifier.verify(&headers(h), s(c, "body"), now).unwrap_err();
        assert_eq!(
            err,
            GatewayError::StaleTimestamp {
                timestamp: ts(h),
                now,
                window_secs: 300
            }
        );
    }
}

#[test]
fn a_verifier_without_the_key_or_with_another_signature_type_refuses() {
    let f = fixture();
    let c = &f.v["callbacks"][0];
    let err = Verifier::new()
        .verify(&headers(&c["headers"]), s(c, "body"), ts(&c["headers"]))
        .unwrap_err();
    assert!(matches!(err, GatewayError::UnknownSerial(_)));
    let mut h = headers(&c["headers"]);
    h.signature_type = Some("WECHATPAY2-SM2-WITH-SM3");
    let err = verifier(&f.v)
        .verify(&h, s(c, "body"), ts(&c["headers"]))
        .unwrap_err();
    assert!(matches!(err, GatewayError::UnsupportedSignatureType(_)));
}

#[test]
fn notifications_decrypt_to_the_sdks_plaintext_and_typed_results() {
    let f = fixture();
    let key = ApiV3Key::new(s(&f.v["keys"]["merchant"], "apiv3_key")).unwrap();
    let pay = &f.v["callbacks"][0];
    let n = Notification::parse(s(pay, "body")).unwrap();
    assert_eq!(
        decrypt_resource(&key, &n.resource).unwrap(),
        s(pay, "sdk_plaintext")
    );
    let t = n.transaction(&key).unwrap();
    let r = &pay["sdk_resource"];
    assert_eq!(t.out_trade_no, s(r, "out_trade_no"));
    assert_eq!(t.transaction_id.as_deref(), Some(s(r, "transaction_id")));
    assert_eq!(t.trade_state, TradeState::Success);
    assert_eq!(t.amount.total, r["amount"]["total"].as_i64().unwrap());
    assert_eq!(t.amount.payer_total, r["amount"]["payer_total"].as_i64());
    assert_eq!(t.success_time.as_deref(), Some(s(r, "success_time")));
    assert_eq!(t.payer.unwrap().openid, s(&r["payer"], "openid"));

    let refund = &f.v["callbacks"][1];
    let n = Notification::parse(s(refund, "body")).unwrap();
    assert_eq!(n.event_type, "REFUND.SUCCESS");
    assert_eq!(
        decrypt_resource(&key, &n.resource).unwrap(),
        s(refund, "sdk_plaintext")
    );
    let rn = n.refund(&key).unwrap();
    let r = &refund["sdk_resource"];
    assert_eq!(rn.out_refund_no, s(r, "out_refund_no"));
    assert_eq!(rn.refund_status, RefundStatus::Success);
    assert_eq!(rn.amount.refund, r["amount"]["refund"].as_i64().unwrap());
    assert_eq!(
        rn.user_received_account.as_deref(),
        Some(s(r, "user_received_account"))
    );
}

#[test]
fn aes_gcm_resources_decrypt_as_the_sdk_does_and_a_wrong_key_fails() {
    let f = fixture();
    let merchant_key = s(&f.v["keys"]["merchant"], "apiv3_key");
    for a in f.v["aes_gcm"].as_array().unwrap() {
        let key = ApiV3Key::new(a["apiv3_key"].as_str().unwrap_or(merchant_key)).unwrap();
        let resource: EncryptedResource = serde_json::from_value(serde_json::json!({
            "algorithm": "AEAD_AES_256_GCM", "ciphertext": a["ciphertext"],
            "associated_data": a["associated_data"], "nonce": a["nonce"],
        }))
        .unwrap();
        match a["sdk_plaintext"].as_str() {
            Some(plain) => assert_eq!(decrypt_resource(&key, &resource).unwrap(), plain),
            None => assert_eq!(
                decrypt_resource(&key, &resource),
                Err(GatewayError::Decryption)
            ),
        }
        let mut wrong_ad = resource.clone();
        wrong_ad.associated_data.push('x');
        assert_eq!(
            decrypt_resource(&key, &wrong_ad),
            Err(GatewayError::Decryption)
        );
    }
}
