//! The booking API over HTTP on both databases.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

/// A department, a doctor and their post with the given fee (yuan); returns the role id.
pub(crate) async fn clinic(app: &TestApp, admin: &str, fee: f64) -> String {
    let dept = app
        .post_json("/fhir/Organization", Some(admin), &json!({"resourceType": "Organization", "name": "心血管内科", "identifier": [{"system": "urn:huimin:cs:department-code", "value": "03.04"}]}))
        .await;
    let doctor = app.post_json("/fhir/Practitioner", Some(admin), &json!({"resourceType": "Practitioner", "name": [{"text": "李振邦", "family": "李", "given": ["振邦"]}]})).await;
    let role = json!({
        "resourceType": "PractitionerRole",
        "active": true,
        "extension": [
            {"url": "urn:huimin:ext:registration-class", "valueCode": "expert"},
            {"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": fee, "currency": "CNY"}},
        ],
        "practitioner": {"reference": format!("Practitioner/{}", doctor.body["id"].as_str().unwrap())},
        "organization": {"reference": format!("Organization/{}", dept.body["id"].as_str().unwrap())},
    });
    let created = app
        .post_json("/fhir/PractitionerRole", Some(admin), &role)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

pub(crate) fn in_days(days: i64) -> String {
    huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(days))
        .to_string()
}

/// Opens a session and returns its slot ids.
pub(crate) async fn open_session(
    app: &TestApp,
    admin: &str,
    role: &str,
    capacity: u32,
    slot_minutes: u16,
) -> Vec<String> {
    let body = json!({"practitioner_role": role, "date": in_days(2), "period": "morning", "capacity": capacity, "slot_minutes": slot_minutes});
    let response = app
        .post_raw(
            "/api/admin/sessions",
            Some(admin),
            "application/json",
            &body.to_string(),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.body);
    assert_schema_valid(&response.body["schedule"]);
    response.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A valid resident ID for the n-th test patient.
fn resident_id(n: usize) -> String {
    let first17 = format!("1101011980{:02}{:02}{:03}", 1 + n % 12, 1 + n % 28, n);
    let check = huimin_domain::identity::resident_id_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

async fn staff_patient(app: &TestApp, registrar: &str, n: usize) -> String {
    let body = patient_json(
        &format!("张测{n}"),
        "张",
        &format!("测{n}"),
        &resident_id(n),
        &format!("1390000{n:04}"),
    );
    let response = app.post_json("/fhir/Patient", Some(registrar), &body).await;
    assert_eq!(response.status, 201, "{}", response.body);
    response.body["id"].as_str().unwrap().to_owned()
}

async fn sessions_are_opened_by_administrators_with_validated_fields(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    let registrar = app.staff("registrar").await;
    let body =
        json!({"practitioner_role": role, "date": in_days(2), "period": "morning", "capacity": 8});
    assert_eq!(
        app.post_raw(
            "/api/admin/sessions",
            Some(&registrar),
            "application/json",
            &body.to_string()
        )
        .await
        .status,
        403
    );
    let bad = json!({"practitioner_role": "nope", "date": "2020-01-01", "period": "noon", "capacity": 0, "slot_minutes": 45});
    let refused = app
        .post_raw(
            "/api/admin/sessions",
            Some(&admin),
            "application/json",
            &bad.to_string(),
        )
        .await;
    assert_eq!(refused.status, 422);
    let fields: Vec<&str> = refused.body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["expression"][0].as_str())
        .collect();
    for field in [
        "date",
        "period",
        "capacity",
        "slot_minutes",
        "practitioner_role",
    ] {
        assert!(fields.contains(&field), "{field} not reported: {fields:?}");
    }
    let slots = open_session(&app, &admin, &role, 8, 30).await;
    assert_eq!(slots.len(), 8, "08:00–12:00 in 30-minute slots");
    let slot = app.get(&format!("/fhir/Slot/{}", slots[0]), None).await;
    assert_eq!(slot.status, 200);
    assert_eq!(slot.body["status"], "free");
    assert_eq!(slot.body["extension"][0]["valueInteger"], 1);
    assert_schema_valid(&slot.body);
    app.finish().await;
}
on_both!(sessions_are_opened_by_administrators_with_validated_fields);

/// A session's hours must belong to its period, and numbers out of range are field errors in
/// the visitor's language, not a parser's words.
async fn session_hours_fit_their_period_and_bad_numbers_name_their_field(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    let post = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.post_raw(
                "/api/admin/sessions",
                Some(&admin),
                "application/json",
                &body.to_string(),
            )
            .await
        }
    };
    for (period, start, end) in [
        ("evening", "06:00", "08:00"),
        ("afternoon", "08:00", "10:00"),
    ] {
        let refused = post(
            json!({"practitioner_role": role, "date": in_days(2), "period": period,
            "start": start, "end": end, "capacity": 4}),
        )
        .await;
        assert_eq!(refused.status, 422, "{period} at {start}: {}", refused.body);
        assert_eq!(refused.expression(), Some("start"));
        let text = refused.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap();
        assert!(text.contains("须在") && text.contains(start), "{text}");
    }
    let negative = post(
        json!({"practitioner_role": role, "date": in_days(2), "period": "morning",
        "capacity": -5, "slot_minutes": -10}),
    )
    .await;
    assert_eq!(negative.status, 422, "{}", negative.body);
    let texts = negative.body.to_string();
    assert!(!texts.contains("invalid value"), "no parser words: {texts}");
    assert!(texts.contains("号源数须在 1 到 500 之间"), "{texts}");
    let no_role = post(
        json!({"practitioner_role": "", "date": in_days(2), "period": "morning",
        "capacity": 4}),
    )
    .await;
    assert_eq!(no_role.expression(), Some("practitioner_role"));
    assert_eq!(
        no_role.body["issue"][0]["details"]["text"],
        "请选择医生岗位"
    );
    let evening = post(
        json!({"practitioner_role": role, "date": in_days(2), "period": "evening",
        "start": "18:00", "end": "20:00", "capacity": 4}),
    )
    .await;
    assert_eq!(evening.status, 201, "{}", evening.body);
    app.finish().await;
}
on_both!(session_hours_fit_their_period_and_bad_numbers_name_their_field);

