//! A new patient signs up on a phone, books, sees the booking, and checks in.

use crate::harness::{DOCTOR, Driver, Server};

const RESIDENT_ID: &str = "110101199003071137";
const BAD_RESIDENT_ID: &str = "110101199003071138";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_patient_signs_up_books_and_checks_in_on_a_phone() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(25.0).await;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    let base = &server.base;

    // Sign up: a wrong ID number is refused in Chinese, next to the field, keeping what was typed.
    phone.go(&format!("{base}/signup")).await;
    phone.fill("#name", "王小明").await;
    phone.fill("#document_number", BAD_RESIDENT_ID).await;
    phone.fill("#phone", "13911110001").await;
    phone.fill("#password", "abc").await;
    phone.click("button.primary").await;
    let error = phone.text("#document_number-error").await;
    assert!(error.contains("逐位核对"), "{error}");
    assert!(
        !error.chars().any(|c| c.is_ascii_digit()),
        "the right check digit is never suggested: {error}"
    );
    assert!(!phone.text("#password-error").await.is_empty());
    assert_eq!(phone.value("#name").await, "王小明", "what was typed stays");
    assert_eq!(phone.value("#phone").await, "13911110001");
    phone.assert_fits_width().await;
    phone.shot("01-signup-errors-375").await;

    phone.fill("#document_number", RESIDENT_ID).await;
    phone.fill("#password", "Wang2026secure").await;
    phone.fill("#password_confirmation", "Wang2026secure").await;
    phone.tap("#accept_terms").await;
    phone.click("button.primary").await;
    assert_eq!(phone.path().await, "/", "signed up and signed in");

    // Home → department → doctor → a slot.
    assert!(phone.text("main").await.contains("心血管内科"));
    phone.assert_fits_width().await;
    phone.shot("02-home-375").await;
    phone
        .click(&format!("a[href='/departments/{department}']"))
        .await;
    assert!(phone.text("main").await.contains("李振邦"));
    phone.shot("03-department-375").await;
    phone.click("a.name").await;
    assert!(phone.text("main").await.contains("余号"));
    phone.assert_fits_width().await;
    phone.shot("04-doctor-375").await;
    phone.click("a.slot").await;

    // Confirm for oneself: one tap books it, the fee paid at the desk.
    assert!(phone.text("main").await.contains("¥25.00"));
    phone.shot("05-confirm-375").await;
    phone.click("#book-submit").await;
    assert_eq!(phone.text("#status").await, "预约成功");
    assert_eq!(phone.text("#queue-number").await, "1");
    assert!(phone.text("#room").await.contains("3 诊室"));
    assert!(
        phone
            .client
            .find(fantoccini::Locator::Css(".qr svg"))
            .await
            .is_ok(),
        "a check-in QR code"
    );
    phone.assert_fits_width().await;
    phone.shot("06-booked-375").await;

    // My appointments lists it; checking in works within the window.
    phone.go(&format!("{base}/me")).await;
    let mine = phone.text("main").await;
    assert!(
        mine.contains("预约成功") && mine.contains("王小明"),
        "{mine}"
    );
    phone.shot("07-mine-375").await;
    phone.click("a.card.row").await;
    let booking = phone.path().await;
    phone.click("#check-in").await;
    assert!(
        phone.text("#problem").await.contains("二维码"),
        "checking in from home is refused"
    );
    phone.shot("07b-check-in-not-on-site-375").await;

    // At the hospital the phone scans the waiting-area screen's code, then checks in.
    let staff = server.token(DOCTOR.0, DOCTOR.1).await;
    let shown = server
        .get(
            &staff,
            &format!("/api/departments/{department}/check-in-code"),
        )
        .await;
    let code = shown["code"].as_str().unwrap();
    phone
        .go(&format!("{base}/here/{department}?code={code}"))
        .await;
    assert!(phone.text("#here-bookings").await.contains("王小明"));
    phone.click(".confirm-check-in").await;
    assert_eq!(
        phone.path().await,
        booking,
        "one tap, then the booking's place in line"
    );
    assert_eq!(phone.text("#status").await, "已签到");
    let codes = phone
        .client
        .find_all(fantoccini::Locator::Css(".qr svg"))
        .await
        .unwrap();
    assert!(
        codes.is_empty(),
        "the check-in code is gone once checked in"
    );
    assert_eq!(phone.text("#ahead").await, "0");
    assert!(phone.text("#waiting").await.contains("候诊"));
    phone.shot("08-checked-in-375").await;

    // The doctor, in a second browser, calls the next patient; the phone shows it live.
    let doctor = driver.browser(1280, 900).await;
    // The waiting-area code works before signing in too (the page says to sign in next).
    doctor
        .go(&format!("{base}/here/{department}?code={code}"))
        .await;
    assert!(
        doctor.path().await.starts_with("/here/"),
        "not sent to sign in"
    );
    assert!(doctor.text("main").await.contains("请先登录"));
    doctor.go(&format!("{base}/login")).await;
    doctor.fill("#username", DOCTOR.0).await;
    doctor.fill("#password", DOCTOR.1).await;
    doctor.click("button.primary").await;
    assert_eq!(
        doctor.path().await,
        "/staff",
        "staff land on their workbench"
    );
    doctor.shot("11-doctor-today-1280").await;
    // The doctor looks a day ahead (no session there yet) and comes back to today.
    assert!(doctor.text("#day-title").await.contains("今日出诊"));
    doctor.click("#next-day").await;
    assert_eq!(doctor.text("#no-sessions").await, "这一天没有您的出诊。");
    doctor.shot("11-doctor-next-day-1280").await;
    assert_eq!(doctor.text("#day-title").await, "出诊");
    let tomorrow = doctor.value("#date").await;
    doctor.click("#previous-day").await;
    assert!(doctor.text("main").await.contains("今日出诊"));
    doctor.go(&format!("{base}/staff?date={tomorrow}")).await;
    doctor.click("#back-to-today").await;
    assert_eq!(doctor.path().await, "/staff");
    doctor.go(&format!("{base}/staff?date=2030-01-07")).await;
    assert!(doctor.text("#day-shown").await.contains("1月7日 周一"));
    assert_eq!(doctor.value("#date").await, "2030-01-07");
    doctor.click("#show-day").await;
    assert!(doctor.text("#day-shown").await.contains("1月7日 周一"));
    doctor.go(&format!("{base}/staff?date=not-a-date")).await;
    assert!(
        doctor.text("#day-title").await.contains("今日出诊"),
        "a date that does not parse shows today"
    );
    // On a phone, in English, the day links and the date field fit the screen.
    let pocket = driver.browser(375, 740).await;
    pocket.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    pocket.click("#switch-lang").await;
    pocket.go(&format!("{base}/staff?date={tomorrow}")).await;
    assert_eq!(
        pocket.text("#no-sessions").await,
        "You have no sessions on this day."
    );
    pocket.assert_fits_width().await;
    pocket.shot("11-doctor-next-day-en-375").await;
    pocket.close().await;
    doctor.click("a.session-link").await;
    assert!(doctor.text("#waiting-list").await.contains("王小明"));
    doctor.click("#call-next").await;
    assert_eq!(doctor.text("#current-number").await, "1");
    doctor.shot("12-doctor-called-1280").await;
    phone.wait_visible("#called-notice").await;
    assert!(
        phone
            .text("#called-notice")
            .await
            .contains("请到 心内科 3 诊室 就诊")
    );
    assert!(
        !phone.text("#waiting").await.contains("候诊区等候"),
        "a called patient is not also told to wait"
    );
    assert_eq!(phone.text("#serving").await, "1");
    phone.shot("13-phone-called-375").await;

    // The waiting-area screen shows the call, the name masked.
    let screen = driver.browser(1280, 720).await;
    screen.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    screen.go(&format!("{base}/screen/{department}")).await;
    assert!(
        screen.text(".scan figcaption").await.contains("扫码签到"),
        "a signed-in screen shows the check-in code"
    );
    assert_eq!(screen.text("#screen-number").await, "1");
    assert!(screen.text("main").await.contains("王*"));
    assert!(!screen.text("main").await.contains("王小明"));
    assert!(screen.text("#screen-room").await.contains("3 诊室"));
    screen.shot("14-call-screen-1280").await;
    doctor.click("#recall").await;
    assert_eq!(screen.text("#screen-number").await, "1");

    // Seen: the phone's page moves on by itself.
    doctor.click("#seen").await;
    assert!(doctor.text("main").await.contains("当前无就诊患者"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while phone.text("#status").await != "已就诊" {
        assert!(
            std::time::Instant::now() < deadline,
            "the patient's page did not move on"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    phone.shot("16-phone-seen-375").await;

    // The same patient on a desktop, in English with large text.
    let desk = driver.browser(1280, 900).await;
    desk.go(&format!("{base}/login")).await;
    desk.click("#switch-lang").await;
    assert_eq!(desk.text("h1").await, "Sign in");
    desk.fill("#username", "13911110001").await;
    desk.fill("#password", "wrong-password1").await;
    desk.click("button.primary").await;
    assert!(
        !desk.text(".alert").await.is_empty(),
        "a refused sign-in says so"
    );
    assert_eq!(desk.value("#username").await, "13911110001");
    desk.fill("#password", "Wang2026secure").await;
    desk.click("button.primary").await;
    desk.go(&format!("{base}/me")).await;
    assert_eq!(desk.attr("#switch-large", "aria-pressed").await, "false");
    desk.click("#switch-large").await;
    assert_eq!(desk.attr("#switch-large", "aria-pressed").await, "true");
    assert!(
        desk.text("#switch-large").await.contains("Large text on"),
        "the switch shows it is on"
    );
    let mine = desk.text("main").await;
    assert!(mine.contains("Seen"), "{mine}");
    desk.assert_fits_width().await;
    desk.shot("09-mine-en-large-1280").await;
    desk.go(&format!("{base}/")).await;
    assert!(desk.text("main").await.contains("Cardiology"));
    desk.shot("10-home-en-large-1280").await;

    phone.close().await;
    desk.close().await;
    doctor.close().await;
    screen.close().await;
}
