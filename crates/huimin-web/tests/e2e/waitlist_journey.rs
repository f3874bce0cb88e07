//! A waitlist entry that got a place, on a phone: the entry says so and opens the one booked
//! appointment, which shows the visit's time.

use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Driver, Server};
use crate::my_bookings_journey::{place, register, role_of, session_in};

const PASSWORD: &str = "Wang2026secure";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waitlist_entry_that_got_a_place_says_so_and_opens_its_appointment() {
    let server = Server::start().await;
    let dept = server.clinic_starting_soon(25.0).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let role = role_of(&server, &admin, &dept).await;
    let (full, slots) = session_in(&server, &admin, &role, 2, 1).await;
    let (first, first_patient) =
        register(&server, "13911110002", "李四", "34052419800101001X").await;
    let booked = place(&server, &first, "$book", &slots[0], &first_patient).await;
    let (waiting, waiting_patient) =
        register(&server, "13911110001", "王小明", "110101199003071137").await;
    let entry = server
        .post(
            &waiting,
            "/fhir/Appointment/$waitlist",
            &json!({"resourceType": "Parameters", "parameter": [
                {"name": "schedule", "valueReference": {"reference": format!("Schedule/{full}")}},
                {"name": "patient", "valueReference": {"reference": waiting_patient}}]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The first patient cancels: the place goes to the one waiting.
    let cancelled = server
        .http
        .patch(format!("{}/fhir/Appointment/{booked}", server.base))
        .bearer_auth(&first)
        .header("content-type", "application/json-patch+json")
        .body(json!([{"op": "replace", "path": "/status", "value": "cancelled"}]).to_string())
        .send()
        .await
        .unwrap();
    assert!(cancelled.status().is_success(), "{}", cancelled.status());

    let base = &server.base;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", PASSWORD).await;
    phone.go(&format!("{base}/me/waitlist/{entry}")).await;
    assert_eq!(phone.text("#status").await, "候补成功");
    assert_eq!(phone.attr("#status", "class").await, "status booked");
    phone.assert_fits_width().await;
    phone.shot("waitlist-01-placed-375").await;
    phone.click("#open-appointment").await;
    assert!(phone.path().await.starts_with("/appointments/"));
    assert_ne!(phone.path().await, format!("/appointments/{entry}"));
    assert!(phone.text("#status").await.contains("预约成功"));
    phone.shot("waitlist-02-its-appointment-375").await;
    phone.go(&format!("{base}/me")).await;
    let row = phone.text("#waitlist").await;
    assert!(row.contains("候补成功"), "{row}");
    phone.close().await;
}
