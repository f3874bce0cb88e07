//! The waiting-area call screen: a screen token an administrator issues shows one
//! department's check-in code and nothing else, until revoked; the board lists who is
//! called and who waits, masked, with the words the screen speaks; a passed patient leaves
//! it. Also the desk's check-in by ticket number and the payment-before-check-in setting.

use reqwest::Method;
use serde_json::{Value, json};

use crate::calling::{clinic_starting_soon, clinic_with_fee};
use crate::helpers::*;
use crate::on_both;

async fn with_screen(app: &TestApp, path: &str, key: Option<&str>) -> Resp {
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(key) = key {
        request = request.header("x-huimin-screen", key);
    }
    app.send(request, None).await
}

async fn issue(app: &TestApp, admin: &str, body: Value) -> Resp {
    app.post_json("/api/admin/screens", Some(admin), &body)
        .await
}

async fn audited(app: &TestApp, admin: &str, entity: &str) -> Vec<Value> {
    let trail = app
        .get(&format!("/fhir/AuditEvent?entity={entity}"), Some(admin))
        .await;
    trail.body["entry"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["resource"].clone())
        .collect()
}

async fn a_screen_token_shows_one_departments_code_until_revoked(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let (dept, _, _, _) = clinic_starting_soon(&app, &admin).await;
    let (other, _, _, _) = clinic_starting_soon(&app, &admin).await;

    // Only administrators issue; a missing department and label are field errors.
    let asked = json!({"department": format!("Organization/{dept}"), "label": "二楼候诊区"});
    assert_eq!(issue(&app, &nurse, asked.clone()).await.status, 403);
    let bad = issue(&app, &admin, json!({"department": "Organization/nope"})).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    let fields: Vec<&str> = bad.body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["expression"][0].as_str())
        .collect();
    assert_eq!(fields, ["department", "label"]);
    let issued = issue(&app, &admin, asked).await;
    assert_eq!(issued.status, 201, "{}", issued.body);
    let token = issued.body["token"].as_str().unwrap().to_owned();
    let id = issued.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        issued.body["screen_url"],
        format!("/screen/{dept}?key={token}")
    );

    // Kept hashed: the token is in no table, and no listing shows it again.
    assert!(!app.database_text().await.contains(&token));
    let listed = app.get("/api/admin/screens", Some(&admin)).await;
    assert_eq!(listed.body["screens"][0]["label"], "二楼候诊区");
    assert!(listed.body["screens"][0].get("token").is_none());

    // Good for its department's code (and board), not another's, and no staff powers.
    let code_path = format!("/api/departments/{dept}/check-in-code");
    let shown = with_screen(&app, &code_path, Some(&token)).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.body["code"].as_str().unwrap().len(), 8);
    let board = with_screen(
        &app,
        &format!("/api/departments/{dept}/board"),
        Some(&token),
    )
    .await;
    assert_eq!(board.body["check_in_code"]["code"], shown.body["code"]);
    let elsewhere = format!("/api/departments/{other}/check-in-code");
    assert_eq!(
        with_screen(&app, &elsewhere, Some(&token)).await.status,
        403
    );
    assert_eq!(with_screen(&app, &code_path, None).await.status, 401);
    let public = with_screen(&app, &format!("/api/departments/{dept}/board"), None).await;
    assert_eq!(public.status, 200);
    assert!(
        public.body.get("check_in_code").is_none(),
        "the code needs the token"
    );
    let as_bearer = app
        .get(&format!("/api/departments/{dept}/sessions"), Some(&token))
        .await;
    assert_eq!(as_bearer.status, 401, "a screen token is no sign-in");

    // Revoked: the screen loses the code at once, and says why; revoking twice is 404.
    let path = format!("{}/api/admin/screens/{id}", app.base);
    let revoked = app
        .send(app.client.request(Method::DELETE, &path), Some(&admin))
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    let again = app
        .send(app.client.request(Method::DELETE, &path), Some(&admin))
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(
        with_screen(&app, &code_path, Some(&token)).await.status,
        403
    );
    let board = with_screen(
        &app,
        &format!("/api/departments/{dept}/board"),
        Some(&token),
    )
    .await;
    assert!(board.body.get("check_in_code").is_none());
    assert_eq!(board.body["screen"], "refused");
    let listed = app.get("/api/admin/screens", Some(&admin)).await;
    assert!(listed.body["screens"][0]["revoked_at"].is_string());

    // Issued, revoked and the refused use are in the audit trail.
    let trail = audited(&app, &admin, &format!("ScreenToken/{id}")).await;
    let actions: Vec<&str> = trail.iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(
        actions.contains(&"C") && actions.contains(&"D"),
        "{actions:?}"
    );
    let refused = audited(&app, &admin, &format!("Organization/{dept}/check-in-code")).await;
    assert!(
        refused.iter().any(|e| e["outcomeDesc"] == "denied"),
        "{refused:?}"
    );
    app.finish().await;
}
on_both!(a_screen_token_shows_one_departments_code_until_revoked);

