//! Finding a department or a doctor on a phone by alias, pinyin or name; the directory in
//! English (departments and specialties named in English, Chinese pages unchanged); an
//! administrator renaming a department in English.

use crate::harness::{ADMIN_PASSWORD, Driver, Server};

/// A demo patient with an account (`huimin-demo`).
const PATIENT: (&str, &str) = ("13800000001", "Huimin@2026!");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_finds_departments_and_doctors_by_alias_pinyin_and_name_on_a_phone() {
    let server = Server::start_demo().await;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;

    // 心内: the common name finds 心血管内科, saying which name it was found by.
    phone.go(&format!("{base}/")).await;
    phone.shot("89-home-search-375").await;
    phone.fill("#q", "心内").await;
    phone.click("form.search button").await;
    let found = phone.text("#departments").await;
    assert!(
        found.contains("心血管内科") && found.contains("又名 心内"),
        "{found}"
    );
    phone.assert_fits_width().await;
    phone.shot("90-search-alias-375").await;

    // xnk: the initials of 心内科.
    phone.fill("#q", "xnk").await;
    phone.click("form.search button").await;
    assert!(
        phone
            .text("#departments li:first-child")
            .await
            .contains("心血管内科")
    );
    phone.shot("91-search-initials-375").await;

    // A doctor by name, then by pinyin; the card names the department, and leads to the doctor.
    phone.fill("#q", "李振邦").await;
    phone.click("form.search button").await;
    let doctors = phone.text("#doctors").await;
    assert!(
        doctors.contains("李振邦") && doctors.contains("心血管内科"),
        "{doctors}"
    );
    phone.fill("#q", "lizhenbang").await;
    phone.click("form.search button").await;
    assert!(
        phone
            .text("#doctors li:first-child")
            .await
            .contains("李振邦")
    );
    phone.shot("92-search-doctor-375").await;
    phone.click("#doctors a.name").await;
    assert!(phone.path().await.starts_with("/doctors/"));
    assert!(phone.text(".crumbs").await.contains("心血管内科"));

    // A symptom nothing is named after: said plainly, with the way to every department.
    phone.go(&format!("{base}/")).await;
    phone.fill("#q", "咳嗽").await;
    phone.click("form.search button").await;
    let nothing = phone.text("#nothing").await;
    assert!(
        nothing.contains("没有找到与“咳嗽”相符的科室或医生"),
        "{nothing}"
    );
    phone.assert_fits_width().await;
    phone.shot("93-search-nothing-375").await;
    phone.click("#nothing a.button").await;
    assert!(
        phone.text("main").await.contains("口腔科"),
        "the department list"
    );

    // A query too long to be a name is refused next to the box, in Chinese.
    phone.go(&format!("{base}/?q={}", "心".repeat(41))).await;
    assert!(phone.text("#q-error").await.contains("最多 40 个字"));

    // 牙疼: signage pairs it with one department.
    phone.go(&format!("{base}/")).await;
    phone.fill("#q", "牙疼").await;
    phone.click("form.search button").await;
    assert!(phone.text("#departments").await.contains("口腔科"));
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_pages_name_departments_and_specialties_in_english_and_chinese_pages_do_not() {
    let server = Server::start_demo().await;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;

    phone.go(&format!("{base}/prefs?lang=en&back=/")).await;
    assert!(phone.text("main").await.contains("Cardiology"));
    phone
        .go(&format!("{base}/departments/dept-cardiology"))
        .await;
    assert_eq!(phone.text(".crumbs").await, "Departments › Cardiology");
    let doctors = phone.text("main").await;
    assert!(doctors.contains("coronary heart disease"), "{doctors}");
    assert!(!doctors.contains("冠心病"), "{doctors}");
    phone.assert_fits_width().await;
    phone.shot("94-department-en-375").await;
    phone.go(&format!("{base}/doctors/role-dr-016")).await;
    assert_eq!(
        phone.text(".crumbs").await,
        "Departments › Cardiology › 李振邦"
    );
    assert!(
        phone
            .text("main")
            .await
            .contains("Specialties: coronary heart disease")
    );
    phone.shot("95-doctor-en-375").await;

    // The search in English: names and specialties in English.
    phone.go(&format!("{base}/?q=xnk")).await;
    assert!(phone.text("#departments").await.contains("Cardiology"));
    phone.go(&format!("{base}/?q=hypertension")).await;
    let doctors = phone.text("#doctors").await;
    assert!(
        doctors.contains("Cardiology") && doctors.contains("hypertension"),
        "{doctors}"
    );
    phone.shot("96-search-en-375").await;

    // Booking: the confirmation names the department in English.
    phone.sign_in(base, PATIENT.0, PATIENT.1).await;
    phone.go(&format!("{base}/doctors/role-dr-016")).await;
    phone.click("a.slot").await;
    let confirm = phone.text("main").await;
    assert!(
        confirm.contains("Cardiology") && !confirm.contains("心血管内科"),
        "{confirm}"
    );
    phone.shot("97-confirm-en-375").await;

    // The call screen.
    phone.go(&format!("{base}/screen/dept-cardiology")).await;
    assert!(phone.text("h1").await.contains("Cardiology"));

    // Chinese pages unchanged.
    phone.go(&format!("{base}/prefs?lang=zh&back=/")).await;
    phone
        .go(&format!("{base}/departments/dept-cardiology"))
        .await;
    assert_eq!(phone.text(".crumbs").await, "科室 › 心血管内科");
    let doctors = phone.text("main").await;
    assert!(doctors.contains("擅长：冠心病"), "{doctors}");
    assert!(!doctors.contains("Cardiology"), "{doctors}");
    phone.shot("98-department-zh-375").await;
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_sets_a_departments_english_name() {
    let server = Server::start_demo().await;
    let driver = Driver::start();
    let admin = driver.browser(1280, 900).await;
    let base = &server.base;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    admin.go(&format!("{base}/admin/departments")).await;
    admin
        .click("a[href='/admin/departments/dept-cardiology/names']")
        .await;
    assert_eq!(admin.value("#english").await, "Cardiology");
    assert_eq!(admin.text("#code").await, "03.04");

    // Chinese in the English name is refused next to the field, keeping what was typed.
    admin.fill("#english", "心内科").await;
    admin.click("#save").await;
    assert!(admin.text("#english-error").await.contains("英文"));
    assert_eq!(admin.value("#english").await, "心内科");
    admin.shot("99-admin-department-error-1280").await;

    admin.fill("#english", "Heart Center").await;
    admin.fill("#aliases", "心脏中心、胸痛中心").await;
    admin.click("#save").await;
    assert!(admin.text("#notice").await.contains("已保存"));
    admin.shot("99-admin-department-saved-1280").await;
    admin.close().await;

    // English pages use it; the new other name finds the department.
    let phone = driver.browser(375, 812).await;
    phone.go(&format!("{base}/prefs?lang=en&back=/")).await;
    phone
        .go(&format!("{base}/departments/dept-cardiology"))
        .await;
    assert_eq!(phone.text(".crumbs").await, "Departments › Heart Center");
    phone.go(&format!("{base}/?q=胸痛中心")).await;
    assert!(phone.text("#departments").await.contains("Heart Center"));
    phone.close().await;
}
