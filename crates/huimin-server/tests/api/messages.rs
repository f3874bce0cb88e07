//! The patients' message centre (`/api/me/messages`) on both databases.

use huimin_store::messages::Due;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

/// A session in two days with four places, of a doctor of a new department: its id and
/// its slots' ids.
async fn session(app: &TestApp, admin: &str) -> (String, Vec<String>) {
    let dept = app
        .post_json("/fhir/Organization", Some(admin), &json!({"resourceType": "Organization", "name": "心血管内科", "identifier": [{"system": "urn:huimin:cs:department-code", "value": "03.04"}]}))
        .await;
    let doctor = app.post_json("/fhir/Practitioner", Some(admin), &json!({"resourceType": "Practitioner", "name": [{"text": "李振邦", "family": "李", "given": ["振邦"]}]})).await;
    let role = app
        .post_json("/fhir/PractitionerRole", Some(admin), &json!({
            "resourceType": "PractitionerRole", "active": true,
            "extension": [{"url": "urn:huimin:ext:registration-class", "valueCode": "expert"}],
            "practitioner": {"reference": format!("Practitioner/{}", doctor.body["id"].as_str().unwrap())},
            "organization": {"reference": format!("Organization/{}", dept.body["id"].as_str().unwrap())},
        }))
        .await;
    let date = huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(2))
        .to_string();
    let body = json!({"practitioner_role": role.body["id"], "date": date, "period": "morning", "capacity": 4});
    let opened = app
        .post_raw(
            "/api/admin/sessions",
            Some(admin),
            "application/json",
            &body.to_string(),
        )
        .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    let slots = opened.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    let id = opened.body["schedule"]["id"].as_str().unwrap().to_owned();
    (id, slots)
}

