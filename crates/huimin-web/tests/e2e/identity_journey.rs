//! Accounts on a phone (375 px) and at the desk (1280 px): sign-up with the password twice and
//! the agreement, family members (the holder stays the default), claiming a record on file
//! with the desk's code, a forgotten password reset at the desk, and an empty sign-in.

use huimin_domain::person::TERMS_VERSION;
use serde_json::json;

use crate::harness::{Browser, Driver, Server};

const PASSWORD: &str = "Wang2026secure";
const REGISTRAR: (&str, &str) = ("desk-li", "Registrar2026pass");
/// 王小明, born 1990-03-07 (DOMAIN.md §2).
const OWN_ID: &str = "110101199003071137";
/// 李秀英, born 1949-12-31: a walk-in at the desk.
const WALK_IN_ID: &str = "11010519491231002X";

/// Registers a patient through the API: the Patient id.
async fn patient(server: &Server, phone: &str, name: &str, resident_id: &str) -> String {
    server
        .register((phone, PASSWORD), name, resident_id)
        .await
        .1
}

/// A walk-in registered by the registrar: the Patient id.
async fn walk_in(server: &Server) -> String {
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    let created = server
        .post(
            &desk,
            "/fhir/Patient",
            &json!({"resourceType": "Patient",
            "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": WALK_IN_ID}],
            "name": [{"text": "李秀英", "family": "李", "given": ["秀英"]}]}),
        )
        .await;
    created["id"].as_str().unwrap().to_owned()
}

/// The desk issues a code of `button` (`#issue-claim`, `#issue-reset`) on the patient's page:
/// the code as shown.
async fn desk_code(desk: &Browser, base: &str, patient: &str, button: &str, shot: &str) -> String {
    desk.go(&format!("{base}/desk/patients/{patient}")).await;
    assert!(desk.text("#desk-codes").await.contains("核对"));
    desk.click(button).await;
    let code = desk.text("#code").await;
    assert_eq!(code.len(), 9, "ABCD-EFGH: {code}");
    assert!(desk.text("#code-valid").await.contains("30 分钟"));
    desk.assert_fits_width().await;
    desk.shot(shot).await;
    code
}