async fn act(app: &TestApp, token: &str, session: &str, action: &str) -> Resp {
    app.post_raw(
        &format!("/api/sessions/{session}/{action}"),
        Some(token),
        "application/json",
        "",
    )
    .await
}

async fn the_board_shows_the_call_and_the_next_waiting_and_says_the_call(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.booking.rules.calling.screen_waiting = 2).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let (dept, session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let mut people = Vec::new();
    for (phone, name, id) in [
        ("13911110001", "王小明", ID_1),
        ("13911110002", "李四", ID_2),
        ("13911110003", "张三丰", ID_3),
    ] {
        let (token, patient) = app.patient(phone, name, id).await;
        let booked = app.book(&token, &patient, &slot).await;
        let checked = app.set_status(&nurse, &booked, "checked-in", "en").await;
        assert_eq!(checked.status, 200, "{}", checked.body);
        people.push((token, booked));
    }
    let path = format!("/api/departments/{dept}/board");
    let before = app.get(&path, None).await;
    assert_eq!(before.body["calls"], json!([]));
    let line = &before.body["lines"][0];
    assert_eq!(
        line["waiting"],
        json!([{"number": 1, "name": "王*"}, {"number": 2, "name": "李*"}])
    );
    assert_eq!(
        line["waiting_total"], 3,
        "two shown (the setting), three waiting"
    );
    assert_eq!(line["room"]["zh"], "心内科 3 诊室");

    assert_eq!(act(&app, &doctor, &session, "call-next").await.status, 200);
    let called = app.get(&path, None).await;
    let call = &called.body["calls"][0];
    assert_eq!(call["number"], 1);
    assert_eq!(call["name"], "王*");
    assert_eq!(call["speech"], "请 1 号 王某 到 心内科 3 诊室 就诊");
    assert_eq!(called.body["lines"][0]["current"]["number"], 1);
    assert_eq!(called.body["lines"][0]["waiting"][0]["number"], 2);
    assert!(
        !called.body.to_string().contains("王小明"),
        "names are masked"
    );

    // A recall is a new call to say again; a pass takes the patient off the call.
    assert_eq!(act(&app, &doctor, &session, "recall").await.status, 200);
    let recalled = app.get(&path, None).await;
    assert_ne!(recalled.body["calls"][0]["id"], call["id"]);
    assert_eq!(act(&app, &doctor, &session, "pass").await.status, 200);
    let passed = app.get(&path, None).await;
    assert_eq!(passed.body["calls"], json!([]), "{}", passed.body);
    assert!(passed.body["lines"][0]["current"].is_null());
    assert_eq!(
        passed.body["lines"][0]["waiting"],
        json!([{"number": 2, "name": "李*"}, {"number": 3, "name": "张*"}]),
        "the passed patient leaves the screen"
    );
    assert_eq!(passed.body["lines"][0]["waiting_total"], 2);

    // The passed patient is told, and their place says they were passed.
    let (first, first_booking) = &people[0];
    let told = app.message_of_kind(first, "passed", "zh").await;
    assert!(told["text"].as_str().unwrap().contains("过号"), "{told}");
    let place = app
        .get(
            &format!("/api/appointments/{first_booking}/queue"),
            Some(first),
        )
        .await;
    assert_eq!(place.body["passes"], 1);
    assert_eq!(place.body["queue"], "waiting");
    app.finish().await;
}
on_both!(the_board_shows_the_call_and_the_next_waiting_and_says_the_call);

async fn the_desk_checks_in_by_the_number_on_the_ticket(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, session, slot, _) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let booked = app.book(&patient, &patient_id, &slot).await;
    let path = format!("/api/sessions/{session}/check-in");
    let by = |token: &str, number: Value| {
        let token = token.to_owned();
        let path = path.clone();
        let app = &app;
        async move {
            app.post_json(&path, Some(&token), &json!({"number": number}))
                .await
        }
    };
    assert_eq!(by(&patient, json!(1)).await.status, 403, "staff only");
    let typo = by(&registrar, json!("1x")).await;
    assert_eq!(typo.status, 422);
    assert_eq!(typo.expression(), Some("number"));
    let missing = by(&registrar, json!(9)).await;
    assert_eq!(missing.status, 422);
    assert_eq!(missing.expression(), Some("number"));
    let done = by(&registrar, json!("1")).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["id"], booked.as_str());
    assert_eq!(done.body["status"], "checked-in");
    app.finish().await;
}
on_both!(the_desk_checks_in_by_the_number_on_the_ticket);

