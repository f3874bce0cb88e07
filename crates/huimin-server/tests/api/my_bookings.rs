//! What a patient is told about their bookings: how a fee is paid (one step without online
//! payment, a hold with it), until when a booking may be cancelled, and their waitlist
//! entries, which they can read and leave and no one else can.

use serde_json::{Value, json};

use crate::booking_api::{clinic, in_days};
use crate::helpers::*;
use crate::on_both;

/// A session of `capacity` places in 30-minute slots `days` from today: (schedule, slots).
pub(crate) async fn session(
    app: &TestApp,
    admin: &str,
    role: &str,
    days: i64,
    capacity: u32,
) -> (String, Vec<String>) {
    let body = json!({"practitioner_role": role, "date": in_days(days), "period": "morning", "capacity": capacity, "slot_minutes": 30});
    let opened = app
        .post_json("/api/admin/sessions", Some(admin), &body)
        .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    let slots = opened.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let schedule = opened.body["schedule"]["id"].as_str().unwrap().to_owned();
    (schedule, slots)
}

fn extension<'a>(resource: &'a Value, url: &str) -> Option<&'a Value> {
    resource["extension"]
        .as_array()?
        .iter()
        .find(|e| e["url"] == url)
}

fn instant(resource: &Value, url: &str) -> Option<jiff::Timestamp> {
    extension(resource, url)?["valueDateTime"]
        .as_str()?
        .parse()
        .ok()
}

pub(crate) fn slot_and_patient(slot: &str, patient: &str) -> Value {
    parameters(&[
        ("slot", format!("Slot/{slot}")),
        ("patient", format!("Patient/{patient}")),
    ])
}

async fn without_online_payment_a_paid_place_is_booked_in_one_step(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    let (schedule, slots) = session(&app, &admin, &role, 2, 4).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let read = app.get(&format!("/fhir/Schedule/{schedule}"), None).await;
    assert_eq!(
        extension(&read.body, "urn:huimin:ext:fee-payment").unwrap()["valueCode"],
        "desk"
    );
    assert_schema_valid(&read.body);
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &slot_and_patient(&slots[0], &alice_id),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    assert_eq!(booked.body["status"], "booked", "one request, no hold");
    let bill = app
        .get(
            &format!(
                "/api/appointments/{}/payment",
                booked.body["id"].as_str().unwrap()
            ),
            Some(&alice),
        )
        .await;
    assert_eq!(bill.body["status"], "unpaid", "the fee is paid at the desk");
    app.finish().await;
}
on_both!(without_online_payment_a_paid_place_is_booked_in_one_step);

async fn with_online_payment_a_paid_place_is_held_until_paid(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.online_payment = true).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    let (schedule, slots) = session(&app, &admin, &role, 2, 4).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let read = app.get(&format!("/fhir/Schedule/{schedule}"), None).await;
    assert_eq!(
        extension(&read.body, "urn:huimin:ext:fee-payment").unwrap()["valueCode"],
        "online"
    );
    let direct = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &slot_and_patient(&slots[0], &alice_id),
        )
        .await;
    assert_eq!(direct.status, 422, "{}", direct.body);
    assert!(
        direct.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("在线支付"),
        "{}",
        direct.body
    );
    assert!(
        direct.body["issue"][0]["diagnostics"]
            .as_str()
            .unwrap_or_default()
            .contains("paid online"),
        "{}",
        direct.body
    );
    let before = jiff::Timestamp::now();
    let held = app
        .post_json(
            "/fhir/Appointment/$hold",
            Some(&alice),
            &slot_and_patient(&slots[0], &alice_id),
        )
        .await;
    assert_eq!(held.status, 201, "{}", held.body);
    assert_eq!(held.body["status"], "pending");
    // The hold lasts the booking rules' `hold.minutes` (15 by default).
    let expires = instant(&held.body, "urn:huimin:ext:hold-expires").unwrap();
    let minutes = expires.duration_since(before).as_secs_f64() / 60.0;
    assert!((14.9..15.1).contains(&minutes), "{minutes}");
    // The desk books for a patient at once, whatever the setting.
    let (_, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let registrar = app.staff("registrar").await;
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&registrar),
            &slot_and_patient(&slots[1], &bob_id),
        )
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    app.finish().await;
}
on_both!(with_online_payment_a_paid_place_is_held_until_paid);

