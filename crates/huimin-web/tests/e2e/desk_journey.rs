//! Staff at work: a registrar registers and books a walk-in and takes the fee; a nurse scans
//! the booking's code to check the patient in and gives them priority at the triage desk; the
//! doctor adds an extra place (加号) for a patient in front of them.

use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, DOCTOR, Driver, Server};

const REGISTRAR: (&str, &str) = ("desk-wang", "Registrar2026pass");
const NURSE: (&str, &str) = ("nurse-zhao", "Nurse2026pass");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registrar_books_a_walk_in_and_a_nurse_checks_them_in() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    server.staff(NURSE.0, "nurse", NURSE.1).await;
    let base = &server.base;
    let driver = Driver::start();

    // The registrar's window, on a desktop.
    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    assert_eq!(
        desk.path().await,
        "/desk",
        "registrars land on their window"
    );
    desk.fill("#q", "周建国").await;
    desk.click("#find-button").await;
    assert!(desk.text("#no-match").await.contains("没有找到"));

    // A walk-in: a wrong ID number is refused next to the field, the rest kept.
    desk.fill("#name", "周建国").await;
    desk.fill("#document_number", "110101195001011238").await;
    desk.fill("#phone", "13922220001").await;
    desk.click("#register").await;
    let error = desk.text("#document_number-error").await;
    assert!(error.contains("逐位核对"), "{error}");
    assert!(
        !error.contains('9'),
        "the right check digit is never suggested: {error}"
    );
    assert_eq!(desk.value("#name").await, "周建国", "what was typed stays");
    assert_eq!(desk.value("#phone").await, "13922220001");
    desk.assert_fits_width().await;
    desk.shot("20-desk-walk-in-errors-1280").await;
    desk.fill("#document_number", "110101195001011239").await;
    desk.click("#register").await;
    assert!(desk.text("#notice").await.contains("已建档"));
    assert!(desk.text("#patient-name").await.contains("周建国"));
    assert!(
        desk.text("main").await.contains("男 1950-01-01"),
        "from the ID number"
    );

    // Book today's session (its slot is open to the desk), then take the fee in cash.
    desk.choose("#department", &department).await;
    desk.click("#show-slots").await;
    assert!(desk.text("main").await.contains("李振邦"));
    desk.shot("21-desk-slots-1280").await;
    desk.click("button.slot-button").await;
    assert!(desk.text("#notice").await.contains("已挂号"));
    assert_eq!(desk.text(".visit-number").await, "1");
    assert!(desk.text(".payment").await.contains("未缴费 ¥30.00"));
    let appointment = desk
        .attr("form.pay", "action")
        .await
        .trim_start_matches("/desk/appointments/")
        .trim_end_matches("/pay")
        .to_owned();
    desk.choose("form.pay select", "cash").await;
    desk.click("form.pay button").await;
    assert!(desk.text("#notice").await.contains("已收费"));
    assert!(desk.text(".payment").await.contains("已缴费"));
    desk.assert_fits_width().await;
    desk.shot("22-desk-booked-and-paid-1280").await;

    // Found again by ID number, phone or name.
    for query in ["110101195001011239", "139 2222 0001", "周建国"] {
        desk.go(&format!("{base}/desk")).await;
        desk.fill("#q", query).await;
        desk.click("#find-button").await;
        assert!(desk.text("#matches").await.contains("周建国"), "{query}");
    }
    desk.close().await;

    // The same window on a phone-sized screen still fits.
    let small = driver.browser(375, 812).await;
    small.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    small.fill("#q", "周建国").await;
    small.click("#find-button").await;
    small.click("#matches a").await;
    small.assert_fits_width().await;
    small.shot("23-desk-patient-375").await;
    small.close().await;

    // The nurse scans the booking's QR code (a scanner types it) and the patient is in line.
    let nurse = driver.browser(1280, 900).await;
    nurse.sign_in(base, NURSE.0, NURSE.1).await;
    assert_eq!(
        nurse.path().await,
        "/triage",
        "nurses land on the triage desk"
    );
    nurse.click("#to-scanner").await;
    nurse.fill("#code", "not a booking").await;
    nurse.click("#scan").await;
    assert!(nurse.text("#problem").await.contains("无法识别"));
    nurse
        .fill("#code", &format!("huimin:Appointment/{appointment}"))
        .await;
    nurse.click("#scan").await;
    let arrival = nurse.text("#arrival").await;
    assert!(
        arrival.contains("周建国") && arrival.contains("已签到") && arrival.contains("3 诊室"),
        "{arrival}"
    );
    nurse.shot("24-checkin-scanned-1280").await;

    // Triage: the patient (born 1950) waits, called ahead as elderly from check-in; the
    // nurse can change the reason.
    nurse.go(&format!("{base}/triage/{department}")).await;
    assert!(nurse.text(".waiting-list").await.contains("周建国"));
    assert!(nurse.text(".waiting-list .tag").await.contains("老年人"));
    nurse.click("button.priority").await;
    let tags = nurse
        .client
        .find_all(fantoccini::Locator::Css(".waiting-list .tag"))
        .await
        .unwrap();
    assert!(tags.is_empty(), "priority removed");
    nurse
        .choose(".waiting-list select[name=group]", "disabled")
        .await;
    nurse.click("button.priority").await;
    assert!(nurse.text(".waiting-list .tag").await.contains("残疾人"));
    nurse.assert_fits_width().await;
    nurse.shot("25-triage-1280").await;
    nurse.close().await;

    // The doctor adds an extra place for a patient in front of them.
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    server
        .post(&admin, "/fhir/Patient", &json!({"resourceType": "Patient",
            "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": "11010519491231002X"}],
            "name": [{"text": "孙丽", "family": "孙", "given": ["丽"]}]}))
        .await;
    let doctor = driver.browser(1280, 900).await;
    doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    doctor.click("a.session-link").await;
    doctor.fill("#find", "孙丽").await;
    doctor.click("#extra-find").await;
    doctor.click("button.add-extra").await;
    assert!(doctor.text("#added").await.contains("已加号"));
    doctor.shot("26-workbench-extra-1280").await;
    doctor.close().await;

    // The triage desk now expects her too.
    let check = driver.browser(375, 812).await;
    check.sign_in(base, NURSE.0, NURSE.1).await;
    check.go(&format!("{base}/triage/{department}")).await;
    assert!(check.text(".expected-list").await.contains("孙丽"));
    check.assert_fits_width().await;
    check.shot("27-triage-375").await;
    // The rest of the staff pages fit a phone too: the scanner, the line, the call screen.
    let session = check
        .attr("section.triage", "id")
        .await
        .trim_start_matches("session-")
        .to_owned();
    for path in [
        "/checkin".to_owned(),
        format!("/staff/sessions/{session}"),
        format!("/screen/{department}"),
        "/triage".to_owned(),
    ] {
        check.go(&format!("{base}{path}")).await;
        check.assert_fits_width().await;
    }
    check.shot("28-screen-375").await;
    check.close().await;
}
