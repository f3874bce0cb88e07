//! Sign-in sessions: every token names one, and ending it (signing out, ending it from the
//! list, a new password, a disabled account) makes the token answer 401 — at once on the
//! server that ended it, within the caller cache's bound on any other.

use serde_json::Value;

use crate::helpers::*;
use crate::on_both;

/// Longer than the caller cache trusts a read: a change made outside this server (the
/// `huimin user` commands, another server) has reached it by then.
async fn past_the_bound() {
    tokio::time::sleep(huimin_server::state::callers::TTL + std::time::Duration::from_millis(200))
        .await;
}

async fn delete(app: &TestApp, path: &str, token: &str) -> Resp {
    let request = app.client.delete(format!("{}{path}", app.base));
    app.send(request, Some(token)).await
}

async fn logout(app: &TestApp, token: &str) -> Resp {
    let request = app.client.post(format!("{}/auth/logout", app.base));
    app.send(request, Some(token)).await
}

fn sessions(listed: &Resp) -> Vec<Value> {
    listed.body["sessions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn after_logout_the_old_token_answers_401_as_a_bearer(db: Db) {
    let app = TestApp::spawn(db).await;
    let (token, _) = app.patient("13912345678", "王小明", ID_2).await;
    assert_eq!(app.get("/api/me/family", Some(&token)).await.status, 200);
    assert_eq!(logout(&app, &token).await.status, 204);
    assert_eq!(app.get("/api/me/family", Some(&token)).await.status, 401);
    assert_eq!(logout(&app, &token).await.status, 401, "ended once");
    let again = app.token("13912345678", PASSWORD).await;
    assert_eq!(app.get("/api/me/family", Some(&again)).await.status, 200);
    app.finish().await;
}
on_both!(after_logout_the_old_token_answers_401_as_a_bearer);

async fn a_new_password_ends_every_session_while_a_new_login_works(db: Db) {
    let app = TestApp::spawn(db).await;
    app.patient("13912345678", "王小明", ID_2).await;
    let phone = app.token("13912345678", PASSWORD).await;
    let desk = app.token("13912345678", PASSWORD).await;
    // As `huimin user reset-password` does it: in the database, not through this server.
    huimin_server::accounts::reset_password(
        &app.store,
        &app.state.passwords,
        "13912345678",
        "NewPassw0rd!26",
    )
    .await
    .unwrap();
    past_the_bound().await;
    for old in [&phone, &desk] {
        assert_eq!(app.get("/api/me/family", Some(old)).await.status, 401);
    }
    assert_eq!(app.login("13912345678", PASSWORD).await.status, 400);
    let new = app.token("13912345678", "NewPassw0rd!26").await;
    assert_eq!(app.get("/api/me/family", Some(&new)).await.status, 200);
    app.finish().await;
}
on_both!(a_new_password_ends_every_session_while_a_new_login_works);

async fn disabling_an_account_ends_its_sessions_for_good(db: Db) {
    let app = TestApp::spawn(db).await;
    let nurse = app.staff("nurse").await;
    let username = app.get("/api/me/sign-ins", Some(&nurse)).await;
    assert_eq!(username.status, 200);
    let admin = app.admin().await;
    huimin_server::accounts::set_disabled(&app.store, "admin", true)
        .await
        .unwrap();
    huimin_server::accounts::set_disabled(&app.store, "admin", false)
        .await
        .unwrap();
    past_the_bound().await;
    assert_eq!(
        app.get("/fhir/Patient", Some(&admin)).await.status,
        401,
        "enabling the account again does not bring its old sessions back"
    );
    assert_eq!(app.get("/api/me/sign-ins", Some(&nurse)).await.status, 200);
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.status, 200);
    app.finish().await;
}
on_both!(disabling_an_account_ends_its_sessions_for_good);