async fn a_booking_states_its_cancellation_deadline_and_keeps_to_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let (_, slots) = session(&app, &admin, &role, 2, 4).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let slot = app.get(&format!("/fhir/Slot/{}", slots[0]), None).await;
    let start: jiff::Timestamp = slot.body["start"].as_str().unwrap().parse().unwrap();
    let twelve_hours = jiff::SignedDuration::from_hours(12);
    assert_eq!(
        instant(&slot.body, "urn:huimin:ext:cancel-by"),
        Some(start - twelve_hours),
        "said before booking"
    );
    let id = app.book(&alice, &alice_id, &slots[0]).await;
    let booked = app
        .get(&format!("/fhir/Appointment/{id}"), Some(&alice))
        .await;
    assert_eq!(
        instant(&booked.body, "urn:huimin:ext:cancel-by"),
        Some(start - twelve_hours)
    );
    assert_schema_valid(&booked.body);
    // The department asks for three days' notice: the deadline moves, and has passed.
    let department = app
        .get(&format!("/fhir/PractitionerRole/{role}"), None)
        .await
        .body["organization"]["reference"]
        .as_str()
        .unwrap()
        .trim_start_matches("Organization/")
        .to_owned();
    let rule = app
        .put_json(
            &format!("/api/admin/booking-rules/departments/{department}"),
            Some(&admin),
            &json!({"cancellation": {"hours_before": 72}}),
            None,
        )
        .await;
    assert_eq!(rule.status, 200, "{}", rule.body);
    let listed = app.get("/fhir/Appointment", Some(&alice)).await;
    let deadline = instant(
        &listed.body["entry"][0]["resource"],
        "urn:huimin:ext:cancel-by",
    )
    .unwrap();
    assert_eq!(deadline, start - jiff::SignedDuration::from_hours(72));
    assert!(deadline < jiff::Timestamp::now(), "the deadline has passed");
    let refused = app.set_status(&alice, &id, "cancelled", "zh").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        refused.body["issue"][0]["details"]["coding"][0]["code"],
        "cancel-cutoff"
    );
    // Back to the hospital's 12 hours: cancelled, and a cancelled booking has no deadline.
    let rule = app
        .put_json(
            &format!("/api/admin/booking-rules/departments/{department}"),
            Some(&admin),
            &json!({"cancellation": {"hours_before": 12}}),
            None,
        )
        .await;
    assert_eq!(rule.status, 200, "{}", rule.body);
    let cancelled = app.set_status(&alice, &id, "cancelled", "zh").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(instant(&cancelled.body, "urn:huimin:ext:cancel-by"), None);
    app.finish().await;
}
on_both!(a_booking_states_its_cancellation_deadline_and_keeps_to_it);

fn position(entry: &Value) -> Option<i64> {
    extension(entry, "urn:huimin:ext:waitlist-position")?["valueInteger"].as_i64()
}

