use huimin_domain::person::TERMS_VERSION;
use serde_json::json;

use crate::helpers::*;
use crate::on_both;

async fn valid_credentials_get_a_bearer_token(db: Db) {
    let app = TestApp::spawn(db).await;
    let response = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body["token_type"], "Bearer");
    assert!(response.body["expires_in"].as_u64().unwrap() > 0);
    assert!(response.body["access_token"].as_str().unwrap().len() > 20);
    assert_eq!(response.header("cache-control"), Some("no-store"));
    app.finish().await;
}
on_both!(valid_credentials_get_a_bearer_token);

async fn bad_credentials_get_the_oauth2_invalid_grant_error(db: Db) {
    let app = TestApp::spawn(db).await;
    let wrong = app.login("admin", "not-the-password1").await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.body["error"], "invalid_grant");
    let unknown = app.login("nobody", "whatever123").await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.body["error"], "invalid_grant");
    assert_eq!(
        wrong.body["error_description"], unknown.body["error_description"],
        "no hint which user names exist"
    );
    app.finish().await;
}
on_both!(bad_credentials_get_the_oauth2_invalid_grant_error);

async fn other_grant_types_and_json_bodies_are_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let response = app
        .post_raw(
            "/auth/token",
            None,
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials",
        )
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.body["error"], "unsupported_grant_type");
    let json_body = app
        .post_raw(
            "/auth/token",
            None,
            "application/json",
            r#"{"grant_type":"password"}"#,
        )
        .await;
    assert_eq!(json_body.status, 400);
    assert_eq!(json_body.body["error"], "invalid_request");
    app.finish().await;
}
on_both!(other_grant_types_and_json_bodies_are_refused);

async fn repeated_failures_back_off_the_account_without_locking_it(db: Db) {
    let app = TestApp::spawn(db).await;
    for _ in 0..5 {
        assert_eq!(app.login("admin", "wrong-password1").await.status, 400);
    }
    let held = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(held.status, 429, "held back during the back-off");
    assert!(held.header("retry-after").is_some());
    let text = held.body["error_description"].as_str().unwrap();
    assert!(
        text.contains("秒后再试") && !text.contains("锁定"),
        "a wait, not a lock, and no word of the account: {text}"
    );
    app.finish().await;
}
on_both!(repeated_failures_back_off_the_account_without_locking_it);

async fn repeated_failures_from_one_address_get_429(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.ip_failure_limit = 3).await;
    for i in 0..3 {
        assert_eq!(
            app.login(&format!("ghost{i}"), "wrong-password1")
                .await
                .status,
            400
        );
    }
    let throttled = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(throttled.status, 429);
    assert!(throttled.header("retry-after").is_some());
    app.finish().await;
}
on_both!(repeated_failures_from_one_address_get_429);

async fn a_disabled_account_cannot_use_its_token(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    assert_eq!(app.get("/fhir/Patient", Some(&admin)).await.status, 200);
    huimin_server::accounts::set_disabled(&app.store, "admin", true)
        .await
        .unwrap();
    // Disabled from outside the server (as `huimin user disable` does): logging in is refused
    // at once, and the token once the server's short memory of the account has lapsed.
    let right = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(right.status, 400);
    // The answer never tells whether the password was right: the same as a wrong one.
    let wrong = app.login("admin", "not-the-password-2026").await;
    assert_eq!((wrong.status, &wrong.body), (right.status, &right.body));
    assert!(
        right.body["error_description"]
            .as_str()
            .unwrap()
            .contains("停用"),
        "{}",
        right.body
    );
    tokio::time::sleep(huimin_server::state::callers::TTL + std::time::Duration::from_millis(100))
        .await;
    assert_eq!(app.get("/fhir/Patient", Some(&admin)).await.status, 401);
    app.finish().await;
}
on_both!(a_disabled_account_cannot_use_its_token);

