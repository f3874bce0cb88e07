//! Black-box tests of the messages module's public API: SendSms validation, answers, and
//! webhook endpoint checks. (Signatures against official vectors: `messages_vectors.rs`.)

use std::collections::BTreeMap;
use std::net::IpAddr;

use huimin_gateways::messages::MessageError;
use huimin_gateways::messages::endpoint::{check_addresses, check_url};
use huimin_gateways::messages::template::{Rendered, Template};
use huimin_gateways::messages::tencent_sms::{
    Credentials, Disposition, HeaderStyle, SendOutcome, SendSms, parse_response, signed_request,
};

fn code_message() -> Rendered {
    let t = Template::new("2000001", &["code", "minutes"]).expect("template");
    let v: BTreeMap<&str, &str> = [("code", "482913"), ("minutes", "5")].into_iter().collect();
    t.render(&v).expect("renders")
}

fn send(numbers: &[&str]) -> Result<SendSms, MessageError> {
    SendSms::new(numbers, "1400000001", "惠民医院", code_message())
}

#[test]
fn phone_numbers_are_normalised_to_e164_and_checked() {
    let sms = send(&["13800138000", "+8619987654321"]).expect("valid");
    let got: Vec<&str> = sms.phone_numbers().iter().map(|p| p.as_str()).collect();
    assert_eq!(got, ["+8613800138000", "+8619987654321"]);
    for (bad, index) in [
        (vec!["12800138000"], 1),  // second digit 2: no such mobile prefix
        (vec!["1380013800"], 1),   // 10 digits
        (vec!["138001380000"], 1), // 12 digits
        (vec!["13800138000", "+85291234567"], 2), // Hong Kong
        (vec!["008613800138000"], 1),
        (vec!["+86 13800138000"], 1),
        (vec!["01087654321"], 1), // a Beijing landline
        (vec!["+８613800138000"], 1),
        (vec!["１3800138000"], 1), // full-width digit
    ] {
        assert_eq!(
            send(&bad).err(),
            Some(MessageError::InvalidPhoneNumber { index }),
            "{bad:?}"
        );
    }
}

#[test]
fn at_most_200_distinct_numbers_are_sent_at_once() {
    let numbers: Vec<String> = (0..201).map(|i| format!("+86139{i:08}")).collect();
    let refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
    assert!(send(&refs[..200]).is_ok());
    assert_eq!(
        send(&refs).err(),
        Some(MessageError::TooManyPhoneNumbers {
            count: 201,
            max: 200
        })
    );
    assert_eq!(send(&[]).err(), Some(MessageError::NoPhoneNumbers));
    assert_eq!(
        send(&["13800138000", "+8613800138000"]).err(),
        Some(MessageError::DuplicatePhoneNumber { index: 2 })
    );
}

#[test]
fn app_id_sign_name_region_and_credentials_are_checked() {
    let n = ["13800138000"];
    assert!(SendSms::new(&n, "14000x", "惠民医院", code_message()).is_err());
    assert!(SendSms::new(&n, "1400000001", " ", code_message()).is_err());
    assert!(SendSms::new(&n, "1400000001", "惠民\n医院", code_message()).is_err());
    assert!(Credentials::new("AKID", "").is_err());
    assert!(Credentials::new("AK ID", "key").is_err());
    let creds = Credentials::new("AKID", "key").expect("creds");
    assert!(!format!("{creds:?}").contains("key\""));
    let sms = send(&n).expect("valid");
    assert!(signed_request(&creds, &sms, "ap guangzhou", 1, HeaderStyle::Sdk).is_err());
    assert!(signed_request(&creds, &sms, "", 1, HeaderStyle::Sdk).is_err());
    assert!(signed_request(&creds, &sms, "ap-guangzhou", 1, HeaderStyle::Sdk).is_ok());
}

#[test]
fn a_mixed_answer_gives_each_number_its_disposition() {
    let body = r#"{"Response":{"SendStatusSet":[
        {"SerialNo":"5000:1","PhoneNumber":"+8613800138000","Fee":2,"SessionContext":"","Code":"Ok","Message":"send success","IsoCode":"CN"},
        {"SerialNo":"","PhoneNumber":"+8613900000000","Fee":0,"SessionContext":"","Code":"LimitExceeded.PhoneNumberDailyLimit","Message":"单个手机号日下发短信条数超过设定的上限","IsoCode":"CN"},
        {"SerialNo":"","PhoneNumber":"+8615000000000","Fee":0,"SessionContext":"","Code":"FailedOperation.PhoneNumberInBlacklist","Message":"手机号在免打扰名单库中","IsoCode":"CN"}
    ],"RequestId":"req-1"}}"#;
    let outcome = parse_response(body.as_bytes()).expect("parses");
    let SendOutcome::Sent {
        request_id,
        statuses,
    } = &outcome
    else {
        panic!("expected Sent, got {outcome:?}");
    };
    assert_eq!(request_id, "req-1");
    assert_eq!(statuses[0].fee, 2);
    assert_eq!(statuses[0].serial_no, "5000:1");
    let d = |p: &str| outcome.disposition_for(p);
    assert_eq!(d("+8613800138000"), Some(Disposition::Delivered));
    assert_eq!(d("+8613900000000"), Some(Disposition::Temporary));
    assert_eq!(d("+8615000000000"), Some(Disposition::Permanent));
    assert_eq!(d("+8618600000000"), None);
}

