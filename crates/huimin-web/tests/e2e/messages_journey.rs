//! A patient whose clinic was stopped sees the unread badge, reads the notice in the message
//! centre on a phone, in Chinese and in English.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Browser, Driver, Server};

const PASSWORD: &str = "Wang2026secure";

/// Registers a patient through the API: their token and Patient id.
async fn patient(server: &Server, phone: &str, name: &str, resident_id: &str) -> (String, String) {
    server.register((phone, PASSWORD), name, resident_id).await
}

/// Waits until the outbox worker has delivered `n` messages to the account.
async fn unread_reaches(server: &Server, token: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let unread = server.get(token, "/api/me/messages/unread").await;
        if unread["unread"] == n {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{n} messages did not arrive: {unread}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn is_shown(browser: &Browser, css: &str) -> bool {
    browser.client.find(Locator::Css(css)).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_told_of_a_stop_clinic_sees_the_badge_and_reads_the_notice_on_a_phone() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(0.0).await;
    let (token, patient_id) = patient(&server, "13911110001", "王小明", "110101199003071137").await;
    let found = server
        .get(
            &token,
            &format!("/fhir/Appointment/$find?department=Organization/{department}"),
        )
        .await;
    let slot = &found["entry"][0]["resource"];
    let schedule = slot["schedule"]["reference"].as_str().unwrap();
    let reference =
        |name: &str, value: String| json!({"name": name, "valueReference": {"reference": value}});
    let booking = json!({"resourceType": "Parameters", "parameter": [
        reference("slot", format!("Slot/{}", slot["id"].as_str().unwrap())),
        reference("patient", format!("Patient/{patient_id}")),
    ]});
    let booked = server
        .post(&token, "/fhir/Appointment/$book", &booking)
        .await;
    let appointment = booked["id"].as_str().unwrap().to_owned();
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let session = schedule.trim_start_matches("Schedule/");
    server
        .post(
            &admin,
            &format!("/api/admin/sessions/{session}/suspend"),
            &json!({}),
        )
        .await;
    // Told of the booking, then of its cancellation.
    unread_reaches(&server, &token, 2).await;

    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;
    phone.sign_in(base, "13911110001", PASSWORD).await;
    assert_eq!(phone.path().await, "/");
    assert_eq!(phone.text("#unread-badge").await, "2");
    assert_eq!(
        phone.attr("#nav-messages", "aria-label").await,
        "2 条未读消息"
    );
    phone.assert_fits_width().await;
    phone.shot("41-unread-badge-home-375").await;

    // The centre: newest first, both unread when opened; the notice links to the booking.
    phone.click("#nav-messages").await;
    assert_eq!(phone.path().await, "/messages");
    let first = phone.text("#messages li:first-child").await;
    assert!(
        first.contains("因医生停诊") && first.contains("王小明"),
        "{first}"
    );
    assert!(
        first.contains("刚刚") || first.contains("分钟前"),
        "{first}"
    );
    let unread = phone
        .client
        .find_all(Locator::Css(".message.unread"))
        .await
        .unwrap();
    assert_eq!(unread.len(), 2);
    assert!(
        !is_shown(&phone, "#unread-badge").await,
        "opening the centre read them"
    );
    phone.assert_fits_width().await;
    phone.shot("42-message-centre-375").await;
    let link = phone.attr("#messages li:first-child a", "href").await;
    assert_eq!(link, format!("/appointments/{appointment}"));

    // Back home: no badge any more.
    phone.go(&format!("{base}/")).await;
    assert!(!is_shown(&phone, "#unread-badge").await);
    assert!(phone.attr("#nav-messages", "aria-label").await.is_empty());
    phone.shot("43-badge-gone-375").await;

    // In English, through the language switch; the messages are read now.
    phone.go(&format!("{base}/messages")).await;
    phone.click("#switch-lang").await;
    assert_eq!(phone.path().await, "/messages");
    assert_eq!(phone.text("h1").await, "Messages");
    let first = phone.text("#messages li:first-child").await;
    assert!(
        first.contains("clinic") && first.contains("cancelled"),
        "{first}"
    );
    assert!(!is_shown(&phone, ".message.unread").await);
    assert!(!is_shown(&phone, "#mark-all").await, "nothing left to mark");
    phone.assert_fits_width().await;
    phone.shot("44-message-centre-en-375").await;
    phone.click(&format!("a[href='{link}']")).await;
    assert_eq!(phone.path().await, link);
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mark_all_read_clears_the_badge_and_a_new_account_has_no_messages() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(0.0).await;
    let (token, patient_id) = patient(&server, "13911110002", "李秀英", "34052419800101001X").await;
    let found = server
        .get(
            &token,
            &format!("/fhir/Appointment/$find?department=Organization/{department}"),
        )
        .await;
    let slot = found["entry"][0]["resource"]["id"].as_str().unwrap();
    let booking = json!({"resourceType": "Parameters", "parameter": [
        {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
        {"name": "patient", "valueReference": {"reference": format!("Patient/{patient_id}")}},
    ]});
    server
        .post(&token, "/fhir/Appointment/$book", &booking)
        .await;
    unread_reaches(&server, &token, 1).await;

    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;
    phone.sign_in(base, "13911110002", PASSWORD).await;
    // A later page shows none of the messages, so it leaves them unread; its button reads
    // them all.
    phone.go(&format!("{base}/messages?page=2")).await;
    assert_eq!(phone.text("#unread-badge").await, "1");
    phone.click("#mark-all").await;
    assert_eq!(phone.path().await, "/messages");
    assert!(phone.text("#messages").await.contains("已预约"));
    assert!(!is_shown(&phone, ".message.unread").await);
    assert!(!is_shown(&phone, "#mark-all").await);
    assert!(!is_shown(&phone, "#unread-badge").await);
    assert_eq!(
        server.get(&token, "/api/me/messages/unread").await["unread"],
        0
    );
    // Large text (适老化) still fits a phone.
    phone
        .go(&format!("{base}/prefs?large=1&back=/messages"))
        .await;
    assert_eq!(phone.path().await, "/messages");
    phone.assert_fits_width().await;
    phone.shot("45-message-centre-large-375").await;
    phone.close().await;

    let (_, _) = patient(&server, "13911110003", "张三", "11010519491231002X").await;
    let other = driver.browser(375, 812).await;
    other.sign_in(base, "13911110003", PASSWORD).await;
    other.go(&format!("{base}/messages")).await;
    assert_eq!(other.text("#no-messages").await, "暂无消息");
    assert!(!is_shown(&other, "#unread-badge").await);
    other.shot("46-no-messages-375").await;
    other.close().await;
}
