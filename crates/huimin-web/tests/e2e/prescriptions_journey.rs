//! A prescription from the visit to the patient's phone, at 1280 px and 375 px: the
//! pharmacist receives warfarin on the stock page (a zero quantity refused beside its field);
//! the doctor finds warfarin and aspirin by pinyin during a visit, a missing number of days
//! is refused beside its field with the rest kept, the check warns of the interaction, and
//! signing needs a reason; the pharmacist sees the reason highlighted and returns the
//! prescription; the doctor amends and signs again; the pharmacist approves; the desk takes
//! the payment; the pharmacy dispenses (lot named) and hands over; the patient's phone shows
//! 已取药 with the instructions in plain words, in Chinese and in English.

use serde_json::json;

use crate::harness::{Browser, DOCTOR, Driver, Server};
use crate::results_journey::{PATIENT, checked_in};

pub(crate) const PHARMACIST: (&str, &str) = ("pharmacist", "Pharmacist2026pass");
const REGISTRAR: (&str, &str) = ("desk-qian", "Registrar2026pass");
const REASON: &str = "冠脉支架术后3个月，心内科会诊同意联用，监测INR";
const INSTRUCTION: &str = "口服，每日一次，每次1片（2.5mg）";

/// The code of the drug named exactly `name`.
pub(crate) async fn drug_code(server: &Server, token: &str, name: &str) -> String {
    let q: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
    let found = server.get(token, &format!("/api/drugs?q={q}")).await;
    found["drugs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"]["zh"] == name)
        .and_then(|d| d["code"].as_str())
        .unwrap_or_else(|| panic!("{name} is in the formulary: {found}"))
        .to_owned()
}

pub(crate) fn in_a_year() -> String {
    jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().years(1))
        .unwrap()
        .to_string()
}

/// The pharmacist receives 20 bottles of warfarin on the stock page.
async fn pharmacist_receives_warfarin(pharmacy: &Browser, base: &str, warfarin: &str) {
    pharmacy.sign_in(base, PHARMACIST.0, PHARMACIST.1).await;
    assert_eq!(
        pharmacy.path().await,
        "/staff/pharmacy/reviews",
        "a pharmacist lands on the queue"
    );
    assert!(pharmacy.text("#no-reviews").await.contains("没有待审核"));
    pharmacy.click("#nav-stock").await;
    assert!(pharmacy.text("#no-lots").await.contains("还没有库存"));
    pharmacy.fill("#stock-q", "hfl").await;
    pharmacy.click("#stock-search button").await;
    pharmacy.tap(&format!("#pick-{warfarin}")).await;
    pharmacy.fill("#lot-number", "W2026A").await;
    let set = "document.getElementById('expiry').value = arguments[0];";
    pharmacy
        .client
        .execute(set, vec![json!(in_a_year())])
        .await
        .unwrap();
    pharmacy.fill("#packages", "0").await;
    pharmacy.click("#receive-lot").await;
    assert!(pharmacy.text("#quantity-error").await.contains("数量"));
    assert_eq!(
        pharmacy.value("#lot-number").await,
        "W2026A",
        "what was typed stays"
    );
    assert_eq!(pharmacy.attr("#packages", "aria-invalid").await, "true");
    pharmacy.fill("#packages", "20").await;
    pharmacy.click("#receive-lot").await;
    assert!(pharmacy.text("#notice").await.contains("已入库"));
    let lots = pharmacy.text("#lots").await;
    assert!(
        lots.contains("华法林片") && lots.contains("W2026A"),
        "{lots}"
    );
    pharmacy.assert_fits_width().await;
    pharmacy.shot("rx-stock-1280").await;
}