async fn ending_one_session_leaves_the_others(db: Db) {
    let app = TestApp::spawn(db).await;
    app.patient("13912345678", "王小明", ID_2).await;
    let phone = app.token("13912345678", PASSWORD).await;
    let request = app
        .client
        .post(format!("{}/auth/token", app.base))
        .header(
            "user-agent",
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
        )
        .form(&[
            ("grant_type", "password"),
            ("username", "13912345678"),
            ("password", PASSWORD),
        ]);
    let browser = app.send(request, None).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = app.get("/api/me/sign-ins", Some(&phone)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let all = sessions(&listed);
    assert_eq!(all.len(), 3, "sign-up and two logins: {all:?}");
    let current: Vec<&Value> = all.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    let other = all
        .iter()
        .find(|s| s["user_agent"] == "Chrome on Android")
        .expect("the browser's session, by its family only");
    assert_eq!(other["client_kind"], "browser");
    assert_eq!(other["same_address"], true);
    assert_eq!(other["kind"], "password");
    assert!(
        !app.database_text().await.contains("Chrome/120.0"),
        "the user agent is kept as its family only"
    );
    let id = other["id"].as_str().unwrap();
    let ended = delete(&app, &format!("/api/me/sign-ins/{id}"), &phone).await;
    assert_eq!(ended.status, 204, "{}", ended.body);
    assert_eq!(app.get("/api/me/family", Some(&browser)).await.status, 401);
    assert_eq!(app.get("/api/me/family", Some(&phone)).await.status, 200);
    let left = sessions(&app.get("/api/me/sign-ins", Some(&phone)).await);
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|s| s["id"] != id));
    app.finish().await;
}
on_both!(ending_one_session_leaves_the_others);

async fn a_patient_cannot_list_or_end_another_accounts_session(db: Db) {
    let app = TestApp::spawn(db).await;
    let (mine, _) = app.patient("13912345678", "王小明", ID_2).await;
    let (theirs, _) = app.patient("13987654321", "李四", ID_3).await;
    let their_sessions = sessions(&app.get("/api/me/sign-ins", Some(&theirs)).await);
    let their_id = their_sessions[0]["id"].as_str().unwrap().to_owned();
    let my_sessions = sessions(&app.get("/api/me/sign-ins", Some(&mine)).await);
    assert!(my_sessions.iter().all(|s| s["id"] != their_id.as_str()));
    let refused = delete(&app, &format!("/api/me/sign-ins/{their_id}"), &mine).await;
    assert_eq!(refused.status, 404);
    let missing = delete(&app, "/api/me/sign-ins/no-such-session", &mine).await;
    assert_eq!(
        (refused.status, &refused.body),
        (missing.status, &missing.body),
        "the same as a missing id"
    );
    assert_eq!(app.get("/api/me/family", Some(&theirs)).await.status, 200);
    let anonymous = app.get("/api/me/sign-ins", None).await;
    assert_eq!(anonymous.status, 401);
    app.finish().await;
}
on_both!(a_patient_cannot_list_or_end_another_accounts_session);

async fn a_token_minted_without_a_session_is_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let listed = sessions(&app.get("/api/me/sign-ins", Some(&admin)).await);
    let user_id = {
        let page = app.store.list_users(10, 0).await.unwrap();
        page.into_iter().find(|u| u.username == "admin").unwrap().id
    };
    assert_eq!(listed.len(), 1);
    let now = jiff::Timestamp::now().as_second();
    let claims = serde_json::json!({"sub": user_id, "role": "admin", "iss": "huimin",
        "iat": now, "exp": now + 600, "jti": "old"});
    let key = jsonwebtoken::EncodingKey::from_secret(&app.store.token_signing_key());
    let old = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap();
    assert_eq!(app.get("/fhir/Patient", Some(&old)).await.status, 401);
    // Nor does a session id of another account, or one made up, stand in for it.
    let mut forged = claims.clone();
    forged["sid"] = listed[0]["id"].clone();
    forged["sub"] = serde_json::json!("someone-else");
    let forged = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &forged, &key).unwrap();
    assert_eq!(app.get("/fhir/Patient", Some(&forged)).await.status, 401);
    app.finish().await;
}
on_both!(a_token_minted_without_a_session_is_refused);