async fn a_patient_reads_and_leaves_their_waitlist_entry_and_no_one_else_can(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let (schedule, slots) = session(&app, &admin, &role, 2, 1).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let (carol, carol_id) = app.patient("13911110003", "张三", ID_1).await;
    let booked = app.book(&alice, &alice_id, &slots[0]).await;
    let join = |patient: &str| {
        parameters(&[
            ("schedule", format!("Schedule/{schedule}")),
            ("patient", format!("Patient/{patient}")),
        ])
    };
    let bobs = app
        .post_json("/fhir/Appointment/$waitlist", Some(&bob), &join(&bob_id))
        .await;
    assert_eq!(bobs.status, 201, "{}", bobs.body);
    assert_schema_valid(&bobs.body);
    assert_eq!(position(&bobs.body), Some(1));
    assert!(
        bobs.body["requestedPeriod"][0]["start"].is_string(),
        "{}",
        bobs.body
    );
    assert!(
        bobs.body["participant"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["actor"]["reference"] == format!("PractitionerRole/{role}")),
        "{}",
        bobs.body
    );
    let bobs = bobs.body["id"].as_str().unwrap().to_owned();
    let carols = app
        .post_json(
            "/fhir/Appointment/$waitlist",
            Some(&carol),
            &join(&carol_id),
        )
        .await;
    assert_eq!(position(&carols.body), Some(2));
    let carols = carols.body["id"].as_str().unwrap().to_owned();

    // Another patient neither reads nor leaves it: 404 as for a missing one, audited.
    let entry = format!("/api/me/waitlist/{bobs}");
    assert_eq!(app.get(&entry, Some(&alice)).await.status, 404);
    let foreign = app
        .post_json(&format!("{entry}/leave"), Some(&carol), &json!({}))
        .await;
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    let missing = app
        .post_json(
            "/api/me/waitlist/no-such-entry/leave",
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(missing.status, 404);
    let trail = app
        .store
        .audit_page(None, Some(&format!("Waitlist/{bobs}")), 20, 0)
        .await
        .unwrap();
    let denied = trail
        .records
        .iter()
        .filter(|r| r.facts.outcome == "denied")
        .count();
    assert_eq!(denied, 2, "both attempts are audited");
    let read = app.get(&entry, Some(&bob)).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["status"], "waitlist", "still waiting");
    assert_eq!(position(&read.body), Some(1));

    // Bob leaves (twice: the same answer); Carol moves up and gets the next place.
    let left = app
        .post_json(&format!("{entry}/leave"), Some(&bob), &json!({}))
        .await;
    assert_eq!(left.status, 200, "{}", left.body);
    assert_eq!(left.body["status"], "cancelled");
    assert_eq!(left.body["cancelationReason"]["coding"][0]["code"], "left");
    assert_eq!(position(&left.body), None);
    let again = app
        .post_json(&format!("{entry}/leave"), Some(&bob), &json!({}))
        .await;
    assert_eq!(again.status, 200);
    let trail = app
        .store
        .audit_page(None, Some(&format!("Waitlist/{bobs}")), 20, 0)
        .await
        .unwrap();
    assert!(
        trail
            .records
            .iter()
            .any(|r| r.facts.detail == "leave" && r.facts.outcome == "success"),
        "leaving is audited"
    );
    let carol_entry = format!("/api/me/waitlist/{carols}");
    assert_eq!(
        position(&app.get(&carol_entry, Some(&carol)).await.body),
        Some(1)
    );
    assert_eq!(
        app.set_status(&alice, &booked, "cancelled", "zh")
            .await
            .status,
        200
    );
    let carols_now = app.get(&carol_entry, Some(&carol)).await;
    assert_eq!(
        carols_now.body["cancelationReason"]["coding"][0]["code"], "booked",
        "{}",
        carols_now.body
    );
    let bobs_now = app.get(&entry, Some(&bob)).await;
    assert_eq!(
        bobs_now.body["status"], "cancelled",
        "one who left is not booked"
    );
    // An entry that got a place is ended by cancelling that appointment instead.
    let placed = app
        .post_json(&format!("{carol_entry}/leave"), Some(&carol), &json!({}))
        .await;
    assert_eq!(placed.status, 409, "{}", placed.body);
    assert_eq!(
        placed.body["issue"][0]["details"]["coding"][0]["code"],
        "waitlist-placed"
    );
    app.finish().await;
}
on_both!(a_patient_reads_and_leaves_their_waitlist_entry_and_no_one_else_can);
