//! Moves and money: the triage desk sees each target doctor's class and fee and what a move
//! does with the difference (a dearer doctor needs the patient's consent and the difference
//! paid, a cheaper one refunds it at once); the desk sees the moved visit and its bill; the
//! administrator's stop-clinic offers only targets that charge no more, as the booking rules
//! say.

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::cashier_journey::{REGISTRAR, booked, flat, shot_at};
use crate::harness::{ADMIN_PASSWORD, Browser, Driver, Server};

const NURSE: (&str, &str) = ("nurse-zhao", "Nurse2026pass");

/// Another doctor of the department with a session at the same time as the first one.
pub(crate) async fn colleague(
    server: &Server,
    department: &str,
    name: (&str, &str, &str),
    class: &str,
    fee: f64,
) {
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let day = server
        .get(&admin, &format!("/api/departments/{department}/sessions"))
        .await;
    let first = &day["sessions"][0]["schedule"];
    let china = huimin_clock::Clock::default().zone().clone();
    let local = |at: &Value| {
        at.as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(china.clone())
    };
    let (start, end) = (
        local(&first["planningHorizon"]["start"]),
        local(&first["planningHorizon"]["end"]),
    );
    let room = server
        .post(
            &admin,
            "/fhir/Location",
            &json!({"resourceType": "Location",
            "name": format!("心内科 {} 诊室", name.1), "status": "active"}),
        )
        .await;
    let doctor = server
        .post(
            &admin,
            "/fhir/Practitioner",
            &json!({"resourceType": "Practitioner",
            "name": [{"text": name.0, "family": name.1, "given": [name.2]}]}),
        )
        .await;
    let role = server
        .post(&admin, "/fhir/PractitionerRole", &json!({
            "resourceType": "PractitionerRole", "active": true,
            "extension": [
                {"url": "urn:huimin:ext:registration-class", "valueCode": class},
                {"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": fee, "currency": "CNY"}}],
            "practitioner": {"reference": format!("Practitioner/{}", doctor["id"].as_str().unwrap()), "display": name.0},
            "organization": {"reference": format!("Organization/{department}")},
            "location": [{"reference": format!("Location/{}", room["id"].as_str().unwrap())}],
            "code": [{"coding": [{"system": "urn:huimin:cs:practitioner-title", "code": "attending-physician"}]}]}))
        .await;
    server
        .post(
            &admin,
            "/api/admin/sessions",
            &json!({
            "practitioner_role": role["id"], "date": start.date().to_string(),
            "period": first["serviceType"][0]["coding"][0]["code"],
            "start": start.strftime("%H:%M").to_string(), "end": end.strftime("%H:%M").to_string(),
            "capacity": 4, "slot_minutes": 30}),
        )
        .await;
}

