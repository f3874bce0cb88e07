//! The cashier at the registration desk: a visit's bill with its items, payments and refunds;
//! refunding some units, then everything still refundable, never an item already given; and
//! the close of day by payment method, the cashier's own or everyone's, ready to print.

use fantoccini::Locator;
use serde_json::{Value, json};

use crate::harness::{ADMIN_PASSWORD, Browser, DOCTOR, Driver, Server};

pub(crate) const REGISTRAR: (&str, &str) = ("desk-wang", "Registrar2026pass");

/// Items on the price list for the scenes: ¥1.00 a booklet, ¥5.00 a card.
const PRICES: &[(&str, &str, &str, i64)] = &[
    ("booklet", "病历本", "Record booklet", 100),
    ("card", "就诊卡", "Patient card", 500),
];

/// A patient registered by the administrator and booked by the desk into the department's
/// session: (patient id, appointment id).
pub(crate) async fn booked(
    server: &Server,
    desk: &str,
    department: &str,
    who: (&str, &str),
) -> (String, String) {
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let patient = server
        .post(
            &admin,
            "/fhir/Patient",
            &json!({"resourceType": "Patient",
            "identifier": [{"system": "urn:huimin:sid:cn-resident-id", "value": who.1}],
            "name": [{"text": who.0}]}),
        )
        .await;
    let patient = patient["id"].as_str().unwrap().to_owned();
    let found = server
        .get(
            desk,
            &format!("/fhir/Appointment/$find?department={department}&_count=10"),
        )
        .await;
    let slot = found["entry"][0]["resource"]["id"]
        .as_str()
        .expect("a free slot");
    let params = json!({"resourceType": "Parameters", "parameter": [
        {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
        {"name": "patient", "valueReference": {"reference": format!("Patient/{patient}")}}]});
    let booked = server.post(desk, "/fhir/Appointment/$book", &params).await;
    (patient, booked["id"].as_str().unwrap().to_owned())
}

/// Sells `quantity` of a price-list item for the visit; the bill's charge item id.
async fn sell(server: &Server, desk: &str, appointment: &str, code: &str, quantity: i64) -> String {
    let bill = server
        .post(
            desk,
            &format!("/api/appointments/{appointment}/charge-items"),
            &json!({"code": code, "quantity": quantity}),
        )
        .await;
    item_id(&bill, code)
}

fn item_id(bill: &Value, code: &str) -> String {
    bill["charge_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"]["coding"][0]["code"] == code && i["status"] == "billable")
        .and_then(|i| i["id"].as_str())
        .unwrap_or_else(|| panic!("no {code} on {bill}"))
        .to_owned()
}

/// A screenshot with the element `css` in the middle of the window.
pub(crate) async fn shot_at(browser: &Browser, css: &str, name: &str) {
    let script = format!("document.querySelector(\"{css}\").scrollIntoView({{block: 'center'}});");
    browser.client.execute(&script, vec![]).await.unwrap();
    browser.shot(name).await;
}

