//! My bookings on a phone: booking is one tap and says how the fee is paid and until when it
//! may be cancelled (or, where fees are paid online, a hold counts down); past the deadline
//! the cancel button gives way to the reason; My appointments files upcoming, waitlist,
//! cancelled and past apart with the doctor and department; a full session offers its waitlist,
//! whose entry opens and can be left.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{ADMIN_PASSWORD, Browser, Driver, Server};

const PASSWORD: &str = "Wang2026secure";

/// The doctor's post in `dept` (made by `clinic_starting_soon`).
pub(crate) async fn role_of(server: &Server, admin: &str, dept: &str) -> String {
    let found = server
        .get(
            admin,
            &format!("/fhir/PractitionerRole?organization=Organization/{dept}"),
        )
        .await;
    found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A morning session of the post `days` from today: (schedule, slot ids).
pub(crate) async fn session_in(
    server: &Server,
    admin: &str,
    role: &str,
    days: i64,
    capacity: u32,
) -> (String, Vec<String>) {
    let date = huimin_clock::Clock::default()
        .today()
        .checked_add(jiff::Span::new().days(days))
        .unwrap();
    let created = server
        .post(admin, "/api/admin/sessions", &json!({"practitioner_role": role, "date": date.to_string(),
            "period": "morning", "start": "09:00", "end": "10:00", "capacity": capacity, "slot_minutes": 30}))
        .await;
    let slots = created["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    (
        created["schedule"]["id"].as_str().unwrap().to_owned(),
        slots,
    )
}

/// A patient account: (token, `Patient/<id>`).
pub(crate) async fn register(
    server: &Server,
    phone: &str,
    name: &str,
    id: &str,
) -> (String, String) {
    let (token, patient) = server.register((phone, PASSWORD), name, id).await;
    (token, format!("Patient/{patient}"))
}

pub(crate) async fn place(
    server: &Server,
    token: &str,
    operation: &str,
    slot: &str,
    patient: &str,
) -> String {
    let placed = server
        .post(
            token,
            &format!("/fhir/Appointment/{operation}"),
            &json!({"resourceType": "Parameters", "parameter": [
                {"name": "slot", "valueReference": {"reference": format!("Slot/{slot}")}},
                {"name": "patient", "valueReference": {"reference": patient}}]}),
        )
        .await;
    placed["id"].as_str().unwrap().to_owned()
}

/// The first slot `$find` lists for the post: the session starting soon.
async fn soonest_slot(server: &Server, token: &str, role: &str) -> String {
    let found = server
        .get(
            token,
            &format!("/fhir/Appointment/$find?practitioner={role}&_count=1"),
        )
        .await;
    found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `12月3日` and `21:00`: how the pages write a slot's start less `hours`, on the hospital's clock.
async fn deadline_words(server: &Server, token: &str, slot: &str, hours: i64) -> (String, String) {
    let read = server.get(token, &format!("/fhir/Slot/{slot}")).await;
    let start: jiff::Timestamp = read["start"].as_str().unwrap().parse().unwrap();
    let at = huimin_clock::Clock::default().wall(start - jiff::SignedDuration::from_hours(hours));
    (
        format!("{}月{}日", at.month(), at.day()),
        at.strftime("%H:%M").to_string(),
    )
}

/// Scrolls the element into the window, for a screenshot of it.
async fn scroll_to(browser: &Browser, css: &str) {
    browser
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![json!(css)],
        )
        .await
        .unwrap();
}

async fn absent(browser: &Browser, css: &str) -> bool {
    browser.client.find(Locator::Css(css)).await.is_err()
}

/// `m:ss`, as a countdown shows the time left.
fn is_clock(text: &str) -> bool {
    let Some((minutes, seconds)) = text.split_once(':') else {
        return false;
    };
    minutes.parse::<u32>().is_ok() && seconds.len() == 2 && seconds.parse::<u32>().is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_takes_one_tap_and_states_the_fee_and_the_cancellation_deadline() {
    let server = Server::start().await;
    let dept = server.clinic_starting_soon(25.0).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let role = role_of(&server, &admin, &dept).await;
    let (_, later) = session_in(&server, &admin, &role, 2, 4).await;
    let (_, held_later) = session_in(&server, &admin, &role, 3, 4).await;
    let (token, patient) = register(&server, "13911110001", "王小明", "110101199003071137").await;
    let soon = soonest_slot(&server, &token, &role).await;
    let base = &server.base;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", PASSWORD).await;

    // Before booking: the fee is paid at the desk, and the deadline to cancel is said.
    phone.go(&format!("{base}/book/{}", later[0])).await;
    let fee = phone.text("#fee").await;
    assert!(fee.contains("¥25.00") && fee.contains("到院缴费"), "{fee}");
    let (day, time) = deadline_words(&server, &token, &later[0], 12).await;
    let cancel_by = phone.text("#cancel-by").await;
    assert!(
        cancel_by.contains(&day) && cancel_by.contains(&time),
        "{cancel_by}"
    );
    assert!(phone.text("#book-hint").await.contains("无需其他步骤"));
    assert_eq!(phone.text("#book-submit").await, "确认预约");
    phone.assert_fits_width().await;
    phone.shot("mybookings-01-book-375").await;

    // One tap books it; the confirmation says the amount, where to pay and the deadline.
    phone.click("#book-submit").await;
    assert_eq!(phone.text("#status").await, "预约成功");
    let later_booking = phone.path().await;
    let pay = phone.text("#pay-at-desk").await;
    assert!(pay.contains("¥25.00") && pay.contains("挂号窗口"), "{pay}");
    let cancel_by = phone.text("#cancel-by").await;
    assert!(
        cancel_by.contains(&day) && cancel_by.contains(&time),
        "{cancel_by}"
    );
    assert!(absent(&phone, "#confirm").await, "no second step");
    assert!(
        !absent(&phone, "#cancel").await,
        "it may still be cancelled"
    );
    phone.assert_fits_width().await;
    scroll_to(&phone, "#cancel-terms").await;
    phone.shot("mybookings-02-booked-375").await;

    // A booking within 12 hours of its time: said before, and no cancel button after.
    phone.go(&format!("{base}/book/{soon}")).await;
    assert!(phone.text("#cancel-by").await.contains("已过取消截止时间"));
    phone.click("#book-submit").await;
    assert_eq!(phone.text("#status").await, "预约成功");
    let (day, time) = deadline_words(&server, &token, &soon, 12).await;
    let closed = phone.text("#cancel-closed").await;
    assert!(
        closed.contains("取消截止时间已过") && closed.contains(&day) && closed.contains(&time),
        "{closed}"
    );
    assert!(
        absent(&phone, "#cancel").await,
        "past the deadline no cancel button"
    );
    scroll_to(&phone, "#cancel-terms").await;
    phone.shot("mybookings-03-past-deadline-375").await;

    // A hold made by another client (the API) counts down on My appointments.
    place(&server, &token, "$hold", &held_later[0], &patient).await;

    // Cancelled: filed apart from the past.
    phone.go(&format!("{base}{later_booking}")).await;
    phone.tap("#cancel-terms summary").await;
    phone.click("#cancel").await;
    assert!(phone.text("#status").await.starts_with("已取消"));
    phone.go(&format!("{base}/me")).await;
    let upcoming = phone.text("#upcoming").await;
    assert!(
        upcoming.contains("李振邦")
            && upcoming.contains("心血管内科")
            && upcoming.contains("王小明"),
        "{upcoming}"
    );
    let countdown = phone.text("#upcoming [data-countdown]").await;
    assert!(is_clock(&countdown), "{countdown}");
    let cancelled = phone.text("#cancelled").await;
    assert!(
        cancelled.contains("已取消")
            && cancelled.contains("李振邦")
            && cancelled.contains("心血管内科"),
        "{cancelled}"
    );
    assert_eq!(phone.text("#past-title").await, "历史预约");
    assert!(
        phone.text("#past").await.is_empty(),
        "nothing in the past yet"
    );
    phone.assert_fits_width().await;
    phone.shot("mybookings-04-mine-375").await;
    let wide = driver.browser(1280, 900).await;
    wide.sign_in(base, "13911110001", PASSWORD).await;
    wide.go(&format!("{base}/me")).await;
    assert!(wide.text("#cancelled").await.contains("心血管内科"));
    wide.shot("mybookings-04-mine-1280").await;
    wide.close().await;

    // In English, then in large text.
    phone.click("#switch-lang").await;
    assert_eq!(phone.text("#upcoming-title").await, "Upcoming");
    assert_eq!(phone.text("#cancelled-title").await, "Cancelled");
    assert_eq!(phone.text("#past-title").await, "Past");
    assert!(phone.text("#cancelled").await.contains("Cancelled"));
    phone.assert_fits_width().await;
    phone.shot("mybookings-05-mine-en-375").await;
    phone.click("#upcoming a.card.row").await;
    let closed = phone.text("#cancel-closed").await;
    assert!(
        closed.contains("The cancellation deadline has passed"),
        "{closed}"
    );
    scroll_to(&phone, "#cancel-terms").await;
    phone.shot("mybookings-05-past-deadline-en-375").await;
    phone.click("#switch-large").await;
    phone.go(&format!("{base}/me")).await;
    phone.assert_fits_width().await;
    phone.shot("mybookings-06-mine-large-en-375").await;
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_fees_are_paid_online_a_held_place_counts_down_and_says_what_happens_at_zero() {
    let server = Server::start_with(|s| s.online_payment = true).await;
    let dept = server.clinic_starting_soon(25.0).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let role = role_of(&server, &admin, &dept).await;
    let (_, later) = session_in(&server, &admin, &role, 2, 4).await;
    register(&server, "13911110001", "王小明", "110101199003071137").await;
    let base = &server.base;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", PASSWORD).await;

    phone.go(&format!("{base}/book/{}", later[0])).await;
    assert_eq!(phone.text("#book-submit").await, "锁定号源");
    assert!(phone.text("#book-hint").await.contains("倒计时"));
    assert!(!phone.text("#fee").await.contains("到院缴费"));
    phone.click("#book-submit").await;
    assert_eq!(phone.text("#status").await, "待确认");
    let first = phone.text("#hold-countdown").await;
    assert!(
        first.starts_with("14:") || first.starts_with("15:"),
        "the rule's 15 minutes: {first}"
    );
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let then = phone.text("#hold-countdown").await;
    assert!(
        is_clock(&then) && then < first,
        "it counts down: {first} → {then}"
    );
    assert!(phone.text("#hold-at-zero").await.contains("号源将自动释放"));
    phone.assert_fits_width().await;
    scroll_to(&phone, "#hold").await;
    phone.shot("mybookings-07-hold-countdown-375").await;
    phone.go(&format!("{base}/me")).await;
    assert!(is_clock(&phone.text("#upcoming [data-countdown]").await));
    phone.click("#switch-lang").await;
    phone.click("#upcoming a.card.row").await;
    assert!(
        phone
            .text("#hold-at-zero")
            .await
            .contains("released to other patients")
    );
    assert!(phone.text("#hold").await.contains("Time left"));
    scroll_to(&phone, "#hold").await;
    phone.shot("mybookings-08-hold-countdown-en-375").await;
    phone.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_session_offers_its_waitlist_whose_entry_opens_and_can_be_left() {
    let server = Server::start().await;
    let dept = server.clinic_starting_soon(25.0).await;
    let admin = server.token("admin", ADMIN_PASSWORD).await;
    let role = role_of(&server, &admin, &dept).await;
    let (full, slots) = session_in(&server, &admin, &role, 2, 1).await;
    let (first, first_patient) =
        register(&server, "13911110002", "李四", "34052419800101001X").await;
    place(&server, &first, "$book", &slots[0], &first_patient).await;
    register(&server, "13911110001", "王小明", "110101199003071137").await;
    let base = &server.base;
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    phone.sign_in(base, "13911110001", PASSWORD).await;

    // The doctor's page offers the full session's waitlist directly.
    phone.go(&format!("{base}/doctors/{role}")).await;
    let offer = format!("#waitlist-{full}");
    assert_eq!(phone.text(&offer).await, "登记候补");
    phone.shot("mybookings-09-full-session-375").await;
    phone.click(&offer).await;
    assert!(phone.text("#session-when").await.contains("09:00"));
    phone.shot("mybookings-10-join-waitlist-375").await;
    phone.click("#join-waitlist").await;
    assert_eq!(phone.text("#status").await, "候补中");
    assert!(phone.text("#position").await.contains('1'));
    assert_eq!(phone.text("#doctor").await, "李振邦");
    assert_eq!(phone.text("#department").await, "心血管内科");
    assert!(phone.text("#when").await.contains("上午 09:00–10:00"));
    phone.assert_fits_width().await;
    phone.shot("mybookings-11-waitlist-entry-375").await;

    // My appointments: a full entry, which opens.
    phone.go(&format!("{base}/me")).await;
    let row = phone.text("#waitlist").await;
    for part in [
        "09:00",
        "李振邦",
        "心血管内科",
        "王小明",
        "候补中",
        "排第 1 位",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    phone.assert_fits_width().await;
    phone.shot("mybookings-12-mine-waitlist-375").await;
    phone.click("#waitlist a.card.row").await;
    // Leaving asks first.
    phone.tap("#leave-box summary").await;
    phone.wait_visible("#leave").await;
    scroll_to(&phone, "#leave").await;
    phone.shot("mybookings-13-leave-confirm-375").await;
    phone.click("#leave").await;
    assert_eq!(phone.text("#status").await, "已退出候补");
    assert!(absent(&phone, "#leave").await);
    phone.click("#switch-lang").await;
    assert_eq!(phone.text("#status").await, "Left the waitlist");
    phone.shot("mybookings-14-left-en-375").await;
    phone.close().await;
}
