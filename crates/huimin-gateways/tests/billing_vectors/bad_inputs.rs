//! Bad inputs that need the test keys to reach the check.

use huimin_gateways::billing::GatewayError;
use huimin_gateways::billing::OutTradeNo;
use huimin_gateways::billing::alipay::{self, AlipayPublicKey, AppKey, WapPay};
use huimin_gateways::billing::wechat::*;

use crate::{s, vectors};

fn merchant() -> MerchantKey {
    let v = vectors("wechat.json");
    let m = &v["keys"]["merchant"];
    MerchantKey::new(s(m, "mchid"), s(m, "serial_no"), s(m, "private_key_pem")).unwrap()
}

fn field<T: std::fmt::Debug>(r: Result<T, GatewayError>) -> &'static str {
    match r {
        Err(GatewayError::InvalidField { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

#[test]
fn wechat_signing_refuses_bad_nonces_methods_and_paths() {
    let key = merchant();
    for nonce in ["", "has space", "quote\"", &"a".repeat(33), "换行"] {
        assert_eq!(
            field(sign_request(&key, "GET", "/v3/x", 1, nonce, "")),
            "nonce",
            "{nonce:?}"
        );
    }
    assert_eq!(
        field(sign_request(&key, "get", "/v3/x", 1, "n", "")),
        "method"
    );
    assert_eq!(field(sign_request(&key, "GET", "v3/x", 1, "n", "")), "path");
    assert_eq!(
        field(jsapi_pay_params(&key, "wx1", "", 1, "n")),
        "prepay_id"
    );
    let debug = format!("{key:?}");
    assert!(debug.contains("<redacted>") && !debug.contains("BEGIN"));
}

#[test]
fn wechat_keys_and_resources_refuse_bad_material() {
    let v = vectors("wechat.json");
    let m = &v["keys"]["merchant"];
    let pem = s(m, "private_key_pem");
    assert_eq!(field(MerchantKey::new("19000x", "ABC", pem)), "mchid");
    assert_eq!(
        field(MerchantKey::new("1900009191", "XYZ", pem)),
        "serial_no"
    );
    let truncated = &pem[..pem.len() / 2];
    assert!(matches!(
        MerchantKey::new("1900009191", "ABC", truncated),
        Err(GatewayError::PrivateKey(_))
    ));
    // A public key where the private one belongs.
    assert!(matches!(
        MerchantKey::new("1900009191", "ABC", s(m, "public_key_pem")),
        Err(GatewayError::PrivateKey(_))
    ));
    assert_eq!(
        ApiV3Key::new("short").unwrap_err(),
        GatewayError::ApiV3KeyLength
    );
    let mut verifier = Verifier::new();
    assert_eq!(
        field(verifier.add_public_key(
            "1234",
            s(&v["keys"]["platform_public_key"], "public_key_pem")
        )),
        "public_key_id"
    );
    assert!(matches!(
        verifier.add_certificate("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"),
        Err(GatewayError::PublicKey(_))
    ));

    let key = ApiV3Key::new(s(m, "apiv3_key")).unwrap();
    let mut n = Notification::parse(s(&v["callbacks"][0], "body")).unwrap();
    n.resource.nonce = "short".into();
    assert_eq!(field(n.transaction(&key)), "resource.nonce");
    n.resource.algorithm = "AEAD_SM4_GCM".into();
    assert_eq!(
        n.transaction(&key).unwrap_err(),
        GatewayError::UnsupportedAlgorithm("AEAD_SM4_GCM".into())
    );
    assert!(matches!(
        Notification::parse("{\"id\":1}"),
        Err(GatewayError::Json(_))
    ));
    assert!(matches!(
        Transaction::parse("{}"),
        Err(GatewayError::Json(_))
    ));
}

#[test]
fn wechat_headers_missing_or_malformed_are_named() {
    let v = vectors("wechat.json");
    let c = &v["callbacks"][0];
    let h = &c["headers"];
    let err = SignedHeaders::from_lookup(|name| {
        (name != "Wechatpay-Nonce")
            .then(|| h[name].as_str())
            .flatten()
    })
    .unwrap_err();
    assert_eq!(err, GatewayError::Header("Wechatpay-Nonce"));
    let mut verifier = Verifier::new();
    verifier
        .add_certificate(s(&v["keys"]["platform_certificate"], "certificate_pem"))
        .unwrap();
    let pk = &v["keys"]["platform_public_key"];
    verifier
        .add_public_key(s(pk, "id"), s(pk, "public_key_pem"))
        .unwrap();
    let mut headers = SignedHeaders::from_lookup(|name| h[name].as_str()).unwrap();
    headers.timestamp = "soon";
    assert_eq!(
        verifier.verify(&headers, s(c, "body"), 0).unwrap_err(),
        GatewayError::Header("Wechatpay-Timestamp")
    );
    headers = SignedHeaders::from_lookup(|name| h[name].as_str()).unwrap();
    headers.signature = "***";
    assert_eq!(
        verifier.verify(&headers, s(c, "body"), 0).unwrap_err(),
        GatewayError::SignatureEncoding
    );
}

#[test]
fn alipay_requests_refuse_bad_values() {
    let v = vectors("alipay.json");
    let k = &v["keys"];
    let app = AppKey::new(s(k, "app_id"), s(k, "app_private_key_pem")).unwrap();
    assert_eq!(
        field(AppKey::new("app", s(k, "app_private_key_pem"))),
        "app_id"
    );
    assert!(matches!(
        AlipayPublicKey::new("MIIB"),
        Err(GatewayError::PublicKey(_))
    ));
    let no = OutTradeNo::parse("HM20261207-0001").unwrap();
    let wap = WapPay {
        out_trade_no: no.clone(),
        total_fen: 1,
        subject: "挂号费".into(),
        quit_url: "https://huimin.example/".into(),
        time_expire: None,
        notify_url: "https://huimin.example/notify".into(),
        return_url: None,
    };
    assert!(wap.sign(&app, "2026-12-07 10:00:00").is_ok());
    for t in [
        "2026-12-07T10:00:00",
        "2026-12-07 10:00",
        "",
        "2026-12-07 10:00:00+08",
    ] {
        assert_eq!(field(wap.sign(&app, t)), "timestamp", "{t}");
    }
    assert_eq!(
        WapPay {
            total_fen: 0,
            ..wap.clone()
        }
        .sign(&app, "2026-12-07 10:00:00")
        .unwrap_err(),
        GatewayError::AmountOutOfRange(0)
    );
    let mut bad = wap.clone();
    bad.notify_url = "http://huimin.example/notify".into();
    assert_eq!(field(bad.sign(&app, "2026-12-07 10:00:00")), "notify_url");
    bad = wap.clone();
    bad.subject = String::new();
    assert_eq!(field(bad.sign(&app, "2026-12-07 10:00:00")), "subject");
    assert_eq!(
        field(alipay::bill_download_url_query(
            &app,
            "2026-12",
            "2026-12-07 10:00:00"
        )),
        "bill_date"
    );
}