async fn find_lists_bookable_slots_to_anyone(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    open_session(&app, &admin, &role, 16, 15).await;
    let found = app
        .get(
            &format!("/fhir/Appointment/$find?practitioner=PractitionerRole/{role}&_count=5"),
            None,
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["total"], 16);
    assert_eq!(found.body["entry"].as_array().unwrap().len(), 5);
    assert_schema_valid(&found.body);
    // Pages in time order, by department too; `_total=none` skips the count.
    let department = app
        .get(&format!("/fhir/PractitionerRole/{role}"), Some(&admin))
        .await
        .body["organization"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = |offset: u32| {
        let (app, department) = (&app, department.clone());
        async move {
            let url = format!(
                "/fhir/Appointment/$find?department={department}&_count=4&_offset={offset}&_total=none"
            );
            let found = app.get(&url, None).await;
            assert_eq!(found.status, 200, "{}", found.body);
            assert!(found.body.get("total").is_none());
            found.body["entry"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["resource"]["start"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let (first, second) = (page(0).await, page(4).await);
    let mut both = first.clone();
    both.extend(second.clone());
    let mut sorted = both.clone();
    sorted.sort();
    assert_eq!(both, sorted, "time order across pages");
    assert!(first.last() < second.first(), "no overlap between pages");
    assert_eq!(
        app.get("/fhir/Appointment/$find?_total=some", None)
            .await
            .status,
        400
    );
    let by_class = app
        .get("/fhir/Appointment/$find?class=special-needs", None)
        .await;
    assert_eq!(by_class.body["total"], 0);
    assert_eq!(
        app.get("/fhir/Appointment/$find?colour=red", None)
            .await
            .status,
        400
    );
    app.finish().await;
}
on_both!(find_lists_bookable_slots_to_anyone);

async fn a_patient_holds_then_books_and_sees_only_their_own_appointments(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 50.0).await;
    let slots = open_session(&app, &admin, &role, 8, 30).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let hold = parameters(&[
        ("slot", format!("Slot/{}", slots[0])),
        ("patient", format!("Patient/{alice_id}")),
    ]);
    let held = app
        .post_json("/fhir/Appointment/$hold", Some(&alice), &hold)
        .await;
    assert_eq!(held.status, 201, "{}", held.body);
    assert_eq!(held.body["status"], "pending");
    assert_schema_valid(&held.body);
    let slot = app.get(&format!("/fhir/Slot/{}", slots[0]), None).await;
    assert_eq!(
        slot.body["status"], "busy-tentative",
        "the only place is held"
    );
    let id = held.body["id"].as_str().unwrap().to_owned();
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &parameters(&[("appointment", format!("Appointment/{id}"))]),
        )
        .await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    assert_eq!(booked.body["status"], "booked");
    assert_eq!(
        app.get(&format!("/fhir/Slot/{}", slots[0]), None)
            .await
            .body["status"],
        "busy"
    );
    assert_eq!(
        app.get(&format!("/fhir/Appointment/{id}"), Some(&alice))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&format!("/fhir/Appointment/{id}"), Some(&bob))
            .await
            .status,
        404
    );
    let for_other = parameters(&[
        ("slot", format!("Slot/{}", slots[1])),
        ("patient", format!("Patient/{bob_id}")),
    ]);
    assert_eq!(
        app.post_json("/fhir/Appointment/$hold", Some(&alice), &for_other)
            .await
            .status,
        403,
        "bookings cannot be made for someone else"
    );
    let direct = parameters(&[
        ("slot", format!("Slot/{}", slots[1])),
        ("patient", format!("Patient/{bob_id}")),
    ]);
    let at_once = app
        .post_json("/fhir/Appointment/$book", Some(&bob), &direct)
        .await;
    assert_eq!(
        at_once.status, 201,
        "without online payment a paid slot is booked at once (the fee paid at the desk): {}",
        at_once.body
    );
    app.finish().await;
}
on_both!(a_patient_holds_then_books_and_sees_only_their_own_appointments);

/// A free session of `capacity` places (in 30-minute slots) and `count` patients the
/// registrar registered: (registrar token, slot ids, patient ids).
pub(crate) async fn crowd(
    app: &TestApp,
    capacity: u32,
    count: usize,
) -> (String, Vec<String>, Vec<String>) {
    let admin = app.admin().await;
    let role = clinic(app, &admin, 0.0).await;
    let slots = open_session(app, &admin, &role, capacity, 30).await;
    let registrar = app.staff("registrar").await;
    let mut patients = Vec::new();
    for n in 0..count {
        patients.push(staff_patient(app, &registrar, n).await);
    }
    (registrar, slots, patients)
}

/// A registrar's `$book` of `slot` for `patient`, ready to spawn: the status and the
/// appointment id (empty when refused).
pub(crate) fn direct_booking(
    app: &TestApp,
    token: &str,
    slot: &str,
    patient: &str,
    key: Option<String>,
) -> impl std::future::Future<Output = (u16, String)> + Send + use<> {
    let (client, url, token) = (
        app.client.clone(),
        format!("{}/fhir/Appointment/$book", app.base),
        token.to_owned(),
    );
    let body = parameters(&[
        ("slot", format!("Slot/{slot}")),
        ("patient", format!("Patient/{patient}")),
    ]);
    async move {
        let mut request = client
            .post(url)
            .bearer_auth(token)
            .header("content-type", "application/fhir+json");
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.body(body.to_string()).send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or_default();
        (status, body["id"].as_str().unwrap_or_default().to_owned())
    }
}

async fn fifty_concurrent_bookings_of_one_slot_give_one_201_and_forty_nine_409(db: Db) {
    let app = TestApp::spawn(db).await;
    let (registrar, slots, patients) = crowd(&app, 1, 50).await;
    let tasks: Vec<_> = patients
        .iter()
        .map(|patient| tokio::spawn(direct_booking(&app, &registrar, &slots[0], patient, None)))
        .collect();
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().0);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    app.finish().await;
}
on_both!(fifty_concurrent_bookings_of_one_slot_give_one_201_and_forty_nine_409);

/// Every booking answered has its audit record, written with it (on SQLite in the booking's
/// own group), and a replayed retry is recorded too; the chain stays intact.
async fn every_booking_answered_is_audited_with_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let (registrar, slots, patients) = crowd(&app, 4, 8).await;
    let book = |patient: &str, key: String| {
        direct_booking(&app, &registrar, &slots[0], patient, Some(key))
    };
    let mut tasks = Vec::new();
    for (n, patient) in patients.iter().enumerate() {
        let booking = book(patient, format!("key-{n}"));
        tasks.push(tokio::spawn(async move { (n, booking.await) }));
    }
    let mut booked = Vec::new();
    for task in tasks {
        let (n, (status, id)) = task.await.unwrap();
        assert!(status == 201 || status == 409, "{status}");
        if status == 201 {
            booked.push((n, id));
        }
    }
    assert_eq!(booked.len(), 1, "one place in the first slot");
    // The winner retries with the same key: the same appointment (200), recorded again.
    let (winner, id) = booked[0].clone();
    let retried = book(&patients[winner], format!("key-{winner}")).await;
    assert_eq!(retried, (200, id.clone()));
    let trail = app
        .store
        .audit_page(None, Some("Appointment/"), 100, 0)
        .await
        .unwrap();
    let of_booking: Vec<_> = trail
        .records
        .iter()
        .filter(|r| r.facts.resource == format!("Appointment/{id}"))
        .collect();
    assert_eq!(of_booking.len(), 2, "{:?}", trail.records);
    assert_eq!(of_booking[0].facts.action, "create");
    assert_eq!(of_booking[0].facts.detail, "$book");
    assert!(of_booking[0].facts.actor.starts_with("registrar"));
    assert_eq!(of_booking[0].facts.role, "registrar");
    assert_eq!(
        trail.total, 2,
        "refusals take no place and write no booking record"
    );
    assert!(matches!(
        app.store.verify_audit_chain().await.unwrap(),
        huimin_store::ChainStatus::Intact { .. }
    ));
    app.finish().await;
}
on_both!(every_booking_answered_is_audited_with_it);

