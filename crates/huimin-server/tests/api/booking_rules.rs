//! Booking thresholds stored per hospital and department, changed by administrators.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

/// A department with one doctor's post charging `fee` yuan; returns (department id, role id).
pub async fn department(app: &TestApp, admin: &str, name: &str, fee: f64) -> (String, String) {
    let dept = app
        .post_json(
            "/fhir/Organization",
            Some(admin),
            &json!({"resourceType": "Organization", "name": name}),
        )
        .await;
    assert_eq!(dept.status, 201, "{}", dept.body);
    let dept = dept.body["id"].as_str().unwrap().to_owned();
    let doctor = app
        .post_json(
            "/fhir/Practitioner",
            Some(admin),
            &json!({"resourceType": "Practitioner", "name": [{"text": "王医生"}]}),
        )
        .await;
    let role = json!({
        "resourceType": "PractitionerRole",
        "active": true,
        "extension": [
            {"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": fee, "currency": "CNY"}},
        ],
        "practitioner": {"reference": format!("Practitioner/{}", doctor.body["id"].as_str().unwrap())},
        "organization": {"reference": format!("Organization/{dept}")},
    });
    let role = app
        .post_json("/fhir/PractitionerRole", Some(admin), &role)
        .await;
    assert_eq!(role.status, 201, "{}", role.body);
    (dept, role.body["id"].as_str().unwrap().to_owned())
}

async fn put(app: &TestApp, admin: &str, path: &str, body: Value, lang: &str) -> Resp {
    let request = app
        .client
        .put(format!("{}{path}", app.base))
        .header("content-type", "application/json")
        .header("accept-language", lang)
        .body(body.to_string());
    app.send(request, Some(admin)).await
}

fn expressions(outcome: &Value) -> Vec<String> {
    outcome["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["expression"][0].as_str().unwrap_or("").to_owned())
        .collect()
}

/// A two-hour session for the role three days ahead with the department's slot length;
/// returns (slot ids, release instant).
pub async fn session_in(
    app: &TestApp,
    admin: &str,
    role: &str,
    period: &str,
) -> (Vec<String>, jiff::Timestamp) {
    let date = huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(3));
    let start = if period == "morning" {
        "08:00"
    } else {
        "14:00"
    };
    let end = if period == "morning" {
        "10:00"
    } else {
        "16:00"
    };
    let body = json!({"practitioner_role": role, "date": date.to_string(), "period": period, "start": start, "end": end, "capacity": 8});
    let created = app
        .post_json("/api/admin/sessions", Some(admin), &body)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let release = created.body["schedule"]["extension"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["url"] == "urn:huimin:ext:release-at")
        .and_then(|e| e["valueDateTime"].as_str())
        .unwrap()
        .parse()
        .unwrap();
    let slots = created.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    (slots, release)
}

fn release_instant(days_before: i64, hour: i8, minute: i8) -> jiff::Timestamp {
    huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(3 - days_before))
        .at(hour, minute, 0, 0)
        .to_zoned(huimin_clock::Clock::default().zone().clone())
        .unwrap()
        .timestamp()
}

