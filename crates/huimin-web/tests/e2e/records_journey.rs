//! The clinical record from both sides: a patient checks in; the doctor (1280 px) calls them,
//! opens the visit straight from the line, writes the note from the department's template with
//! an allergy and a diagnosis found by its pinyin initials (`gxy`), fills the template's
//! blanks, and signs it with the password; the patient (375 px) reads the
//! signed visit on the phone and downloads it as a PDF.

use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Browser, DOCTOR, Driver, Server};

const PATIENT_PASSWORD: &str = "Patient2026pass";

async fn check_in(server: &Server, token: &str, id: &str) {
    let done = server
        .http
        .patch(format!("{}/fhir/Appointment/{id}", server.base))
        .bearer_auth(token)
        .header("content-type", "application/json-patch+json")
        .body(json!([{"op": "replace", "path": "/status", "value": "checked-in"}]).to_string())
        .send()
        .await
        .unwrap();
    assert!(done.status().is_success(), "{}", done.text().await.unwrap());
}

async fn first_slot(server: &Server, token: &str, department: &str) -> String {
    let found = server
        .get(
            token,
            &format!("/fhir/Appointment/$find?department={department}&_count=10"),
        )
        .await;
    found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn doctor_writes_and_signs(doctor: &Browser, base: &str) {
    doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    doctor.go(&format!("{base}/staff")).await;
    doctor.click("a[href^='/staff/sessions/']").await;
    doctor.click("#call-next").await;
    doctor.click("#open-visit").await;
    assert!(doctor.path().await.starts_with("/staff/visits/"));
    assert_eq!(
        doctor.text("#record-patient").await.split(' ').next(),
        Some("王小明")
    );
    doctor.shot("record-visit-empty-1280").await;

    // The department's template (心血管内科) fills the sections.
    doctor.choose("#template", "03.04").await;
    doctor.click("#use-template").await;
    let chief = doctor.value("#chief_complaint").await;
    assert!(chief.contains("血压"), "{chief}");

    doctor.fill("#substance", "青霉素").await;
    doctor.fill("#reaction", "皮疹").await;
    doctor.choose("#severity", "moderate").await;
    doctor.click("#add-allergy").await;
    assert!(doctor.text("#allergy-list").await.contains("青霉素"));

    // The template again (the allergy form reloaded the page), then the diagnosis found by
    // its pinyin initials as the doctor types them, and picked.
    doctor.choose("#template", "03.04").await;
    doctor.click("#use-template").await;
    doctor.fill("#dx-q", "gxy").await;
    let picked = "#dx-option-list button[data-code='I10.x00']";
    doctor.wait_visible(picked).await;
    doctor.shot("record-dx-finder-1280").await;
    doctor.tap(picked).await;
    assert_eq!(doctor.value("#dx-code-1").await, "I10.x00");
    assert_eq!(doctor.value("#dx-name-1").await, "高血压");
    doctor.click("#save").await;
    assert!(doctor.text("#notice").await.contains("草稿已保存"));
    assert_eq!(doctor.value("#dx-code-1").await, "I10.x00");

    // The template's blanks (＿＿) must be filled before the note is signed.
    doctor.fill("#password", DOCTOR.1).await;
    doctor.click("#sign").await;
    let problem = doctor.text("#problem").await;
    assert!(problem.contains("空白"), "{problem}");
    for section in [
        "chief_complaint",
        "present_illness",
        "past_history",
        "physical_exam",
        "auxiliary",
        "plan",
    ] {
        let css = format!("#{section}");
        let text = doctor.value(&css).await;
        if text.contains('＿') {
            doctor.fill(&css, &text.replace("＿＿", "2")).await;
        }
    }

    // A wrong password signs nothing and says so.
    doctor.fill("#password", "not-the-password").await;
    doctor.click("#sign").await;
    assert!(doctor.text("#problem").await.contains("密码"));
    assert_eq!(
        doctor.value("#dx-code-1").await,
        "I10.x00",
        "what was typed stays"
    );
    assert_eq!(
        doctor.value("#chief_complaint").await,
        "发现血压升高2年，头晕2天"
    );
    doctor.fill("#password", DOCTOR.1).await;
    doctor.click("#sign").await;
    assert!(doctor.text("#notice").await.contains("已签名"));
    let note = doctor.text("#signed-note").await;
    assert!(note.contains("I10") && note.contains("血压"), "{note}");
    doctor.assert_fits_width().await;
    doctor.shot("record-visit-signed-1280").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visit_is_written_signed_by_the_doctor_and_read_by_the_patient() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    let (token, patient) = server
        .register(
            ("13911110001", PATIENT_PASSWORD),
            "王小明",
            "110101199003071137",
        )
        .await;
    let slot = first_slot(&server, &token, &department).await;
    let params = json!({"resourceType": "Parameters", "parameter": [
        {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
        {"name": "patient", "valueReference": {"reference": format!("Patient/{patient}")}}]});
    let booked = server
        .post(&token, "/fhir/Appointment/$book", &params)
        .await;
    let appointment = booked["id"].as_str().expect("booked").to_owned();
    let doctor_token = server.token(DOCTOR.0, DOCTOR.1).await;
    check_in(&server, &doctor_token, &appointment).await;

    let base = &server.base;
    let driver = Driver::start();
    let doctor = driver.browser(1280, 900).await;
    doctor_writes_and_signs(&doctor, base).await;
    doctor.close().await;

    let phone = driver.browser(375, 800).await;
    phone.sign_in(base, "13911110001", PATIENT_PASSWORD).await;
    phone.go(&format!("{base}/me/records")).await;
    let list = phone.text("#record-visits").await;
    assert!(list.contains("高血压"), "{list}");
    phone.assert_fits_width().await;
    phone.shot("record-list-375").await;
    phone.click("#record-visits a").await;
    let page = phone.text("main").await;
    assert!(page.contains("青霉素"), "{page}");
    assert!(page.contains("I10"), "{page}");
    assert!(page.contains("主诉"), "{page}");
    phone.assert_fits_width().await;
    phone.shot("record-visit-375").await;

    // The signed note downloads as a PDF, with the page's own sign-in.
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    server
        .post(&admin, "/fhir/Organization", &json!({"resourceType": "Organization",
            "name": "惠民市第一人民医院", "alias": ["Huimin First People's Hospital"],
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov"}]}]}))
        .await;
    let link = phone.text("#download-pdf").await;
    assert!(link.contains("下载病历 PDF"), "{link}");
    let href = phone.attr("#download-pdf", "href").await;
    let cookie = phone
        .client
        .get_named_cookie("huimin_token")
        .await
        .unwrap()
        .value()
        .to_owned();
    let url = if href.starts_with("http") {
        href
    } else {
        format!("{base}{href}")
    };
    let response = server
        .http
        .get(url)
        .header("cookie", format!("huimin_token={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"visit-"),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    phone.close().await;
}