async fn rule_refusals_are_422_naming_the_rule_in_both_languages(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 4, 30).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let book = |slot: &str| {
        parameters(&[
            ("slot", format!("Slot/{slot}")),
            ("patient", format!("Patient/{alice_id}")),
        ])
    };
    assert_eq!(
        app.post_json("/fhir/Appointment/$book", Some(&alice), &book(&slots[0]))
            .await
            .status,
        201,
        "free slots are booked directly"
    );
    let second = app
        .post_json("/fhir/Appointment/$book", Some(&alice), &book(&slots[1]))
        .await;
    assert_eq!(second.status, 422);
    assert_eq!(
        second.body["issue"][0]["details"]["coding"][0]["code"],
        "quota-session"
    );
    assert!(
        second.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("每人")
    );
    assert!(
        second.body["issue"][0]["diagnostics"]
            .as_str()
            .unwrap()
            .contains("per person")
    );
    assert_schema_valid(&second.body);
    app.finish().await;
}
on_both!(rule_refusals_are_422_naming_the_rule_in_both_languages);

async fn a_retried_booking_with_the_same_idempotency_key_is_answered_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 4, 30).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let body = parameters(&[
        ("slot", format!("Slot/{}", slots[0])),
        ("patient", format!("Patient/{alice_id}")),
    ]);
    let send = || {
        app.client
            .post(format!("{}/fhir/Appointment/$book", app.base))
            .bearer_auth(&alice)
            .header("content-type", "application/fhir+json")
            .header("idempotency-key", "pay-7f3a")
            .body(body.to_string())
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), 200, "the retry gets the first answer");
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["id"], again["id"]);
    let slot = app.get(&format!("/fhir/Slot/{}", slots[0]), None).await;
    assert_eq!(slot.body["status"], "busy");
    app.finish().await;
}
on_both!(a_retried_booking_with_the_same_idempotency_key_is_answered_once);

async fn cancelling_frees_the_place_and_only_the_owner_or_staff_may_cancel(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 1, 30).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &parameters(&[
                ("slot", format!("Slot/{}", slots[0])),
                ("patient", format!("Patient/{alice_id}")),
            ]),
        )
        .await;
    let id = booked.body["id"].as_str().unwrap().to_owned();
    let cancel = "cancelled";
    assert_eq!(app.set_status(&bob, &id, cancel, "zh").await.status, 404);
    assert_eq!(app.set_status(&alice, &id, cancel, "zh").await.status, 200);
    assert_eq!(
        app.get(&format!("/fhir/Appointment/{id}"), Some(&alice))
            .await
            .body["status"],
        "cancelled"
    );
    let rebooked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&bob),
            &parameters(&[
                ("slot", format!("Slot/{}", slots[0])),
                ("patient", format!("Patient/{bob_id}")),
            ]),
        )
        .await;
    assert_eq!(
        rebooked.status, 201,
        "the place returned at once: {}",
        rebooked.body
    );
    app.finish().await;
}
on_both!(cancelling_frees_the_place_and_only_the_owner_or_staff_may_cancel);

async fn only_patients_with_a_verified_identity_can_book(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 2, 30).await;
    let registrar = app.staff("registrar").await;
    let anonymous = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &json!({"resourceType": "Patient", "name": [{"text": "无名氏"}]}),
        )
        .await;
    let id = anonymous.body["id"].as_str().unwrap();
    let refused = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&registrar),
            &parameters(&[
                ("slot", format!("Slot/{}", slots[0])),
                ("patient", format!("Patient/{id}")),
            ]),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.body["issue"][0]["details"]["coding"][0]["code"],
        "identity-not-verified"
    );
    app.finish().await;
}
on_both!(only_patients_with_a_verified_identity_can_book);