/// A slot with a fee is held, then confirmed (to be paid at the desk): booked, unpaid.
async fn hold_and_confirm(app: &TestApp, token: &str, patient: &str, slot: &str) -> String {
    let held = app
        .post_json(
            "/fhir/Appointment/$hold",
            Some(token),
            &parameters(&[
                ("slot", format!("Slot/{slot}")),
                ("patient", format!("Patient/{patient}")),
            ]),
        )
        .await;
    assert_eq!(held.status, 201, "{}", held.body);
    let id = held.body["id"].as_str().unwrap().to_owned();
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(token),
            &parameters(&[("appointment", format!("Appointment/{id}"))]),
        )
        .await;
    assert_eq!(booked.body["status"], "booked", "{}", booked.body);
    id
}

async fn a_hospital_may_want_the_fee_paid_before_check_in(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.booking.rules.check_in.on_site_proof = false;
    })
    .await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (_, _, slot, _) = clinic_with_fee(&app, &admin, Some(50.0)).await;
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let (other, other_id) = app.patient("13911110002", "李四", ID_2).await;
    let mine = hold_and_confirm(&app, &patient, &patient_id, &slot).await;
    let theirs = hold_and_confirm(&app, &other, &other_id, &slot).await;
    let rules = app.get("/api/admin/booking-rules", Some(&admin)).await;
    assert_eq!(
        rules.body["hospital"]["check_in"]["payment_first"], false,
        "off unless the hospital asks"
    );
    let strict = json!({"check_in": {"payment_first": true, "on_site_proof": false}});
    let changed = app
        .put_json("/api/admin/booking-rules", Some(&admin), &strict, None)
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);

    for (token, id) in [(&patient, &mine), (&registrar, &theirs)] {
        let unpaid = app.set_status(token, id, "checked-in", "zh").await;
        assert_eq!(unpaid.status, 422, "{}", unpaid.body);
        let issue = &unpaid.body["issue"][0];
        assert_eq!(issue["details"]["coding"][0]["code"], "check-in-unpaid");
        let text = issue["details"]["text"].as_str().unwrap();
        assert!(
            text.starts_with("未缴费") && text.contains("¥50.00") && text.contains("窗口"),
            "{text}"
        );
        let still = app
            .get(&format!("/fhir/Appointment/{id}"), Some(&registrar))
            .await;
        assert_eq!(still.body["status"], "booked", "nothing changed");
    }
    let english = app.set_status(&patient, &mine, "checked-in", "en").await;
    assert!(
        english.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Not paid")
    );

    let paid = app
        .post_json(
            &format!("/api/appointments/{mine}/payment"),
            Some(&registrar),
            &json!({"method": "cash"}),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let checked = app.set_status(&patient, &mine, "checked-in", "en").await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    app.finish().await;
}
on_both!(a_hospital_may_want_the_fee_paid_before_check_in);

async fn the_line_shows_each_patients_age_and_sex(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let (_, session, slot, _) = clinic_starting_soon(&app, &admin).await;
    // ID_1 is a woman born on 31 December 1949.
    let (patient, patient_id) = app.patient("13911110001", "王小明", ID_1).await;
    let booked = app.book(&patient, &patient_id, &slot).await;
    let queue = app
        .get(&format!("/api/sessions/{session}/queue"), Some(&nurse))
        .await;
    let expected = &queue.body["expected"][0];
    assert_eq!(expected["appointment"], format!("Appointment/{booked}"));
    assert_eq!(expected["gender"], "female");
    let today = jiff::Timestamp::now()
        .to_zoned(huimin_clock::Clock::default().zone().clone())
        .date();
    let age = today.year() - 1949 - i16::from((today.month(), today.day()) < (12, 31));
    assert_eq!(expected["age"], age);
    app.finish().await;
}
on_both!(the_line_shows_each_patients_age_and_sex);

/// Live pages watch a line's version instead of reading it every second: any change to the
/// line (an arrival, a priority) changes it, and reading it changes nothing.
async fn a_lines_version_changes_with_the_line(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let nurse = app.staff("nurse").await;
    let (dept, _, slot, _) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911110002", "李四", ID_2).await;
    let booked = app.book(&patient, &patient_id, &slot).await;
    let day = format!("/api/departments/{dept}/sessions");
    let version = |body: &Value| {
        body["sessions"][0]["line_version"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let before = version(&app.get(&day, Some(&nurse)).await.body);
    assert_eq!(version(&app.get(&day, Some(&nurse)).await.body), before);
    app.set_status(&nurse, &booked, "checked-in", "en").await;
    let arrived = version(&app.get(&day, Some(&nurse)).await.body);
    assert_ne!(arrived, before);
    let up = app
        .post_json(
            &format!("/api/appointments/{booked}/priority"),
            Some(&nurse),
            &json!({"priority": true}),
        )
        .await;
    assert_eq!(up.status, 200, "{}", up.body);
    assert_ne!(version(&app.get(&day, Some(&nurse)).await.body), arrived);
    app.finish().await;
}
on_both!(a_lines_version_changes_with_the_line);
