//! The desk's one-time codes: claiming a record on file at sign-up or as a family member,
//! resetting a forgotten password; each refused as the rules say, and audited.

use huimin_domain::person::TERMS_VERSION;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

/// A walk-in registered at the desk: the Patient id.
async fn walk_in(app: &TestApp, registrar: &str, resident_id: &str) -> String {
    let body = patient_json("李四", "李", "四", resident_id, "13800138003");
    let created = app.post_json("/fhir/Patient", Some(registrar), &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

/// A code the desk issues for the record: the answer.
async fn issue(app: &TestApp, registrar: &str, patient: &str, purpose: &str) -> Resp {
    app.post_json(
        &format!("/api/patients/{patient}/desk-codes"),
        Some(registrar),
        &json!({ "purpose": purpose }),
    )
    .await
}

async fn code(app: &TestApp, registrar: &str, patient: &str, purpose: &str) -> String {
    let issued = issue(app, registrar, patient, purpose).await;
    assert_eq!(issued.status, 201, "{}", issued.body);
    issued.body["code"].as_str().unwrap().to_owned()
}

/// A sign-up of `phone` with the resident ID and, when given, a claim code.
async fn sign_up(app: &TestApp, phone: &str, resident_id: &str, claim: Option<&str>) -> Resp {
    let mut body = json!({"phone": phone, "password": PASSWORD, "name": "李四",
        "resident_id": resident_id, "accept_terms": TERMS_VERSION});
    if let Some(code) = claim {
        body["claim_code"] = json!(code);
    }
    app.post_json("/auth/register", None, &body).await
}

fn rule(response: &Resp) -> &str {
    response.body["issue"][0]["details"]["coding"][0]["code"]
        .as_str()
        .unwrap_or_default()
}

/// The audit trail's actions on a reference.
async fn audited(app: &TestApp, reference: &str) -> Vec<(String, String)> {
    let admin = app.admin().await;
    let path = format!("/fhir/AuditEvent?entity={reference}&_count=100");
    let events = app.get(&path, Some(&admin)).await;
    events.body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let r = &e["resource"];
            let action = r["subtype"][0]["code"].as_str().unwrap_or_default();
            (
                action.to_owned(),
                r["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn a_walk_in_claims_their_record_at_sign_up_with_the_desk_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let record = walk_in(&app, &registrar, ID_3).await;
    let without = sign_up(&app, "13912340001", ID_3, None).await;
    assert_eq!(without.status, 409, "{}", without.body);
    assert_eq!(without.expression(), Some("claim_code"));
    assert_eq!(rule(&without), "on-file");
    let text = without.body["issue"][0]["details"]["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("认领码"), "{text}");
    let code = code(&app, &registrar, &record, "claim").await;
    assert_eq!(code.len(), 9, "ABCD-EFGH: {code}");
    assert!(
        !app.database_text().await.contains(&code.replace('-', "")),
        "the code is stored hashed"
    );
    let claimed = sign_up(&app, "13912340001", ID_3, Some(&code.to_lowercase())).await;
    assert_eq!(claimed.status, 201, "{}", claimed.body);
    assert_eq!(claimed.body["patient"], format!("Patient/{record}"));
    let token = claimed.body["access_token"].as_str().unwrap();
    let family = app.get("/api/me/family", Some(token)).await;
    assert_eq!(family.body["members"][0]["relationship"], "self");
    assert_eq!(family.body["members"][0]["patient"]["id"], record.as_str());
    let actions = audited(&app, &format!("Patient/{record}")).await;
    for action in ["issue-code", "claim"] {
        assert!(
            actions.contains(&(action.into(), "0".into())),
            "{action}: {actions:?}"
        );
    }
    app.finish().await;
}
on_both!(a_walk_in_claims_their_record_at_sign_up_with_the_desk_code);

async fn a_record_claimed_as_someones_own_cannot_be_claimed_again(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let (_, own) = app.patient("13912340002", "李四", ID_3).await;
    let code = code(&app, &registrar, &own, "claim").await;
    let again = sign_up(&app, "13912340003", ID_3, Some(&code)).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.expression(), Some("resident_id"));
    assert_eq!(rule(&again), "already-claimed");
    let text = again.body["issue"][0]["details"]["text"].as_str().unwrap();
    assert!(
        text.contains("窗口"),
        "sends the person to the desk: {text}"
    );
    app.finish().await;
}
on_both!(a_record_claimed_as_someones_own_cannot_be_claimed_again);

async fn wrong_codes_count_and_too_many_void_the_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let record = walk_in(&app, &registrar, ID_3).await;
    let code = code(&app, &registrar, &record, "claim").await;
    let wrong = if code.starts_with('A') {
        "BBBB-BBBB"
    } else {
        "AAAA-AAAA"
    };
    for left in [4, 3, 2, 1] {
        let refused = sign_up(&app, "13912340004", ID_3, Some(wrong)).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(rule(&refused), "code-wrong");
        let text = refused.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap();
        assert!(text.contains(&format!("{left} 次")), "{text}");
    }
    let fifth = sign_up(&app, "13912340004", ID_3, Some(wrong)).await;
    assert_eq!(rule(&fifth), "code-void");
    // Void: even the right code no longer opens the record.
    let right = sign_up(&app, "13912340004", ID_3, Some(&code)).await;
    assert_eq!(right.status, 422);
    assert_eq!(rule(&right), "code-void");
    let malformed = sign_up(&app, "13912340004", ID_3, Some("12")).await;
    assert_eq!(rule(&malformed), "code-malformed");
    let denied = audited(&app, &format!("Patient/{record}")).await;
    assert!(
        denied
            .iter()
            .filter(|(a, o)| a == "use-code" && o == "4")
            .count()
            >= 6
    );
    // A new code from the desk starts afresh.
    let fresh = self::code(&app, &registrar, &record, "claim").await;
    assert_eq!(
        sign_up(&app, "13912340004", ID_3, Some(&fresh))
            .await
            .status,
        201
    );
    app.finish().await;
}
on_both!(wrong_codes_count_and_too_many_void_the_code);

/// Moves every code of the record an hour into the past, as if issued long ago.
async fn age_codes(app: &TestApp, patient: &str) {
    use sqlx::Connection;
    let url = match &app.settings.database {
        Some(huimin_store::DatabaseTarget::Postgres { url }) => url.clone(),
        _ => format!("sqlite://{}", app.dir.path().join("huimin.db").display()),
    };
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE desk_codes SET expires_at = expires_at - 3600000000 WHERE patient_id = $1")
        .bind(patient)
        .execute(&mut conn)
        .await
        .unwrap();
}

async fn an_expired_code_is_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let record = walk_in(&app, &registrar, ID_3).await;
    let issued = issue(&app, &registrar, &record, "claim").await;
    assert_eq!(issued.body["minutes"], 30, "the default");
    let code = issued.body["code"].as_str().unwrap().to_owned();
    age_codes(&app, &record).await;
    let refused = sign_up(&app, "13912340005", ID_3, Some(&code)).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(rule(&refused), "code-expired");
    app.finish().await;
}
on_both!(an_expired_code_is_refused);

async fn a_code_lasts_the_minutes_the_setting_gives(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.desk_codes.minutes = 5).await;
    let registrar = app.staff("registrar").await;
    let record = walk_in(&app, &registrar, ID_3).await;
    let issued = issue(&app, &registrar, &record, "claim").await;
    assert_eq!(issued.body["minutes"], 5);
    let expires: jiff::Timestamp = issued.body["expires"].as_str().unwrap().parse().unwrap();
    let left = expires.duration_since(jiff::Timestamp::now());
    assert!(left.as_secs() <= 300 && left.as_secs() > 240, "{left:?}");
    app.finish().await;
}
on_both!(a_code_lasts_the_minutes_the_setting_gives);

#[tokio::test]
async fn a_desk_code_setting_out_of_range_stops_the_server_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(dir.path());
    settings.desk_codes.tries = 0;
    let refused = huimin_server::App::build(settings).await;
    let error = refused.err().expect("refused").to_string();
    assert!(error.contains("tries"), "{error}");
}