/// A family member of the account of `token`: the new Patient's id.
async fn family_member(app: &TestApp, token: &str) -> String {
    let first17 = "31011520100115100";
    let check = huimin_domain::identity::resident_id_check_char(first17).unwrap();
    let id = format!("{first17}{check}");
    let child = patient_json("王小宝", "王", "小宝", &id, "13911110001");
    let created = app.post_json("/fhir/Patient", Some(token), &child).await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

/// `n` messages for `patient` through the in-app channel, a second apart and ending a minute
/// ago, so their order is known: their texts are `<tag> 0` (oldest) … `<tag> n-1`. `start`
/// shifts them (seconds) so that several calls interleave as wanted.
async fn leave(app: &TestApp, patient: &str, tag: &str, n: usize, start: i64) {
    let base = huimin_store::now_micros() - 60_000_000 - 10_000_000_000;
    for i in 0..n {
        let text = format!("{tag} {i}");
        let due = Due {
            event_id: uuid::Uuid::new_v4().to_string(),
            channel: "in-app".into(),
            attempts: 1,
            kind: "booked".into(),
            patient_id: patient.to_owned(),
            reference: "Appointment/x".into(),
            params: json!({}),
            created_at: base + (start + i as i64) * 1_000_000,
        };
        app.store
            .deliver_in_app(&due, (&text, &text), huimin_store::now_micros())
            .await
            .unwrap();
    }
}

/// The caller's inbox once the outbox worker has delivered `n` messages to it.
async fn inbox_of(app: &TestApp, token: &str, n: u64) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let inbox = app.get("/api/me/messages", Some(token)).await;
        assert_eq!(inbox.status, 200, "{}", inbox.body);
        if inbox.body["total"] == n {
            return inbox.body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{n} messages did not arrive: {}",
            inbox.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn texts(page: &Value) -> Vec<String> {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_stop_clinic_notice_reaches_the_message_centre_of_the_patient_and_family(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (session, slots) = session(&app, &admin).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let child = family_member(&app, &alice).await;
    let own = app.book(&alice, &alice_id, &slots[0]).await;
    let childs = app.book(&alice, &child, &slots[1]).await;
    let (bob, _) = app.patient("13911110002", "李四", ID_3).await;
    let path = format!("/api/admin/sessions/{session}/suspend");
    let suspended = app
        .post_raw(&path, Some(&admin), "application/json", "")
        .await;
    assert_eq!(suspended.body["cancelled"], 2, "{}", suspended.body);

    // Each booking is told, then its cancellation: four messages, two of them the notices.
    let inbox = inbox_of(&app, &alice, 4).await;
    assert_eq!((&inbox["total"], &inbox["unread"]), (&json!(4), &json!(4)));
    assert_eq!(
        (&inbox["page"], &inbox["per_page"]),
        (&json!(1), &json!(20))
    );
    let messages = inbox["messages"].as_array().unwrap();
    let kinds: Vec<&str> = messages
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["session-suspended", "session-suspended", "booked", "booked"],
        "newest first"
    );
    let mut about: Vec<(String, String)> = messages[..2]
        .iter()
        .map(|m| {
            assert_eq!(m["read"], false);
            assert!(m["text"].as_str().unwrap().contains("停诊"), "{m}");
            let at = m["created_at"].as_str().unwrap();
            assert!(at.parse::<jiff::Timestamp>().is_ok(), "{at}");
            let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                [
                    "id",
                    "kind",
                    "patient",
                    "text",
                    "reference",
                    "created_at",
                    "read"
                ]
            );
            (
                m["patient"].as_str().unwrap().to_owned(),
                m["reference"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    about.sort();
    let mut expected = vec![
        (format!("Patient/{alice_id}"), format!("Appointment/{own}")),
        (format!("Patient/{child}"), format!("Appointment/{childs}")),
    ];
    expected.sort();
    assert_eq!(about, expected);

    let english = app.get_lang("/api/me/messages", Some(&alice), "en").await;
    assert!(
        english.body["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("clinic on"),
        "{}",
        english.body
    );
    // The older list still answers, with the same messages.
    let old = app.get("/api/me/notifications", Some(&alice)).await;
    assert_eq!(old.body["total"], 4);
    assert_eq!(old.body["notifications"][0]["id"], messages[0]["id"]);
    // Another account has none of them.
    let others = app.get("/api/me/messages", Some(&bob)).await;
    assert_eq!(
        (&others.body["total"], &others.body["unread"]),
        (&json!(0), &json!(0))
    );
    assert_eq!(others.body["messages"], json!([]));
    let trail = app
        .store
        .audit_page(Some(&format!("Patient/{alice_id}")), Some("Message"), 10, 0)
        .await
        .unwrap();
    assert!(
        trail.records.iter().any(|r| r.facts.action == "search"
            && r.facts.outcome == "success"
            && r.facts.detail.contains(&child)),
        "the read is audited with the patients it covered"
    );
    app.finish().await;
}
on_both!(a_stop_clinic_notice_reaches_the_message_centre_of_the_patient_and_family);

async fn messages_come_newest_first_a_page_at_a_time(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let child = family_member(&app, &alice).await;
    let (_, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    leave(&app, &alice_id, "alice", 20, 0).await;
    leave(&app, &bob_id, "bob", 3, 0).await;
    leave(&app, &child, "child", 5, 100).await;

    let first = app.get("/api/me/messages", Some(&alice)).await;
    assert_eq!(
        (&first.body["total"], &first.body["unread"]),
        (&json!(25), &json!(25))
    );
    let newest: Vec<String> = (0..5)
        .rev()
        .map(|i| format!("child {i}"))
        .chain((5..20).rev().map(|i| format!("alice {i}")))
        .collect();
    assert_eq!(texts(&first.body), newest);
    let second = app.get("/api/me/messages?page=2", Some(&alice)).await;
    let rest: Vec<String> = (0..5).rev().map(|i| format!("alice {i}")).collect();
    assert_eq!(texts(&second.body), rest);
    assert_eq!(second.body["total"], 25);

    let small = app
        .get("/api/me/messages?page=3&per_page=4", Some(&alice))
        .await;
    assert_eq!(
        (&small.body["page"], &small.body["per_page"]),
        (&json!(3), &json!(4))
    );
    assert_eq!(
        texts(&small.body),
        ["alice 16", "alice 15", "alice 14", "alice 13"]
    );
    let beyond = app.get("/api/me/messages?page=9", Some(&alice)).await;
    assert_eq!(beyond.status, 200);
    assert_eq!(beyond.body["messages"], json!([]));
    assert_eq!(beyond.body["total"], 25);
    app.finish().await;
}
on_both!(messages_come_newest_first_a_page_at_a_time);

async fn marking_one_or_all_read_lowers_the_unread_count_and_can_be_repeated(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let child = family_member(&app, &alice).await;
    leave(&app, &alice_id, "alice", 3, 0).await;
    leave(&app, &child, "child", 2, 100).await;
    let unread = app.get("/api/me/messages/unread", Some(&alice)).await;
    assert_eq!(unread.status, 200);
    assert_eq!(unread.body, json!({"unread": 5}));

    let listed = app.get("/api/me/messages", Some(&alice)).await;
    let childs = listed.body["messages"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let read = format!("/api/me/messages/{childs}/read");
    for _ in 0..2 {
        let marked = app
            .post_raw(&read, Some(&alice), "application/json", "")
            .await;
        assert_eq!(marked.status, 204, "{}", marked.body);
        let unread = app.get("/api/me/messages/unread", Some(&alice)).await;
        assert_eq!(unread.body["unread"], 4, "marking twice counts once");
    }
    let listed = app.get("/api/me/messages", Some(&alice)).await;
    let read_flags: Vec<&Value> = listed.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["read"])
        .collect();
    assert_eq!(read_flags, [true, false, false, false, false]);
    assert_eq!(listed.body["unread"], 4);

    let all = app
        .post_raw(
            "/api/me/messages/read",
            Some(&alice),
            "application/json",
            "",
        )
        .await;
    assert_eq!(all.status, 200);
    assert_eq!(all.body, json!({"marked": 4}));
    let again = app
        .post_raw(
            "/api/me/messages/read",
            Some(&alice),
            "application/json",
            "",
        )
        .await;
    assert_eq!(again.body, json!({"marked": 0}));
    let listed = app.get("/api/me/messages", Some(&alice)).await;
    assert_eq!(
        (&listed.body["total"], &listed.body["unread"]),
        (&json!(5), &json!(0))
    );
    assert!(
        listed.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["read"] == true)
    );
    app.finish().await;
}
on_both!(marking_one_or_all_read_lowers_the_unread_count_and_can_be_repeated);

async fn another_accounts_message_is_404_like_a_missing_one_and_stays_unread(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    leave(&app, &alice_id, "alice", 2, 0).await;
    leave(&app, &bob_id, "bob", 1, 0).await;
    let listed = app.get("/api/me/messages", Some(&alice)).await;
    let alices = listed.body["messages"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let foreign = app
        .post_raw(
            &format!("/api/me/messages/{alices}/read"),
            Some(&bob),
            "application/json",
            "",
        )
        .await;
    let missing = app
        .post_raw(
            "/api/me/messages/no-such-message/read",
            Some(&bob),
            "application/json",
            "",
        )
        .await;
    assert_eq!((foreign.status, missing.status), (404, 404));
    assert_eq!(foreign.body["issue"], missing.body["issue"]);
    // Marking all of Bob's touches only Bob's.
    let bobs = app
        .post_raw("/api/me/messages/read", Some(&bob), "application/json", "")
        .await;
    assert_eq!(bobs.body, json!({"marked": 1}));
    let still = app.get("/api/me/messages", Some(&alice)).await;
    assert_eq!(still.body["unread"], 2);
    assert_eq!(still.body["messages"][0]["read"], false);

    let trail = app
        .store
        .audit_page(None, Some(&format!("Message/{alices}")), 10, 0)
        .await
        .unwrap();
    assert_eq!(trail.total, 1);
    let attempt = &trail.records[0].facts;
    assert_eq!(
        (attempt.actor.as_str(), attempt.outcome.as_str()),
        (format!("Patient/{bob_id}").as_str(), "denied")
    );
    app.finish().await;
}
on_both!(another_accounts_message_is_404_like_a_missing_one_and_stays_unread);

async fn bad_paging_is_422_naming_the_parameter_and_only_patients_have_messages(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, _) = app.patient("13911110001", "王小明", ID_2).await;
    for (query, field) in [
        ("page=0", "page"),
        ("page=abc", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=2&per_page=-5", "per_page"),
    ] {
        let refused = app
            .get_lang(&format!("/api/me/messages?{query}"), Some(&alice), "en")
            .await;
        assert_eq!(refused.status, 422, "{query}: {}", refused.body);
        assert_eq!(refused.expression(), Some(field), "{query}");
        let text = refused.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap();
        assert!(text.starts_with(field), "{query}: {text}");
    }
    let fine = app.get("/api/me/messages?per_page=100", Some(&alice)).await;
    assert_eq!(fine.status, 200);

    let registrar = app.staff("registrar").await;
    for path in ["/api/me/messages", "/api/me/messages/unread"] {
        assert_eq!(app.get(path, Some(&registrar)).await.status, 403, "{path}");
        assert_eq!(app.get(path, None).await.status, 401, "{path}");
    }
    let all = app
        .post_raw(
            "/api/me/messages/read",
            Some(&registrar),
            "application/json",
            "",
        )
        .await;
    assert_eq!(all.status, 403);
    app.finish().await;
}
on_both!(bad_paging_is_422_naming_the_parameter_and_only_patients_have_messages);