async fn patients_booking_too_fast_get_429_but_staff_and_load_tests_do_not(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.guard.per_account_per_minute = 2;
        s.guard.per_address_per_minute = 1000;
    })
    .await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 8, 30).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let book = |slot: &str, patient: &str| {
        parameters(&[
            ("slot", format!("Slot/{slot}")),
            ("patient", format!("Patient/{patient}")),
        ])
    };
    assert_eq!(
        app.post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &book(&slots[0], &alice_id)
        )
        .await
        .status,
        201
    );
    let throttled = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &book(&slots[1], &alice_id),
        )
        .await;
    assert_eq!(throttled.status, 429);
    assert!(throttled.header("retry-after").is_some());
    assert_eq!(throttled.body["issue"][0]["code"], "throttled");
    let registrar = app.staff("registrar").await;
    for n in 0..4 {
        let patient = staff_patient(&app, &registrar, n).await;
        assert_eq!(
            app.post_json(
                "/fhir/Appointment/$book",
                Some(&registrar),
                &book(&slots[2 + n], &patient)
            )
            .await
            .status,
            201,
            "staff are not limited"
        );
    }
    app.finish().await;

    let app = TestApp::spawn_with(db, |s| {
        s.guard.per_account_per_minute = 1;
        s.guard.enabled = false;
    })
    .await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 4, 30).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    for slot in &slots[..3] {
        let status = app
            .post_json(
                "/fhir/Appointment/$hold",
                Some(&alice),
                &book(slot, &alice_id),
            )
            .await
            .status;
        assert_ne!(status, 429, "limits are off");
    }
    app.finish().await;
}
on_both!(patients_booking_too_fast_get_429_but_staff_and_load_tests_do_not);

async fn an_address_booking_for_many_patients_is_flagged_not_blocked(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.guard.flag_distinct_patients = 2).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let slots = open_session(&app, &admin, &role, 4, 30).await;
    for (i, (phone, id)) in [
        ("13911110001", ID_2),
        ("13911110002", ID_3),
        ("13911110003", ID_1),
    ]
    .into_iter()
    .enumerate()
    {
        let (token, patient) = app.patient(phone, "王小明", id).await;
        let body = parameters(&[
            ("slot", format!("Slot/{}", slots[i])),
            ("patient", format!("Patient/{patient}")),
        ]);
        assert_eq!(
            app.post_json("/fhir/Appointment/$book", Some(&token), &body)
                .await
                .status,
            201,
            "flagging never blocks"
        );
    }
    let flags = app
        .get("/fhir/AuditEvent?entity=Address/127.0.0.1", Some(&admin))
        .await;
    assert_eq!(flags.body["total"], 1, "flagged once: {}", flags.body);
    assert_eq!(flags.body["entry"][0]["resource"]["outcomeDesc"], "flagged");
    app.finish().await;
}
on_both!(an_address_booking_for_many_patients_is_flagged_not_blocked);

async fn rosters_publish_sessions_on_working_days_without_duplicates(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 20.0).await;
    let post = |path: &'static str, body: Value| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.post_raw(path, Some(&admin), "application/json", &body.to_string())
                .await
        }
    };
    let bad = post(
        "/api/admin/rosters",
        json!({"practitioner_role": role, "weekday": 9, "period": "noon", "capacity": 8}),
    )
    .await;
    assert_eq!(bad.status, 422);
    let fields: Vec<&str> = bad.body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["expression"][0].as_str())
        .collect();
    assert!(
        fields.contains(&"weekday") && fields.contains(&"period"),
        "{fields:?}"
    );
    let created = post(
        "/api/admin/rosters",
        json!({"practitioner_role": role, "weekday": 1, "period": "morning", "capacity": 8}),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["start"], "08:00");
    let listed = app
        .get(
            &format!("/api/admin/rosters?practitioner_role={role}"),
            Some(&admin),
        )
        .await;
    assert_eq!(listed.body["total"], 1);
    // Two weeks starting on a Monday after today: two Monday sessions.
    let mut monday = huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(1));
    while monday.weekday() != jiff::civil::Weekday::Monday {
        monday = monday.saturating_add(jiff::Span::new().days(1));
    }
    let until = monday.saturating_add(jiff::Span::new().days(13));
    let window = json!({"from": monday.to_string(), "to": until.to_string()});
    let first = post("/api/admin/rosters/generate", window.clone()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["created"], 2);
    let again = post("/api/admin/rosters/generate", window).await;
    assert_eq!(
        (
            again.body["created"].as_i64(),
            again.body["skipped"].as_i64()
        ),
        (Some(0), Some(2)),
        "generating twice never duplicates"
    );
    let found = app
        .get(
            &format!(
                "/fhir/Appointment/$find?practitioner={role}&start={monday}&end={until}&_count=1"
            ),
            None,
        )
        .await;
    assert_eq!(found.body["total"], 16, "2 sessions × 8 half-hour slots");
    // A retired template publishes nothing more; the sessions it published stay.
    let template = created.body["id"].as_str().unwrap();
    let retire = |token: String| {
        let request = app
            .client
            .delete(format!("{}/api/admin/rosters/{template}", app.base));
        let app = &app;
        async move { app.send(request, Some(&token)).await }
    };
    assert_eq!(retire(app.staff("registrar").await).await.status, 403);
    assert_eq!(retire(admin.clone()).await.status, 204);
    assert_eq!(retire(admin.clone()).await.status, 404, "already retired");
    let listed = app
        .get(
            &format!("/api/admin/rosters?practitioner_role={role}"),
            Some(&admin),
        )
        .await;
    assert_eq!(listed.body["total"], 0);
    let later = json!({"from": until.saturating_add(jiff::Span::new().days(1)).to_string(),
        "to": until.saturating_add(jiff::Span::new().days(14)).to_string()});
    assert_eq!(
        post("/api/admin/rosters/generate", later).await.body["created"],
        0
    );
    let found = app
        .get(
            &format!(
                "/fhir/Appointment/$find?practitioner={role}&start={monday}&end={until}&_count=1"
            ),
            None,
        )
        .await;
    assert_eq!(found.body["total"], 16, "published sessions stay");
    let registrar = app.staff("registrar").await;
    assert_eq!(
        app.post_raw(
            "/api/admin/rosters",
            Some(&registrar),
            "application/json",
            "{}"
        )
        .await
        .status,
        403
    );
    app.finish().await;
}
on_both!(rosters_publish_sessions_on_working_days_without_duplicates);

