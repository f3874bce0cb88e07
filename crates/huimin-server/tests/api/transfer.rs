//! Triage moves (分诊改派): a patient moves to another doctor of the same department and day,
//! keeping arrival, priority and payment; refusals change nothing. Also what the triage desk
//! sees of a session (patients expected), and staff finding the slot under way.

use serde_json::{Value, json};

use crate::calling::clinic_starting_soon;
use crate::helpers::*;
use crate::on_both;

/// Another doctor's session in `dept` at the same time as `session`, two places at 30 yuan;
/// returns (session, slot).
async fn second_doctor(app: &TestApp, admin: &str, dept: &str, session: &str) -> (String, String) {
    doctor_at_fee(app, admin, dept, session, 30.0).await
}

/// As [`second_doctor`], at `fee` yuan.
async fn doctor_at_fee(
    app: &TestApp,
    admin: &str,
    dept: &str,
    session: &str,
    fee: f64,
) -> (String, String) {
    let doctor = app
        .post_json(
            "/fhir/Practitioner",
            Some(admin),
            &json!({"resourceType": "Practitioner", "name": [{"text": "周敏"}]}),
        )
        .await;
    let room = app
        .post_json(
            "/fhir/Location",
            Some(admin),
            &json!({"resourceType": "Location", "name": "心内科 5 诊室", "status": "active"}),
        )
        .await;
    let role = app
        .post_json("/fhir/PractitionerRole", Some(admin), &json!({"resourceType": "PractitionerRole", "active": true,
            "extension": [{"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": fee, "currency": "CNY"}}],
            "practitioner": {"reference": format!("Practitioner/{}", doctor.body["id"].as_str().unwrap())},
            "organization": {"reference": format!("Organization/{dept}")},
            "location": [{"reference": format!("Location/{}", room.body["id"].as_str().unwrap())}]}))
        .await;
    let schedule = app.get(&format!("/fhir/Schedule/{session}"), None).await;
    let china = huimin_clock::Clock::default().zone().clone();
    let local = |field: &str| {
        schedule.body["planningHorizon"][field]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(china.clone())
            .datetime()
    };
    let (start, end) = (local("start"), local("end"));
    let created = app
        .post_json("/api/admin/sessions", Some(admin), &json!({"practitioner_role": role.body["id"], "date": start.date().to_string(),
            "period": period_at(start), "start": start.strftime("%H:%M").to_string(), "end": end.strftime("%H:%M").to_string(),
            "capacity": 2, "slot_minutes": 30}))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    (
        created.body["schedule"]["id"].as_str().unwrap().to_owned(),
        created.body["slots"][0]["id"].as_str().unwrap().to_owned(),
    )
}

async fn move_to(app: &TestApp, token: &str, appointment: &str, session: &str) -> Resp {
    app.post_json(
        &format!("/api/appointments/{appointment}/move"),
        Some(token),
        &json!({"session": format!("Schedule/{session}")}),
    )
    .await
}

fn numbers(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|w| w["number"].as_i64().unwrap())
        .collect()
}

