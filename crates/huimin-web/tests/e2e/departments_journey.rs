//! The demo hospital as a patient finds it on a phone: its name and campuses, each
//! department's campus, building and floor and whom it sees, the emergency department's
//! notice instead of booking, no laboratory or imaging among the clinics, and a family member
//! a department would refuse shown with the reason before booking; and the administrator
//! setting a department's limits.

use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Browser, Driver, Server};

/// The password of the demo's accounts (`huimin_demo::DEMO_PASSWORD`).
const DEMO_PASSWORD: &str = "Huimin@2026!";
/// 林晓燕, a demo patient with an account.
const MOTHER: &str = "13800000002";

/// A valid resident ID of a boy six years old today.
fn boy_of_six() -> String {
    let born = huimin_clock::Clock::default()
        .today()
        .saturating_sub(jiff::Span::new().years(6));
    let first17 = format!("370102{}031", born.strftime("%Y%m%d"));
    let check = huimin_domain::identity::resident_id_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

/// A gynecology slot of the demo's published sessions.
async fn gynecology_slot(server: &Server, token: &str) -> String {
    let found = server
        .get(
            token,
            "/fhir/Appointment/$find?department=dept-gynecology&available=false&_count=1",
        )
        .await;
    found["entry"][0]["resource"]["id"]
        .as_str()
        .expect("the demo publishes gynecology sessions")
        .to_owned()
}

async fn the_directory(phone: &Browser, base: &str) {
    phone.go(&format!("{base}/")).await;
    assert_eq!(phone.text("#brand").await, "惠民市第一人民医院 · 预约挂号");
    let listed = phone.text("main").await;
    assert!(
        listed.contains("急诊医学科") && listed.contains("妇科"),
        "{listed}"
    );
    for not_a_clinic in ["医学检验科", "医学影像科"] {
        assert!(!listed.contains(not_a_clinic), "{not_a_clinic} listed");
    }
    phone.assert_fits_width().await;
    phone.shot("60-departments-375").await;

    phone.click("a[href='/departments/dept-emergency']").await;
    let notice = phone.text("#emergency-notice").await;
    assert!(notice.contains("急诊不接受预约"), "{notice}");
    assert!(notice.contains("0543-5186120"), "{notice}");
    assert!(
        phone
            .text("#department-place")
            .await
            .contains("门诊楼 1 层")
    );
    phone.shot("61-emergency-375").await;

    phone
        .go(&format!("{base}/departments/dept-pediatrics"))
        .await;
    let place = phone.text("#department-place").await;
    for part in ["本部", "健康路 1 号", "门诊楼 4 层", "0543-5186407"] {
        assert!(place.contains(part), "{part} in {place}");
    }
    assert_eq!(
        phone.text("#department-limits").await,
        "本科室仅接诊 14 岁以下患者"
    );
    phone.assert_fits_width().await;
    phone.shot("62-department-place-375").await;
    phone
        .go(&format!("{base}/departments/dept-pediatrics?lang=en"))
        .await;
    assert!(
        phone
            .text("#department-place")
            .await
            .contains("Outpatient Building 4F")
    );
    assert_eq!(
        phone.text("#department-limits").await,
        "This department only sees patients under 14"
    );
    phone.go(&format!("{base}/?lang=zh")).await;

    phone.go(&format!("{base}/")).await;
    phone.click("#hospital-link").await;
    assert_eq!(phone.text("#hospital-name").await, "惠民市第一人民医院");
    let campuses = phone.text("#campuses").await;
    for part in [
        "本部",
        "东院",
        "滨河东路 288 号",
        "0543-5187000",
        "周一至周五 08:00–17:30",
    ] {
        assert!(campuses.contains(part), "{part} in {campuses}");
    }
    assert!(phone.text("#emergency").await.contains("急诊医学科"));
    phone.assert_fits_width().await;
    phone.shot("63-hospital-375").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_finds_where_departments_are_and_whom_they_see() {
    let server = Server::start_demo().await;
    let base = &server.base;
    let mother = server.token(MOTHER, DEMO_PASSWORD).await;
    let boy = json!({"resourceType": "Patient",
        "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": boy_of_six()}],
        "name": [{"text": "林小宝", "family": "林", "given": ["小宝"]}],
        "telecom": [{"system": "phone", "value": MOTHER}]});
    server.post(&mother, "/fhir/Patient", &boy).await;
    let slot = gynecology_slot(&server, &mother).await;

    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    the_directory(&phone, base).await;

    // Booking gynecology: the boy is not offered, and the page says why.
    phone.sign_in(base, MOTHER, DEMO_PASSWORD).await;
    phone.go(&format!("{base}/book/{slot}")).await;
    let refused = phone.text("#refused-members").await;
    assert!(refused.contains("林小宝"), "{refused}");
    assert!(refused.contains("妇科仅接诊女性患者"), "{refused}");
    let offered = phone.text("form fieldset").await;
    assert!(
        offered.contains("林晓燕") && !offered.contains("林小宝"),
        "{offered}"
    );
    assert!(phone.text(".place-where").await.contains("门诊楼 4 层"));
    phone.assert_fits_width().await;
    phone.shot("64-book-refused-member-375").await;
    phone.close().await;

    // The administrator lets 儿科 see patients up to 18; a bound that does not read is named.
    let admin = driver.browser(1280, 900).await;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    admin.go(&format!("{base}/admin/departments")).await;
    let list = admin.text("#departments").await;
    assert!(list.contains("仅接诊 14 岁以下患者"), "{list}");
    assert!(list.contains("医技（凭医嘱，不列为门诊）"), "{list}");
    admin
        .click("a[href='/admin/departments/dept-pediatrics']")
        .await;
    assert!(admin.text("#profile-source").await.contains("管理员"));
    admin.fill("#age_under", "十八").await;
    admin.click("#save-profile").await;
    assert!(admin.text("#age_under-error").await.contains("整数"));
    admin.fill("#age_from", "18").await;
    admin.fill("#age_under", "14").await;
    admin.click("#save-profile").await;
    assert!(admin.text("#age_under-error").await.contains("14"));
    admin.shot("65-admin-department-error-1280").await;
    admin.fill("#age_from", "").await;
    admin.fill("#age_under", "18").await;
    admin.click("#save-profile").await;
    assert!(admin.text("#notice").await.contains("已保存"));
    assert_eq!(admin.value("#age_under").await, "18");
    admin.assert_fits_width().await;
    admin.shot("66-admin-department-1280").await;
    admin.go(&format!("{base}/admin/departments")).await;
    assert!(
        admin
            .text("#departments")
            .await
            .contains("仅接诊 18 岁以下患者")
    );
    admin.shot("67-admin-departments-1280").await;
    admin
        .go(&format!("{base}/departments/dept-pediatrics"))
        .await;
    assert_eq!(
        admin.text("#department-limits").await,
        "本科室仅接诊 18 岁以下患者"
    );

    // The hospital's name and a campus's phone; an empty name is refused next to it.
    admin.go(&format!("{base}/admin/hospital")).await;
    admin.fill("#hospital-name", "").await;
    admin.click("#save-hospital").await;
    assert!(admin.text("#hospital-name-error").await.contains("请填写"));
    admin
        .fill("#hospital-name", "惠民市第一人民医院（北城）")
        .await;
    admin.click("#save-hospital").await;
    assert!(admin.text("#notice").await.contains("已保存"));
    assert_eq!(
        admin.text("#brand").await,
        "惠民市第一人民医院（北城） · 预约挂号"
    );
    admin.fill("#east-phone", "0543-5187999").await;
    admin
        .click("form[action='/admin/hospital/campuses/east'] button")
        .await;
    assert!(admin.text("#notice").await.contains("已保存"));
    admin.assert_fits_width().await;
    admin.shot("68-admin-hospital-1280").await;
    admin.go(&format!("{base}/hospital")).await;
    assert_eq!(
        admin.text("#hospital-name").await,
        "惠民市第一人民医院（北城）"
    );
    assert!(admin.text("#campuses").await.contains("0543-5187999"));
    admin.close().await;
}
