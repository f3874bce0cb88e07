//! `/api/me/family`: the account holder first, family members with a relationship, edited
//! and unlinked (never deleted), checked exactly as sign-up checks a person.

use huimin_domain::person::TERMS_VERSION;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

/// A valid resident ID born on `date` (`YYYYMMDD`), the n-th of that day.
fn resident_id(date: &str, n: u32) -> String {
    let first17 = format!("310115{date}{:03}", 100 + n);
    let check = huimin_domain::identity::resident_id_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

async fn add(app: &TestApp, token: &str, body: &Value) -> Resp {
    app.post_json("/api/me/family", Some(token), body).await
}

fn relationships(list: &Resp) -> Vec<(String, String)> {
    list.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["relationship"].as_str().unwrap().to_owned(),
                m["patient"]["name"][0]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn the_holder_stays_first_and_members_keep_their_relationship(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, own) = app.patient("13911110001", "王小明", ID_2).await;
    for (name, date, relationship) in [
        ("王小宝", "20150115", "child"),
        ("王大明", "19500310", "parent"),
        ("李丽", "19910520", "spouse"),
    ] {
        let body = json!({"name": name, "resident_id": resident_id(date, 1), "relationship": relationship});
        let added = add(&app, &alice, &body).await;
        assert_eq!(added.status, 201, "{}", added.body);
        assert_eq!(added.body["relationship"], relationship);
    }
    let list = app.get("/api/me/family", Some(&alice)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(
        relationships(&list),
        [
            ("self".into(), "王小明".into()),
            ("child".into(), "王小宝".into()),
            ("parent".into(), "王大明".into()),
            ("spouse".into(), "李丽".into()),
        ]
    );
    assert_eq!(list.body["members"][0]["patient"]["id"], own.as_str());
    let masked = list.body["members"][1]["patient"]["identifier"][0]["value"]
        .as_str()
        .unwrap();
    assert!(masked.contains('*'), "masked for the account: {masked}");
    // The FHIR search reaches the same four records.
    let fhir = app.get("/fhir/Patient", Some(&alice)).await;
    assert_eq!(fhir.body["total"], 4);
    let no_relationship = json!({"name": "王二", "resident_id": resident_id("19800101", 2)});
    let refused = add(&app, &alice, &no_relationship).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.expression(), Some("relationship"));
    app.finish().await;
}
on_both!(the_holder_stays_first_and_members_keep_their_relationship);

/// The problems of a sign-up and of a family form with the same person fields, by field.
async fn both_forms(
    app: &TestApp,
    token: &str,
    person: Value,
) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let mut signup = person.clone();
    signup["phone"] = json!("13911119999");
    signup["password"] = json!(PASSWORD);
    signup["accept_terms"] = json!(TERMS_VERSION);
    let mut family = person;
    family["relationship"] = json!("child");
    let problems = |r: Resp| -> Vec<(String, String)> {
        assert_eq!(r.status, 422, "{}", r.body);
        r.body["issue"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["expression"][0].as_str().unwrap_or_default().to_owned(),
                    i["details"]["text"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let s = problems(app.post_json("/auth/register", None, &signup).await);
    let f = problems(add(app, token, &family).await);
    (s, f)
}

async fn sign_up_and_the_family_form_refuse_the_same_people_in_the_same_words(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, _) = app.patient("13911110001", "王小明", ID_2).await;
    let (signup, family) = both_forms(&app, &alice, json!({"name": "", "resident_id": ""})).await;
    assert_eq!(signup, family);
    assert_eq!(
        signup,
        [
            ("name".into(), "请填写姓名".into()),
            ("resident_id".into(), "请填写身份证号".into())
        ]
    );
    for name in ["<b>x</b>".to_owned(), "王".repeat(10_000)] {
        let person = json!({"name": name, "resident_id": resident_id("20150115", 3)});
        let (signup, family) = both_forms(&app, &alice, person).await;
        assert_eq!(signup, family);
        assert_eq!(signup.len(), 1, "{signup:?}");
        assert_eq!(signup[0].0, "name");
        assert!(!signup[0].1.contains("资源结构"), "{signup:?}");
    }
    // Nothing was created by any refused form.
    let list = app.get("/api/me/family", Some(&alice)).await;
    assert_eq!(list.body["members"].as_array().unwrap().len(), 1);
    // FHIR clients meet the same name rule.
    let markup = patient_json(
        "<b>x</b>",
        "<b>",
        "x",
        &resident_id("20150115", 4),
        "13911110002",
    );
    let fhir = app.post_json("/fhir/Patient", Some(&alice), &markup).await;
    assert_eq!(fhir.status, 422, "{}", fhir.body);
    app.finish().await;
}
on_both!(sign_up_and_the_family_form_refuse_the_same_people_in_the_same_words);

async fn a_member_is_edited_with_the_same_checks(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, _) = app.patient("13911110001", "王小明", ID_2).await;
    let body = json!({"name": "王小宝", "resident_id": resident_id("20150115", 1),
        "phone": "13911112222", "relationship": "child"});
    let added = add(&app, &alice, &body).await;
    let id = added.body["patient"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/me/family/{id}");
    let masked = added.body["patient"]["telecom"][0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let put = |body: Value| {
        let request = app.client.put(format!("{}{path}", app.base)).json(&body);
        app.send(request, Some(&alice))
    };
    let kept = put(json!({"name": "王小宝贝", "phone": masked, "relationship": "other"})).await;
    assert_eq!(kept.status, 200, "{}", kept.body);
    assert_eq!(kept.body["relationship"], "other");
    assert_eq!(kept.body["patient"]["name"][0]["text"], "王小宝贝");
    assert_eq!(
        kept.body["patient"]["telecom"][0]["value"], masked,
        "the masked phone kept it"
    );
    let bad = put(json!({"name": "<b>x</b>", "phone": "123", "relationship": "cousin"})).await;
    assert_eq!(bad.status, 422);
    let fields: Vec<&str> = bad.body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["expression"][0].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "phone", "relationship"]);
    let cleared = put(json!({"name": "王小宝", "phone": "", "relationship": "child"})).await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert!(cleared.body["patient"]["telecom"].is_null());
    // The holder's own record is not edited here, nor anyone else's.
    let list = app.get("/api/me/family", Some(&alice)).await;
    let own = list.body["members"][0]["patient"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let request = app
        .client
        .put(format!("{}/api/me/family/{own}", app.base))
        .json(&json!({"name": "王", "relationship": "other"}));
    assert_eq!(app.send(request, Some(&alice)).await.status, 409);
    let (bob, _) = app.patient("13911110003", "张三", ID_1).await;
    let request = app
        .client
        .put(format!("{}{path}", app.base))
        .json(&json!({"name": "王", "relationship": "other"}));
    assert_eq!(app.send(request, Some(&bob)).await.status, 404);
    app.finish().await;
}
on_both!(a_member_is_edited_with_the_same_checks);

/// A session in two days of a new department's doctor: its slots' ids.
async fn slots(app: &TestApp, admin: &str) -> Vec<String> {
    let dept = app
        .post_json("/fhir/Organization", Some(admin), &json!({"resourceType": "Organization", "name": "心血管内科", "identifier": [{"system": "urn:huimin:cs:department-code", "value": "03.04"}]}))
        .await;
    let doctor = app.post_json("/fhir/Practitioner", Some(admin), &json!({"resourceType": "Practitioner", "name": [{"text": "李振邦", "family": "李", "given": ["振邦"]}]})).await;
    let role = app
        .post_json("/fhir/PractitionerRole", Some(admin), &json!({
            "resourceType": "PractitionerRole", "active": true,
            "practitioner": {"reference": format!("Practitioner/{}", doctor.body["id"].as_str().unwrap())},
            "organization": {"reference": format!("Organization/{}", dept.body["id"].as_str().unwrap())},
        }))
        .await;
    let date = huimin_clock::Clock::default()
        .today()
        .saturating_add(jiff::Span::new().days(2));
    let body = json!({"practitioner_role": role.body["id"], "date": date.to_string(), "period": "morning", "capacity": 4});
    let opened = app
        .post_json("/api/admin/sessions", Some(admin), &body)
        .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    opened.body["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_member_is_unlinked_but_not_while_a_booking_is_to_come(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let slots = slots(&app, &admin).await;
    let (alice, _) = app.patient("13911110001", "王小明", ID_2).await;
    let body = json!({"name": "王小宝", "resident_id": resident_id("20150115", 1), "relationship": "child"});
    let id = add(&app, &alice, &body).await.body["patient"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let registrar = app.staff("registrar").await;
    let booking = app.book(&registrar, &id, &slots[0]).await;
    let path = format!("{}/api/me/family/{id}", app.base);
    let unlink = || {
        app.send(
            app.client.delete(&path).header("accept-language", "en"),
            Some(&alice),
        )
    };
    let refused = unlink().await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let text = refused.body["issue"][0]["details"]["text"]
        .as_str()
        .unwrap();
    assert!(text.contains("booking still to come"), "{text}");
    assert_eq!(
        app.get("/api/me/family", Some(&alice)).await.body["members"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        app.set_status(&registrar, &booking, "cancelled", "zh")
            .await
            .status,
        200
    );
    assert_eq!(unlink().await.status, 204);
    let list = app.get("/api/me/family", Some(&alice)).await;
    assert_eq!(list.body["members"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get(&format!("/fhir/Patient/{id}"), Some(&alice))
            .await
            .status,
        404
    );
    // Unlinked, not deleted: the record stays on file.
    assert_eq!(
        app.get(&format!("/fhir/Patient/{id}"), Some(&registrar))
            .await
            .status,
        200
    );
    assert_eq!(unlink().await.status, 404);
    let own = list.body["members"][0]["patient"]["id"].as_str().unwrap();
    let holder = app
        .send(
            app.client
                .delete(format!("{}/api/me/family/{own}", app.base)),
            Some(&alice),
        )
        .await;
    assert_eq!(holder.status, 409);
    app.finish().await;
}
on_both!(a_member_is_unlinked_but_not_while_a_booking_is_to_come);

async fn sign_up_records_the_agreement_and_checks_the_second_password(db: Db) {
    let app = TestApp::spawn(db).await;
    let base = json!({"phone": "13911110001", "password": PASSWORD, "name": "王小明", "resident_id": ID_2});
    let mut mismatch = base.clone();
    mismatch["password_confirmation"] = json!("Passw0rd!y26");
    mismatch["accept_terms"] = json!(TERMS_VERSION);
    let refused = app.post_json("/auth/register", None, &mismatch).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.expression(), Some("password_confirmation"));
    let unaccepted = app.post_json("/auth/register", None, &base).await;
    assert_eq!(unaccepted.expression(), Some("accept_terms"));
    let mut old = base.clone();
    old["accept_terms"] = json!("1999-01");
    assert_eq!(
        app.post_json("/auth/register", None, &old)
            .await
            .expression(),
        Some("accept_terms")
    );
    let mut passport = json!({"phone": "13911110002", "password": PASSWORD, "password_confirmation": PASSWORD,
        "name": "John Smith", "document_type": "passport", "document_number": "E12345678",
        "accept_terms": TERMS_VERSION});
    let fields = app.post_json("/auth/register", None, &passport).await;
    assert_eq!(fields.expression(), Some("gender"), "{}", fields.body);
    passport["gender"] = json!("male");
    passport["birth_date"] = json!("1980-05-01");
    let created = app.post_json("/auth/register", None, &passport).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let token = app.token("13911110002", PASSWORD).await;
    let user = app
        .store
        .user_by_username(&huimin_server::auth::account_key(&app.store, "13911110002"))
        .await
        .unwrap()
        .unwrap();
    let consents = app.store.account_consents(&user.id).await.unwrap();
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].0, TERMS_VERSION);
    assert!(consents[0].1 > 0);
    assert!(!token.is_empty());
    app.finish().await;
}
on_both!(sign_up_records_the_agreement_and_checks_the_second_password);

async fn an_empty_login_names_the_empty_field(db: Db) {
    let app = TestApp::spawn(db).await;
    for (username, password, says) in [
        ("", "x", "请填写用户名（手机号）"),
        ("13911110001", "", "请填写密码"),
        ("  ", "", "请填写用户名（手机号）和密码"),
    ] {
        let refused = app.login(username, password).await;
        assert_eq!(refused.status, 400);
        assert_eq!(refused.body["error"], "invalid_request");
        assert_eq!(refused.body["error_description"], says);
    }
    app.finish().await;
}
on_both!(an_empty_login_names_the_empty_field);
