//! An administrator finds a message the outbox gave up on, reads the channel's answer and
//! sends it again, in Chinese and in English.

use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Driver, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_sends_a_given_up_message_again() {
    // No delivery in this process: the test decides what becomes of the booking's message.
    let server = Server::start_with(|s| s.deliver_messages = false).await;
    let department = server.clinic_starting_soon(0.0).await;
    let (token, patient_id) = server
        .register(
            ("13911110001", "Wang2026secure"),
            "王小明",
            "110101199003071137",
        )
        .await;
    let found = server
        .get(
            &token,
            &format!("/fhir/Appointment/$find?department=Organization/{department}"),
        )
        .await;
    let slot = found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reference =
        |name: &str, value: String| json!({"name": name, "valueReference": {"reference": value}});
    let booking = json!({"resourceType": "Parameters", "parameter": [
        reference("slot", format!("Slot/{slot}")),
        reference("patient", format!("Patient/{patient_id}")),
    ]});
    let booked = server
        .post(&token, "/fhir/Appointment/$book", &booking)
        .await;
    assert!(booked["id"].is_string(), "{booked}");
    let store = &server.state.store;
    let now = jiff::Timestamp::now().as_microsecond();
    for due in store.claim_deliveries(now, 1_000_000, 10).await.unwrap() {
        store
            .mark_failed(&due, "短信模板未审核通过 (template not approved)", None)
            .await
            .unwrap();
    }

    let base = &server.base;
    let driver = Driver::start();
    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, "admin", ADMIN_PASSWORD).await;
    desk.go(&format!("{base}/admin")).await;
    desk.click("a[href='/admin/deliveries']").await;
    desk.click("#filter-dead").await;
    let table = desk.text("#deliveries").await;
    assert!(table.contains("已放弃"), "{table}");
    assert!(
        table.contains("短信模板未审核通过"),
        "the channel's answer: {table}"
    );
    desk.shot("deliveries-01-given-up-1280").await;
    desk.click("#deliveries button.retry").await;
    let waiting = desk.text("#deliveries").await;
    assert!(waiting.contains("待投递"), "sent again: {waiting}");
    assert!(desk.text("#filter-pending").await.contains("(1)"));
    desk.click("#switch-lang").await;
    assert!(desk.text("#deliveries").await.contains("Waiting"));
    desk.shot("deliveries-02-sent-again-en-1280").await;
    desk.close().await;
}