/// The department's sessions by doctor: (doctor's name, session id).
async fn sessions(server: &Server, token: &str, department: &str) -> Vec<(String, String)> {
    let day = server
        .get(token, &format!("/api/departments/{department}/sessions"))
        .await;
    day["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let doctor = s["doctor"].as_str().unwrap().to_owned();
            (doctor, s["schedule"]["id"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn session_of<'a>(all: &'a [(String, String)], doctor: &str) -> &'a str {
    &all.iter().find(|(d, _)| d == doctor).expect(doctor).1
}

async fn options(browser: &Browser, css: &str) -> usize {
    let found = browser.client.find_all(Locator::Css(css)).await.unwrap();
    found.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_show_each_doctors_fee_and_settle_the_difference() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    server.staff(NURSE.0, "nurse", NURSE.1).await;
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    let (patient, first) = booked(
        &server,
        &desk,
        &department,
        ("赵春梅", "310104198808080024"),
    )
    .await;
    server
        .post(
            &desk,
            &format!("/api/appointments/{first}/payment"),
            &json!({"method": "cash"}),
        )
        .await;
    let checked_in = server
        .http
        .patch(format!("{}/fhir/Appointment/{first}", server.base))
        .bearer_auth(&desk)
        .header("content-type", "application/json-patch+json")
        .body(json!([{"op": "replace", "path": "/status", "value": "checked-in"}]).to_string())
        .send()
        .await
        .unwrap();
    assert!(checked_in.status().is_success());
    colleague(
        &server,
        &department,
        ("王立新", "王", "立新"),
        "ordinary",
        20.0,
    )
    .await;
    colleague(
        &server,
        &department,
        ("钱国栋", "钱", "国栋"),
        "special-needs",
        50.0,
    )
    .await;
    let all = sessions(&server, &desk, &department).await;
    let (li, wang, qian) = (
        session_of(&all, "李振邦"),
        session_of(&all, "王立新"),
        session_of(&all, "钱国栋"),
    );
    let base = &server.base;
    let driver = Driver::start();

    // The triage desk: a cheaper doctor refunds the difference, a dearer one needs consent
    // and the difference paid (the fee was paid).
    let nurse = driver.browser(1280, 900).await;
    nurse.sign_in(base, NURSE.0, NURSE.1).await;
    nurse.go(&format!("{base}/triage/{department}")).await;
    let line = format!("#session-{li}");
    assert!(
        nurse
            .text(&format!("{line} .line-fee"))
            .await
            .contains("¥30.00")
    );
    nurse.tap(&format!("{line} details.move summary")).await;
    let to_wang = format!("{line} form:has(input[value='{wang}'])");
    let to_qian = format!("{line} form:has(input[value='{qian}'])");
    let cheaper = flat(&nurse, &to_wang).await;
    assert!(
        cheaper.contains("普通号 ¥20.00 · 便宜 ¥10.00，差额将退回"),
        "{cheaper}"
    );
    let dearer = flat(&nurse, &to_qian).await;
    assert!(
        dearer.contains("特需号 ¥50.00 · 贵 ¥20.00，需患者同意并补缴"),
        "{dearer}"
    );
    assert!(dearer.contains("补缴差额的支付方式"), "{dearer}");
    nurse.assert_fits_width().await;
    shot_at(&nurse, &to_qian, "50-triage-move-fees-1280").await;

    // Without the patient's consent the dearer move is refused, and the desk says what to do.
    nurse.click(&format!("{to_qian} button.move")).await;
    assert!(nurse.text("#problem").await.contains("须征得患者同意"));
    assert_eq!(
        nurse.attr(&format!("{line} details.move"), "open").await,
        "true",
        "still open"
    );
    nurse.shot("51-triage-move-needs-consent-1280").await;
    nurse.tap(&format!("{to_qian} input.consent")).await;
    nurse
        .choose(&format!("{to_qian} select"), "wechat-pay")
        .await;
    nurse.click(&format!("{to_qian} button.move")).await;
    assert_eq!(nurse.path().await, format!("/triage/{department}"));
    assert!(
        nurse
            .text(&format!("#session-{qian} .waiting-list"))
            .await
            .contains("赵春梅")
    );

    // The desk: the old appointment moved, the new one's bill paid in full in two payments.
    let moved = server
        .get(&desk, &format!("/api/appointments/{first}/bill"))
        .await;
    let second = moved["moved_to"]
        .as_str()
        .unwrap()
        .trim_start_matches("Appointment/")
        .to_owned();
    let registrar = driver.browser(1280, 900).await;
    registrar.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    let page = format!("{base}/desk/patients/{patient}");
    registrar.go(&page).await;
    assert_eq!(
        registrar.text(&format!("#visit-{first} .status")).await,
        "已改约"
    );
    assert!(
        registrar
            .attr(&format!("#visit-{first} .moved-to"), "href")
            .await
            .ends_with(&format!("#visit-{second}"))
    );
    assert!(
        registrar
            .client
            .find_all(Locator::Css(&format!("#visit-{first} .payment")))
            .await
            .unwrap()
            .is_empty(),
        "not 未缴费"
    );
    assert_eq!(
        registrar.text(&format!("#visit-{second} .bill-paid")).await,
        "¥50.00"
    );
    let entries = flat(&registrar, &format!("#visit-{second} .entries")).await;
    assert!(
        entries.contains("收款 现金 ¥30.00") && entries.contains("收款 微信支付 ¥20.00"),
        "{entries}"
    );
    shot_at(
        &registrar,
        &format!("#visit-{first}"),
        "52-desk-moved-visit-1280",
    )
    .await;

    // Moved on to the cheaper doctor: ¥30.00 goes back at once.
    nurse
        .tap(&format!("#session-{qian} details.move summary"))
        .await;
    nurse
        .click(&format!(
            "#session-{qian} form:has(input[value='{wang}']) button.move"
        ))
        .await;
    assert!(
        nurse
            .text(&format!("#session-{wang} .waiting-list"))
            .await
            .contains("赵春梅")
    );
    let third = server
        .get(&desk, &format!("/api/appointments/{second}/bill"))
        .await;
    let third = third["moved_to"]
        .as_str()
        .unwrap()
        .trim_start_matches("Appointment/")
        .to_owned();
    registrar.go(&page).await;
    assert_eq!(
        registrar
            .text(&format!("#visit-{third} .bill-refunded"))
            .await,
        "¥30.00"
    );
    assert!(
        flat(&registrar, &format!("#visit-{third} .entries"))
            .await
            .contains("改约至挂号费较低的医生")
    );
    registrar.close().await;
    nurse.close().await;

    // Stop-clinic: only sessions that charge no more are offered.
    let date = server
        .get(&desk, &format!("/api/departments/{department}/sessions"))
        .await["date"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = driver.browser(1280, 900).await;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    let sessions_page = format!("{base}/admin/sessions?department={department}&date={date}");
    admin.go(&sessions_page).await;
    assert_eq!(
        options(&admin, &format!("#move-{qian} option")).await,
        3,
        "李 and 王, and no move"
    );
    assert_eq!(
        options(&admin, &format!("#move-{li} option")).await,
        2,
        "王 only"
    );
    assert_eq!(
        options(&admin, &format!("#move-{wang} option")).await,
        1,
        "nobody cheaper"
    );
    let stop_qian = format!("#sessions li:has(#move-{qian})");
    admin.tap(&format!("{stop_qian} summary")).await;
    let offered = admin.text(&format!("#move-{qian}")).await;
    assert!(offered.contains("专家号 ¥30.00 · 便宜 ¥20.00"), "{offered}");
    assert!(
        admin
            .text(&format!("{stop_qian} .move-rule"))
            .await
            .contains("只列出挂号费相同或较低的出诊")
    );
    shot_at(
        &admin,
        &format!("#move-{qian}"),
        "53-admin-stop-clinic-targets-1280",
    )
    .await;

    // The booking rules: this hospital stops moving patients to a lower fee.
    admin.go(&format!("{base}/admin/rules")).await;
    assert_eq!(admin.value("[name='moves.reply_hours']").await, "24");
    admin.choose("[name='moves.refund_cheaper']", "false").await;
    admin.fill("[name='moves.reply_hours']", "48").await;
    admin.click("#save").await;
    assert!(admin.text("#saved").await.contains("已保存"));
    assert_eq!(admin.value("[name='moves.refund_cheaper']").await, "false");
    assert_eq!(admin.value("[name='moves.reply_hours']").await, "48");
    shot_at(
        &admin,
        "[name='moves.reply_hours']",
        "54-admin-rules-moves-1280",
    )
    .await;
    admin.go(&sessions_page).await;
    assert_eq!(
        options(&admin, &format!("#move-{qian} option")).await,
        1,
        "no lower fee now"
    );
    admin.tap(&format!("{stop_qian} summary")).await;
    assert!(
        admin
            .text(&format!("{stop_qian} .move-rule"))
            .await
            .contains("只列出挂号费相同的出诊")
    );
    admin.close().await;

    // Both pages fit a phone.
    let small = driver.browser(375, 812).await;
    small.sign_in(base, NURSE.0, NURSE.1).await;
    small.go(&format!("{base}/triage/{department}")).await;
    small
        .tap(&format!("#session-{wang} details.move summary"))
        .await;
    small.assert_fits_width().await;
    shot_at(
        &small,
        &format!("#session-{wang} details.move"),
        "55-triage-move-fees-375",
    )
    .await;
    small.close().await;
}