async fn a_family_member_on_file_is_linked_with_a_code_used_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let record = walk_in(&app, &registrar, ID_3).await;
    let (alice, _) = app.patient("13912340006", "王小明", ID_2).await;
    let (bob, _) = app.patient("13912340007", "张三", ID_1).await;
    let member = json!({"name": "李四", "resident_id": ID_3, "relationship": "parent"});
    let without = app.post_json("/api/me/family", Some(&alice), &member).await;
    assert_eq!(without.status, 409, "{}", without.body);
    assert_eq!(without.expression(), Some("claim_code"));
    let code = code(&app, &registrar, &record, "claim").await;
    let mut with = member.clone();
    with["claim_code"] = json!(code);
    let linked = app.post_json("/api/me/family", Some(&alice), &with).await;
    assert_eq!(linked.status, 201, "{}", linked.body);
    assert_eq!(linked.body["relationship"], "parent");
    assert_eq!(linked.body["patient"]["id"], record.as_str());
    let reused = app.post_json("/api/me/family", Some(&bob), &with).await;
    assert_eq!(reused.status, 422, "{}", reused.body);
    assert_eq!(rule(&reused), "code-used");
    // Alice can now read the record she claimed.
    let read = app
        .get(&format!("/fhir/Patient/{record}"), Some(&alice))
        .await;
    assert_eq!(read.status, 200);
    // Bob's own record joins Alice's family with a code too, but stays Bob's to change.
    let bobs = app.get("/api/me/family", Some(&bob)).await.body["members"][0]["patient"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = self::code(&app, &registrar, &bobs, "claim").await;
    let spouse =
        json!({"name": "张三", "resident_id": ID_1, "relationship": "spouse", "claim_code": code});
    assert_eq!(
        app.post_json("/api/me/family", Some(&alice), &spouse)
            .await
            .status,
        201
    );
    let rename = json!({"name": "张三丰", "relationship": "spouse"});
    let request = app
        .client
        .put(format!("{}/api/me/family/{bobs}", app.base))
        .json(&rename);
    assert_eq!(app.send(request, Some(&alice)).await.status, 409);
    app.finish().await;
}
on_both!(a_family_member_on_file_is_linked_with_a_code_used_once);