/// The doctor writes warfarin and aspirin; a missing number of days is refused beside its
/// field; the check warns of the interaction; signing needs a reason.
async fn doctor_prescribes(doctor: &Browser, base: &str, encounter: &str, codes: (&str, &str)) {
    doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    doctor.go(&format!("{base}/staff/visits/{encounter}")).await;
    assert!(doctor.text("#no-rx").await.contains("尚未开处方"));
    for (q, code) in [("hfl", codes.0), ("aspl", codes.1)] {
        doctor.fill("#drug-q", q).await;
        doctor.click("#find-drug").await;
        doctor
            .click(&format!("button.add-drug[value='{code}']"))
            .await;
    }
    assert!(doctor.text("#line-0 legend").await.contains("华法林片"));
    assert!(
        doctor
            .text("#line-1 legend")
            .await
            .contains("阿司匹林肠溶片")
    );
    assert_eq!(
        doctor.value("#l0-dose").await,
        "2.5",
        "the strength is the dose to start from"
    );
    doctor.choose("#l0-frequency", "QD").await;
    doctor.fill("#l0-days", "7").await;
    doctor.choose("#l1-frequency", "QD").await;
    doctor.click("#check-rx").await;
    assert!(doctor.text("#l1-days-error").await.contains("天数"));
    assert_eq!(doctor.attr("#l1-days", "aria-invalid").await, "true");
    assert_eq!(doctor.value("#l0-days").await, "7", "what was typed stays");
    crate::cashier_journey::shot_at(doctor, "#line-1", "rx-days-refused-1280").await;
    doctor.fill("#l1-days", "7").await;
    doctor.click("#check-rx").await;
    let warning = doctor.text(".finding.warn").await;
    assert!(warning.contains("出血"), "{warning}");
    assert!(doctor.text("#l0-computed").await.contains(INSTRUCTION));
    doctor.click("#sign-rx").await;
    assert!(doctor.text("#rx-problems").await.contains("未提交"));
    assert!(
        doctor
            .text("#reason-interaction_0-error")
            .await
            .contains("理由")
    );
    doctor.fill("#reason-interaction_0", REASON).await;
    doctor.assert_fits_width().await;
    crate::cashier_journey::shot_at(doctor, "#rx-findings", "rx-warning-1280").await;
    doctor.click("#sign-rx").await;
    assert!(doctor.text("#rx-notice").await.contains("已提交药师审核"));
    assert!(doctor.text("#rx-list").await.contains("待药师审核"));
}

/// The id of the first prescription in a list of `article.rx` or `li.rx`.
async fn first_rx(b: &Browser, css: &str) -> String {
    let id = b.attr(css, "id").await;
    id.trim_start_matches("rx-").to_owned()
}

/// The pharmacist sees the doctor's reason and returns the prescription (an empty
/// explanation refused first).
async fn pharmacist_returns(pharmacy: &Browser, base: &str) -> String {
    pharmacy.go(&format!("{base}/staff/pharmacy/reviews")).await;
    let queue = pharmacy.text("#review-queue").await;
    for expected in ["王小明", "华法林片", "阿司匹林肠溶片", "出血", REASON] {
        assert!(queue.contains(expected), "{expected} missing from {queue}");
    }
    assert!(
        pharmacy
            .text(".rx.review.overridden .override")
            .await
            .contains(REASON)
    );
    let id = first_rx(pharmacy, "article.rx.review").await;
    pharmacy.assert_fits_width().await;
    pharmacy.shot("rx-review-1280").await;
    pharmacy.choose(&format!("#code-{id}"), "interaction").await;
    pharmacy.click(&format!("#rx-{id} button.return")).await;
    assert!(
        pharmacy
            .text(&format!("#text-{id}-error"))
            .await
            .contains("退回理由")
    );
    pharmacy
        .fill(
            &format!("#text-{id}"),
            "联用出血风险高，请将疗程缩短至3天并复查INR",
        )
        .await;
    pharmacy.click(&format!("#rx-{id} button.return")).await;
    assert!(pharmacy.text("#notice").await.contains("已退回医生"));
    id
}

/// The doctor reads the return, amends the days and signs again with the reason kept.
async fn doctor_amends(doctor: &Browser, base: &str, encounter: &str, id: &str) {
    doctor.go(&format!("{base}/staff/visits/{encounter}")).await;
    let returned = doctor.text(&format!("#returned-{id}")).await;
    assert!(returned.contains("缩短至3天"), "{returned}");
    doctor.click(&format!("#rx-{id} .amend-rx")).await;
    assert!(doctor.text("#rx-form-title").await.contains("修改"));
    assert_eq!(doctor.value("#l0-days").await, "7");
    doctor.fill("#l0-days", "3").await;
    doctor.fill("#l1-days", "3").await;
    doctor.click("#check-rx").await;
    assert_eq!(
        doctor.value("#reason-interaction_0").await,
        REASON,
        "the reason is kept"
    );
    doctor.shot("rx-amend-1280").await;
    doctor.click("#sign-rx").await;
    assert!(doctor.text("#rx-notice").await.contains("已提交药师审核"));
}

