//! Results from order to reading, at 1280 px and 375 px: the doctor orders a blood count on a
//! checked-in visit; the desk takes the payment; the technician marks the specimen collected,
//! types a negative count (refused next to its field, nothing saved, the typed values kept),
//! then a platelet count of 15 ×10⁹/L and makes the report final; the worklist names the
//! critical value sent to the doctor; the doctor sees it on the workbench, acknowledges it and
//! marks the report reviewed; the patient is told, follows the message and reads the report
//! with 偏高/偏低.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Browser, DOCTOR, Driver, Server};

pub(crate) const PATIENT: (&str, &str) = ("13911110031", "Patient2026pass");
const TECHNICIAN: (&str, &str) = ("tech-wang", "Technician2026pass");
const REGISTRAR: (&str, &str) = ("desk-zhao", "Registrar2026pass");

/// A booked and checked-in visit of 王小明 (male, born 1990): the patient's token and id,
/// the appointment and the visit.
pub(crate) async fn checked_in(
    server: &Server,
    department: &str,
) -> (String, String, String, String) {
    let (token, patient) = server
        .register(PATIENT, "王小明", "110101199003071137")
        .await;
    let found = server
        .get(
            &token,
            &format!("/fhir/Appointment/$find?department={department}&_count=10"),
        )
        .await;
    let slot = found["entry"][0]["resource"]["id"].as_str().unwrap();
    let params = json!({"resourceType": "Parameters", "parameter": [
        {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
        {"name": "patient", "valueReference": {"reference": format!("Patient/{patient}")}}]});
    let booked = server
        .post(&token, "/fhir/Appointment/$book", &params)
        .await;
    let appointment = booked["id"].as_str().expect("booked").to_owned();
    let doctor = server.token(DOCTOR.0, DOCTOR.1).await;
    let done = server
        .http
        .patch(format!("{}/fhir/Appointment/{appointment}", server.base))
        .bearer_auth(&doctor)
        .header("content-type", "application/json-patch+json")
        .body(json!([{"op": "replace", "path": "/status", "value": "checked-in"}]).to_string())
        .send()
        .await
        .unwrap();
    assert!(done.status().is_success(), "{}", done.text().await.unwrap());
    let encounter = server
        .get(
            &token,
            &format!("/fhir/Encounter?appointment={appointment}"),
        )
        .await["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (token, patient, appointment, encounter)
}

/// The doctor finds the blood count by its pinyin initials and orders it.
async fn doctor_orders_a_blood_count(doctor: &Browser, base: &str, encounter: &str) {
    doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    doctor.go(&format!("{base}/staff/visits/{encounter}")).await;
    doctor.fill("#orderable-q", "xcg").await;
    doctor.click("#orderable-search button").await;
    doctor.tap("#order-form input[value='LAB-CBC']").await;
    doctor.click("#place-orders").await;
    let orders = doctor.text("#order-list").await;
    assert!(orders.contains("血常规"), "{orders}");
    doctor.shot("results-ordered-1280").await;
}

/// The technician's entry: a negative count is refused beside its field and nothing is saved.
async fn a_negative_count_is_refused(tech: &Browser, server: &Server, order: &str) {
    tech.fill("#value-WBC", "11.2").await;
    tech.fill("#value-RBC", "4.0").await;
    tech.fill("#value-HGB", "150").await;
    tech.fill("#value-PLT", "-15").await;
    tech.click("#save-draft").await;
    let problem = tech.text("#error-PLT").await;
    assert!(problem.contains("血小板计数"), "{problem}");
    assert!(problem.contains("超出可测范围"), "{problem}");
    assert_eq!(tech.attr("#value-PLT", "aria-invalid").await, "true");
    assert_eq!(
        tech.value("#value-WBC").await,
        "11.2",
        "what was typed stays"
    );
    assert_eq!(tech.value("#value-PLT").await, "-15");
    assert_eq!(tech.text("#error-WBC").await, "");
    tech.assert_fits_width().await;
    tech.shot("results-entry-refused-375").await;
    let token = server.token(TECHNICIAN.0, TECHNICIAN.1).await;
    let form = server.get(&token, &format!("/api/results/{order}")).await;
    assert_eq!(form["report"], Value::Null, "nothing saved: {form}");
}

async fn wait_for_link(b: &Browser, page: &str, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        b.go(page).await;
        if b.client.find(fantoccini::Locator::Css(css)).await.is_ok() {
            return;
        }
        assert!(Instant::now() < deadline, "{css} never appeared on {page}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blood_count_goes_from_order_to_a_critical_value_and_the_patients_phone() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(TECHNICIAN.0, "technician", TECHNICIAN.1).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let (_token, patient, _appointment, encounter) = checked_in(&server, &department).await;
    let base = &server.base;
    let driver = Driver::start();

    // The doctor orders a blood count (1280 px).
    let doctor = driver.browser(1280, 900).await;
    doctor_orders_a_blood_count(&doctor, base, &encounter).await;

    // The desk takes the payment of the visit's bill, the blood count on it.
    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    desk.go(&format!("{base}/desk/patients/{patient}")).await;
    let items = desk.text(".bill-items").await;
    assert!(items.contains("血常规"), "{items}");
    desk.choose("form.pay select", "cash").await;
    desk.click("form.pay button").await;
    assert!(desk.text("#notice").await.contains("已收费"));
    desk.shot("results-desk-paid-1280").await;
    desk.close().await;

    // The technician collects the specimen from the worklist and opens the entry page.
    let lab = driver.browser(1280, 900).await;
    lab.sign_in(base, TECHNICIAN.0, TECHNICIAN.1).await;
    lab.go(&format!("{base}/staff/lab")).await;
    assert!(lab.text("#worklist").await.contains("王小明"));
    lab.click(".step-collected").await;
    let link = lab.attr(".enter-results", "href").await;
    let order = link.rsplit('/').next().unwrap().to_owned();
    lab.shot("results-worklist-1280").await;

    // On a phone-sized screen the entry refuses a negative count next to its field.
    let phone_lab = driver.browser(375, 800).await;
    phone_lab.sign_in(base, TECHNICIAN.0, TECHNICIAN.1).await;
    phone_lab.go(&format!("{base}/staff/results/{order}")).await;
    assert_eq!(phone_lab.text("#entry-patient").await, "王小明");
    a_negative_count_is_refused(&phone_lab, &server, &order).await;
    phone_lab.close().await;

    // At the desk PC: a draft first, then the report made final with a critical platelet count.
    lab.click(".enter-results").await;
    assert!(lab.text("#final-warning").await.contains("不能再修改"));
    assert_eq!(
        lab.value("#unit-PLT").await,
        "10*9/L",
        "the item's own unit is preselected"
    );
    lab.fill("#value-WBC", "11.2").await;
    lab.fill("#value-RBC", "4.0").await;
    lab.click("#save-draft").await;
    assert!(lab.text("#notice").await.contains("草稿已保存"));
    assert_eq!(lab.value("#value-WBC").await, "11.2");
    lab.fill("#value-HGB", "150").await;
    lab.fill("#value-PLT", "15").await;
    lab.shot("results-entry-1280").await;
    lab.click("#make-final").await;
    assert_eq!(lab.path().await, "/staff/lab");
    let notice = lab.text("#notice").await;
    assert!(notice.contains("血常规 · 王小明"), "{notice}");
    assert!(notice.contains("危急值已通知开单医生"), "{notice}");
    assert!(notice.contains("血小板计数 15 ×10⁹/L"), "{notice}");
    lab.assert_fits_width().await;
    lab.shot("results-final-notice-1280").await;
    lab.close().await;

    // The doctor's workbench shows the critical value; acknowledged, it moves to the list
    // of recent ones with its delay.
    doctor.go(&format!("{base}/staff")).await;
    let alert = doctor.text("#critical").await;
    for expected in ["王小明", "血小板计数", "15 ×10⁹/L", "过低"] {
        assert!(alert.contains(expected), "{expected} missing from {alert}");
    }
    doctor.assert_fits_width().await;
    doctor.shot("results-critical-1280").await;
    let phone_doctor = driver.browser(375, 800).await;
    phone_doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    phone_doctor.go(&format!("{base}/staff")).await;
    assert!(phone_doctor.text("#critical").await.contains("王小明"));
    phone_doctor.assert_fits_width().await;
    phone_doctor.shot("results-critical-375").await;
    phone_doctor.close().await;
    doctor.click("#critical-open .acknowledge").await;
    assert!(doctor.text("#notice").await.contains("危急值已确认"));
    assert!(
        doctor
            .client
            .find(fantoccini::Locator::Css("#critical"))
            .await
            .is_err(),
        "no open critical value left"
    );
    let done = doctor.text("#critical-done").await;
    assert!(done.contains("确认用时"), "{done}");
    wait_for_link(
        &doctor,
        &format!("{base}/staff"),
        "#inbox-list a[href^='/staff/results/reports/']",
    )
    .await;
    let inbox = doctor.text("#inbox-list").await;
    assert!(inbox.contains("血小板计数 15 ×10⁹/L"), "{inbox}");
    doctor.shot("results-acknowledged-1280").await;

    // From the visit: the report, then marked reviewed.
    doctor.go(&format!("{base}/staff/visits/{encounter}")).await;
    doctor.click(".open-report").await;
    let rows = doctor.text("#result-rows").await;
    assert!(rows.contains("偏低"), "{rows}");
    doctor.click("#back").await;
    doctor.click(".review-order").await;
    assert!(doctor.text("#order-list").await.contains("医生已查看报告"));
    doctor.close().await;

    // The patient is told, follows the message and reads the report on the phone.
    let phone = driver.browser(375, 800).await;
    phone.sign_in(base, PATIENT.0, PATIENT.1).await;
    let link = ".message a[href^='/me/records/results/']";
    wait_for_link(&phone, &format!("{base}/messages"), link).await;
    assert!(phone.text(".message-text").await.contains("血常规"));
    phone.shot("results-message-375").await;
    phone.click(link).await;
    assert_eq!(phone.text("#report-title").await, "血常规");
    let rows = phone.text("#result-rows").await;
    for expected in [
        "白细胞计数",
        "11.2",
        "偏高",
        "3.5–9.5",
        "红细胞计数",
        "偏低",
        "危急值",
    ] {
        assert!(rows.contains(expected), "{expected} missing from {rows}");
    }
    assert!(phone.text("#report-section").await.contains("检验科"));
    phone.assert_fits_width().await;
    phone.shot("results-report-375").await;
    phone.click("#back").await;
    assert!(phone.text("#report-list").await.contains("血常规"));
    phone.shot("results-list-375").await;
    phone.go(&format!("{base}/me/records")).await;
    phone.click("#my-results").await;
    assert_eq!(phone.path().await, "/me/records/results");

    // In English, at 1280 px.
    let wide = driver.browser(1280, 900).await;
    wide.sign_in(base, PATIENT.0, PATIENT.1).await;
    wide.go(&format!("{base}/me/records/results")).await;
    wide.click("#switch-lang").await;
    wide.click("#report-list a").await;
    let rows = wide.text("#result-rows").await;
    assert!(
        rows.contains("High") && rows.contains("Low (critical)"),
        "{rows}"
    );
    wide.assert_fits_width().await;
    wide.shot("results-report-1280").await;
    wide.close().await;
    phone.close().await;
}

/// A patient with no reports sees the empty state; a report that is not theirs is not found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reports_is_said_plainly() {
    let server = Server::start().await;
    server
        .register(PATIENT, "王小明", "110101199003071137")
        .await;
    let driver = Driver::start();
    let phone = driver.browser(375, 800).await;
    phone.sign_in(&server.base, PATIENT.0, PATIENT.1).await;
    phone
        .go(&format!("{}/me/records/results", server.base))
        .await;
    assert!(phone.text("#no-reports").await.contains("还没有"));
    phone.shot("results-empty-375").await;
    phone
        .go(&format!(
            "{}/me/records/results/0190a4c2-0000-7000-8000-000000000000",
            server.base
        ))
        .await;
    assert!(phone.text("p.lead").await.contains("未找到"));
    assert!(
        phone
            .client
            .find(fantoccini::Locator::Css("#result-rows"))
            .await
            .is_err()
    );
    phone.close().await;
}