async fn reset(app: &TestApp, username: &str, code: &str, password: &str) -> Resp {
    let body = json!({"username": username, "code": code, "password": password,
        "password_confirmation": password});
    app.post_json("/auth/reset-password", None, &body).await
}

async fn a_forgotten_password_is_reset_with_a_desk_code_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let (_, own) = app.patient("13912340008", "王小明", ID_2).await;
    let walk = walk_in(&app, &registrar, ID_3).await;
    let no_account = issue(&app, &registrar, &walk, "reset-password").await;
    assert_eq!(
        no_account.status, 409,
        "a record without an account has no password"
    );
    let claim = code(&app, &registrar, &own, "claim").await;
    let wrong_purpose = reset(&app, "13912340008", &claim, "NewPassw0rd1").await;
    assert_eq!(wrong_purpose.status, 422, "a claim code resets nothing");
    let code = code(&app, &registrar, &own, "reset-password").await;
    let mismatch = json!({"username": "13912340008", "code": code, "password": "NewPassw0rd1",
        "password_confirmation": "NewPassw0rx"});
    let refused = app.post_json("/auth/reset-password", None, &mismatch).await;
    assert_eq!(refused.expression(), Some("password_confirmation"));
    let done = reset(&app, "+86 139 1234 0008", &code, "NewPassw0rd1").await;
    assert_eq!(done.status, 204, "{}", done.body);
    assert_eq!(app.login("13912340008", PASSWORD).await.status, 400);
    assert_eq!(app.login("13912340008", "NewPassw0rd1").await.status, 200);
    let again = reset(&app, "13912340008", &code, "Other1Passw0rd").await;
    assert_eq!(rule(&again), "code-used");
    let stranger = reset(&app, "13900000000", &code, "Other1Passw0rd").await;
    assert_eq!(stranger.status, 422);
    assert_eq!(stranger.expression(), Some("code"));
    app.finish().await;
}
on_both!(a_forgotten_password_is_reset_with_a_desk_code_once);

async fn only_the_desk_issues_codes_for_records_that_exist(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, own) = app.patient("13912340009", "王小明", ID_2).await;
    let by_patient = issue(&app, &alice, &own, "claim").await;
    assert_eq!(by_patient.status, 403);
    let registrar = app.staff("registrar").await;
    let bad: Value = issue(&app, &registrar, &own, "open-sesame").await.body;
    assert_eq!(bad["issue"][0]["expression"][0], "purpose");
    assert_eq!(issue(&app, &registrar, "nobody", "claim").await.status, 404);
    app.finish().await;
}
on_both!(only_the_desk_issues_codes_for_records_that_exist);