async fn phone_status(phone: &Browser, base: &str, id: &str) -> String {
    phone.go(&format!("{base}/me/prescriptions/{id}")).await;
    phone.text("#rx-status").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prescription_goes_from_the_visit_through_the_pharmacy_to_the_patients_phone() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(PHARMACIST.0, "pharmacist", PHARMACIST.1).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let (_token, patient, _appointment, encounter) = checked_in(&server, &department).await;
    let base = &server.base;
    let pharmacist = server.token(PHARMACIST.0, PHARMACIST.1).await;
    let warfarin = drug_code(&server, &pharmacist, "华法林片").await;
    let aspirin = drug_code(&server, &pharmacist, "阿司匹林肠溶片").await;
    let driver = Driver::start();

    // Stock first: warfarin on the stock page, aspirin through the API.
    let pharmacy = driver.browser(1280, 900).await;
    pharmacist_receives_warfarin(&pharmacy, base, &warfarin).await;
    let lot =
        json!({"drug": aspirin, "lot_number": "S2026B", "expiry": in_a_year(), "quantity": 10});
    server.post(&pharmacist, "/api/pharmacy/stock", &lot).await;

    let doctor = driver.browser(1280, 900).await;
    doctor_prescribes(&doctor, base, &encounter, (&warfarin, &aspirin)).await;
    let id = pharmacist_returns(&pharmacy, base).await;

    // The queue on a phone-sized screen is empty now; the doctor's part fits a phone too.
    let small = driver.browser(375, 800).await;
    small.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    small
        .go(&format!("{base}/staff/visits/{encounter}#prescriptions"))
        .await;
    assert!(
        small
            .text(&format!("#returned-{id}"))
            .await
            .contains("药师退回")
    );
    small.assert_fits_width().await;
    crate::cashier_journey::shot_at(&small, "#prescriptions", "rx-returned-375").await;
    small.click(&format!("#rx-{id} .amend-rx")).await;
    small.assert_fits_width().await;
    crate::cashier_journey::shot_at(&small, "#rx-form", "rx-composer-375").await;
    small.close().await;

    doctor_amends(&doctor, base, &encounter, &id).await;

    // Resubmitted, approved.
    pharmacy.go(&format!("{base}/staff/pharmacy/reviews")).await;
    assert!(
        pharmacy
            .text(&format!("#rx-{id}"))
            .await
            .contains("修改后重新提交")
    );
    pharmacy.click(&format!("#rx-{id} button.approve")).await;
    assert!(pharmacy.text("#notice").await.contains("已审核通过"));
    assert!(pharmacy.text("#no-reviews").await.contains("没有待审核"));

    // The patient's phone says to pay; the desk takes the payment with the visit's bill.
    let phone = driver.browser(375, 800).await;
    phone.sign_in(base, PATIENT.0, PATIENT.1).await;
    assert_eq!(phone_status(&phone, base, &id).await, "审核通过，待缴费");
    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    desk.go(&format!("{base}/desk/patients/{patient}")).await;
    assert!(desk.text(".bill-items").await.contains("华法林"));
    desk.choose("form.pay select", "cash").await;
    desk.click("form.pay button").await;
    assert!(desk.text("#notice").await.contains("已收费"));
    desk.close().await;
    assert_eq!(phone_status(&phone, base, &id).await, "已缴费，药房配药中");

    // The pharmacy dispenses (the lot named) and hands over.
    pharmacy.click("#nav-dispensing").await;
    pharmacy.click(&format!("#rx-{id} button.dispense")).await;
    assert!(pharmacy.text("#notice").await.contains("已发药"));
    let ready = pharmacy.text("#to-hand-over").await;
    assert!(
        ready.contains("W2026A") && ready.contains("S2026B"),
        "{ready}"
    );
    pharmacy.assert_fits_width().await;
    pharmacy.shot("rx-dispensed-1280").await;
    assert_eq!(
        phone_status(&phone, base, &id).await,
        "已配好，请到药房取药"
    );
    pharmacy.click(&format!("#rx-{id} button.hand-over")).await;
    assert!(pharmacy.text("#notice").await.contains("已取药"));
    assert!(
        pharmacy
            .text("#none-to-hand-over")
            .await
            .contains("没有待取")
    );
    pharmacy_on_a_phone(&driver, base).await;

    patient_reads_the_collected_prescription(&phone, base, &encounter, &id).await;
    phone.close().await;
    english_pages(&driver, base, &id, &encounter).await;
    doctor.close().await;
    pharmacy.close().await;
}

