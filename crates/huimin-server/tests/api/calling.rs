//! Queue calling: check-in puts patients in line; the session's doctor calls, recalls, passes;
//! nurses give priority; patients see their place; the waiting-area screen sees the calls.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

/// A patient (王小明, `ID_2`) checked in at a clinic starting soon, with the visit it opened,
/// the desk and a technician: where the orders, results and recognition tests start.
pub struct CheckedIn {
    pub app: TestApp,
    pub admin: String,
    pub dept: String,
    pub doctor: String,
    pub technician: String,
    pub registrar: String,
    pub patient: String,
    pub patient_id: String,
    pub appointment: String,
    pub encounter: String,
}

pub async fn checked_in_visit(db: Db, phone: &str) -> CheckedIn {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (dept, _session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient(phone, "王小明", ID_2).await;
    let appointment = app.book(&patient, &patient_id, &slot).await;
    let checked = app
        .set_status(&patient, &appointment, "checked-in", "en")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let found = app
        .get(
            &format!("/fhir/Encounter?appointment={appointment}"),
            Some(&patient),
        )
        .await;
    let encounter = found.body["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let technician = app.staff("technician").await;
    let registrar = app.staff("registrar").await;
    CheckedIn {
        app,
        admin,
        dept,
        doctor,
        technician,
        registrar,
        patient,
        patient_id,
        appointment,
        encounter,
    }
}

/// A department, a doctor (with an account) and a session starting about 20 minutes from
/// now (its check-in window is open); returns (department, session, slot, doctor token).
pub async fn clinic_starting_soon(app: &TestApp, admin: &str) -> (String, String, String, String) {
    clinic_with_fee(app, admin, None).await
}

/// [`clinic_starting_soon`] whose doctor charges `fee` yuan.
pub async fn clinic_with_fee(
    app: &TestApp,
    admin: &str,
    fee: Option<f64>,
) -> (String, String, String, String) {
    let dept = app
        .post_json(
            "/fhir/Organization",
            Some(admin),
            &json!({"resourceType": "Organization", "name": "心血管内科"}),
        )
        .await;
    let dept = dept.body["id"].as_str().unwrap().to_owned();
    let room = app
        .post_json("/fhir/Location", Some(admin), &json!({"resourceType": "Location", "name": "心内科 3 诊室", "alias": ["Cardiology Room 3"], "status": "active"}))
        .await;
    let doctor = app
        .post_json(
            "/fhir/Practitioner",
            Some(admin),
            &json!({"resourceType": "Practitioner", "name": [{"text": "李振邦"}]}),
        )
        .await;
    let practitioner = doctor.body["id"].as_str().unwrap().to_owned();
    let mut role = json!({"resourceType": "PractitionerRole", "active": true,
        "practitioner": {"reference": format!("Practitioner/{practitioner}")},
        "organization": {"reference": format!("Organization/{dept}")},
        "location": [{"reference": format!("Location/{}", room.body["id"].as_str().unwrap())}]});
    if let Some(fee) = fee {
        role["extension"] = json!([{"url": "urn:huimin:ext:registration-fee",
            "valueMoney": {"value": fee, "currency": "CNY"}}]);
    }
    let role = app
        .post_json("/fhir/PractitionerRole", Some(admin), &role)
        .await;
    let role = role.body["id"].as_str().unwrap().to_owned();
    let china = huimin_clock::Clock::default().zone().clone();
    let now = jiff::Timestamp::now().to_zoned(china).datetime();
    let mut start = now
        .checked_add(jiff::SignedDuration::from_mins(20))
        .unwrap()
        .round(
            jiff::civil::DateTimeRound::new()
                .smallest(jiff::Unit::Minute)
                .increment(5)
                .mode(jiff::RoundMode::Ceil),
        )
        .unwrap();
    if start.hour() == 23 && start.minute() >= 30 {
        start = start.date().tomorrow().unwrap().at(0, 0, 0, 0);
    }
    let end = start
        .checked_add(jiff::SignedDuration::from_mins(30))
        .unwrap();
    let session = app
        .post_json("/api/admin/sessions", Some(admin), &json!({"practitioner_role": role, "date": start.date().to_string(),
            "period": period_at(start), "start": start.strftime("%H:%M").to_string(), "end": end.strftime("%H:%M").to_string(),
            "capacity": 10, "slot_minutes": 30}))
        .await;
    assert_eq!(session.status, 201, "{}", session.body);
    let schedule = session.body["schedule"]["id"].as_str().unwrap().to_owned();
    let slot = session.body["slots"][0]["id"].as_str().unwrap().to_owned();
    let username = format!("dr-{}", &practitioner[..8]);
    let passwords =
        huimin_server::state::passwords::Passwords::new(huimin_server::PasswordCost::Fast);
    huimin_server::accounts::add_user(
        &app.store,
        &passwords,
        &username,
        huimin_domain::roles::Role::Doctor,
        PASSWORD,
        "李振邦",
        Some(&practitioner),
    )
    .await
    .unwrap();
    let doctor_token = app.token(&username, PASSWORD).await;
    (dept, schedule, slot, doctor_token)
}

async fn book_and_check_in(app: &TestApp, token: &str, patient: &str, slot: &str) -> String {
    let id = app.book(token, patient, slot).await;
    let checked = app.set_status(token, &id, "checked-in", "en").await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    id
}

async fn act(app: &TestApp, token: &str, session: &str, action: &str) -> Resp {
    app.post_raw(
        &format!("/api/sessions/{session}/{action}"),
        Some(token),
        "application/json",
        "",
    )
    .await
}

fn numbers(queue: &Value) -> Vec<i64> {
    queue["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["number"].as_i64().unwrap())
        .collect()
}

/// Born in 1985: not called ahead for age.
const YOUNGER: &str = "110105198506151236";

async fn a_doctor_calls_recalls_and_passes_while_patients_watch_their_place(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (dept, session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (a, a_id) = app.patient("13911110001", "王小明", YOUNGER).await;
    let (b, b_id) = app.patient("13911110002", "李四", ID_2).await;
    let (c, c_id) = app.patient("13911110003", "张三丰", ID_3).await;
    let first = book_and_check_in(&app, &a, &a_id, &slot).await;
    let second = book_and_check_in(&app, &b, &b_id, &slot).await;
    let third = book_and_check_in(&app, &c, &c_id, &slot).await;

    // The session's day (tomorrow when "20 minutes from now" is past midnight in China).
    let schedule = app
        .get(&format!("/fhir/Schedule/{session}"), Some(&doctor))
        .await;
    let comment = schedule.body["comment"].as_str().unwrap_or_default();
    let date = comment.split(' ').next().unwrap_or_default();
    let today = app
        .get(&format!("/api/me/sessions?date={date}"), Some(&doctor))
        .await;
    assert_eq!(today.status, 200, "{}", today.body);
    assert_eq!(today.body["date"], date);
    let bad = app
        .get("/api/me/sessions?date=2026-13-01", Some(&doctor))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(today.body["sessions"][0]["waiting"], 3);
    let place = app
        .get(&format!("/api/appointments/{third}/queue"), Some(&c))
        .await;
    assert_eq!(place.body["queue"], "waiting");
    assert_eq!(place.body["ahead"], 2);
    assert_eq!(
        place.body["estimated_minutes"], 6,
        "30 minutes for 10 places: 3 each"
    );
    assert_eq!(place.body["notice"], true);
    assert_eq!(
        app.get(&format!("/api/appointments/{third}/queue"), Some(&a))
            .await
            .status,
        404,
        "not another patient's"
    );

    let called = act(&app, &doctor, &session, "call-next").await;
    assert_eq!(called.status, 200, "{}", called.body);
    assert_eq!(called.body["current"]["number"], 1);
    assert_eq!(called.body["current"]["name"], "王小明");
    assert_eq!(
        act(&app, &doctor, &session, "call-next").await.status,
        409,
        "number 1 is still in"
    );
    assert_eq!(
        app.get(&format!("/api/appointments/{first}/queue"), Some(&a))
            .await
            .body["queue"],
        "called"
    );

    // Number 1 does not come: passed, back after the others (only two wait, so last).
    let passed = act(&app, &doctor, &session, "pass").await;
    assert_eq!(passed.status, 200, "{}", passed.body);
    assert_eq!(numbers(&passed.body), [2, 3, 1]);
    assert!(passed.body["current"].is_null());
    let called = act(&app, &doctor, &session, "call-next").await;
    assert_eq!(called.body["current"]["number"], 2);
    assert_eq!(act(&app, &doctor, &session, "recall").await.status, 200);
    assert_eq!(
        app.set_status(&doctor, &second, "fulfilled", "en")
            .await
            .status,
        200
    );

    // The triage nurse moves number 1 up.
    let nurse = app.staff("nurse").await;
    let up = app
        .post_raw(
            &format!("/api/appointments/{first}/priority"),
            Some(&nurse),
            "application/json",
            r#"{"priority": true}"#,
        )
        .await;
    assert_eq!(up.status, 200, "{}", up.body);
    let queue = app
        .get(&format!("/api/sessions/{session}/queue"), Some(&nurse))
        .await;
    assert_eq!(numbers(&queue.body), [1, 3]);
    assert_eq!(
        act(&app, &doctor, &session, "call-next").await.body["current"]["number"],
        1
    );

    // Others may not run this line; the screen is public and masks names.
    let registrar = app.staff("registrar").await;
    assert_eq!(
        act(&app, &registrar, &session, "call-next").await.status,
        403
    );
    assert_eq!(
        app.get(&format!("/api/sessions/{session}/queue"), Some(&c))
            .await
            .status,
        403
    );
    let screen = app
        .get(&format!("/api/departments/{dept}/calls"), None)
        .await;
    assert_eq!(screen.status, 200, "{}", screen.body);
    let calls = screen.body["calls"].as_array().unwrap();
    let shown: Vec<(i64, &str, &str)> = calls
        .iter()
        .map(|c| {
            (
                c["number"].as_i64().unwrap(),
                c["name"].as_str().unwrap(),
                c["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (1, "王*", "call"),
            (2, "李*", "recall"),
            (2, "李*", "call"),
            (1, "王*", "call")
        ]
    );
    assert_eq!(calls[0]["room"]["zh"], "心内科 3 诊室");
    let one = app
        .get(&format!("/api/departments/{dept}/calls?_count=1"), None)
        .await;
    assert_eq!(one.body["calls"].as_array().unwrap().len(), 1);
    for beyond in ["0", "51", "x"] {
        let refused = app
            .get(
                &format!("/api/departments/{dept}/calls?_count={beyond}"),
                None,
            )
            .await;
        assert_eq!(refused.status, 400, "_count={beyond}: {}", refused.body);
        assert_eq!(refused.body["resourceType"], "OperationOutcome");
    }
    app.finish().await;
}
on_both!(a_doctor_calls_recalls_and_passes_while_patients_watch_their_place);

/// Two doctors' clicks at once call two different patients, never the same one twice.
async fn concurrent_calls_on_one_line_take_turns(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_, session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (a, a_id) = app.patient("13911110001", "王小明", ID_1).await;
    book_and_check_in(&app, &a, &a_id, &slot).await;
    let url = format!("{}/api/sessions/{session}/call-next", app.base);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (client, url, token) = (app.client.clone(), url.clone(), doctor.clone());
            tokio::spawn(async move {
                client
                    .post(url)
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 409, 409, 409, 409, 409, 409, 409],
        "one call; the rest find them called in"
    );
    app.finish().await;
}
on_both!(concurrent_calls_on_one_line_take_turns);

/// Priority groups: the elderly are called ahead as they check in; the triage desk marks
/// other groups the hospital allows, and only those.
async fn priority_groups_follow_the_hospital_settings(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let (_, session, slot, _) = clinic_starting_soon(&app, &admin).await;
    // ID_1 was born in 1949: elderly. ID_2 in 1990.
    let (_, young_id) = app.patient("13911110002", "李四", ID_2).await;
    let (_, old_id) = app.patient("13911110001", "王小明", ID_1).await;
    let young = book_and_check_in(&app, &admin, &young_id, &slot).await;
    let old = book_and_check_in(&app, &admin, &old_id, &slot).await;
    let queue = app
        .get(&format!("/api/sessions/{session}/queue"), Some(&nurse))
        .await;
    let first = &queue.body["waiting"][0];
    assert_eq!(
        first["appointment"],
        format!("Appointment/{old}"),
        "{}",
        queue.body
    );
    assert_eq!(first["priority_group"], "elderly");
    assert_eq!(queue.body["waiting"][1]["priority_group"], Value::Null);

    let priority = |id: String, body: Value| {
        let (app, nurse) = (&app, nurse.clone());
        async move {
            app.post_json(
                &format!("/api/appointments/{id}/priority"),
                Some(&nurse),
                &body,
            )
            .await
        }
    };
    let marked = priority(
        young.clone(),
        json!({"priority": true, "group": "military"}),
    )
    .await;
    assert_eq!(marked.status, 200, "{}", marked.body);
    let queue = app
        .get(&format!("/api/sessions/{session}/queue"), Some(&nurse))
        .await;
    let marked = queue.body["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["appointment"] == format!("Appointment/{young}"))
        .unwrap();
    assert_eq!(marked["priority_group"], "military");
    // Another department's doctor does not reorder this line.
    let (_, _, _, stranger) = clinic_starting_soon(&app, &admin).await;
    let foreign = app
        .post_json(
            &format!("/api/appointments/{young}/priority"),
            Some(&stranger),
            &json!({"priority": true}),
        )
        .await;
    assert_eq!(foreign.status, 403, "{}", foreign.body);
    let missing = priority("no-such".into(), json!({"priority": true})).await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    let unknown = priority(young.clone(), json!({"priority": true, "group": "vip"})).await;
    assert_eq!((unknown.status, unknown.expression()), (422, Some("group")));

    // The hospital stops calling the military ahead.
    let changed = app
        .put_json(
            "/api/admin/booking-rules",
            Some(&admin),
            &json!({"calling": {"priority_groups": {"military": false}}}),
            None,
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        priority(young.clone(), json!({"priority": false}))
            .await
            .status,
        200
    );
    let refused = priority(
        young.clone(),
        json!({"priority": true, "group": "military"}),
    )
    .await;
    assert_eq!((refused.status, refused.expression()), (422, Some("group")));
    let other = priority(young, json!({"priority": true})).await;
    assert_eq!(other.body["priority_group"], "other", "{}", other.body);
    app.finish().await;
}
on_both!(priority_groups_follow_the_hospital_settings);