/// Scrolls the element with `id` to the middle of the window, for a screenshot.
async fn scroll_to(browser: &Browser, id: &str) {
    let script = format!("document.getElementById('{id}').scrollIntoView({{block: 'center'}});");
    browser.client.execute(&script, vec![]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_asks_for_the_password_twice_and_the_agreement() {
    let server = Server::start().await;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;

    phone.go(&format!("{base}/signup")).await;
    phone.fill("#name", "John Smith").await;
    phone.choose("#document_type", "passport").await;
    phone.fill("#document_number", "E12345678").await;
    phone.fill("#phone", "13911110002").await;
    phone.fill("#password", PASSWORD).await;
    phone
        .fill("#password_confirmation", "Wang2026secrets")
        .await;
    phone.click("button.primary").await;
    assert_eq!(
        phone.text("#password_confirmation-error").await,
        "两次输入的密码不一致"
    );
    assert!(phone.text("#accept_terms-error").await.contains("隐私政策"));
    assert_eq!(phone.text("#gender-error").await, "请填写性别");
    assert_eq!(phone.text("#birth_date-error").await, "请填写出生日期");
    assert_eq!(
        phone.value("#document_type").await,
        "passport",
        "the document type stays"
    );
    assert_eq!(
        phone.value("#password").await,
        "",
        "passwords are typed again"
    );
    phone.assert_fits_width().await;
    phone.shot("40-signup-mismatch-375").await;
    scroll_to(&phone, "accept_terms").await;
    phone.shot("40-signup-consent-375").await;

    // The agreement and the privacy policy are readable pages.
    // They open beside the form, so nothing typed is lost.
    assert_eq!(phone.attr("#privacy-link", "target").await, "_blank");
    assert_eq!(phone.attr("#terms-link", "href").await, "/terms");
    phone.go(&format!("{base}/privacy")).await;
    let privacy = phone.text("main").await;
    assert!(
        privacy.contains("隐私政策") && privacy.contains(TERMS_VERSION),
        "{privacy}"
    );
    phone.assert_fits_width().await;
    phone.shot("41-privacy-375").await;
    phone.go(&format!("{base}/terms")).await;
    assert!(phone.text("main").await.contains("用户协议"));

    phone.go(&format!("{base}/signup")).await;
    phone.fill("#name", "John Smith").await;
    phone.choose("#document_type", "passport").await;
    phone.fill("#document_number", "E12345678").await;
    // Sex and birth date are folded away (a resident ID card carries them): open them.
    phone.tap("#document-hint").await;
    phone.choose("#gender", "male").await;
    phone
        .client
        .execute(
            "document.getElementById('birth_date').value = '1980-05-01';",
            vec![],
        )
        .await
        .unwrap();
    phone.fill("#phone", "13911110002").await;
    phone.fill("#password", PASSWORD).await;
    phone.fill("#password_confirmation", PASSWORD).await;
    phone.tap("#accept_terms").await;
    phone.click("button.primary").await;
    assert_eq!(
        phone.path().await,
        "/",
        "signed up with a passport and signed in"
    );
    phone.go(&format!("{base}/family")).await;
    assert!(phone.text("#members").await.contains("John Smith"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn family_members_are_added_edited_and_removed_and_the_holder_stays_the_default() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(0.0).await;
    let own = patient(&server, "13911110001", "王小明", OWN_ID).await;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;
    phone.sign_in(base, "13911110001", PASSWORD).await;

    // An empty form names each field in Chinese, not in the words of a parser.
    phone.go(&format!("{base}/family")).await;
    phone.click("form[action='/family'] button.primary").await;
    assert_eq!(phone.text("#name-error").await, "请填写姓名");
    assert_eq!(phone.text("#document_number-error").await, "请填写身份证号");
    assert_eq!(phone.text("#relationship-error").await, "请选择与您的关系");
    assert!(!phone.text("main").await.contains("资源结构"));
    phone.fill("#name", "<b>x</b>").await;
    phone.choose("#relationship", "child").await;
    phone.fill("#document_number", "310115201501151012").await;
    phone.click("form[action='/family'] button.primary").await;
    assert!(phone.text("#name-error").await.contains("无效字符"));
    phone.shot("42-family-errors-375").await;

    for (name, id, relationship) in [
        ("王小宝", "310115201501151012", "child"),
        ("王大明", "310115195003101014", "parent"),
    ] {
        phone.fill("#name", name).await;
        phone.choose("#relationship", relationship).await;
        phone.fill("#document_number", id).await;
        phone.click("form[action='/family'] button.primary").await;
        assert_eq!(phone.text("#notice").await, "已添加就诊人。");
    }
    let first = phone.text("#members li:first-child").await;
    assert!(
        first.contains("王小明") && first.contains("本人"),
        "{first}"
    );
    let list = phone.text("#members").await;
    assert!(list.contains("子女") && list.contains("父母"), "{list}");
    phone.assert_fits_width().await;
    phone.shot("43-family-375").await;

    // The booking page picks the holder, whoever was added last.
    let token = server.token("13911110001", PASSWORD).await;
    let found = server
        .get(
            &token,
            &format!("/fhir/Appointment/$find?department={department}"),
        )
        .await;
    let slot = found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    phone.go(&format!("{base}/book/{slot}")).await;
    let chosen = phone.attr("input[name='patient']:checked", "value").await;
    assert_eq!(chosen, own, "本人 is the default");
    let holder = phone
        .text(&format!("label.choice:has(input[value='{own}'])"))
        .await;
    assert!(
        holder.contains("本人"),
        "the holder is marked 本人: {holder}"
    );
    let choices = phone.text("fieldset").await;
    assert_eq!(choices.matches("本人").count(), 1, "{choices}");
    phone.shot("44-book-default-self-375").await;

    // Edit the child: a new name and relationship; the masked phone field keeps the number.
    phone.go(&format!("{base}/family")).await;
    phone.click("#members li:nth-child(2) a.edit").await;
    phone.fill("#name", "王小宝贝").await;
    phone.choose("#relationship", "other").await;
    phone.click("#save").await;
    assert_eq!(phone.text("#notice").await, "已保存。");
    let child = phone.text("#members li:nth-child(2)").await;
    assert!(
        child.contains("王小宝贝") && child.contains("其他"),
        "{child}"
    );

    // Remove the parent, after a confirmation that says the record stays.
    phone.click("#members li:nth-child(3) a.edit").await;
    phone.click("#remove").await;
    assert!(phone.text("#confirm-remove").await.contains("档案会保留"));
    phone.shot("45-family-remove-375").await;
    phone.click("#remove-yes").await;
    assert_eq!(phone.text("#notice").await, "已移除就诊人。");
    assert!(!phone.text("#members").await.contains("王大明"));

    // The same page on a desktop.
    let desktop = driver.browser(1280, 900).await;
    desktop.sign_in(base, "13911110001", PASSWORD).await;
    desktop.go(&format!("{base}/family")).await;
    desktop.assert_fits_width().await;
    desktop.shot("46-family-1280").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_in_claims_their_record_with_the_code_the_desk_gives() {
    let server = Server::start().await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let record = walk_in(&server).await;
    let driver = Driver::start();
    let base = &server.base;

    // On the phone: the ID is on file, so sign-up asks for the desk's code.
    let phone = driver.browser(375, 812).await;
    phone.go(&format!("{base}/signup")).await;
    phone.fill("#name", "李秀英").await;
    phone.fill("#document_number", WALK_IN_ID).await;
    phone.fill("#phone", "13911110003").await;
    phone.fill("#password", PASSWORD).await;
    phone.fill("#password_confirmation", PASSWORD).await;
    phone.tap("#accept_terms").await;
    phone.click("button.primary").await;
    assert!(phone.text("#claim_code-error").await.contains("认领码"));
    assert!(phone.text("#claim").await.contains("挂号窗口"));
    phone.assert_fits_width().await;
    phone.shot("47-claim-asks-code-375").await;
    scroll_to(&phone, "claim_code").await;

    // At the desk, after checking the ID card: a claim code on the patient's page.
    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    desk.go(&format!("{base}/desk/patients/{record}")).await;
    scroll_to(&desk, "desk-codes").await;
    desk.shot("48-desk-patient-codes-1280").await;
    let code = desk_code(
        &desk,
        base,
        &record,
        "#issue-claim",
        "49-desk-claim-code-1280",
    )
    .await;

    // Back on the phone: a wrong code counts, the right one links the record.
    phone.fill("#password", PASSWORD).await;
    phone.fill("#password_confirmation", PASSWORD).await;
    let wrong = if code.starts_with('A') {
        "BBBB-BBBB"
    } else {
        "AAAA-AAAA"
    };
    phone.fill("#claim_code", wrong).await;
    phone.click("button.primary").await;
    assert!(
        phone
            .text("#claim_code-error")
            .await
            .contains("还可再试 4 次")
    );
    phone.fill("#password", PASSWORD).await;
    phone.fill("#password_confirmation", PASSWORD).await;
    phone.fill("#claim_code", &code.to_lowercase()).await;
    phone.click("button.primary").await;
    assert_eq!(phone.path().await, "/", "claimed and signed in");
    phone.go(&format!("{base}/family")).await;
    let first = phone.text("#members li:first-child").await;
    assert!(
        first.contains("李秀英") && first.contains("本人"),
        "{first}"
    );
    phone.shot("50-claimed-family-375").await;
    assert_eq!(
        phone.attr("#members li:first-child", "id").await,
        format!("member-{record}")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_reset_at_the_desk_then_on_the_phone() {
    let server = Server::start().await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let own = patient(&server, "13911110004", "王小明", OWN_ID).await;
    let driver = Driver::start();
    let base = &server.base;
    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    let code = desk_code(&desk, base, &own, "#issue-reset", "51-desk-reset-code-1280").await;

    let phone = driver.browser(375, 812).await;
    phone.go(&format!("{base}/login")).await;
    phone.click("#forgot-link").await;
    assert!(phone.text("#how").await.contains("挂号窗口"));
    phone.fill("#username", "13911110004").await;
    phone.fill("#code", &code).await;
    phone.fill("#password", "NewPassw0rd2026").await;
    phone
        .fill("#password_confirmation", "NewPassw0rd2027")
        .await;
    phone.click("button.primary").await;
    assert_eq!(
        phone.text("#password_confirmation-error").await,
        "两次输入的密码不一致"
    );
    phone.shot("52-forgot-mismatch-375").await;
    phone.fill("#password", "NewPassw0rd2026").await;
    phone
        .fill("#password_confirmation", "NewPassw0rd2026")
        .await;
    phone.click("button.primary").await;
    assert_eq!(phone.path().await, "/login");
    assert!(phone.text("#notice").await.contains("密码已重置"));
    phone.assert_fits_width().await;
    phone.shot("53-reset-done-375").await;
    phone.fill("#username", "13911110004").await;
    phone.fill("#password", "NewPassw0rd2026").await;
    phone.click("button.primary").await;
    assert_eq!(phone.path().await, "/", "signed in with the new password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_sign_in_names_the_empty_field() {
    let server = Server::start().await;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;
    phone.go(&format!("{base}/login")).await;
    phone.click("button.primary").await;
    assert_eq!(
        phone.text("#username-error").await,
        "请填写手机号（工作人员填工号）"
    );
    assert_eq!(phone.text("#password-error").await, "请填写密码");
    assert!(!phone.text("main").await.contains("用户名或密码错误"));
    phone.fill("#username", "13911110005").await;
    phone.click("button.primary").await;
    assert_eq!(phone.value("#username").await, "13911110005");
    assert_eq!(phone.text("#password-error").await, "请填写密码");
    phone.assert_fits_width().await;
    phone.shot("54-empty-login-375").await;
}