async fn missing_or_forged_tokens_get_401_with_a_challenge(db: Db) {
    let app = TestApp::spawn(db).await;
    let none = app.get("/fhir/Patient", None).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.body["resourceType"], "OperationOutcome");
    assert!(
        none.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    let forged = app
        .get("/fhir/Patient", Some("eyJhbGciOiJIUzI1NiJ9.e30.forged"))
        .await;
    assert_eq!(forged.status, 401);
    app.finish().await;
}
on_both!(missing_or_forged_tokens_get_401_with_a_challenge);

async fn registration_creates_an_account_linked_to_its_own_patient(db: Db) {
    let app = TestApp::spawn(db).await;
    let response = app.register("+86 139-1234-5678", "王小明", ID_2).await;
    assert_eq!(response.status, 201, "{}", response.body);
    let token = response.body["access_token"].as_str().unwrap();
    let patient_ref = response.body["patient"].as_str().unwrap();
    let own = app.get(&format!("/fhir/{patient_ref}"), Some(token)).await;
    assert_eq!(own.status, 200);
    assert_eq!(own.body["name"][0]["text"], "王小明");
    assert_eq!(own.body["gender"], "male", "derived from the resident ID");
    assert_eq!(own.body["birthDate"], "1990-03-07");
    assert_schema_valid(&own.body);
    // The phone number is the user name, in any notation.
    assert_eq!(app.login("13912345678", PASSWORD).await.status, 200);
    app.finish().await;
}
on_both!(registration_creates_an_account_linked_to_its_own_patient);

async fn registration_with_a_bad_resident_id_names_the_field(db: Db) {
    let app = TestApp::spawn(db).await;
    let response = app
        .register("13912345678", "王小明", "320106198503156789")
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(response.body["resourceType"], "OperationOutcome");
    assert_eq!(response.expression(), Some("resident_id"));
    assert!(
        response.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("请对照证件逐位核对")
    );
    // Nothing was created: the phone number is still free.
    assert_eq!(
        app.register("13912345678", "王小明", ID_2).await.status,
        201
    );
    app.finish().await;
}
on_both!(registration_with_a_bad_resident_id_names_the_field);

async fn registration_reports_every_bad_field_in_the_callers_language(db: Db) {
    let app = TestApp::spawn(db).await;
    let body = json!({"phone": "12345", "password": "short", "name": ""});
    let request = app
        .client
        .post(format!("{}/auth/register", app.base))
        .header("accept-language", "en-US,en;q=0.9")
        .json(&body);
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 422);
    let outcome: serde_json::Value = response.json().await.unwrap();
    let fields: Vec<&str> = outcome["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["expression"][0].as_str().unwrap())
        .collect();
    for field in ["phone", "password", "name", "resident_id"] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    let text = outcome["issue"][0]["details"]["text"].as_str().unwrap();
    assert!(text.is_ascii(), "English text expected, got {text}");
    assert_schema_valid(&outcome);
    // A wrong check digit is reported beside a weak password, not after it is fixed.
    let both = json!({"phone": "13912345678", "password": "short", "name": "王小明", "resident_id": "320106198503156789", "accept_terms": TERMS_VERSION});
    let response = app
        .post_raw(
            "/auth/register",
            None,
            "application/json",
            &both.to_string(),
        )
        .await;
    let fields: Vec<&str> = response.body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["expression"][0].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["resident_id", "password"]);
    app.finish().await;
}
on_both!(registration_reports_every_bad_field_in_the_callers_language);

async fn one_account_per_phone_and_one_patient_per_document(db: Db) {
    let app = TestApp::spawn(db).await;
    app.patient("13912345678", "王小明", ID_2).await;
    let same_phone = app.register("13912345678", "李四", ID_3).await;
    assert_eq!(same_phone.status, 409);
    let same_document = app.register("13987654321", "王小明", ID_2).await;
    assert_eq!(same_document.status, 409);
    assert_eq!(
        same_phone.body, same_document.body,
        "neither answer says which of the two is registered"
    );
    app.finish().await;
}
on_both!(one_account_per_phone_and_one_patient_per_document);