async fn stop_clinic_cancels_bookings_returns_places_and_tells_patients(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let body =
        json!({"practitioner_role": role, "date": in_days(2), "period": "morning", "capacity": 4});
    let opened = app
        .post_raw(
            "/api/admin/sessions",
            Some(&admin),
            "application/json",
            &body.to_string(),
        )
        .await;
    let schedule = opened.body["schedule"]["id"].as_str().unwrap().to_owned();
    let slots: Vec<String> = opened.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &parameters(&[
                ("slot", format!("Slot/{}", slots[0])),
                ("patient", format!("Patient/{alice_id}")),
            ]),
        )
        .await;
    assert_eq!(booked.status, 201);
    let registrar = app.staff("registrar").await;
    let path = format!("/api/admin/sessions/{schedule}/suspend");
    assert_eq!(
        app.post_raw(&path, Some(&registrar), "application/json", "")
            .await
            .status,
        403
    );
    let suspended = app
        .post_raw(&path, Some(&admin), "application/json", "")
        .await;
    assert_eq!(suspended.status, 200, "{}", suspended.body);
    assert_eq!(suspended.body["cancelled"], 1);
    assert_eq!(
        app.post_raw(&path, Some(&admin), "application/json", "")
            .await
            .status,
        404,
        "already suspended"
    );
    let appointment = app
        .get(
            &format!("/fhir/Appointment/{}", booked.body["id"].as_str().unwrap()),
            Some(&alice),
        )
        .await;
    assert_eq!(appointment.body["status"], "cancelled");
    assert_eq!(
        app.get(&format!("/fhir/Slot/{}", slots[0]), None)
            .await
            .body["status"],
        "busy-unavailable"
    );
    assert_eq!(
        app.get(
            &format!("/fhir/Appointment/$find?practitioner={role}"),
            None
        )
        .await
        .body["total"],
        0
    );
    let again = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &parameters(&[
                ("slot", format!("Slot/{}", slots[1])),
                ("patient", format!("Patient/{alice_id}")),
            ]),
        )
        .await;
    assert_eq!(
        again.body["issue"][0]["details"]["coding"][0]["code"],
        "session-suspended"
    );
    let told = app.message_of_kind(&alice, "session-suspended", "zh").await;
    assert!(told["text"].as_str().unwrap().contains("停诊"), "{told}");
    let told_en = app.message_of_kind(&alice, "session-suspended", "en").await;
    assert!(
        told_en["text"].as_str().unwrap().contains("clinic"),
        "{told_en}"
    );
    let (totals, inconsistent) = app.store.booking_totals().await.unwrap();
    assert_eq!(
        (totals, inconsistent),
        (0, 0),
        "the place went back: counters match appointments"
    );
    app.finish().await;
}
on_both!(stop_clinic_cancels_bookings_returns_places_and_tells_patients);

async fn a_doctor_adds_an_extra_place_to_a_full_session_of_their_own(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let role_json = app
        .get(&format!("/fhir/PractitionerRole/{role}"), None)
        .await
        .body;
    let practitioner = role_json["practitioner"]["reference"]
        .as_str()
        .unwrap()
        .trim_start_matches("Practitioner/")
        .to_owned();
    let passwords =
        huimin_server::state::passwords::Passwords::new(huimin_server::PasswordCost::Fast);
    app.store
        .create_user(huimin_store::NewUser {
            username: "dr.li".into(),
            password_hash: passwords.hash(PASSWORD),
            role: "doctor".into(),
            display_name: "李振邦".into(),
            practitioner_id: Some(practitioner),
        })
        .await
        .unwrap();
    let doctor = app.token("dr.li", PASSWORD).await;
    let body =
        json!({"practitioner_role": role, "date": in_days(2), "period": "morning", "capacity": 1});
    let opened = app
        .post_raw(
            "/api/admin/sessions",
            Some(&admin),
            "application/json",
            &body.to_string(),
        )
        .await;
    let schedule = opened.body["schedule"]["id"].as_str().unwrap().to_owned();
    let slot = opened.body["slots"][0]["id"].as_str().unwrap().to_owned();
    let registrar = app.staff("registrar").await;
    let first = staff_patient(&app, &registrar, 1).await;
    let second = staff_patient(&app, &registrar, 2).await;
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&registrar),
            &parameters(&[
                ("slot", format!("Slot/{slot}")),
                ("patient", format!("Patient/{first}")),
            ]),
        )
        .await;
    assert_eq!(booked.status, 201);
    let extra_path = format!("/api/sessions/{schedule}/extra");
    let request = json!({"patient": format!("Patient/{second}")}).to_string();
    let other_doctor = app.staff("doctor").await;
    assert_eq!(
        app.post_raw(
            &extra_path,
            Some(&other_doctor),
            "application/json",
            &request
        )
        .await
        .status,
        403,
        "only the session's doctor"
    );
    assert_eq!(
        app.post_raw(&extra_path, Some(&registrar), "application/json", &request)
            .await
            .status,
        403
    );
    let extra = app
        .post_raw(&extra_path, Some(&doctor), "application/json", &request)
        .await;
    assert_eq!(extra.status, 201, "{}", extra.body);
    assert_eq!(
        extra.body["extension"][0]["valueInteger"], 2,
        "the next queue number"
    );
    let extra_slot = extra.body["slot"][0]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let slot_view = app.get(&format!("/fhir/{extra_slot}"), None).await;
    assert!(
        slot_view.body["extension"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["url"] == "urn:huimin:ext:extra-slot"),
        "{}",
        slot_view.body
    );
    assert_schema_valid(&slot_view.body);
    let trail = app.get("/fhir/AuditEvent?agent=dr.li", Some(&admin)).await;
    assert!(
        trail.body["entry"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["resource"]["entity"][0]["description"] == "extra slot")
    );
    let (active, inconsistent) = app.store.booking_totals().await.unwrap();
    assert_eq!((active, inconsistent), (2, 0));
    app.finish().await;
}
on_both!(a_doctor_adds_an_extra_place_to_a_full_session_of_their_own);