/// The pharmacy's pages fit a phone: the counter, and the stock with its table stacked.
async fn pharmacy_on_a_phone(driver: &Driver, base: &str) {
    let small = driver.browser(375, 800).await;
    small.sign_in(base, PHARMACIST.0, PHARMACIST.1).await;
    small.click("#nav-dispensing").await;
    small.assert_fits_width().await;
    small.click("#nav-stock").await;
    let lots = small.text("#lots").await;
    assert!(lots.contains("W2026A") && lots.contains("S2026B"), "{lots}");
    small.fill("#stock-q", "amxl").await;
    small.click("#stock-search button").await;
    assert!(small.text("#receive-form").await.contains("阿莫西林"));
    small.assert_fits_width().await;
    small.shot("rx-stock-375").await;
    small.close().await;
}

/// From the home page to the prescription: 已取药, the instructions in large type, the steps.
async fn patient_reads_the_collected_prescription(
    phone: &Browser,
    base: &str,
    encounter: &str,
    id: &str,
) {
    phone.go(&format!("{base}/me")).await;
    phone.click("#to-prescriptions").await;
    let current = phone.text("#medications").await;
    assert!(
        current.contains("华法林片") && current.contains(INSTRUCTION),
        "{current}"
    );
    assert!(phone.text(&format!("#mine-{id}")).await.contains("已取药"));
    phone.assert_fits_width().await;
    phone.shot("rx-mine-375").await;
    phone.click(&format!("#mine-{id}")).await;
    assert_eq!(phone.text("#rx-status").await, "已取药");
    let how = phone.text("#rx-instructions").await;
    assert!(
        how.contains(INSTRUCTION) && how.contains("阿司匹林肠溶片"),
        "{how}"
    );
    let steps = phone.text("#rx-steps").await;
    for step in ["医生开具", "药师审核通过", "已缴费", "药房已配药", "已取药"]
    {
        assert!(steps.contains(step), "{step} missing from {steps}");
    }
    phone.assert_fits_width().await;
    phone.shot("rx-collected-375").await;
    phone.go(&format!("{base}/me/records/{encounter}")).await;
    assert!(phone.text("#prescriptions").await.contains("已取药"));
    crate::cashier_journey::shot_at(phone, "#prescriptions", "rx-visit-patient-375").await;
    phone.click("#my-prescriptions").await;
    assert_eq!(phone.path().await, "/me/prescriptions");
}

/// The patient's prescription and the doctor's part in English.
async fn english_pages(driver: &Driver, base: &str, id: &str, encounter: &str) {
    let wide = driver.browser(1280, 900).await;
    wide.sign_in(base, PATIENT.0, PATIENT.1).await;
    wide.go(&format!("{base}/me/prescriptions/{id}")).await;
    wide.click("#switch-lang").await;
    assert_eq!(wide.text("#rx-status").await, "Collected");
    let how = wide.text("#rx-instructions").await;
    assert!(how.contains("By mouth, once a day"), "{how}");
    wide.assert_fits_width().await;
    wide.shot("rx-collected-en-1280").await;
    wide.close().await;
    let doctor = driver.browser(1280, 900).await;
    doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    doctor
        .go(&format!("{base}/staff/visits/{encounter}?lang=en"))
        .await;
    assert!(doctor.text("#rx-title").await.contains("Prescriptions"));
    assert!(doctor.text("#rx-list").await.contains("Collected"));
    assert_eq!(doctor.text("#rx-form-title").await, "New prescription");
    crate::cashier_journey::shot_at(&doctor, "#prescriptions", "rx-visit-en-1280").await;
    doctor.close().await;
}
