//! An administrator sets the booking rules, opens a session and stops it, keeps roster
//! templates and publishes from them, and adds a doctor — every form refusing bad input in
//! place first.

use crate::harness::{ADMIN_PASSWORD, Driver, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_runs_the_clinics_and_their_rules() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(20.0).await;
    let base = &server.base;
    let driver = Driver::start();
    let admin = driver.browser(1280, 900).await;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    assert_eq!(admin.path().await, "/admin");
    admin.shot("30-admin-1280").await;

    // Rules: pools that do not add up are refused next to them, the typed value kept.
    admin.go(&format!("{base}/admin/rules")).await;
    admin.fill("[name='pools.online']", "70").await;
    admin.click("#save").await;
    assert!(admin.text("#e-pools\\.online").await.contains("100"));
    assert_eq!(admin.value("[name='pools.online']").await, "70");
    admin.shot("31-admin-rules-error-1280").await;
    admin.fill("[name='pools.window']", "10").await;
    admin.click("#save").await;
    assert!(admin.text("#saved").await.contains("已保存"));
    assert_eq!(admin.value("[name='pools.online']").await, "70");
    // A department's own release time; the rest follows the hospital.
    admin
        .go(&format!("{base}/admin/rules?department={department}"))
        .await;
    admin.fill("[name='release.window_days']", "7").await;
    admin.click("#save").await;
    assert!(admin.text("#saved").await.contains("已保存"));
    assert!(
        admin
            .text("label[for='f-release.window_days']")
            .await
            .contains("科室设置")
    );
    admin.assert_fits_width().await;

    // Sessions: open one tomorrow (a missing capacity is named first), then stop it.
    let tomorrow = jiff::Timestamp::now()
        .to_zoned(huimin_clock::Clock::default().zone().clone())
        .date()
        .tomorrow()
        .unwrap();
    admin
        .go(&format!(
            "{base}/admin/sessions?department={department}&date={tomorrow}"
        ))
        .await;
    assert!(admin.text(".empty").await.contains("没有出诊"));
    admin
        .choose(
            "#practitioner_role",
            &admin
                .attr("#practitioner_role option:nth-child(2)", "value")
                .await,
        )
        .await;
    admin.click("#open").await;
    assert!(admin.text("#capacity-error").await.contains("1 到 500"));
    admin.fill("#capacity", "6").await;
    admin.click("#open").await;
    assert!(admin.text("#notice").await.contains("已开设"));
    assert!(admin.text("#sessions").await.contains("李振邦"));
    admin.tap("#sessions details summary").await;
    admin.shot("32-admin-sessions-1280").await;
    admin.click("form.stop button").await;
    assert!(
        admin.text("#problem").await.contains("确认停诊"),
        "not without confirming"
    );
    admin.tap("#sessions details summary").await;
    admin.tap("form.stop input[name=confirm]").await;
    admin.click("form.stop button").await;
    assert!(admin.text("#notice").await.contains("已停诊"));
    assert!(admin.text("#sessions").await.contains("已停诊"));

    // Roster templates: add one, publish the next fortnight.
    admin
        .go(&format!("{base}/admin/rosters?department={department}"))
        .await;
    admin
        .choose(
            "#practitioner_role",
            &admin
                .attr("#practitioner_role option:nth-child(2)", "value")
                .await,
        )
        .await;
    admin.fill("#capacity", "12").await;
    admin.click("#add").await;
    assert!(admin.text("#notice").await.contains("已添加"));
    assert!(admin.text("#rosters").await.contains("周一"));
    admin.click("#publish").await;
    assert!(admin.text("#notice").await.contains("已生成"));
    admin.shot("33-admin-rosters-1280").await;

    // Doctors: a fee in fen is refused; then the doctor is added.
    admin
        .go(&format!("{base}/admin/doctors?department={department}"))
        .await;
    admin.fill("#name", "吴海燕").await;
    admin.fill("#fee", "12.345").await;
    admin.click("#add").await;
    assert!(admin.text("#fee-error").await.contains("两位小数"));
    assert_eq!(admin.value("#name").await, "吴海燕");
    admin.fill("#fee", "35").await;
    admin.click("#add").await;
    assert!(admin.text("#notice").await.contains("已添加医生"));
    assert!(admin.text("#doctors").await.contains("吴海燕"));
    admin.shot("34-admin-doctors-1280").await;

    // Departments: a code outside the national catalogue is refused; then one is added.
    admin.go(&format!("{base}/admin/departments")).await;
    assert!(admin.text("#departments").await.contains("03.04"));
    admin.fill("#name", "消化内科").await;
    admin.fill("#english", "Gastroenterology").await;
    admin.fill("#code", "99.99").await;
    admin.click("#add").await;
    assert!(!admin.text("#code-error").await.is_empty());
    assert_eq!(admin.value("#name").await, "消化内科");
    admin.fill("#code", "03.02").await;
    admin.click("#add").await;
    assert!(admin.text("#notice").await.contains("已添加科室"));
    assert!(admin.text("#departments").await.contains("消化内科"));
    admin.shot("36-admin-departments-1280").await;

    admin.close().await;

    // The same pages fit a phone.
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "admin", ADMIN_PASSWORD).await;
    for path in [
        "/admin/rules",
        "/admin/sessions",
        "/admin/rosters",
        "/admin/doctors",
    ] {
        phone
            .go(&format!("{base}{path}?department={department}"))
            .await;
        phone.assert_fits_width().await;
    }
    phone.shot("35-admin-doctors-375").await;
    phone.close().await;
}
