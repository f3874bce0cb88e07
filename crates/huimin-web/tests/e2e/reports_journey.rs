//! A doctor's notifiable-disease report cards at 1280 px: the department's list with the
//! overdue card marked and the other counting down, a submission refused with each missing
//! field shown beside it, then the completed card submitted; and the list in English.

use serde_json::json;

use crate::harness::{DOCTOR, Driver, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doctor_completes_a_report_card_and_sees_the_overdue_one() {
    let server = Server::start().await;
    let base = &server.base;
    server.clinic_starting_soon(20.0).await;
    let (_, patient) = server
        .register(
            ("13800138000", "Passw0rd!x26"),
            "张三",
            "11010519491231002X",
        )
        .await;
    let doctor = server.token(DOCTOR.0, DOCTOR.1).await;
    let late = server
        .post(
            &doctor,
            "/api/notifiable-reports",
            &json!({"patient": format!("Patient/{patient}"),
            "code": "A00", "diagnosed_at": "2026-01-02T01:00:00Z"}),
        )
        .await;
    assert_eq!(late["disease"]["key"], "cholera", "{late}");
    let fresh = server
        .post(
            &doctor,
            "/api/notifiable-reports",
            &json!({"patient": format!("Patient/{patient}"), "code": "B05"}),
        )
        .await;
    let fresh = fresh["id"].as_str().unwrap().to_owned();

    let driver = Driver::start();
    let page = driver.browser(1280, 900).await;
    page.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    page.click("#nav-reports").await;
    let late_row = format!("#report-{}", late["id"].as_str().unwrap());
    assert!(page.attr(&late_row, "class").await.contains("overdue"));
    assert!(page.text(&late_row).await.contains("已超时"));
    assert!(
        page.text(&format!("#report-{fresh}"))
            .await
            .contains("麻疹")
    );
    page.assert_fits_width().await;
    page.shot("90-reports-list-1280").await;

    page.go(&format!("{base}/staff/notifiable/{fresh}")).await;
    assert_eq!(
        page.value("#patient_name").await,
        "张三",
        "filled in from the record"
    );
    page.click("#submit").await;
    assert!(page.text("#problems").await.contains("请修改"));
    assert!(page.text("#occupation-error").await.contains("人群分类"));
    assert!(page.text("#onset_date-error").await.contains("发病日期"));
    page.shot("91-report-card-refused-1280").await;

    page.choose("#occupation", "retired").await;
    page.choose("#case_class", "clinical").await;
    // Date fields are set as the browser's picker would, whatever its locale's typing order.
    page.client
        .execute(
            "document.getElementById('onset_date').value = '2026-01-01';\
             document.getElementById('birth_date').value = '1949-12-31';",
            vec![],
        )
        .await
        .unwrap();
    page.choose("#sex", "female").await;
    page.fill("#address", "北京市东城区和平里 1 号").await;
    page.fill("#phone", "13800138000").await;
    page.click("#submit").await;
    assert!(page.text("#card-status").await.contains("已提交"));
    page.shot("92-report-card-submitted-1280").await;

    page.go(&format!("{base}/staff/notifiable")).await;
    page.click("#switch-lang").await;
    assert!(page.text("h1").await.contains("Notifiable-disease reports"));
    assert!(page.text(&late_row).await.contains("Overdue"));
    page.shot("93-reports-list-en-1280").await;
    page.close().await;
}
