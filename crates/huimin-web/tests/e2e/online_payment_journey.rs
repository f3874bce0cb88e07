//! Paying on the phone (375×812) through the sandbox gateway: a patient holds a paid place,
//! taps 微信支付, pays on the sandbox's cashier page and comes back to 支付成功 with the
//! place booked; another patient's payment fails, the page says so and offers the methods
//! again, and paying with 支付宝 books the place. An order of another visit is not shown on
//! a visit's page; the outcome reads in English too.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Browser, Driver, Server};
use crate::my_bookings_journey::{register, role_of, session_in};

const PASSWORD: &str = "Wang2026secure";

async fn scroll_to(browser: &Browser, css: &str) {
    browser
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![json!(css)],
        )
        .await
        .unwrap();
}

async fn absent(browser: &Browser, css: &str) -> bool {
    browser.client.find(Locator::Css(css)).await.is_err()
}

/// Waits until `css` reads `want`: the return page polls the order and reloads itself once
/// the gateway's notice is in (the server's payments worker sends it at once).
async fn until_text(browser: &Browser, css: &str, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = browser.text(css).await;
        if now == want {
            return;
        }
        if Instant::now() > deadline {
            browser.shot("failure").await;
            panic!("{css} still reads {now:?}, not {want:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The `order` of the page's address (the gateway's return address names it).
async fn order_in_address(browser: &Browser) -> String {
    let url = browser.client.current_url().await.unwrap();
    url.query_pairs()
        .find(|(k, _)| k == "order")
        .map(|(_, v)| v.into_owned())
        .expect("the return address names the order")
}

/// Holds `slot` on the booking page: the appointment page, with its id.
async fn hold(phone: &Browser, base: &str, slot: &str) -> String {
    phone.go(&format!("{base}/book/{slot}")).await;
    phone.click("#book-submit").await;
    assert_eq!(phone.text("#status").await, "待确认");
    phone
        .path()
        .await
        .trim_start_matches("/appointments/")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_place_is_paid_on_the_sandbox_and_a_failed_payment_can_be_paid_again() {
    let server = Server::start_with(|s| {
        s.online_payment = true;
        s.pay_sandbox = true;
    })
    .await;
    let dept = server.clinic_starting_soon(50.0).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let role = role_of(&server, &admin, &dept).await;
    let (_, slots) = session_in(&server, &admin, &role, 2, 4).await;
    register(&server, "13911110001", "王小明", "110101199003071137").await;
    register(&server, "13911110002", "李四", "34052419800101001X").await;
    let base = &server.base;
    let driver = Driver::start();

    // The first patient holds a place: the pay buttons sit with the countdown.
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", PASSWORD).await;
    let first = hold(&phone, base, &slots[0]).await;
    assert!(phone.text("#hold-countdown").await.contains(':'));
    assert_eq!(phone.text("#pay-confirms").await, "支付后确认预约");
    assert_eq!(phone.text("#pay-wechat-pay").await, "微信支付 ¥50.00");
    assert_eq!(phone.text("#pay-alipay").await, "支付宝 ¥50.00");
    assert!(
        absent(&phone, "#confirm").await,
        "paying confirms: no separate button"
    );
    assert_eq!(phone.text("#charges-due").await, "¥50.00");
    phone.assert_fits_width().await;
    scroll_to(&phone, "#hold").await;
    phone.shot("payweb-01-held-pay-buttons-375").await;

    // 微信支付 → the sandbox's cashier page.
    phone.click("#pay-wechat-pay").await;
    assert!(phone.path().await.starts_with("/sandbox/pay/HM"));
    assert_eq!(
        phone.text("#sandbox-banner").await,
        "沙箱支付（演示，不会扣款）"
    );
    assert_eq!(phone.text("#cashier-channel").await, "微信支付");
    assert_eq!(phone.text("#amount").await, "¥50.00");
    assert_eq!(phone.text("#trade-state").await, "待支付");
    assert!(phone.text("#merchant").await.contains("医院"));
    phone.assert_fits_width().await;
    phone.shot("payweb-02-sandbox-wechat-375").await;
    // The gateway's notice comes 5 s late, twice.
    phone.tap("#sandbox-options summary").await;
    phone.choose("#delay", "5").await;
    phone.choose("#notices", "2").await;
    scroll_to(&phone, "#sandbox-options").await;
    phone.shot("payweb-03-sandbox-options-375").await;

    // 确认支付 → back on the appointment, which waits for the notice, then 支付成功 and
    // booked (the page's script asked until it came, and reloaded).
    phone.click("#sandbox-pay").await;
    assert_eq!(phone.path().await, format!("/appointments/{first}"));
    let first_order = order_in_address(&phone).await;
    assert_eq!(phone.text("#order-state").await, "支付结果确认中…");
    assert_eq!(phone.text("#order-refresh").await, "刷新");
    assert_eq!(phone.text("#status").await, "待确认");
    phone.shot("payweb-04-confirming-375").await;
    until_text(&phone, "#order-state", "支付成功").await;
    assert_eq!(phone.text("#status").await, "预约成功");
    assert!(phone.text("#order-detail").await.contains("微信支付"));
    assert!(
        phone
            .text("#paid-line")
            .await
            .starts_with("已缴费 ¥50.00 · 微信支付")
    );
    assert!(!phone.text("#paid-at").await.is_empty(), "when it was paid");
    assert!(
        phone.text("#e-invoice").await.contains("电子票据"),
        "the invoice to keep"
    );
    assert!(absent(&phone, "#pay-buttons").await, "nothing left to pay");
    assert!(absent(&phone, "#hold").await);
    phone.assert_fits_width().await;
    phone.shot("payweb-05-paid-375").await;
    scroll_to(&phone, "#charges").await;
    phone.shot("payweb-06-paid-charges-375").await;
    // The trade is settled: its page says so and leads back.
    phone.go(&format!("{base}/sandbox/pay/{first_order}")).await;
    assert_eq!(phone.text("#trade-state").await, "已支付");
    assert!(absent(&phone, "#sandbox-pay").await);
    phone.click("#sandbox-back").await;
    assert_eq!(phone.path().await, format!("/appointments/{first}"));
    // In English.
    phone.click("#switch-lang").await;
    assert_eq!(phone.text("#order-state").await, "Payment received");
    assert_eq!(phone.text("#status").await, "Booked");
    assert!(
        phone
            .text("#paid-line")
            .await
            .starts_with("Paid ¥50.00 · WeChat Pay")
    );
    assert_eq!(phone.text("#charges h2").await, "Charges");
    phone.shot("payweb-07-paid-en-375").await;
    phone.click("#switch-lang").await;
    phone.close().await;

    // The second patient's payment fails.
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110002", PASSWORD).await;
    let second = hold(&phone, base, &slots[1]).await;
    // Another family's order named in the address is not shown here, nor its page.
    phone
        .go(&format!("{base}/appointments/{second}?order={first_order}"))
        .await;
    assert_eq!(phone.text("#status").await, "待确认");
    assert!(absent(&phone, "#order-banner").await);
    phone
        .go(&format!("{base}/appointments/{first}?order={first_order}"))
        .await;
    assert!(absent(&phone, "#order-banner").await);
    assert!(absent(&phone, "#status").await, "another family's visit");

    // A refusal of the API (here a method the hospital does not take, as a hand-made form
    // would send) is told on the page in the visitor's words.
    phone.go(&format!("{base}/appointments/{second}")).await;
    phone
        .client
        .execute(
            "document.querySelector('#pay-buttons input[name=channel]').value = 'bank-card';",
            vec![],
        )
        .await
        .unwrap();
    phone.click("#pay-wechat-pay").await;
    assert!(
        phone.text("#problem").await.contains("不支持在线支付方式"),
        "the API's message"
    );
    assert_eq!(phone.text("#status").await, "待确认");
    assert_eq!(phone.text("#pay-wechat-pay").await, "微信支付 ¥50.00");

    phone.click("#pay-wechat-pay").await;
    phone.click("#sandbox-fail").await;
    assert_eq!(phone.path().await, format!("/appointments/{second}"));
    until_text(&phone, "#order-state", "支付未完成，可重新支付").await;
    assert_eq!(phone.text("#status").await, "待确认");
    assert!(phone.text("#order-banner").await.contains("未扣款"));
    assert_eq!(phone.text("#pay-alipay").await, "支付宝 ¥50.00");
    phone.assert_fits_width().await;
    phone.shot("payweb-08-failed-375").await;
    scroll_to(&phone, "#pay-buttons").await;
    phone.shot("payweb-09-failed-pay-again-375").await;

    // … and is paid again with 支付宝.
    phone.click("#pay-alipay").await;
    assert_eq!(phone.text("#cashier-channel").await, "支付宝");
    assert_eq!(phone.text("#trade-state").await, "待支付");
    phone.shot("payweb-10-sandbox-alipay-375").await;
    // Large text (适老化) still fits the phone.
    phone.click("#switch-large").await;
    assert_eq!(phone.text("#cashier-channel").await, "支付宝");
    phone.assert_fits_width().await;
    phone.shot("payweb-10b-sandbox-alipay-large-375").await;
    phone.click("#switch-large").await;
    phone.click("#sandbox-pay").await;
    until_text(&phone, "#order-state", "支付成功").await;
    assert_eq!(phone.text("#status").await, "预约成功");
    assert!(
        phone
            .text("#paid-line")
            .await
            .starts_with("已缴费 ¥50.00 · 支付宝")
    );
    phone.assert_fits_width().await;
    phone.shot("payweb-11-paid-alipay-375").await;
    let bill = server
        .get(
            &server.token("admin", ADMIN_PASSWORD).await,
            &format!("/api/appointments/{second}/bill"),
        )
        .await;
    let entries = bill["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "the failed payment took nothing: {bill}");
    assert_eq!(entries[0]["method"], "alipay");
    // An unknown trade is a 404 page.
    phone
        .go(&format!("{base}/sandbox/pay/HMnosuchtrade000"))
        .await;
    assert!(absent(&phone, "#cashier").await);
    phone.close().await;
}

/// An insured patient (deductible used up, ¥10 in the personal account) is not promised the
/// whole fee, pays only the ¥5 cash part on the sandbox, and the page names each part paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_insured_patient_pays_only_the_cash_part_and_sees_each_part() {
    use huimin_domain::billing::insurance::{InsuredState, Scheme};
    let server = Server::start_with(|s| {
        s.online_payment = true;
        s.pay_sandbox = true;
    })
    .await;
    let dept = server.clinic_starting_soon(50.0).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let role = role_of(&server, &admin, &dept).await;
    let (_, slots) = session_in(&server, &admin, &role, 2, 4).await;
    let (_, patient) = register(&server, "13911110001", "王小明", "110101199003071137").await;
    let cover = huimin_store::billing::CoverRecord {
        patient_id: patient.trim_start_matches("Patient/").to_owned(),
        insured_no: "DEMO3301000099".into(),
        state: InsuredState {
            scheme: Scheme::Employee,
            retired: false,
            year: i32::from(server.state.clock.today().year()),
            account_balance: 1000,
            deductible_used: 120_000,
            pool_paid: 0,
        },
    };
    let now = jiff::Timestamp::now().as_microsecond();
    server
        .state
        .store
        .set_insurance_cover(&cover, now)
        .await
        .unwrap();
    let base = &server.base;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", PASSWORD).await;
    hold(&phone, base, &slots[0]).await;
    assert_eq!(
        phone.text("#pay-wechat-pay").await,
        "微信支付",
        "no amount promised"
    );
    assert!(phone.text("#insured-hint").await.contains("医保"));
    phone.click("#pay-wechat-pay").await;
    assert_eq!(phone.text("#amount").await, "¥5.00", "the cash part only");
    phone.click("#sandbox-pay").await;
    until_text(&phone, "#order-state", "支付成功").await;
    let paid = phone.text("#paid-line").await;
    assert!(
        paid.contains("医保统筹 ¥35.00")
            && paid.contains("医保个人账户 ¥10.00")
            && paid.contains("微信支付 ¥5.00"),
        "{paid}"
    );
    scroll_to(&phone, "#charges").await;
    phone.shot("payweb-12-insured-paid-375").await;
    phone.click("#switch-lang").await;
    let english = phone.text("#paid-line").await;
    assert!(english.contains("WeChat Pay ¥5.00"), "{english}");
    phone.close().await;
}
