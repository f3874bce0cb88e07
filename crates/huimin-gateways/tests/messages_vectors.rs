//! Our Tencent Cloud SMS requests and Standard Webhooks signatures, compared with what the
//! providers' official code produced (`tests/vectors/README.md`). `HUIMIN_GATEWAY_VECTORS`
//! overrides the vectors directory.

use std::path::PathBuf;

use huimin_gateways::messages::template::Template;
use huimin_gateways::messages::tencent_sms::{
    Credentials, HeaderStyle, SendSms, parse_response, rule_for, signed_request,
};
use huimin_gateways::messages::webhook::{self, WebhookHeaders, WebhookSecret};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let dir = std::env::var_os("HUIMIN_GATEWAY_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors"));
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let doc: Value = serde_json::from_str(&text).expect("vectors are JSON");
    let vectors = doc["vectors"].as_array().expect("a vectors array").clone();
    assert!(!vectors.is_empty(), "{name} has no vectors");
    vectors
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is a string"))
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is an array"))
        .iter()
        .map(|x| x.as_str().expect("strings").to_owned())
        .collect()
}

fn send_sms(v: &Value) -> SendSms {
    let params = strings(v, "template_params");
    let names: Vec<String> = (1..=params.len()).map(|i| format!("p{i}")).collect();
    let template = Template::new(s(v, "template_id"), &names).expect("template");
    let values: std::collections::BTreeMap<String, String> =
        names.into_iter().zip(params).collect();
    let rendered = template.render(&values).expect("renders");
    SendSms::new(
        &strings(v, "phone_numbers"),
        s(v, "sms_sdk_app_id"),
        s(v, "sign_name"),
        rendered,
    )
    .expect("valid SendSms")
}

#[test]
fn our_sendsms_requests_equal_the_official_python_sdks_byte_for_byte() {
    for v in load("tencent-sms.json") {
        let name = s(&v, "name");
        let creds = Credentials::new(s(&v, "secret_id"), s(&v, "secret_key")).expect("creds");
        let ts = v["timestamp"].as_i64().expect("timestamp");
        let ours = signed_request(&creds, &send_sms(&v), s(&v, "region"), ts, HeaderStyle::Sdk)
            .expect("signs");
        let sdk = &v["sdk"];
        assert_eq!(ours.body, s(sdk, "body"), "{name}: body");
        let sdk_headers = sdk["headers"].as_object().expect("headers");
        assert_eq!(
            ours.headers.len(),
            sdk_headers.len(),
            "{name}: header count"
        );
        for (header, value) in sdk_headers {
            let value = value.as_str().expect("header value");
            assert_eq!(ours.header(header), Some(value), "{name}: {header}");
        }
        assert_eq!(ours.url, "https://sms.tencentcloudapi.com/");
    }
}

#[test]
fn the_documented_header_style_matches_the_sdks_signing_of_it() {
    for v in load("tencent-sms.json") {
        let creds = Credentials::new(s(&v, "secret_id"), s(&v, "secret_key")).expect("creds");
        let ts = v["timestamp"].as_i64().expect("timestamp");
        let style = HeaderStyle::Documented;
        let ours =
            signed_request(&creds, &send_sms(&v), s(&v, "region"), ts, style).expect("signs");
        let doc = &v["documented"];
        assert_eq!(ours.header("Content-Type"), Some(s(doc, "content_type")));
        assert_eq!(
            ours.header("Authorization"),
            Some(s(doc, "authorization")),
            "{}",
            s(&v, "name")
        );
    }
}

#[test]
fn a_changed_secret_key_no_longer_matches_the_sdk() {
    // The comparison above can fail: a one-character change gives another signature.
    let v = &load("tencent-sms.json")[0];
    let key = format!("{}x", s(v, "secret_key"));
    let creds = Credentials::new(s(v, "secret_id"), &key).expect("creds");
    let ts = v["timestamp"].as_i64().expect("timestamp");
    let ours =
        signed_request(&creds, &send_sms(v), s(v, "region"), ts, HeaderStyle::Sdk).expect("signs");
    assert_ne!(
        ours.header("Authorization"),
        Some(s(&v["sdk"]["headers"], "Authorization"))
    );
}

#[test]
fn our_webhook_signatures_equal_the_standardwebhooks_librarys() {
    for v in load("standard-webhooks.json") {
        let secret = WebhookSecret::parse(s(&v, "secret")).expect("secret");
        let ts = v["timestamp"].as_i64().expect("timestamp");
        let body = s(&v, "body").as_bytes();
        let sig = webhook::sign(&secret, s(&v, "id"), ts, body).expect("signs");
        assert_eq!(sig, s(&v, "signature"), "{}", s(&v, "id"));
        let received = WebhookHeaders {
            id: s(&v, "id").to_owned(),
            timestamp: ts.to_string(),
            signature: s(&v, "signature").to_owned(),
        };
        assert_eq!(
            webhook::verify(&secret, &received, body, ts + 10, 300),
            Ok(())
        );
    }
}

#[test]
fn parse_response_reads_a_real_shaped_answer() {
    // Shapes from the SendSms documentation's examples.
    let ok = br#"{"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8618511122233","Fee":1,"SessionContext":"test","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}}"#;
    let outcome = parse_response(ok).expect("parses");
    assert_eq!(
        outcome.disposition_for("+8618511122233"),
        Some(huimin_gateways::messages::tencent_sms::Disposition::Delivered)
    );
}

#[test]
fn every_sms_error_code_the_sdk_lists_has_a_row_in_our_table() {
    let codes = load("tencent-sms-error-codes.json");
    assert!(codes.len() > 50, "the SDK lists about 90 codes");
    let unmatched: Vec<&str> = codes
        .iter()
        .map(|v| s(v, "code"))
        .filter(|c| rule_for(c).is_none())
        .collect();
    assert!(unmatched.is_empty(), "no row for {unmatched:?}");
}
