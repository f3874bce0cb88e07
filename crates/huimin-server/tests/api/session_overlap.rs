//! A doctor is in one place at a time: a session whose hours overlap another active session of
//! the same doctor on that day is refused, whether opened by hand or published from a roster.

use serde_json::{Value, json};

use crate::booking_api::{clinic, in_days};
use crate::helpers::*;
use crate::on_both;

async fn post(app: &TestApp, admin: &str, path: &str, body: Value) -> Resp {
    app.post_raw(path, Some(admin), "application/json", &body.to_string())
        .await
}

fn session(role: &str, date: &str, period: &str, start: &str, end: &str) -> Value {
    json!({"practitioner_role": role, "date": date, "period": period,
        "start": start, "end": end, "capacity": 4})
}

/// A second post of the same doctor in another department.
async fn second_post(app: &TestApp, admin: &str, role: &str) -> String {
    let first = app
        .get(&format!("/fhir/PractitionerRole/{role}"), Some(admin))
        .await;
    let dept = app
        .post_json("/fhir/Organization", Some(admin), &json!({"resourceType": "Organization", "name": "普通内科", "identifier": [{"system": "urn:huimin:cs:department-code", "value": "03.01"}]}))
        .await;
    let mut other = first.body.clone();
    other.as_object_mut().unwrap().remove("id");
    other.as_object_mut().unwrap().remove("meta");
    other["organization"] =
        json!({"reference": format!("Organization/{}", dept.body["id"].as_str().unwrap())});
    let created = app
        .post_json("/fhir/PractitionerRole", Some(admin), &other)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn overlapping_sessions_of_one_doctor_are_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 20.0).await;
    let day = in_days(2);
    let path = "/api/admin/sessions";
    let afternoon = post(
        &app,
        &admin,
        path,
        session(&role, &day, "afternoon", "13:30", "18:00"),
    )
    .await;
    assert_eq!(afternoon.status, 201, "{}", afternoon.body);
    let evening = session(&role, &day, "evening", "17:00", "21:00");
    let zh = post(&app, &admin, path, evening.clone()).await;
    assert_eq!(zh.status, 409, "{}", zh.body);
    assert_eq!(zh.expression(), Some("start"));
    let text = |r: &Resp| {
        r.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        text(&zh).contains("13:30") && text(&zh).contains("18:00"),
        "{}",
        zh.body
    );
    let en = app
        .post_raw(
            &format!("{path}?lang=en"),
            Some(&admin),
            "application/json",
            &evening.to_string(),
        )
        .await;
    assert_eq!(en.status, 409);
    assert!(text(&en).contains("overlaps"), "{}", en.body);
    let other_post = second_post(&app, &admin, &role).await;
    let elsewhere = post(
        &app,
        &admin,
        path,
        session(&other_post, &day, "evening", "17:30", "20:00"),
    )
    .await;
    assert_eq!(
        elsewhere.status, 409,
        "the same doctor in another department: {}",
        elsewhere.body
    );
    let after = post(
        &app,
        &admin,
        path,
        session(&role, &day, "evening", "18:00", "21:00"),
    )
    .await;
    assert_eq!(
        after.status, 201,
        "touching hours do not overlap: {}",
        after.body
    );
    let next_day = post(
        &app,
        &admin,
        path,
        session(&role, &in_days(3), "evening", "17:00", "21:00"),
    )
    .await;
    assert_eq!(next_day.status, 201, "{}", next_day.body);
    app.finish().await;
}
on_both!(overlapping_sessions_of_one_doctor_are_refused);

async fn rosters_publish_no_session_over_another(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let role = clinic(&app, &admin, 20.0).await;
    let mut monday = huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(1));
    while monday.weekday() != jiff::civil::Weekday::Monday {
        monday = monday.saturating_add(jiff::Span::new().days(1));
    }
    let opened = post(
        &app,
        &admin,
        "/api/admin/sessions",
        session(&role, &monday.to_string(), "evening", "17:00", "21:00"),
    )
    .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    let template = post(
        &app,
        &admin,
        "/api/admin/rosters",
        json!({"practitioner_role": role, "weekday": 1, "period": "afternoon",
            "start": "13:30", "end": "18:00", "capacity": 4}),
    )
    .await;
    assert_eq!(template.status, 201, "{}", template.body);
    let window = json!({"from": monday.to_string(), "to": monday.saturating_add(jiff::Span::new().days(7)).to_string()});
    let generated = post(&app, &admin, "/api/admin/rosters/generate", window).await;
    assert_eq!(generated.status, 200, "{}", generated.body);
    assert_eq!(
        (
            generated.body["created"].as_i64(),
            generated.body["skipped"].as_i64()
        ),
        (Some(1), Some(1)),
        "the Monday over the evening session is skipped, the next Monday published: {}",
        generated.body
    );
    app.finish().await;
}
on_both!(rosters_publish_no_session_over_another);