async fn a_freed_place_goes_to_the_first_patient_on_the_waitlist(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let body =
        json!({"practitioner_role": role, "date": in_days(2), "period": "morning", "capacity": 1});
    let opened = app
        .post_raw(
            "/api/admin/sessions",
            Some(&admin),
            "application/json",
            &body.to_string(),
        )
        .await;
    let schedule = opened.body["schedule"]["id"].as_str().unwrap().to_owned();
    let slot = opened.body["slots"][0]["id"].as_str().unwrap().to_owned();
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let join = |patient: &str| {
        parameters(&[
            ("schedule", format!("Schedule/{schedule}")),
            ("patient", format!("Patient/{patient}")),
        ])
    };
    // The body is read as `$hold` and `$book` read theirs: a Parameters resource whose
    // references name their kind.
    let not_parameters = app
        .post_json(
            "/fhir/Appointment/$waitlist",
            Some(&bob),
            &json!({"resourceType": "Patient"}),
        )
        .await;
    assert_eq!(not_parameters.status, 400);
    let no_schedule = app
        .post_json(
            "/fhir/Appointment/$waitlist",
            Some(&bob),
            &parameters(&[("patient", format!("Patient/{bob_id}"))]),
        )
        .await;
    assert_eq!(no_schedule.status, 400);
    assert_eq!(
        no_schedule.body["issue"][0]["expression"][0],
        "Parameters.parameter[schedule]"
    );
    let wrong_kind = app
        .post_json(
            "/fhir/Appointment/$waitlist",
            Some(&bob),
            &parameters(&[
                ("schedule", format!("Slot/{slot}")),
                ("patient", format!("Patient/{bob_id}")),
            ]),
        )
        .await;
    assert_eq!(wrong_kind.status, 400, "a Slot is not a Schedule");
    let early = app
        .post_json("/fhir/Appointment/$waitlist", Some(&bob), &join(&bob_id))
        .await;
    assert_eq!(early.status, 422, "places are still free");
    assert_eq!(
        early.body["issue"][0]["details"]["coding"][0]["code"],
        "places-available"
    );
    let booked = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&alice),
            &parameters(&[
                ("slot", format!("Slot/{slot}")),
                ("patient", format!("Patient/{alice_id}")),
            ]),
        )
        .await;
    assert_eq!(booked.status, 201);
    // First in line, a patient the booking cannot find (written past the API's checks): it
    // is skipped, not left to hold up the line.
    app.store
        .join_waitlist(&schedule, "no-such-patient", None)
        .await
        .unwrap()
        .unwrap();
    let waiting = app
        .post_json("/fhir/Appointment/$waitlist", Some(&bob), &join(&bob_id))
        .await;
    assert_eq!(waiting.status, 201, "{}", waiting.body);
    assert_eq!(waiting.body["status"], "waitlist");
    assert_schema_valid(&waiting.body);
    assert_eq!(
        app.post_json("/fhir/Appointment/$waitlist", Some(&alice), &join(&bob_id))
            .await
            .status,
        403,
        "only for one's own patients"
    );
    let cancelled = app
        .set_status(
            &alice,
            booked.body["id"].as_str().unwrap(),
            "cancelled",
            "zh",
        )
        .await;
    assert_eq!(cancelled.status, 200);
    let entries = app.get("/api/me/waitlist", Some(&bob)).await;
    assert_eq!(
        entries.body["entries"][0]["cancelationReason"]["coding"][0]["code"], "booked",
        "{}",
        entries.body
    );
    let unknown = app
        .store
        .patient_waitlist(&["no-such-patient".to_owned()])
        .await
        .unwrap();
    assert_eq!(unknown[0].status, "skipped");
    let appointment = entries.body["entries"][0]["supportingInformation"][0]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get(&format!("/fhir/{appointment}"), Some(&bob))
            .await
            .body["status"],
        "booked"
    );
    assert_eq!(
        app.get(&format!("/fhir/Slot/{slot}"), None).await.body["status"],
        "busy",
        "the place went to bob"
    );
    let trail = app
        .store
        .audit_page(Some("system:waitlist"), Some(appointment.as_str()), 10, 0)
        .await
        .unwrap();
    assert_eq!(
        trail.total, 1,
        "the waitlist booking is audited as the system's"
    );
    let told = app.message_of_kind(&bob, "waitlist-promoted", "zh").await;
    assert!(
        told["text"].as_str().unwrap().contains("候补成功"),
        "{told}"
    );
    app.finish().await;
}
on_both!(a_freed_place_goes_to_the_first_patient_on_the_waitlist);