/// The hospital's rules are read, refused with every bad threshold named, and replaced.
async fn hospital_rules_are_checked_then_stored(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let shown = app.get("/api/admin/booking-rules", Some(&admin)).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(shown.body["hospital"]["quota"]["per_week"], 14);
    assert_eq!(shown.body["hospital"]["release"]["window_days"], 14);
    assert_eq!(shown.body["departments"], json!([]));

    let bad = json!({"slot_minutes": 40, "pools": {"online": 70}, "quota": {"per_week": 0}});
    let refused = put(&app, &admin, "/api/admin/booking-rules", bad.clone(), "en").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        expressions(&refused.body),
        ["slot_minutes", "pools", "quota.per_week"]
    );
    let text = refused.body["issue"][0]["details"]["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("between 5 and 30"), "{text}");
    let chinese = put(&app, &admin, "/api/admin/booking-rules", bad, "zh-CN").await;
    let text = chinese.body["issue"][1]["details"]["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("之和须为 100"), "{text}");
    let unknown = put(
        &app,
        &admin,
        "/api/admin/booking-rules",
        json!({"quotas": {}}),
        "en",
    )
    .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert_eq!(
        app.get("/api/admin/booking-rules", Some(&admin)).await.body,
        shown.body,
        "refused changes leave the rules as they were"
    );

    let good = json!({"release": {"release_time": "07:30:00", "window_days": 7}, "quota": {"per_week": 10}});
    let stored = put(&app, &admin, "/api/admin/booking-rules", good, "en").await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    let shown = app.get("/api/admin/booking-rules", Some(&admin)).await;
    assert_eq!(shown.body["hospital"]["quota"]["per_week"], 10);
    assert_eq!(
        shown.body["hospital"]["quota"]["per_month"], 20,
        "unnamed thresholds keep their defaults"
    );
    assert_eq!(
        shown.body["hospital"]["release"]["release_time"],
        "07:30:00"
    );

    let (_, role) = department(&app, &admin, "内科", 0.0).await;
    let (_, release) = session_in(&app, &admin, &role, "morning").await;
    assert_eq!(release, release_instant(7, 7, 30));

    let registrar = app.staff("registrar").await;
    assert_eq!(
        app.get("/api/admin/booking-rules", Some(&registrar))
            .await
            .status,
        403
    );
    let by_registrar = put(
        &app,
        &registrar,
        "/api/admin/booking-rules",
        json!({}),
        "en",
    )
    .await;
    assert_eq!(by_registrar.status, 403);
    app.finish().await;
}
on_both!(hospital_rules_are_checked_then_stored);

/// A department overrides the release rule and slot length; the others keep the hospital's.
async fn a_department_overrides_its_own_thresholds(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (eye, eye_role) = department(&app, &admin, "眼科", 0.0).await;
    let (_, other_role) = department(&app, &admin, "内科", 0.0).await;
    let path = format!("/api/admin/booking-rules/departments/{eye}");

    let hospital_wide = put(
        &app,
        &admin,
        &path,
        json!({"quota": {"per_week": 3}, "hold": {"minutes": 5}}),
        "en",
    )
    .await;
    assert_eq!(hospital_wide.status, 422, "{}", hospital_wide.body);
    assert_eq!(expressions(&hospital_wide.body), ["quota", "hold"]);
    let text = hospital_wide.body["issue"][0]["details"]["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("whole hospital"), "{text}");
    let bad_pools = put(&app, &admin, &path, json!({"pools": {"online": 90}}), "en").await;
    assert_eq!(bad_pools.status, 422);
    assert_eq!(expressions(&bad_pools.body), ["pools"]);
    let missing = put(
        &app,
        &admin,
        "/api/admin/booking-rules/departments/nope",
        json!({}),
        "en",
    )
    .await;
    assert_eq!(missing.status, 404);

    let patch = json!({"slot_minutes": 15, "release": {"window_days": 2, "release_time": "18:00:00"}, "pools": {"online": 70, "referral": 0}});
    let stored = put(&app, &admin, &path, patch.clone(), "en").await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    assert_eq!(stored.body["override"], patch);
    assert_eq!(stored.body["effective"]["quota"]["per_week"], 14);

    assert_eq!(stored.body["effective"]["pools"]["window"], 20);
    let (slots, release) = session_in(&app, &admin, &eye_role, "morning").await;
    assert_eq!(slots.len(), 8, "two hours in 15-minute slots");
    assert_eq!(release, release_instant(2, 18, 0));
    let (slots, release) = session_in(&app, &admin, &other_role, "morning").await;
    assert_eq!(slots.len(), 4, "the hospital's 30-minute slots");
    assert_eq!(release, release_instant(14, 8, 0));

    // A hospital change that would break the department's override is refused: 70 online +
    // 30 window + 10 elderly + 0 referral.
    let breaking = json!({"pools": {"online": 50, "window": 30, "elderly": 10, "referral": 10}, "release": {"window_days": 1}});
    let refused = put(
        &app,
        &admin,
        "/api/admin/booking-rules",
        breaking.clone(),
        "en",
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(
        expressions(&refused.body),
        [format!("departments.{eye}.pools")]
    );
    let all_pools = json!({"pools": {"online": 60, "window": 20, "elderly": 10, "referral": 10}});
    assert_eq!(put(&app, &admin, &path, all_pools, "en").await.status, 200);
    assert_eq!(
        put(&app, &admin, "/api/admin/booking-rules", breaking, "en")
            .await
            .status,
        200
    );
    let shown = app.get("/api/admin/booking-rules", Some(&admin)).await;
    assert_eq!(
        shown.body["departments"][0]["department"],
        format!("Organization/{eye}")
    );
    assert_eq!(
        shown.body["departments"][0]["effective"]["release"]["window_days"], 1,
        "the override no longer names the release rule"
    );

    let deleted = app
        .send(
            app.client.delete(format!("{}{path}", app.base)),
            Some(&admin),
        )
        .await;
    assert_eq!(deleted.status, 204);
    let (slots, _) = session_in(&app, &admin, &eye_role, "afternoon").await;
    assert_eq!(slots.len(), 4, "back to the hospital's rules");
    app.finish().await;
}
on_both!(a_department_overrides_its_own_thresholds);
