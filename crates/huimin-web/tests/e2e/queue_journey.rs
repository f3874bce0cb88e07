//! Queue calling as a hospital runs it: the waiting-area screen, opened with the screen token
//! an administrator issued (nobody signed in on it), shows and says each call and clears a
//! passed patient, who is told on the phone; the waiting-area QR code checks a patient in
//! with one tap (not before the fee is paid, where the hospital asks); the triage desk and
//! the workbench follow their lines live, one number, sex and age per patient; the desk asks
//! before 退号, checks in by the ticket's number, and reads refusals in staff's words.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cashier_journey::{REGISTRAR, booked};
use crate::harness::{ADMIN_PASSWORD, Browser, DOCTOR, Driver, Server};
use crate::moves_journey::colleague;

const NURSE: (&str, &str) = ("nurse-zhao", "Nurse2026pass");

/// Waits until `script` (a JavaScript expression) is true on the page.
async fn until(browser: &Browser, script: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let done = browser
            .client
            .execute(&format!("return !!({script});"), vec![])
            .await
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(false);
        if done {
            return;
        }
        if Instant::now() > deadline {
            browser.shot("failure").await;
            panic!("{what}: `{script}` never held");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn run(browser: &Browser, script: &str) -> Value {
    browser.client.execute(script, vec![]).await.unwrap()
}

/// Changes an appointment's status as staff do.
async fn set_status(server: &Server, token: &str, id: &str, status: &str) -> reqwest::Response {
    server
        .http
        .patch(format!("{}/fhir/Appointment/{id}", server.base))
        .bearer_auth(token)
        .header("content-type", "application/json-patch+json")
        .body(json!([{"op": "replace", "path": "/status", "value": status}]).to_string())
        .send()
        .await
        .unwrap()
}

async fn check_in(server: &Server, token: &str, id: &str) {
    let done = set_status(server, token, id, "checked-in").await;
    assert!(done.status().is_success(), "{}", done.text().await.unwrap());
}

/// A patient's own account: (token, patient id).
async fn register(server: &Server, phone: &str, name: &str, id: &str) -> (String, String) {
    server.register((phone, "Patient2026pass"), name, id).await
}

/// The desk books a known patient into the department's first free slot.
async fn book_for(server: &Server, desk: &str, department: &str, patient: &str) -> String {
    let found = server
        .get(
            desk,
            &format!("/fhir/Appointment/$find?department={department}&_count=10"),
        )
        .await;
    let slot = found["entry"][0]["resource"]["id"].as_str().unwrap();
    let params = json!({"resourceType": "Parameters", "parameter": [
        {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
        {"name": "patient", "valueReference": {"reference": format!("Patient/{patient}")}}]});
    let booked = server.post(desk, "/fhir/Appointment/$book", &params).await;
    booked["id"].as_str().unwrap().to_owned()
}

/// Dr 李振邦's session today (the harness's clinic).
async fn first_session(server: &Server, token: &str, department: &str) -> String {
    let day = server
        .get(token, &format!("/api/departments/{department}/sessions"))
        .await;
    day["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["doctor"] == "李振邦")
        .and_then(|s| s["schedule"]["id"].as_str())
        .unwrap()
        .to_owned()
}

async fn spoken(screen: &Browser) -> Vec<String> {
    let said = run(screen, "return window.__spoken || [];").await;
    said.as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_call_screen_shows_and_says_each_call_without_anyone_signed_in() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    let (wang_token, wang) = register(&server, "13911110001", "王小明", "110101199003071137").await;
    let first = book_for(&server, &desk, &department, &wang).await;
    let (_, second) = booked(&server, &desk, &department, ("李四", "34052419800101001X")).await;
    let (_, third) = booked(
        &server,
        &desk,
        &department,
        ("张三丰", "110101198003021231"),
    )
    .await;
    let base = &server.base;
    let driver = Driver::start();

    // The administrator issues the screen's token; its address is shown once.
    let admin = driver.browser(1280, 900).await;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    admin.go(&format!("{base}/admin/screens")).await;
    admin.click("#issue").await;
    assert!(
        !admin.text("#department-error").await.is_empty(),
        "a department is needed"
    );
    assert!(
        !admin.text("#label-error").await.is_empty(),
        "and where the screen is"
    );
    admin.choose("#department", &department).await;
    admin.fill("#label", "门诊二楼候诊区").await;
    admin.click("#issue").await;
    let address = admin.text("#screen-address").await;
    assert!(
        address.contains(&format!("/screen/{department}?key=scr_")),
        "{address}"
    );
    assert!(admin.text("#screens").await.contains("门诊二楼候诊区"));
    admin.assert_fits_width().await;
    admin.shot("60-admin-screens-1280").await;

    // The screen's browser, signed in as nobody, shows the department's check-in code.
    let screen = driver.browser(1920, 1080).await;
    screen.go(&address).await;
    screen.wait_visible(".scan svg").await;
    assert!(screen.text(".scan figcaption").await.contains("扫码签到"));
    // Voice needs one tap; what would be said is recorded instead of played.
    run(
        &screen,
        "window.__spoken = []; window.__same_page = true; \
        window.speechSynthesis.speak = function (u) { window.__spoken.push(u.text); };",
    )
    .await;
    assert_eq!(screen.attr("#voice", "aria-pressed").await, "false");
    assert_eq!(screen.text("#voice").await, "开启语音");
    screen.tap("#voice").await;
    assert_eq!(screen.attr("#voice", "aria-pressed").await, "true");
    assert!(screen.text("#voice").await.contains("语音已开启"));
    assert_eq!(spoken(&screen).await, ["语音叫号已开启"]);

    // Patients check in: the screen lists them as they come, names masked, without reloading.
    for id in [&first, &second, &third] {
        check_in(&server, &desk, id).await;
    }
    until(
        &screen,
        "document.querySelectorAll('.next li').length === 3",
        "three waiting",
    )
    .await;
    let rooms = screen.text(".rooms").await;
    assert!(
        rooms.contains("王*") && rooms.contains("李*") && rooms.contains("张*"),
        "{rooms}"
    );
    assert!(!rooms.contains("王小明"), "{rooms}");

    // The doctor calls: the screen shows it and says it, once.
    let doctor = server.token(DOCTOR.0, DOCTOR.1).await;
    let session = first_session(&server, &doctor, &department).await;
    let call = |action: &'static str| {
        let path = format!("/api/sessions/{session}/{action}");
        let (server, doctor) = (&server, &doctor);
        async move { server.post(doctor, &path, &json!({})).await }
    };
    call("call-next").await;
    let said = "请 1 号 王某 到 心内科 3 诊室 就诊";
    until(
        &screen,
        &format!("window.__spoken.indexOf('{said}') >= 0"),
        "the call is said",
    )
    .await;
    assert_eq!(screen.text("#screen-number").await, "1");
    assert_eq!(screen.text("#screen-name").await, "王*");
    assert!(screen.text("#screen-room").await.contains("心内科 3 诊室"));
    assert_eq!(
        run(&screen, "return window.__same_page === true;").await,
        true,
        "no reload"
    );
    screen.assert_fits_width().await;
    screen.shot("61-call-screen-1920").await;
    for (width, height, name) in [
        (1280, 800, "62-call-screen-1280"),
        (375, 812, "63-call-screen-375"),
    ] {
        let other = driver.browser(width, height).await;
        other.go(&address).await;
        assert_eq!(other.text("#screen-number").await, "1");
        other.assert_fits_width().await;
        other.shot(name).await;
        other.close().await;
    }

    // A recall is said again; a pass clears the call from the screen.
    call("recall").await;
    until(
        &screen,
        &format!("window.__spoken.filter(t => t === '{said}').length === 2"),
        "recall said",
    )
    .await;
    call("pass").await;
    screen.wait_visible("#screen-none").await;
    assert!(screen.text("#board").await.contains("暂未叫号"));
    assert!(
        !screen.text(".rooms").await.contains("王*"),
        "the passed patient left the screen"
    );
    screen.shot("64-call-screen-passed-1920").await;

    // The passed patient is told on the phone: the booking and the message centre say so.
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", "Patient2026pass").await;
    phone.go(&format!("{base}/appointments/{first}")).await;
    phone.wait_visible("#passed-notice").await;
    assert!(phone.text("#passed-notice").await.contains("过号"));
    assert!(phone.text("#wait-hint").await.contains("候诊区"));
    phone.assert_fits_width().await;
    phone.shot("65-phone-passed-375").await;
    // The outbox delivers to the message centre within moments.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        phone.go(&format!("{base}/messages")).await;
        if phone.text("main").await.contains("叫号时不在，已过号") {
            break;
        }
        assert!(Instant::now() < deadline, "no passed message");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    phone.shot("66-messages-passed-375").await;
    phone.close().await;
    drop(wang_token);

    // Revoked: the screen stops showing the code at once and says why.
    admin.go(&format!("{base}/admin/screens")).await;
    admin.click("button.revoke").await;
    assert!(admin.text("#screens").await.contains("已撤销"));
    screen.wait_visible("#screen-refused").await;
    assert!(screen.text("#screen-refused").await.contains("撤销"));
    screen.shot("67-call-screen-revoked-1920").await;
    screen.close().await;
    admin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_waiting_area_code_checks_a_patient_in_with_one_tap() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    let (_, li) = register(&server, "13911110002", "李四", "34052419800101001X").await;
    let booking = book_for(&server, &desk, &department, &li).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let issued = server
        .post(
            &admin,
            "/api/admin/screens",
            &json!({"department": department, "label": "候诊区"}),
        )
        .await;
    let board: Value = server
        .http
        .get(format!(
            "{}/api/departments/{department}/board",
            server.base
        ))
        .header("x-huimin-screen", issued["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = board["check_in_code"]["code"].as_str().unwrap().to_owned();
    let base = &server.base;
    let driver = Driver::start();

    // Scanned before signing in: sign in, and back to today's bookings there.
    let phone = driver.browser(375, 812).await;
    phone
        .go(&format!("{base}/here/{department}?code={code}"))
        .await;
    assert!(phone.text("main").await.contains("请先登录"));
    phone.shot("68-here-sign-in-375").await;
    phone.click("#here-sign-in").await;
    phone.fill("#username", "13911110002").await;
    phone.fill("#password", "Patient2026pass").await;
    phone.click("button.primary").await;
    assert_eq!(phone.path().await, format!("/here/{department}"));
    let listed = phone.text("#here-bookings").await;
    assert!(
        listed.contains("李四") && listed.contains("李振邦"),
        "{listed}"
    );
    phone.assert_fits_width().await;
    phone.shot("69-here-bookings-375").await;

    // The hospital wants the fee first: the tap is refused, saying where to pay.
    let rules = server
        .http
        .put(format!("{base}/api/admin/booking-rules"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body(json!({"check_in": {"payment_first": true}}).to_string())
        .send()
        .await
        .unwrap();
    assert!(rules.status().is_success());
    phone.click(".confirm-check-in").await;
    let problem = phone.text("#problem").await;
    assert!(
        problem.contains("未缴费") && problem.contains("窗口") && problem.contains("¥30.00"),
        "{problem}"
    );
    assert!(phone.text("#here-bookings").await.contains("预约成功"));
    phone.assert_fits_width().await;
    phone.shot("70-here-unpaid-375").await;

    // Paid at the window: one tap checks in; the booking shows the line, not the code.
    server
        .post(
            &desk,
            &format!("/api/appointments/{booking}/payment"),
            &json!({"method": "cash"}),
        )
        .await;
    phone.go(&format!("{base}/here/{department}")).await;
    phone.click(".confirm-check-in").await;
    assert_eq!(phone.path().await, format!("/appointments/{booking}"));
    assert_eq!(phone.text("#status").await, "已签到");
    assert!(phone.text("#waiting").await.contains("候诊"));
    let codes = phone
        .client
        .find_all(fantoccini::Locator::Css(".qr svg"))
        .await
        .unwrap();
    assert!(codes.is_empty(), "出示此码 is gone once checked in");
    phone.shot("71-here-checked-in-375").await;
    phone.go(&format!("{base}/here/{department}")).await;
    assert!(phone.text("#here-bookings").await.contains("已签到"));
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_lines_follow_live_and_the_desk_asks_before_cancelling() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    server.staff(NURSE.0, "nurse", NURSE.1).await;
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    // 1980-03-02, a man; 1988-08-08, a woman; 1950-01-01, a man.
    let (zhou, first) = booked(
        &server,
        &desk,
        &department,
        ("周建国", "110101198003021231"),
    )
    .await;
    let (_, second) = booked(
        &server,
        &desk,
        &department,
        ("赵春梅", "310104198808080024"),
    )
    .await;
    let (_, third) = booked(
        &server,
        &desk,
        &department,
        ("钱老伯", "110101195001011239"),
    )
    .await;
    colleague(
        &server,
        &department,
        ("王立新", "王", "立新"),
        "ordinary",
        20.0,
    )
    .await;
    let li = first_session(&server, &desk, &department).await;
    let base = &server.base;
    let driver = Driver::start();

    // The triage desk follows the line as patients arrive, without reloading.
    let nurse = driver.browser(1280, 900).await;
    nurse.sign_in(base, NURSE.0, NURSE.1).await;
    nurse.go(&format!("{base}/triage/{department}")).await;
    assert!(
        nurse
            .text(&format!("#session-{li} .expected-list"))
            .await
            .contains("周建国")
    );
    run(&nurse, "window.__same_page = true;").await;
    check_in(&server, &desk, &first).await;
    let waiting = format!("#session-{li} .waiting-list");
    until(
        &nurse,
        &format!("document.querySelector('{waiting}').textContent.includes('周建国')"),
        "triage live",
    )
    .await;
    assert_eq!(
        run(&nurse, "return window.__same_page === true;").await,
        true,
        "no reload"
    );
    let row = nurse.text(&format!("{waiting} li")).await;
    assert!(
        row.starts_with("1 周建国 男 · "),
        "one number, then name, sex and age: {row}"
    );
    assert!(row.contains('岁'), "{row}");
    let marker = run(
        &nurse,
        &format!("return getComputedStyle(document.querySelector('{waiting}')).listStyleType;"),
    )
    .await;
    assert_eq!(marker, "none", "no list numbering beside the queue number");
    // Moves show each target doctor's hours.
    nurse.tap(&format!("{waiting} details.move summary")).await;
    let when = nurse.text(&format!("{waiting} .target-when")).await;
    assert!(when.contains(':') && when.contains('–'), "{when}");
    nurse.shot("72-triage-live-1280").await;

    // The doctor's line follows too.
    let doctor = driver.browser(1280, 900).await;
    doctor.sign_in(base, DOCTOR.0, DOCTOR.1).await;
    doctor.click("a.session-link").await;
    assert!(doctor.text("#waiting-list").await.contains("周建国"));
    run(&doctor, "window.__same_page = true;").await;
    check_in(&server, &desk, &second).await;
    until(
        &doctor,
        "document.querySelector('#waiting-list').textContent.includes('赵春梅')",
        "workbench live",
    )
    .await;
    assert_eq!(
        run(&doctor, "return window.__same_page === true;").await,
        true,
        "no reload"
    );
    let rows = doctor.text("#waiting-list").await;
    assert!(rows.contains("赵春梅 女 · "), "{rows}");
    assert_eq!(
        run(
            &doctor,
            "return document.querySelector('#waiting-list').tagName;"
        )
        .await,
        "UL"
    );
    // 加号 for a patient already booked here: the refusal speaks to the doctor.
    doctor.fill("#find", "周建国").await;
    doctor.click("#extra-find").await;
    doctor.click("button.add-extra").await;
    let refused = doctor.text("#problem").await;
    assert!(
        refused.contains("该患者") && !refused.contains('您'),
        "{refused}"
    );
    doctor.assert_fits_width().await;
    doctor.shot("73-workbench-live-extra-refused-1280").await;
    doctor.close().await;

    // The scanner takes the ticket's number within the doctor's session.
    let number = {
        let a = server
            .get(&desk, &format!("/fhir/Appointment/{third}"))
            .await;
        a["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == "urn:huimin:ext:queue-number")
            .and_then(|e| e["valueInteger"].as_i64())
            .unwrap()
    };
    nurse.click("#to-checkin").await;
    nurse.fill("#code", &number.to_string()).await;
    nurse.click("#scan").await;
    assert!(nurse.text("#session-error").await.contains("医生和时段"));
    nurse.choose("#session", &li).await;
    nurse.fill("#code", &number.to_string()).await;
    nurse.click("#scan").await;
    let arrival = nurse.text("#arrival").await;
    assert!(
        arrival.contains("钱老伯") && arrival.contains("已签到"),
        "{arrival}"
    );
    assert_eq!(
        nurse.value("#session").await,
        li,
        "the session stays chosen for the next"
    );
    nurse.assert_fits_width().await;
    nurse.shot("74-checkin-by-number-1280").await;
    nurse.close().await;

    // 退号 asks first, saying what happens to the fee paid; going back keeps the visit.
    server
        .post(
            &desk,
            &format!("/api/appointments/{first}/payment"),
            &json!({"method": "cash"}),
        )
        .await;
    let window = driver.browser(1280, 900).await;
    window.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    window.go(&format!("{base}/desk/patients/{zhou}")).await;
    let cancel = format!("form[action='/desk/appointments/{first}/cancel'] button");
    window.click(&cancel).await;
    assert!(window.text("#cancel-confirm").await.contains("周建国"));
    let money = window.text("#cancel-money").await;
    assert!(
        money.contains("已缴 ¥30.00") && money.contains("退回"),
        "{money}"
    );
    window.assert_fits_width().await;
    window.shot("75-desk-cancel-confirm-1280").await;
    window.click("#keep").await;
    assert!(
        window
            .text(&format!("#visit-{first}"))
            .await
            .contains("已签到")
    );
    window.click(&cancel).await;
    window.click("#confirm-cancel").await;
    assert!(window.text("#notice").await.contains("退号"));
    assert!(
        window
            .text(&format!("#visit-{first}"))
            .await
            .contains("已取消")
    );
    window.close().await;
}