/// A session today starting within the hour (hospital time), 10-minute slots.
async fn session_starting_soon(app: &TestApp, admin: &str, role: &str) -> Vec<String> {
    let china = huimin_clock::Clock::default().zone().clone();
    let mut start = jiff::Timestamp::now()
        .to_zoned(china)
        .datetime()
        .checked_add(jiff::Span::new().minutes(15))
        .unwrap();
    if start.time() > jiff::civil::time(23, 40, 0, 0) {
        // Keep the session within one day: start at the next midnight (≤ 35 minutes away).
        start = start.date().tomorrow().unwrap().at(0, 0, 0, 0);
    }
    let end = start.checked_add(jiff::Span::new().minutes(20)).unwrap();
    let body = json!({
        "practitioner_role": role, "date": start.date().to_string(), "period": period_at(start),
        "start": start.strftime("%H:%M").to_string(), "end": end.strftime("%H:%M").to_string(),
        "capacity": 10, "slot_minutes": 10,
    });
    let response = app
        .post_json("/api/admin/sessions", Some(admin), &body)
        .await;
    assert_eq!(response.status, 201, "{}", response.body);
    response.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn patients_check_in_on_their_phone_only_within_the_window(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let later = open_session(&app, &admin, &role, 4, 30).await;
    let soon = session_starting_soon(&app, &admin, &role).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let check_in = "checked-in";

    // Two days ahead: too early, and the answer says when it opens.
    let early = app.book(&alice, &alice_id, &later[0]).await;
    let refused = app.set_status(&alice, &early, check_in, "en").await;
    assert_eq!(refused.status, 422);
    let outcome = refused.body;
    assert_eq!(
        outcome["issue"][0]["details"]["coding"][0]["code"], "check-in-not-open",
        "{outcome}"
    );
    let text = outcome["issue"][0]["details"]["text"].as_str().unwrap();
    assert!(text.contains("60 minutes"), "{outcome}");

    // Starting within the hour: the patient checks in; someone else cannot.
    let today = app.book(&alice, &alice_id, &soon[0]).await;
    assert_eq!(
        app.set_status(&bob, &today, check_in, "en").await.status,
        404
    );
    let checked = app.set_status(&alice, &today, check_in, "en").await;
    assert_eq!(checked.status, 200);
    assert_eq!(checked.body["status"], "checked-in");
    // Checking in twice is harmless.
    assert_eq!(
        app.set_status(&alice, &today, check_in, "en").await.status,
        200
    );

    // The triage nurse checks patients in too.
    let nurse = app.staff("nurse").await;
    let bobs = app.book(&bob, &bob_id, &soon[1]).await;
    let by_desk = app.set_status(&nurse, &bobs, check_in, "en").await;
    assert_eq!(by_desk.status, 200);
    app.finish().await;
}
on_both!(patients_check_in_on_their_phone_only_within_the_window);

/// With the `offer` setting a freed place is held for the first waiting patient, who confirms
/// it; an offer left to lapse passes the place to the next one.
async fn in_offer_mode_a_freed_place_is_held_for_the_first_waiting_patient(db: Db) {
    use huimin_domain::appointments::WaitlistMode;
    let app =
        TestApp::spawn_with(db, |s| s.booking.rules.waitlist.mode = WaitlistMode::Offer).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let body =
        json!({"practitioner_role": role, "date": in_days(2), "period": "morning", "capacity": 1});
    let opened = app
        .post_json("/api/admin/sessions", Some(&admin), &body)
        .await;
    let schedule = opened.body["schedule"]["id"].as_str().unwrap().to_owned();
    let slot = opened.body["slots"][0]["id"].as_str().unwrap().to_owned();
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let (carol, carol_id) = app.patient("13911110003", "赵敏", ID_1).await;
    let alices = app.book(&alice, &alice_id, &slot).await;
    for (token, patient) in [(&bob, &bob_id), (&carol, &carol_id)] {
        let join = parameters(&[
            ("schedule", format!("Schedule/{schedule}")),
            ("patient", format!("Patient/{patient}")),
        ]);
        let waiting = app
            .post_json("/fhir/Appointment/$waitlist", Some(token), &join)
            .await;
        assert_eq!(waiting.status, 201, "{}", waiting.body);
    }
    assert_eq!(
        app.set_status(&alice, &alices, "cancelled", "zh")
            .await
            .status,
        200
    );

    // Bob, first in line, is offered the place: a hold, and a message saying until when.
    let entries = app.get("/api/me/waitlist", Some(&bob)).await;
    assert_eq!(
        entries.body["entries"][0]["cancelationReason"]["coding"][0]["code"], "offered",
        "{}",
        entries.body
    );
    let offered = entries.body["entries"][0]["supportingInformation"][0]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.get(&format!("/fhir/{offered}"), Some(&bob)).await.body["status"],
        "pending"
    );
    assert_eq!(
        app.get(&format!("/fhir/Slot/{slot}"), None).await.body["status"],
        "busy-tentative"
    );
    let told = app.message_of_kind(&bob, "waitlist-offer", "zh").await;
    let text = told["text"].as_str().unwrap();
    assert!(text.contains("候补有号") && text.contains("前"), "{text}");

    // Bob lets it lapse: the worker releases the hold and offers the place to Carol.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(31);
    assert_eq!(app.store.release_expired_holds(later).await.unwrap(), 1);
    let bobs = app.get("/api/me/waitlist", Some(&bob)).await;
    assert_eq!(
        bobs.body["entries"][0]["status"], "cancelled",
        "the offer lapsed"
    );
    let promoted = huimin_server::appointments::waitlist::promote(&app.state, &schedule)
        .await
        .unwrap();
    assert_eq!(promoted, 1);
    let carols = app.get("/api/me/waitlist", Some(&carol)).await;
    assert_eq!(
        carols.body["entries"][0]["cancelationReason"]["coding"][0]["code"], "offered",
        "{}",
        carols.body
    );
    let offer = carols.body["entries"][0]["supportingInformation"][0]["reference"]
        .as_str()
        .unwrap()
        .trim_start_matches("Appointment/")
        .to_owned();

    // Carol confirms with $book: booked, and her waitlist entry says so.
    let confirmed = app
        .post_json(
            "/fhir/Appointment/$book",
            Some(&carol),
            &parameters(&[("appointment", format!("Appointment/{offer}"))]),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    assert_eq!(confirmed.body["status"], "booked");
    let carols = app.get("/api/me/waitlist", Some(&carol)).await;
    assert_eq!(
        carols.body["entries"][0]["cancelationReason"]["coding"][0]["code"],
        "booked"
    );
    assert_eq!(
        app.get(&format!("/fhir/Slot/{slot}"), None).await.body["status"],
        "busy"
    );
    app.finish().await;
}
on_both!(in_offer_mode_a_freed_place_is_held_for_the_first_waiting_patient);

/// Stop-clinic with `move_to`: bookings move to another session of the department as far as
/// it has room; the rest are cancelled; each patient is told which.
async fn stop_clinic_moves_bookings_to_another_session_while_it_has_room(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    let open = |date: String, capacity: u32| {
        let (app, admin, role) = (&app, admin.clone(), role.clone());
        async move {
            let body = json!({"practitioner_role": role, "date": date, "period": "morning", "capacity": capacity});
            let opened = app
                .post_json("/api/admin/sessions", Some(&admin), &body)
                .await;
            assert_eq!(opened.status, 201, "{}", opened.body);
            let id = opened.body["schedule"]["id"].as_str().unwrap().to_owned();
            let slots: Vec<String> = opened.body["slots"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["extension"][0]["valueInteger"].as_i64().unwrap_or(0) > 0)
                .map(|s| s["id"].as_str().unwrap().to_owned())
                .collect();
            (id, slots)
        }
    };
    let (stopped, slots) = open(in_days(2), 6).await;
    let (other, other_slots) = open(in_days(3), 1).await;
    let other_slot = other_slots[0].clone();
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    for (slot, token, patient) in [(&slots[0], &alice, &alice_id), (&slots[1], &bob, &bob_id)] {
        let booked = app
            .post_json(
                "/fhir/Appointment/$book",
                Some(token),
                &parameters(&[
                    ("slot", format!("Slot/{slot}")),
                    ("patient", format!("Patient/{patient}")),
                ]),
            )
            .await;
        assert_eq!(booked.status, 201, "{}", booked.body);
    }
    let path = format!("/api/admin/sessions/{stopped}/suspend");
    for bad in [json!({"move_to": stopped}), json!({"move_to": "nope"})] {
        let refused = app.post_json(&path, Some(&admin), &bad).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.expression(), Some("move_to"));
    }
    assert_eq!(
        app.post_raw(&path, Some(&admin), "application/json", "{not json")
            .await
            .status,
        400
    );
    let done = app
        .post_json(&path, Some(&admin), &json!({"move_to": other}))
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["moved"], 1, "one place in the other session");
    assert_eq!(done.body["cancelled"], 1);
    assert_eq!(done.body["moved_to"], format!("Schedule/{other}"));

    let mut kinds = Vec::new();
    for token in [&alice, &bob] {
        // Each was told one of the two; wait for whichever it is.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let note = loop {
            let told = app.get("/api/me/notifications", Some(token)).await;
            let found = told.body["notifications"].as_array().and_then(|all| {
                all.iter()
                    .find(|n| {
                        n["kind"]
                            .as_str()
                            .unwrap_or("")
                            .starts_with("session-suspended")
                    })
                    .cloned()
            });
            if let Some(found) = found {
                break found;
            }
            assert!(std::time::Instant::now() < deadline, "{}", told.body);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        let kind = note["kind"].as_str().unwrap().to_owned();
        if kind == "session-suspended-moved" {
            assert!(note["text"].as_str().unwrap().contains("已改至"), "{note}");
            let moved = note["reference"].as_str().unwrap();
            let appointment = app.get(&format!("/fhir/{moved}"), Some(token)).await;
            assert_eq!(appointment.body["status"], "booked");
            assert_eq!(
                appointment.body["slot"][0]["reference"],
                format!("Slot/{other_slot}")
            );
            let deadline = appointment.body["extension"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["url"] == "urn:huimin:ext:cancel-by");
            assert_eq!(
                deadline, None,
                "a stop-clinic move may be cancelled at any time"
            );
        } else {
            assert_eq!(kind, "session-suspended");
        }
        kinds.push(kind);
    }
    kinds.sort();
    assert_eq!(kinds, ["session-suspended", "session-suspended-moved"]);
    assert_eq!(
        app.get(&format!("/fhir/Slot/{other_slot}"), None)
            .await
            .body["status"],
        "busy"
    );
    app.finish().await;
}
on_both!(stop_clinic_moves_bookings_to_another_session_while_it_has_room);