/// The element's text with its whitespace (table cells, lines) as single spaces.
pub(crate) async fn flat(browser: &Browser, css: &str) -> String {
    let text = browser.text(css).await;
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn prop(browser: &Browser, css: &str, name: &str) -> bool {
    let script = format!("return document.querySelector(\"{css}\").{name};");
    let value = browser.client.execute(&script, vec![]).await.unwrap();
    value
        .as_bool()
        .unwrap_or_else(|| panic!("{css}.{name}: {value}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cashier_refunds_part_of_a_bill_then_the_rest_but_never_what_was_given() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    server.price_items(PRICES).await;
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    let (patient, visit) = booked(
        &server,
        &desk,
        &department,
        ("王秀英", "110101198003021231"),
    )
    .await;
    let booklet = sell(&server, &desk, &visit, "booklet", 2).await;
    let bill = server
        .get(&desk, &format!("/api/appointments/{visit}/bill"))
        .await;
    let registration = item_id(&bill, "registration-expert");
    let base = &server.base;
    let page = format!("{base}/desk/patients/{patient}");
    let driver = Driver::start();
    let b = driver.browser(1280, 900).await;
    b.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;

    // The bill: the registration fee and two booklets, all due, taken at once by WeChat Pay.
    b.go(&page).await;
    assert!(b.text(".payment").await.contains("未缴费 ¥32.00"));
    let items = b.text(".bill-items").await;
    assert!(
        items.contains("病历本") && items.contains("¥2.00") && items.contains("¥30.00"),
        "{items}"
    );
    assert!(b.text("form.pay button").await.contains("¥32.00"));
    b.choose("form.pay select", "wechat-pay").await;
    b.click("form.pay button").await;
    assert!(b.text("#notice").await.contains("已收费"));
    assert_eq!(b.text(".bill-paid").await, "¥32.00");
    assert_eq!(b.text(".bill-due").await, "¥0.00");
    assert!(b.text(".bill-status").await.contains("已结清"));
    assert!(flat(&b, ".entries").await.contains("收款 微信支付"));

    // One of the two booklets back, first without a reason: the API's refusal, in Chinese,
    // next to the reason, with what was ticked and typed kept.
    b.tap(".refund summary").await;
    b.tap(&format!("#refund-{booklet}")).await;
    b.fill(&format!("#units-{booklet}"), "1").await;
    b.tap(".refund-confirm").await;
    b.click(".refund-chosen").await;
    assert!(b.text("#refund-problem").await.contains("请填写退费原因"));
    assert_eq!(b.attr(".refund-note", "aria-invalid").await, "true");
    assert!(prop(&b, &format!("#refund-{booklet}"), "checked").await);
    assert_eq!(b.value(&format!("#units-{booklet}")).await, "1");
    b.assert_fits_width().await;
    shot_at(&b, ".refund-form", "40-desk-refund-needs-a-reason-1280").await;
    b.fill(".refund-note", "患者只需一本").await;
    b.tap(".refund-confirm").await;
    b.click(".refund-chosen").await;
    assert!(b.text("#notice").await.contains("已退 ¥1.00"));
    assert_eq!(b.text(".bill-refunded").await, "¥1.00");
    assert_eq!(b.text(".bill-total").await, "¥31.00");
    assert_eq!(
        b.text(&format!("#item-{booklet} td")).await,
        "1",
        "one booklet left"
    );
    let entries = flat(&b, ".entries").await;
    assert!(
        entries.contains("退款 微信支付")
            && entries.contains("窗口退费 · 患者只需一本")
            && entries.contains("desk-wang"),
        "{entries}"
    );
    shot_at(&b, ".entries", "41-desk-partly-refunded-1280").await;

    // The patient checks in and the doctor calls them: the registration is given and cannot
    // be chosen for a refund; the booklet and a card sold afterwards (paid in cash) can be.
    b.click(&format!("#visit-{visit} form[action$='/check-in'] button"))
        .await;
    assert!(b.text("#notice").await.contains("已签到"));
    let doctor = server.token(DOCTOR.0, DOCTOR.1).await;
    let day = server
        .get(&desk, &format!("/api/departments/{department}/sessions"))
        .await;
    let session = day["sessions"][0]["schedule"]["id"].as_str().unwrap();
    server
        .post(
            &doctor,
            &format!("/api/sessions/{session}/call-next"),
            &json!({}),
        )
        .await;
    let card = sell(&server, &desk, &visit, "card", 1).await;
    b.go(&page).await;
    assert!(
        b.text(&format!("#item-{registration}"))
            .await
            .contains("已执行")
    );
    assert!(b.text(".payment").await.contains("待缴 ¥5.00"));
    b.choose("form.pay select", "cash").await;
    b.click("form.pay button").await;
    assert!(b.text("#notice").await.contains("已收费"));
    b.tap(".refund summary").await;
    assert!(prop(&b, &format!("#refund-{registration}"), "disabled").await);
    assert!(
        b.text(&format!("#why-{registration}"))
            .await
            .contains("已执行，不能退费")
    );
    for open in [&booklet, &card] {
        assert!(!prop(&b, &format!("#refund-{open}"), "disabled").await);
    }
    shot_at(
        &b,
        ".refund-form",
        "42-desk-given-items-not-refundable-1280",
    )
    .await;

    // In English, the API's refusal is in English.
    b.click("#switch-lang").await;
    b.tap(".refund summary").await;
    b.tap(".refund-confirm").await;
    b.click(".refund-all").await;
    assert!(
        b.text("#refund-problem")
            .await
            .contains("reason for the refund")
    );
    shot_at(&b, ".refund-form", "43-desk-refund-english-1280").await;
    b.click("#switch-lang").await;

    // Everything still refundable: the booklet (back by WeChat Pay) and the card (in cash);
    // what was given stays paid, and nothing is left to refund.
    b.tap(".refund summary").await;
    b.fill(".refund-note", "患者已有就诊卡").await;
    b.tap(".refund-confirm").await;
    b.click(".refund-all").await;
    assert!(b.text("#notice").await.contains("已退 ¥6.00"));
    assert_eq!(b.text(".bill-refunded").await, "¥7.00");
    assert_eq!(b.text(".bill-total").await, "¥30.00");
    assert_eq!(b.text(".bill-paid").await, "¥37.00");
    assert!(flat(&b, ".entries").await.contains("退款 现金"));
    assert!(b.text(".bill-status").await.contains("已结清"));
    assert!(b.text(".no-refund").await.contains("没有可退的项目"));
    assert!(
        b.client
            .find_all(Locator::Css(".refund-form"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        b.text(".payment")
            .await
            .contains("已缴费 ¥30.00 · 已退 ¥7.00")
    );
    b.assert_fits_width().await;
    shot_at(&b, ".bill", "44-desk-refunded-1280").await;
    b.close().await;

    // The same bill on a phone-sized screen: the tables become labelled lines.
    let small = driver.browser(375, 812).await;
    small.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    small.go(&page).await;
    small.assert_fits_width().await;
    shot_at(&small, ".bill", "48-desk-bill-375").await;
    small.close().await;
}

/// Shows the page as it prints (Chrome's print media, through ChromeDriver's DevTools door).
async fn as_printed(driver: &Driver, browser: &Browser) {
    let session = browser
        .client
        .session_id()
        .await
        .unwrap()
        .expect("a session");
    let reply = reqwest::Client::new()
        .post(format!("{}/session/{session}/goog/cdp/execute", driver.url))
        .json(&json!({"cmd": "Emulation.setEmulatedMedia", "params": {"media": "print"}}))
        .send()
        .await
        .unwrap();
    assert!(
        reply.status().is_success(),
        "{}",
        reply.text().await.unwrap()
    );
}

async fn lines(browser: &Browser) -> Vec<String> {
    let rows = browser
        .client
        .find_all(Locator::Css("#report-table tbody tr.method-line"))
        .await
        .unwrap();
    let mut out = Vec::new();
    for row in rows {
        out.push(
            row.text()
                .await
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_close_of_day_adds_up_each_method_for_the_cashier_or_everyone() {
    let server = Server::start().await;
    let department = server.clinic_starting_soon(30.0).await;
    server.staff(REGISTRAR.0, "registrar", REGISTRAR.1).await;
    server.price_items(PRICES).await;
    let desk = server.token(REGISTRAR.0, REGISTRAR.1).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let (first, visit) = booked(
        &server,
        &desk,
        &department,
        ("王秀英", "110101198003021231"),
    )
    .await;
    let card = sell(&server, &desk, &visit, "card", 1).await;
    let (_, other) = booked(
        &server,
        &desk,
        &department,
        ("李建华", "110105197511110450"),
    )
    .await;
    let base = &server.base;
    let driver = Driver::start();
    let b = driver.browser(1280, 900).await;
    b.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;

    // From the desk to the report: nothing taken yet today.
    b.click("#to-report").await;
    assert_eq!(b.path().await, "/staff/report");
    assert!(b.text("#report-empty").await.contains("当日没有收款或退款"));

    // The registrar takes ¥35.00 in cash and gives the card's ¥5.00 back; an administrator
    // takes another patient's ¥30.00 by WeChat Pay.
    b.go(&format!("{base}/desk/patients/{first}")).await;
    b.choose("form.pay select", "cash").await;
    b.click("form.pay button").await;
    assert!(b.text("#notice").await.contains("已收费"));
    server
        .post(
            &desk,
            &format!(
                "/api/bills/{}/refunds",
                bill_of(&server, &desk, &visit).await
            ),
            &json!({"items": [{"charge_item": card, "quantity": 1}], "note": "患者已有就诊卡"}),
        )
        .await;
    server
        .post(
            &admin,
            &format!("/api/appointments/{other}/payment"),
            &json!({"method": "wechat-pay"}),
        )
        .await;

    // Mine: the cash only.
    b.go(&format!("{base}/staff/report")).await;
    assert_eq!(b.text("#report-whose").await, "desk-wang");
    assert_eq!(lines(&b).await, ["现金 1 ¥35.00 1 ¥5.00 ¥30.00"]);
    assert_eq!(
        b.text("#report-totals")
            .await
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "合计 1 ¥35.00 1 ¥5.00 ¥30.00"
    );
    // Everyone: the administrator's WeChat Pay too.
    b.choose("#cashier", "all").await;
    b.click("#show-report").await;
    assert_eq!(b.text("#report-whose").await, "全部收费员");
    assert_eq!(
        lines(&b).await,
        [
            "现金 1 ¥35.00 1 ¥5.00 ¥30.00",
            "微信支付 1 ¥30.00 0 ¥0.00 ¥30.00"
        ]
    );
    assert_eq!(
        b.text("#report-totals")
            .await
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        "合计 2 ¥65.00 1 ¥5.00 ¥60.00"
    );
    assert!(
        b.text("#print").await.contains("打印"),
        "the print button is shown with scripts"
    );
    b.assert_fits_width().await;
    b.shot("45-report-everyone-1280").await;

    // Printed: the report alone, without the site's header or the form.
    as_printed(&driver, &b).await;
    assert!(
        !b.client
            .find(Locator::Css("header.top"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    assert!(
        !b.client
            .find(Locator::Css("#report-pick"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    assert!(b.text("#report-totals").await.contains("¥60.00"));
    b.shot("46-report-printed-1280").await;
    b.close().await;

    // Yesterday had nothing; the page fits a phone.
    let yesterday = jiff::Timestamp::now()
        .to_zoned(huimin_clock::Clock::default().zone().clone())
        .date()
        .yesterday()
        .unwrap();
    let small = driver.browser(375, 812).await;
    small.sign_in(base, REGISTRAR.0, REGISTRAR.1).await;
    small
        .go(&format!("{base}/staff/report?date={yesterday}&cashier=all"))
        .await;
    assert!(
        small
            .text("#report-empty")
            .await
            .contains("当日没有收款或退款")
    );
    assert_eq!(small.text("#report-date").await, yesterday.to_string());
    small.go(&format!("{base}/staff/report?cashier=all")).await;
    small.assert_fits_width().await;
    small.shot("47-report-375").await;
    small.close().await;
}

async fn bill_of(server: &Server, token: &str, appointment: &str) -> String {
    let bill = server
        .get(token, &format!("/api/appointments/{appointment}/bill"))
        .await;
    bill["invoice"]["id"].as_str().expect("a bill").to_owned()
}
