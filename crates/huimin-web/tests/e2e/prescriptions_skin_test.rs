//! The pharmacy counter and a drug that needs a skin test (amoxicillin), at 1280 px: the
//! paid prescription is not dispensed before a result, the refusal shows on it; a negative
//! result recorded on the counter lets it go, its lot named; the counter reads in English.

use serde_json::json;

use crate::harness::{DOCTOR, Driver, Server};
use crate::prescriptions_journey::{PHARMACIST, drug_code, in_a_year};
use crate::results_journey::checked_in;

const REGISTRAR: (&str, &str) = ("desk-sun", "Registrar2026pass");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amoxicillin_waits_for_a_negative_skin_test_recorded_at_the_counter() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(PHARMACIST.0, "pharmacist", PHARMACIST.1).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let (_token, _patient, appointment, encounter) = checked_in(&server, &department).await;
    let pharmacist = server.token(PHARMACIST.0, PHARMACIST.1).await;
    let amoxicillin = drug_code(&server, &pharmacist, "阿莫西林胶囊").await;
    let lot =
        json!({"drug": amoxicillin, "lot_number": "A2026C", "expiry": in_a_year(), "quantity": 5});
    server.post(&pharmacist, "/api/pharmacy/stock", &lot).await;

    // Written, approved and paid through the API: the page under test is the counter.
    let doctor = server.token(DOCTOR.0, DOCTOR.1).await;
    let body = json!({"lines": [{"drug": amoxicillin, "dose": "0.5", "dose_unit": "g",
        "frequency": "TID", "days": 3}]});
    let signed = server
        .post(
            &doctor,
            &format!("/api/visits/{encounter}/prescriptions"),
            &body,
        )
        .await;
    let id = signed["id"].as_str().unwrap().to_owned();
    let review = json!({"version": signed["version"], "decision": "approve"});
    server
        .post(
            &pharmacist,
            &format!("/api/prescriptions/{id}/review"),
            &review,
        )
        .await;
    let registrar = server.token(REGISTRAR.0, REGISTRAR.1).await;
    server
        .post(
            &registrar,
            &format!("/api/appointments/{appointment}/payment"),
            &json!({"method": "cash"}),
        )
        .await;

    let driver = Driver::start();
    let counter = driver.browser(1280, 900).await;
    counter
        .sign_in(&server.base, PHARMACIST.0, PHARMACIST.1)
        .await;
    counter.click("#nav-dispensing").await;
    let card = format!("#rx-{id}");
    assert!(counter.text(&card).await.contains("需皮试"));
    counter.click(&format!("{card} button.dispense")).await;
    let refused = counter.text(&format!("#problem-{id}")).await;
    assert!(refused.contains("阴性结果记录后方可发药"), "{refused}");
    counter.assert_fits_width().await;
    counter.shot("rx-skin-test-refused-1280").await;
    counter
        .choose(&format!("{card} form.skin-test select"), "negative")
        .await;
    counter
        .click(&format!("{card} button.record-skin-test"))
        .await;
    assert!(counter.text("#notice").await.contains("阴性"));
    counter.click(&format!("{card} button.dispense")).await;
    assert!(counter.text("#notice").await.contains("已发药"));
    assert!(counter.text("#to-hand-over").await.contains("A2026C"));
    counter.shot("rx-skin-test-dispensed-1280").await;
    // The counter in English.
    counter.click("#switch-lang").await;
    let ready = counter.text("#to-hand-over-title").await;
    assert_eq!(ready, "Ready, waiting for the patient");
    assert!(counter.text(&card).await.contains("Lots dispensed"));
    counter.assert_fits_width().await;
    counter.shot("rx-dispensing-en-1280").await;
    counter.close().await;
}