/// An administrator imports the official calendar; roster publication follows it.
async fn an_imported_holiday_calendar_steers_roster_publication(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 0.0).await;
    // A Monday well after today, and the roster's weekday.
    let mut monday = huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(8));
    while monday.weekday() != jiff::civil::Weekday::Monday {
        monday = monday.saturating_add(jiff::Span::new().days(1));
    }
    let saturday = monday.saturating_add(jiff::Span::new().days(5));
    let put = |body: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.client
                .put(format!("{}/api/admin/holiday-calendar", app.base))
                .bearer_auth(admin)
                .header("content-type", "text/csv")
                .header("accept-language", "en")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let export = || {
        let (app, admin) = (&app, admin.clone());
        async move {
            let response = app
                .client
                .get(format!("{}/api/admin/holiday-calendar", app.base))
                .bearer_auth(admin)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            response.text().await.unwrap()
        }
    };
    let bad = put(format!("{monday},holiday,院庆\n2030-02-30,holiday\n")).await;
    assert_eq!(bad.status(), 422);
    let outcome: Value = bad.json().await.unwrap();
    let text = outcome["issue"][0]["details"]["text"].as_str().unwrap();
    assert!(text.contains("Line 2"), "{outcome}");
    assert!(
        !export().await.contains(&monday.to_string()),
        "a rejected import changes nothing"
    );

    let good = put(format!(
        "# hospital anniversary, and a make-up working Saturday\n{monday},holiday,院庆\n{saturday},workday,调休\n"
    ))
    .await;
    assert_eq!(good.status(), 200);
    let exported = export().await;
    assert!(
        exported.contains(&format!("{monday},holiday,院庆")),
        "{exported}"
    );
    assert!(
        exported.contains("2026-10-01,holiday"),
        "the built-in dates stay"
    );
    for empty in ["", "\n  \n"] {
        let refused = put(empty.to_owned()).await;
        assert_eq!(refused.status(), 422, "an empty body is refused");
        assert!(
            export().await.contains(&format!("{monday},holiday,院庆")),
            "an empty body leaves the imported calendar as it was"
        );
    }

    for weekday in [1, 6] {
        let roster = json!({"practitioner_role": role, "weekday": weekday, "period": "morning", "capacity": 8});
        assert_eq!(
            app.post_json("/api/admin/rosters", Some(&admin), &roster)
                .await
                .status,
            201
        );
    }
    let week = json!({"from": monday.to_string(), "to": monday.saturating_add(jiff::Span::new().days(6)).to_string()});
    let published = app
        .post_json("/api/admin/rosters/generate", Some(&admin), &week)
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(
        published.body["created"], 1,
        "Monday is off, the make-up Saturday works"
    );
    let found = app
        .get(
            &format!("/fhir/Appointment/$find?practitioner={role}&start={saturday}&end={saturday}&_count=1"),
            None,
        )
        .await;
    assert_eq!(found.body["total"], 8);

    let registrar = app.staff("registrar").await;
    assert_eq!(
        app.get("/api/admin/holiday-calendar", Some(&registrar))
            .await
            .status,
        403
    );
    app.finish().await;
}
on_both!(an_imported_holiday_calendar_steers_roster_publication);

/// A fresh booking is answered from what its transaction read (no read after the commit): the
/// answer is the same Appointment a read of it gives.
async fn a_fresh_booking_answers_as_a_read_of_it_does(db: Db) {
    let app = TestApp::spawn(db).await;
    let (registrar, slots, patients) = crowd(&app, 2, 1).await;
    let body = parameters(&[
        ("slot", format!("Slot/{}", slots[0])),
        ("patient", format!("Patient/{}", patients[0])),
    ]);
    let booked = app
        .post_json("/fhir/Appointment/$book", Some(&registrar), &body)
        .await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    let id = booked.body["id"].as_str().unwrap();
    let read = app
        .get(&format!("/fhir/Appointment/{id}"), Some(&registrar))
        .await;
    assert_eq!(read.status, 200);
    // The read adds the generated narrative (reads only); the rest is the same resource.
    let mut read = read.body;
    assert_eq!(read["text"]["status"], "generated");
    read.as_object_mut().unwrap().remove("text");
    assert_eq!(booked.body, read);
    app.finish().await;
}
on_both!(a_fresh_booking_answers_as_a_read_of_it_does);