async fn a_nurse_moves_a_checked_in_patient_who_keeps_priority_payment_and_is_told(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let registrar = app.staff("registrar").await;
    let (dept, first, _, _doctor) = clinic_starting_soon(&app, &admin).await;
    let (session, slot) = second_doctor(&app, &admin, &dept, &first).await;
    let (other, _) = second_doctor(&app, &admin, &dept, &first).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let (_, other_id) = app.patient("13911110002", "李四", ID_2).await;
    let appointment = app.book(&registrar, &patient_id, &slot).await;
    let not_arrived = app.book(&registrar, &other_id, &slot).await;

    // The triage desk sees both expected before they arrive.
    let queue = app
        .get(&format!("/api/sessions/{session}/queue"), Some(&nurse))
        .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert_eq!(numbers(&queue.body["expected"]), [1, 2]);
    assert_eq!(queue.body["expected"][0]["name"], "王小明");

    let paid = app
        .post_json(
            &format!("/api/appointments/{appointment}/payment"),
            Some(&registrar),
            &json!({"method": "cash"}),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let checked = app
        .set_status(&nurse, &appointment, "checked-in", "en")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let priority = app
        .post_json(
            &format!("/api/appointments/{appointment}/priority"),
            Some(&nurse),
            &json!({"priority": true}),
        )
        .await;
    assert_eq!(priority.status, 200, "{}", priority.body);

    let moved = move_to(&app, &nurse, &appointment, &other).await;
    assert_eq!(moved.status, 201, "{}", moved.body);
    assert_eq!(moved.body["status"], "checked-in");
    let new_id = moved.body["id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, appointment);

    let old = app
        .get(&format!("/fhir/Appointment/{appointment}"), Some(&nurse))
        .await;
    assert_eq!(old.body["status"], "cancelled");
    let left = app
        .get(&format!("/api/sessions/{session}/queue"), Some(&nurse))
        .await;
    assert!(left.body["waiting"].as_array().unwrap().is_empty());
    assert_eq!(
        numbers(&left.body["expected"]),
        [2],
        "only the one not yet arrived"
    );
    let joined = app
        .get(&format!("/api/sessions/{other}/queue"), Some(&nurse))
        .await;
    assert_eq!(
        joined.body["waiting"][0]["appointment"],
        format!("Appointment/{new_id}")
    );
    assert_eq!(joined.body["waiting"][0]["priority"], true);

    let payment = app
        .get(
            &format!("/api/appointments/{new_id}/payment"),
            Some(&patient),
        )
        .await;
    assert_eq!(payment.body["status"], "paid", "{}", payment.body);
    let note = app.message_of_kind(&patient, "moved", "en").await;
    assert!(note["text"].as_str().unwrap().contains("周敏"), "{note}");

    // The department's day as the triage desk sees it.
    let date = old.body["start"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned(huimin_clock::Clock::default().zone().clone())
        .date()
        .to_string();
    let day = app
        .get(
            &format!("/api/departments/{dept}/sessions?date={date}"),
            Some(&nurse),
        )
        .await;
    assert_eq!(day.status, 200, "{}", day.body);
    let sessions = day.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3);
    let moved_to = sessions
        .iter()
        .find(|s| s["schedule"]["id"] == other.as_str())
        .unwrap();
    assert_eq!(
        (moved_to["waiting"].as_i64(), moved_to["doctor"].as_str()),
        (Some(1), Some("周敏"))
    );
    assert_eq!(moved_to["room"]["zh"], "心内科 5 诊室");
    let left_from = sessions
        .iter()
        .find(|s| s["schedule"]["id"] == session.as_str())
        .unwrap();
    assert_eq!(
        (
            left_from["waiting"].as_i64(),
            left_from["expected"].as_i64()
        ),
        (Some(0), Some(1))
    );
    assert_eq!(
        app.get(&format!("/api/departments/{dept}/sessions"), Some(&patient))
            .await
            .status,
        403
    );
    assert_eq!(
        app.get(
            &format!("/api/departments/{dept}/sessions?date=tomorrow"),
            Some(&nurse)
        )
        .await
        .status,
        400
    );

    // The place left behind is free again: another patient can take it.
    let (_, third) = app.patient("13911110003", "张三丰", ID_3).await;
    app.book(&registrar, &third, &slot).await;
    let _ = not_arrived;
    app.finish().await;
}
on_both!(a_nurse_moves_a_checked_in_patient_who_keeps_priority_payment_and_is_told);

async fn moves_that_cannot_be_done_change_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let registrar = app.staff("registrar").await;
    let (dept, session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (other, other_slot) = second_doctor(&app, &admin, &dept, &session).await;
    let (patient, a) = app.patient("13911110001", "王小明", ID_1).await;
    let (_, b) = app.patient("13911110002", "李四", ID_2).await;
    let (_, c) = app.patient("13911110003", "张三丰", ID_3).await;
    let appointment = app.book(&registrar, &a, &slot).await;

    for (token, status) in [(&patient, 403), (&doctor, 403)] {
        let refused = move_to(&app, token, &appointment, &other).await;
        assert_eq!(refused.status, status, "{}", refused.body);
    }
    let same = move_to(&app, &nurse, &appointment, &session).await;
    assert_eq!(same.status, 422, "{}", same.body);
    assert_eq!(
        same.body["issue"][0]["details"]["coding"][0]["code"],
        "move-target"
    );
    let nowhere = move_to(&app, &nurse, &appointment, "no-such-session").await;
    assert_eq!(nowhere.status, 422, "{}", nowhere.body);
    let bad = app
        .post_json(
            &format!("/api/appointments/{appointment}/move"),
            Some(&nurse),
            &json!({"to": "x"}),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);

    // The other doctor's two places are taken.
    app.book(&registrar, &b, &other_slot).await;
    app.book(&registrar, &c, &other_slot).await;
    let full = move_to(&app, &nurse, &appointment, &other).await;
    assert_eq!(full.status, 409, "{}", full.body);
    assert_eq!(
        full.body["issue"][0]["details"]["coding"][0]["code"],
        "slot-full"
    );

    let still = app
        .get(&format!("/fhir/Appointment/{appointment}"), Some(&nurse))
        .await;
    assert_eq!(
        still.body["status"], "booked",
        "the refused move left it as it was"
    );
    let queue = app
        .get(&format!("/api/sessions/{session}/queue"), Some(&nurse))
        .await;
    assert_eq!(numbers(&queue.body["expected"]), [1]);

    let cancelled = app
        .set_status(&registrar, &appointment, "cancelled", "en")
        .await;
    assert_eq!(cancelled.status, 200);
    let gone = move_to(&app, &nurse, &appointment, &other).await;
    assert_eq!(gone.status, 409, "{}", gone.body);
    assert_eq!(
        gone.body["issue"][0]["details"]["coding"][0]["code"],
        "not-movable"
    );
    app.finish().await;
}
on_both!(moves_that_cannot_be_done_change_nothing);

/// The desk books walk-ins into the slot under way; patients online see only slots to come.
async fn staff_find_the_slot_under_way(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (dept, _, _, _) = clinic_starting_soon(&app, &admin).await;
    // Another doctor of the department: the first already has a session in this period.
    let doctor = app
        .post_json(
            "/fhir/Practitioner",
            Some(&admin),
            &json!({"resourceType": "Practitioner", "name": [{"text": "孙立"}]}),
        )
        .await;
    let role = app
        .post_json("/fhir/PractitionerRole", Some(&admin), &json!({"resourceType": "PractitionerRole", "active": true,
            "practitioner": {"reference": format!("Practitioner/{}", doctor.body["id"].as_str().unwrap())},
            "organization": {"reference": format!("Organization/{dept}")}}))
        .await;
    let role = role.body["id"].as_str().unwrap().to_owned();
    let china = huimin_clock::Clock::default().zone().clone();
    let now = jiff::Timestamp::now().to_zoned(china).datetime();
    if now.hour() == 0 && now.minute() < 10 || now.hour() == 23 && now.minute() >= 50 {
        return; // A session around midnight would span two dates.
    }
    let start = now
        .round(
            jiff::civil::DateTimeRound::new()
                .smallest(jiff::Unit::Minute)
                .increment(5)
                .mode(jiff::RoundMode::Floor),
        )
        .unwrap();
    let end = start
        .checked_add(jiff::SignedDuration::from_mins(10))
        .unwrap();
    let created = app
        .post_json("/api/admin/sessions", Some(&admin), &json!({"practitioner_role": role, "date": start.date().to_string(),
            "period": period_at(start), "start": start.strftime("%H:%M").to_string(), "end": end.strftime("%H:%M").to_string(),
            "capacity": 2, "slot_minutes": 10}))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let under_way = created.body["slots"][0]["id"].as_str().unwrap().to_owned();
    let ids = |body: &Value| -> Vec<String> {
        body["entry"]
            .as_array()
            .map(|e| {
                e.iter()
                    .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let path = format!("/fhir/Appointment/$find?practitioner={role}&_count=100");
    let staff = app.get(&path, Some(&registrar)).await;
    assert!(ids(&staff.body).contains(&under_way), "{}", staff.body);
    let public = app.get(&path, None).await;
    assert!(!ids(&public.body).contains(&under_way), "{}", public.body);
    app.finish().await;
}
on_both!(staff_find_the_slot_under_way);

async fn paid_cash(app: &TestApp, registrar: &str, appointment: &str) {
    let paid = app
        .post_json(
            &format!("/api/appointments/{appointment}/payment"),
            Some(registrar),
            &json!({"method": "cash"}),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
}

fn bill_numbers(bill: &Value) -> (f64, f64, f64) {
    let ext = |url: &str| {
        bill["invoice"]["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == url)
            .unwrap()["valueMoney"]["value"]
            .as_f64()
            .unwrap()
    };
    (
        ext("urn:huimin:ext:paid"),
        ext("urn:huimin:ext:refunded"),
        bill["invoice"]["totalNet"]["value"].as_f64().unwrap(),
    )
}

/// A ¥60 booking moved to a ¥10 doctor gets ¥50 back at once, by the way it was paid; a
/// move up to ¥60 again needs the patient's consent and the difference paid; paid − refunded
/// always equals the bill's total; the desk cannot refund the fee of a visit still booked, and
/// cancelling refunds everything, each payment the way it came.
async fn moves_keep_the_money_exact_both_ways(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let registrar = app.staff("registrar").await;
    let (dept, first, _, _) = clinic_starting_soon(&app, &admin).await;
    let (dear, dear_slot) = doctor_at_fee(&app, &admin, &dept, &first, 60.0).await;
    let (cheap, _) = doctor_at_fee(&app, &admin, &dept, &first, 10.0).await;
    let (dear_again, _) = doctor_at_fee(&app, &admin, &dept, &first, 60.0).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let appointment = app.book(&registrar, &patient_id, &dear_slot).await;
    paid_cash(&app, &registrar, &appointment).await;

    let down = move_to(&app, &nurse, &appointment, &cheap).await;
    assert_eq!(down.status, 201, "{}", down.body);
    let moved = down.body["id"].as_str().unwrap().to_owned();
    let bill = app
        .get(&format!("/api/appointments/{moved}/bill"), Some(&patient))
        .await;
    assert_eq!(bill.status, 200, "{}", bill.body);
    assert_eq!(
        bill_numbers(&bill.body),
        (60.0, 50.0, 10.0),
        "{}",
        bill.body
    );
    let refund = bill.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "refund")
        .unwrap();
    assert_eq!(
        (refund["method"].as_str(), refund["reason"].as_str()),
        (Some("cash"), Some("moved-cheaper"))
    );
    let old = app
        .get(&format!("/fhir/Appointment/{appointment}"), Some(&patient))
        .await;
    assert_eq!(old.body["cancelationReason"]["coding"][0]["code"], "moved");
    let old_pay = app
        .get(
            &format!("/api/appointments/{appointment}/payment"),
            Some(&patient),
        )
        .await;
    assert_eq!(old_pay.body["status"], "moved", "{}", old_pay.body);

    // Up again: refused without consent, then without the difference, and nothing changes.
    let refused = move_to(&app, &nurse, &moved, &dear_again).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let unpaid = app
        .post_json(
            &format!("/api/appointments/{moved}/move"),
            Some(&nurse),
            &json!({"session": dear_again, "accept_fee": true}),
        )
        .await;
    assert_eq!(unpaid.status, 422, "{}", unpaid.body);
    let same = app
        .get(&format!("/api/appointments/{moved}/bill"), Some(&patient))
        .await;
    assert_eq!(bill_numbers(&same.body), (60.0, 50.0, 10.0));
    let up = app
        .post_json(
            &format!("/api/appointments/{moved}/move"),
            Some(&nurse),
            &json!({"session": dear_again, "accept_fee": true, "pay_difference": "bank-card"}),
        )
        .await;
    assert_eq!(up.status, 201, "{}", up.body);
    let last = up.body["id"].as_str().unwrap().to_owned();
    let bill = app
        .get(&format!("/api/appointments/{last}/bill"), Some(&patient))
        .await;
    assert_eq!(
        bill_numbers(&bill.body),
        (110.0, 50.0, 60.0),
        "{}",
        bill.body
    );
    assert_eq!(bill.body["invoice"]["status"], "balanced");

    // Another patient sees none of it, exactly as if it did not exist.
    let (stranger, _) = app.patient("13911110009", "赵六", ID_2).await;
    let invoice_id = bill.body["invoice"]["id"].as_str().unwrap().to_owned();
    let item_id = bill.body["charge_items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        format!("/api/appointments/{last}/bill"),
        format!("/fhir/Invoice/{invoice_id}"),
        format!("/fhir/ChargeItem/{item_id}"),
        format!("/api/appointments/{last}/move"),
    ] {
        assert_eq!(app.get(&path, Some(&stranger)).await.status, 404, "{path}");
        assert_eq!(app.get(&path, None).await.status, 401, "{path}");
    }
    let own = app
        .get(&format!("/fhir/Invoice/{invoice_id}"), Some(&patient))
        .await;
    assert_eq!(own.body["resourceType"], "Invoice");
    let item = app
        .get(&format!("/fhir/ChargeItem/{item_id}"), Some(&patient))
        .await;
    assert_eq!(
        item.body["code"]["_text"]["extension"][0]["extension"][1]["valueString"],
        "Registration fee",
        "the English name beside the Chinese"
    );

    // The fee of a visit still booked is refunded by cancelling it, not at the desk.
    let invoice = bill.body["invoice"]["id"].as_str().unwrap().to_owned();
    let refused = app
        .post_json(
            &format!("/api/bills/{invoice}/refunds"),
            Some(&registrar),
            &json!({"note": "患者改日再来"}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        bill.body["refund_by_cancelling"][0],
        bill.body["charge_items"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["id"]
    );
    // Cancelling gives everything back, each payment the way it came.
    let cancelled = app.set_status(&registrar, &last, "cancelled", "en").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let refunded = app
        .get(&format!("/api/appointments/{last}/bill"), Some(&patient))
        .await;
    assert_eq!(bill_numbers(&refunded.body), (110.0, 110.0, 0.0));
    assert_eq!(refunded.body["invoice"]["status"], "cancelled");
    let mut methods: Vec<(&str, f64)> = refunded.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refund" && e["reason"] == "cancelled")
        .map(|e| {
            (
                e["method"].as_str().unwrap(),
                e["amount"]["value"].as_f64().unwrap(),
            )
        })
        .collect();
    methods.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(methods, [("bank-card", 50.0), ("cash", 10.0)]);
    let again = app
        .post_json(
            &format!("/api/bills/{invoice}/refunds"),
            Some(&registrar),
            &json!({"note": "again"}),
        )
        .await;
    assert_eq!(again.status, 422, "nothing left to refund: {}", again.body);
    let _ = (dear, patient);
    app.finish().await;
}
on_both!(moves_keep_the_money_exact_both_ways);

/// Two cashiers paying one bill at once: one payment lands, the other answers with it.
async fn two_concurrent_payments_of_one_bill_pay_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (dept, first, _, _) = clinic_starting_soon(&app, &admin).await;
    let (_, slot) = doctor_at_fee(&app, &admin, &dept, &first, 25.0).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let appointment = app.book(&registrar, &patient_id, &slot).await;
    let path = format!("/api/appointments/{appointment}/payment");
    let (cash, alipay) = (json!({"method": "cash"}), json!({"method": "alipay"}));
    let (a, b) = tokio::join!(
        app.post_json(&path, Some(&registrar), &cash),
        app.post_json(&path, Some(&registrar), &alipay),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 201], "{} {}", a.body, b.body);
    assert_eq!(
        a.body["id"], b.body["id"],
        "both answer with the one payment"
    );
    let bill = app
        .get(
            &format!("/api/appointments/{appointment}/bill"),
            Some(&patient),
        )
        .await;
    assert_eq!(bill_numbers(&bill.body), (25.0, 0.0, 25.0));
    app.finish().await;
}
on_both!(two_concurrent_payments_of_one_bill_pay_once);

/// A stop-clinic moves a paid ¥60 booking to a ¥10 doctor: ¥50 goes back at once, the
/// patient is told and asked; declining cancels with a full refund although the visit is
/// within the cancellation cut-off. A stop-clinic never moves patients to a higher fee.
async fn a_stop_clinic_move_refunds_the_difference_and_may_be_declined_in_full(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (dept, first, _, _) = clinic_starting_soon(&app, &admin).await;
    let (dear, dear_slot) = doctor_at_fee(&app, &admin, &dept, &first, 60.0).await;
    let (cheap, _) = doctor_at_fee(&app, &admin, &dept, &first, 10.0).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let appointment = app.book(&registrar, &patient_id, &dear_slot).await;
    paid_cash(&app, &registrar, &appointment).await;

    let upwards = app
        .post_json(
            &format!("/api/admin/sessions/{cheap}/suspend"),
            Some(&admin),
            &json!({"move_to": dear}),
        )
        .await;
    assert_eq!(upwards.status, 422, "{}", upwards.body);
    assert_eq!(upwards.expression(), Some("move_to"));

    let stopped = app
        .post_json(
            &format!("/api/admin/sessions/{dear}/suspend"),
            Some(&admin),
            &json!({"move_to": cheap}),
        )
        .await;
    assert_eq!(stopped.status, 200, "{}", stopped.body);
    assert_eq!(stopped.body["moved"], 1);
    let out = app
        .get(
            &format!("/api/appointments/{appointment}/move"),
            Some(&patient),
        )
        .await;
    let moved = out.body["out_of"]["to"]
        .as_str()
        .unwrap()
        .trim_start_matches("Appointment/")
        .to_owned();
    let into = app
        .get(&format!("/api/appointments/{moved}/move"), Some(&patient))
        .await;
    assert_eq!(into.body["into"]["kind"], "stop-clinic");
    assert_eq!(into.body["into"]["reply"], "awaiting");
    let bill = app
        .get(&format!("/api/appointments/{moved}/bill"), Some(&patient))
        .await;
    assert_eq!(
        bill_numbers(&bill.body),
        (60.0, 50.0, 10.0),
        "{}",
        bill.body
    );
    let told = app
        .message_of_kind(&patient, "session-suspended-moved", "zh")
        .await;
    assert!(told["text"].as_str().unwrap().contains("已改至"), "{told}");
    let refund = app.message_of_kind(&patient, "refund", "zh").await;
    assert!(
        refund["text"].as_str().unwrap().contains("¥50.00"),
        "{refund}"
    );

    // The visit is within the 12-hour cut-off, yet a moved patient may decline in full.
    let declined = app
        .post_json(
            &format!("/api/appointments/{moved}/move-reply"),
            Some(&patient),
            &json!({"accept": false}),
        )
        .await;
    assert_eq!(declined.status, 200, "{}", declined.body);
    assert_eq!(declined.body["reply"], "declined");
    let gone = app
        .get(&format!("/fhir/Appointment/{moved}"), Some(&patient))
        .await;
    assert_eq!(gone.body["status"], "cancelled");
    assert_eq!(
        gone.body["cancelationReason"]["coding"][0]["code"],
        "move-declined"
    );
    let bill = app
        .get(&format!("/api/appointments/{moved}/bill"), Some(&patient))
        .await;
    assert_eq!(bill_numbers(&bill.body), (60.0, 60.0, 0.0), "{}", bill.body);
    assert_eq!(bill.body["invoice"]["status"], "cancelled");
    let again = app
        .post_json(
            &format!("/api/appointments/{moved}/move-reply"),
            Some(&patient),
            &json!({"accept": true}),
        )
        .await;
    assert_eq!(again.body["reply"], "declined", "an answer given stays");
    app.finish().await;
}
on_both!(a_stop_clinic_move_refunds_the_difference_and_may_be_declined_in_full);

/// Once the doctor calls the patient in, the registration is given: the desk cannot refund
/// it, and the refusal changes nothing.
async fn a_performed_registration_is_not_refundable(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let registrar = app.staff("registrar").await;
    let (dept, first, _, _) = clinic_starting_soon(&app, &admin).await;
    let (session, slot) = doctor_at_fee(&app, &admin, &dept, &first, 20.0).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let appointment = app.book(&registrar, &patient_id, &slot).await;
    paid_cash(&app, &registrar, &appointment).await;
    let checked = app
        .set_status(&nurse, &appointment, "checked-in", "en")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let called = app
        .post_json(
            &format!("/api/sessions/{session}/call-next"),
            Some(&nurse),
            &json!({}),
        )
        .await;
    assert_eq!(called.status, 200, "{}", called.body);
    let bill = app
        .get(
            &format!("/api/appointments/{appointment}/bill"),
            Some(&patient),
        )
        .await;
    assert!(bill.body["charge_items"][0]["occurrenceDateTime"].is_string());
    let invoice = bill.body["invoice"]["id"].as_str().unwrap().to_owned();
    let item = bill.body["charge_items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = app
        .post_json(
            &format!("/api/bills/{invoice}/refunds"),
            Some(&registrar),
            &json!({"items": [{"charge_item": item}], "note": "患者要求"}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("已执行")
    );
    let unchanged = app
        .get(
            &format!("/api/appointments/{appointment}/bill"),
            Some(&patient),
        )
        .await;
    assert_eq!(bill_numbers(&unchanged.body), (20.0, 0.0, 20.0));
    let no_note = app
        .post_json(
            &format!("/api/bills/{invoice}/refunds"),
            Some(&registrar),
            &json!({"note": " "}),
        )
        .await;
    assert_eq!(no_note.expression(), Some("note"));
    let told = app.message_of_kind(&patient, "called", "zh").await;
    assert!(told["text"].as_str().is_some_and(|t| !t.is_empty()));
    app.finish().await;
}
on_both!(a_performed_registration_is_not_refundable);
