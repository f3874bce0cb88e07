//! Login and registration throttling: per account and per client address, independently,
//! with a back-off and never a lock; the same answers whether an account exists or not.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

/// A server behind a trusted proxy at 127.0.0.1, so each test names its clients' addresses.
async fn behind_proxy(db: Db, adjust: impl FnOnce(&mut huimin_server::Settings)) -> TestApp {
    TestApp::spawn_with(db, |s| {
        s.trusted_proxies = vec![huimin_server::client_addr::parse_trusted("127.0.0.1").unwrap()];
        adjust(s);
    })
    .await
}

/// An answer with the figures taken out (a wait in seconds may tick between two answers).
fn without_digits(body: &Value) -> String {
    body.to_string().replace(|c: char| c.is_ascii_digit(), "#")
}

async fn interleaving_good_logins_does_not_reset_the_address_throttle(db: Db) {
    let app = behind_proxy(db, |s| s.ip_failure_limit = 5).await;
    app.patient("13912345678", "王小明", ID_2).await;
    let attacker = "198.51.100.7";
    let mut refused = None;
    for round in 0..10 {
        let own = app.login_from(attacker, "13912345678", PASSWORD).await;
        if own.status == 429 {
            refused = Some((round, own));
            break;
        }
        assert_eq!(own.status, 200, "{}", own.body);
        // A different victim each round, so only the address counter can stop this.
        let guess = app
            .login_from(attacker, &format!("victim{round}"), "guess-2026-x")
            .await;
        assert_eq!(guess.status, 400);
    }
    let (round, own) = refused.expect("the attacker's own logins did not clear the address");
    assert_eq!(round, 5, "refused after the address's five free failures");
    assert!(own.header("retry-after").is_some());
    assert_eq!(own.body["error"], "temporarily_unavailable");
    // Another address is not held back by this one.
    let elsewhere = app
        .login_from("198.51.100.8", "13912345678", PASSWORD)
        .await;
    assert_eq!(elsewhere.status, 200);
    app.finish().await;
}
on_both!(interleaving_good_logins_does_not_reset_the_address_throttle);

async fn anonymous_failures_hold_the_owner_back_only_for_the_back_off(db: Db) {
    let app = behind_proxy(db, |s| {
        s.login_account_free = 3;
        s.login_backoff_base = std::time::Duration::from_secs(1);
    })
    .await;
    for _ in 0..3 {
        let guess = app
            .login_from("198.51.100.66", "admin", "guess-2026-x")
            .await;
        assert_eq!(guess.status, 400);
    }
    let owner = app.login_from("203.0.113.5", "admin", ADMIN_PASSWORD).await;
    assert_eq!(owner.status, 429, "{}", owner.body);
    let wait: u64 = owner.header("retry-after").unwrap().parse().unwrap();
    assert!(wait <= 2, "the first back-off, not a lock: {wait}");
    let text = owner.body["error_description"].as_str().unwrap();
    assert!(!text.contains("锁定") && !text.contains("账户"), "{text}");
    tokio::time::sleep(
        std::time::Duration::from_secs(wait) + std::time::Duration::from_millis(300),
    )
    .await;
    let later = app.login_from("203.0.113.5", "admin", ADMIN_PASSWORD).await;
    assert_eq!(later.status, 200, "{}", later.body);
    // The success cleared the account's counter: one more wrong password is free again.
    let slip = app.login_from("203.0.113.5", "admin", "typo-2026-x").await;
    assert_eq!(slip.status, 400);
    app.finish().await;
}
on_both!(anonymous_failures_hold_the_owner_back_only_for_the_back_off);

async fn unknown_and_known_accounts_get_identical_answers(db: Db) {
    let app = behind_proxy(db, |s| s.login_account_free = 2).await;
    app.patient("13912345678", "王小明", ID_2).await;
    for attempt in 0..4 {
        let known = app
            .login_from("198.51.100.1", "13912345678", "guess-2026-x")
            .await;
        let unknown = app
            .login_from("198.51.100.2", "13900000000", "guess-2026-x")
            .await;
        assert_eq!(known.status, unknown.status, "attempt {attempt}");
        assert_eq!(
            without_digits(&known.body),
            without_digits(&unknown.body),
            "attempt {attempt}"
        );
        assert_eq!(
            known.header("retry-after").is_some(),
            unknown.header("retry-after").is_some()
        );
        let expected = if attempt < 2 { 400 } else { 429 };
        assert_eq!(known.status, expected, "attempt {attempt}: {}", known.body);
    }
    app.finish().await;
}
on_both!(unknown_and_known_accounts_get_identical_answers);

async fn sign_up(app: &TestApp, phone: &str, resident_id: &str) -> Resp {
    let body = json!({"phone": phone, "password": PASSWORD, "name": "李四",
        "resident_id": resident_id, "accept_terms": huimin_domain::person::TERMS_VERSION});
    app.post_json("/auth/register", None, &body).await
}

async fn registration_probes_do_not_reveal_who_is_registered(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    app.patient("13912345678", "王小明", ID_2).await;
    let walk_in = patient_json("李四", "李", "四", ID_3, "13800138003");
    let created = app
        .post_json("/fhir/Patient", Some(&registrar), &walk_in)
        .await;
    assert_eq!(created.status, 201);
    // An ID with an account, an ID on file without one, a phone with an account.
    let claimed_id = sign_up(&app, "13911110001", ID_2).await;
    let walk_in_id = sign_up(&app, "13911110002", ID_3).await;
    let taken_phone = sign_up(&app, "13912345678", "11010519491231002X").await;
    for probe in [&claimed_id, &walk_in_id, &taken_phone] {
        assert_eq!(
            (probe.status, &probe.body),
            (claimed_id.status, &claimed_id.body),
            "one answer for all three"
        );
    }
    assert_eq!(claimed_id.status, 409);
    assert_eq!(claimed_id.expression(), Some("claim_code"));
    let text = claimed_id.body["issue"][0]["details"]["text"]
        .as_str()
        .unwrap();
    assert!(
        text.contains("认领码") && text.contains("登录"),
        "points to the desk and to signing in: {text}"
    );
    app.finish().await;
}
on_both!(registration_probes_do_not_reveal_who_is_registered);

async fn registration_is_throttled_per_address(db: Db) {
    let app = behind_proxy(db, |s| s.register_address_free = 3).await;
    app.patient("13912345678", "王小明", ID_2).await;
    let mut last = None;
    for i in 0..4 {
        let probe = {
            let body = json!({"phone": format!("1391111000{i}"), "password": PASSWORD,
                "name": "李四", "resident_id": ID_2,
                "accept_terms": huimin_domain::person::TERMS_VERSION});
            let request = app
                .client
                .post(format!("{}/auth/register", app.base))
                .header("x-forwarded-for", "198.51.100.9")
                .json(&body);
            app.send(request, None).await
        };
        last = Some(probe);
    }
    let throttled = last.unwrap();
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    assert!(throttled.header("retry-after").is_some());
    // Another address signs up as usual.
    let body = json!({"phone": "13955556666", "password": PASSWORD, "name": "李四",
        "resident_id": ID_3, "accept_terms": huimin_domain::person::TERMS_VERSION});
    let request = app
        .client
        .post(format!("{}/auth/register", app.base))
        .header("x-forwarded-for", "198.51.100.10")
        .json(&body);
    assert_eq!(app.send(request, None).await.status, 201);
    app.finish().await;
}
on_both!(registration_is_throttled_per_address);