async fn non_resident_documents_are_accepted_with_their_own_rules(db: Db) {
    let app = TestApp::spawn(db).await;
    let passport = json!({"phone": "13911112222", "password": PASSWORD, "name": "John Smith", "document_type": "passport", "document_number": "E12345678", "gender": "male", "birth_date": "1980-05-01", "accept_terms": TERMS_VERSION});
    let response = app
        .post_raw(
            "/auth/register",
            None,
            "application/json",
            &passport.to_string(),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.body);
    let bad_permit = json!({"phone": "13911113333", "password": PASSWORD, "name": "陈大文", "document_type": "hmt_residence_permit", "document_number": "810000199001011234", "accept_terms": TERMS_VERSION});
    let refused = app
        .post_raw(
            "/auth/register",
            None,
            "application/json",
            &bad_permit.to_string(),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.expression(), Some("document_number"));
    app.finish().await;
}
on_both!(non_resident_documents_are_accepted_with_their_own_rules);

async fn tokens_are_honoured_by_every_server_sharing_the_data_key_and_only_those(db: Db) {
    let app = TestApp::spawn(db).await;
    let token = app.admin().await;
    let mut same = app.settings.clone();
    same.admin_password = None;
    let twin = huimin_server::App::build(same.clone()).await.unwrap();
    let twin_url = format!("http://127.0.0.1:{}/fhir/Patient", twin.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let twin_server = tokio::spawn(twin.run_until(async move {
        let _ = stopped.await;
    }));
    let status = app
        .client
        .get(&twin_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(
        status, 200,
        "a second server on the same database and key accepts the token"
    );
    let _ = stop.send(());
    let _ = twin_server.await;

    let mut other = same;
    other.data_key = Some(huimin_server::Secret::new(
        huimin_store::DataKey::generate().to_base64(),
    ));
    let other_dir = tempfile::tempdir().unwrap();
    other.data_dir = other_dir.path().to_path_buf();
    other.database = Some(huimin_store::DatabaseTarget::Sqlite {
        path: other.data_dir.join("huimin.db"),
    });
    let stranger = huimin_server::App::build(other).await.unwrap();
    let stranger_url = format!("http://127.0.0.1:{}/fhir/Patient", stranger.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let stranger_server = tokio::spawn(stranger.run_until(async move {
        let _ = stopped.await;
    }));
    let status = app
        .client
        .get(&stranger_url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401, "another installation's key does not accept it");
    let _ = stop.send(());
    let _ = stranger_server.await;
    app.finish().await;
}
on_both!(tokens_are_honoured_by_every_server_sharing_the_data_key_and_only_those);

/// Sign-up refuses a password under 10 characters or on the common-passwords list, in the
/// caller's language; a staff account needs 12.
async fn passwords_are_long_and_not_common(db: Db) {
    let app = TestApp::spawn(db).await;
    for (password, words) in [("Abc123456", "10"), ("1qaz2wsx3edc", "常见")] {
        let body = json!({"phone": "13912345678", "password": password, "name": "王小明",
            "resident_id": ID_2, "accept_terms": TERMS_VERSION});
        let refused = app
            .post_raw(
                "/auth/register",
                None,
                "application/json",
                &body.to_string(),
            )
            .await;
        assert_eq!(refused.status, 422, "{password}: {}", refused.body);
        let issue = refused.body["issue"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["expression"][0] == "password")
            .unwrap_or_else(|| panic!("{password}: {}", refused.body));
        assert!(
            issue["details"]["text"].as_str().unwrap().contains(words),
            "{issue}"
        );
    }
    let passwords =
        huimin_server::state::passwords::Passwords::new(huimin_server::PasswordCost::Fast);
    let add = |password: &'static str| {
        let (store, passwords) = (&app.store, &passwords);
        async move {
            huimin_server::accounts::add_user(
                store,
                passwords,
                "nurse-wu",
                "nurse".parse().unwrap(),
                password,
                "",
                None,
            )
            .await
        }
    };
    let short = add("Nurse2026xy").await.unwrap_err().to_string();
    assert!(short.contains("12"), "{short}");
    add("Nurse2026xyz").await.unwrap();
    app.finish().await;
}
on_both!(passwords_are_long_and_not_common);