#[test]
fn a_refused_request_applies_to_every_number() {
    let cases = [
        ("AuthFailure.SignatureFailure", Disposition::Permanent),
        ("RequestLimitExceeded", Disposition::Temporary),
        ("InternalError.Timeout", Disposition::Temporary),
        (
            "InvalidParameterValue.IncorrectPhoneNumber",
            Disposition::Permanent,
        ),
        (
            "UnauthorizedOperation.SmsSdkAppIdVerifyFail",
            Disposition::Permanent,
        ),
    ];
    for (code, expected) in cases {
        let body = format!(
            r#"{{"Response":{{"Error":{{"Code":"{code}","Message":"m"}},"RequestId":"req-2"}}}}"#
        );
        let outcome = parse_response(body.as_bytes()).expect("parses");
        assert_eq!(
            outcome,
            SendOutcome::Rejected {
                request_id: "req-2".into(),
                code: code.into(),
                message: "m".into(),
                disposition: expected
            }
        );
        assert_eq!(outcome.disposition_for("+8613800138000"), Some(expected));
    }
}

#[test]
fn malformed_answers_are_errors_not_outcomes() {
    for body in [
        "",
        "not json",
        "{}",
        r#"{"Response":{"RequestId":"x"}}"#,
        r#"{"Response":{"SendStatusSet":[{"Code":"Ok"}]}}"#,
        r#"{"Response":{"SendStatusSet":[{"PhoneNumber":"+8613800138000","Code":"Ok","Fee":-1}]}}"#,
    ] {
        assert!(
            matches!(
                parse_response(body.as_bytes()),
                Err(MessageError::MalformedResponse(_))
            ),
            "{body}"
        );
    }
}

#[test]
fn webhook_urls_must_be_https_to_a_host_name_without_credentials() {
    let dev = ["localhost", "127.0.0.1"];
    let ok = check_url("https://hooks.example.cn/fhir/notify?x=1", &dev).expect("ok");
    assert_eq!(
        (ok.host(), ok.port(), ok.is_dev()),
        ("hooks.example.cn", 443, false)
    );
    let ok = check_url("https://Hooks.Example.cn.:8443/", &dev).expect("ok");
    assert_eq!((ok.host(), ok.port()), ("hooks.example.cn", 8443));
    let dev_ok = check_url("http://127.0.0.1:8080/hook", &dev).expect("dev host");
    assert!(dev_ok.is_dev());
    assert!(
        check_url("http://localhost:9000/", &dev)
            .expect("dev")
            .is_dev()
    );

    for bad in [
        "http://hooks.example.cn/",          // plain http to a real host
        "ftp://hooks.example.cn/",           // another scheme
        "https://user:pw@hooks.example.cn/", // credentials
        "https://user@hooks.example.cn/",
        "https://hooks.example.cn/#frag",
        "https://93.184.216.34/", // an IP literal, even public
        "https://[2606:4700::1111]/",
        "https://localhost/",  // not allowed here: no dev hosts
        "https://intranet/",   // a single-label name
        "https://0x7f000001/", // 127.0.0.1 in disguise
        "https://2130706433/",
        "not a url",
        "https:///path",
    ] {
        assert!(check_url(bad, &[]).is_err(), "{bad} accepted");
    }
}

#[test]
fn only_public_unicast_addresses_are_accepted() {
    let forbidden = [
        "0.0.0.0",
        "0.1.2.3",
        "10.1.2.3",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.255.255.254",
        "169.254.169.254", // cloud metadata
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::127.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",   // NAT64 of 10.0.0.1
        "2002:c0a8:101::1", // 6to4 of 192.168.1.1
        "2001:db8::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
        "3fff::1",
        "fc00::1",
        "fd12:3456:789a::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "100::1",
    ];
    for a in forbidden {
        let addr: IpAddr = a.parse().expect("valid address");
        assert!(
            matches!(
                check_addresses(&[addr]),
                Err(MessageError::ForbiddenAddress { .. })
            ),
            "{a} accepted"
        );
    }
    let allowed = [
        "1.1.1.1",
        "8.8.8.8",
        "100.63.255.255",
        "100.128.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.169.0.1",
        "223.5.5.5",
        "2400:3200::1",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ];
    for a in allowed {
        let addr: IpAddr = a.parse().expect("valid address");
        assert_eq!(check_addresses(&[addr]), Ok(()), "{a} refused");
    }
}

#[test]
fn one_internal_address_among_public_ones_refuses_the_name() {
    let addrs: Vec<IpAddr> = ["8.8.8.8", "10.0.0.1"]
        .iter()
        .map(|a| a.parse().expect("valid"))
        .collect();
    assert!(matches!(
        check_addresses(&addrs),
        Err(MessageError::ForbiddenAddress {
            range: "10.0.0.0/8 private",
            ..
        })
    ));
    assert_eq!(check_addresses(&[]), Err(MessageError::NoAddresses));
}
