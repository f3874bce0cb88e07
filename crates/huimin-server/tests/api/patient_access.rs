use serde_json::json;

use crate::helpers::*;
use crate::on_both;

/// The audit records about one resource, newest first, as the admin sees them.
async fn audit_of(app: &TestApp, reference: &str) -> Vec<serde_json::Value> {
    let admin = app.admin().await;
    let response = app
        .get(
            &format!("/fhir/AuditEvent?entity={reference}&_count=100"),
            Some(&admin),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.body["entry"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e["resource"].clone())
        .collect()
}

async fn a_patient_reading_another_patient_gets_404_and_the_attempt_is_audited(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, _) = app.patient("13911110001", "王小明", ID_2).await;
    let (_, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let response = app
        .get(&format!("/fhir/Patient/{bob_id}"), Some(&alice))
        .await;
    assert!(
        response.status == 403 || response.status == 404,
        "got {}",
        response.status
    );
    assert_eq!(response.body["resourceType"], "OperationOutcome");
    assert!(!response.body.to_string().contains("李四"));
    let events = audit_of(&app, &format!("Patient/{bob_id}")).await;
    let denied = events
        .iter()
        .find(|e| e["outcomeDesc"] == "denied")
        .expect("a denied audit record");
    assert_eq!(denied["action"], "R");
    assert_eq!(denied["outcome"], "4");
    assert_schema_valid(denied);
    // Nor by version, nor by update.
    assert_eq!(
        app.get(&format!("/fhir/Patient/{bob_id}/_history/1"), Some(&alice))
            .await
            .status,
        404
    );
    let attempt = json!({"resourceType": "Patient", "id": bob_id, "name": [{"text": "hacked"}]});
    assert_eq!(
        app.put_json(
            &format!("/fhir/Patient/{bob_id}"),
            Some(&alice),
            &attempt,
            None
        )
        .await
        .status,
        404
    );
    app.finish().await;
}
on_both!(a_patient_reading_another_patient_gets_404_and_the_attempt_is_audited);

async fn a_patient_search_returns_only_their_own_record(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    app.patient("13911110002", "王大明", ID_3).await;
    let all = app.get("/fhir/Patient", Some(&alice)).await;
    assert_eq!(all.body["total"], 1);
    assert_eq!(all.body["entry"][0]["resource"]["id"], alice_id.as_str());
    let by_name = app.get("/fhir/Patient?name=王", Some(&alice)).await;
    assert_eq!(by_name.body["total"], 1);
    let by_other_id = app
        .get(&format!("/fhir/Patient?identifier={ID_3}"), Some(&alice))
        .await;
    assert_eq!(by_other_id.body["total"], 0);
    app.finish().await;
}
on_both!(a_patient_search_returns_only_their_own_record);

async fn a_patient_may_update_contact_details_but_not_identity_documents(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, id) = app.patient("13911110001", "王小明", ID_2).await;
    let path = format!("/fhir/Patient/{id}");
    let mut own = app.get(&path, Some(&alice)).await.body;
    assert_eq!(
        own["identifier"][0]["value"], "110***********1137",
        "patients see their documents masked"
    );
    own["address"] = json!([{"text": "北京市东城区", "city": "北京"}]);
    let updated = app.put_json(&path, Some(&alice), &own, None).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    // The masked number sent back was kept as the real one.
    let registrar = app.staff("registrar").await;
    let stored = app.get(&path, Some(&registrar)).await;
    assert_eq!(stored.body["identifier"][0]["value"], ID_2);
    assert_eq!(stored.body["telecom"][0]["value"], "13911110001");
    assert!(
        stored.body["meta"].get("security").is_none(),
        "the MASKED label is not stored"
    );
    let mut forged = updated.body.clone();
    forged["identifier"][0]["value"] = json!(ID_1);
    let refused = app.put_json(&path, Some(&alice), &forged, None).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.expression(), Some("Patient.identifier"));
    app.finish().await;
}
on_both!(a_patient_may_update_contact_details_but_not_identity_documents);

async fn roles_get_only_the_patient_operations_their_work_needs(db: Db) {
    let app = TestApp::spawn(db).await;
    let body = patient_json("张三", "张", "三", ID_2, "13800138000");
    let (patient, _) = app.patient("13911110001", "王小明", ID_1).await;
    for role in ["pharmacist", "doctor", "nurse"] {
        let token = app.staff(role).await;
        assert_eq!(
            app.post_json("/fhir/Patient", Some(&token), &body)
                .await
                .status,
            403,
            "{role} may not create patients"
        );
        assert_eq!(
            app.get("/fhir/Patient", Some(&token)).await.status,
            200,
            "{role} may search patients"
        );
    }
    let family = app.post_json("/fhir/Patient", Some(&patient), &body).await;
    assert_eq!(
        family.status, 201,
        "patients add family members: {}",
        family.body
    );
    let registrar = app.staff("registrar").await;
    let walk_in = patient_json("李四", "李", "四", ID_3, "13800138003");
    assert_eq!(
        app.post_json("/fhir/Patient", Some(&registrar), &walk_in)
            .await
            .status,
        201
    );
    app.finish().await;
}
on_both!(roles_get_only_the_patient_operations_their_work_needs);

async fn every_patient_read_write_and_search_is_audited(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let created = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", ID_2, "13800138000"),
        )
        .await;
    let id = created.body["id"].as_str().unwrap().to_owned();
    let path = format!("/fhir/Patient/{id}");
    app.get(&path, Some(&registrar)).await;
    app.put_json(&path, Some(&registrar), &created.body, None)
        .await;
    app.get("/fhir/Patient?name=张", Some(&registrar)).await;
    let events = audit_of(&app, &format!("Patient/{id}")).await;
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["subtype"][0]["code"].as_str().unwrap())
        .collect();
    for action in ["create", "read", "update"] {
        assert!(
            actions.contains(&action),
            "{action} not audited: {actions:?}"
        );
    }
    let event = &events[0];
    assert_eq!(event["agent"][0]["network"]["address"], "127.0.0.1");
    assert!(
        event["agent"][0]["who"]["display"]
            .as_str()
            .unwrap()
            .starts_with("registrar-")
    );
    let searches = audit_of(&app, "Patient?name").await;
    assert_eq!(
        searches.len(),
        1,
        "the search is audited by parameter names, without values"
    );
    assert!(!searches[0].to_string().contains("张"));
    app.finish().await;
}
on_both!(every_patient_read_write_and_search_is_audited);

/// A valid resident ID for the n-th family member.
fn member_id(n: usize) -> String {
    let first17 = format!("3101152010{:02}15{:03}", 1 + n, 100 + n);
    let check = huimin_domain::identity::resident_id_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

async fn an_account_manages_up_to_five_family_members_with_verified_identities(db: Db) {
    let app = TestApp::spawn(db).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, _) = app.patient("13911110002", "李四", ID_3).await;
    let no_document = json!({"resourceType": "Patient", "name": [{"text": "王小宝"}]});
    let refused = app
        .post_json("/fhir/Patient", Some(&alice), &no_document)
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.body["issue"][0]["details"]["coding"][0]["code"],
        "identity-not-verified"
    );
    let mut members = Vec::new();
    for (n, given) in ["一", "二", "三", "四", "五"].into_iter().enumerate() {
        let child = patient_json(
            &format!("王小{given}"),
            "王",
            &format!("小{given}"),
            &member_id(n),
            "13911110001",
        );
        let created = app.post_json("/fhir/Patient", Some(&alice), &child).await;
        assert_eq!(created.status, 201, "{}", created.body);
        members.push(created.body["id"].as_str().unwrap().to_owned());
    }
    let sixth = patient_json("王小六", "王", "小六", &member_id(6), "13911110001");
    let over = app.post_json("/fhir/Patient", Some(&alice), &sixth).await;
    assert_eq!(over.status, 422);
    assert_eq!(
        over.body["issue"][0]["details"]["coding"][0]["code"],
        "family-limit"
    );
    let own = app.get("/fhir/Patient?_count=50", Some(&alice)).await;
    assert_eq!(own.body["total"], 6, "self and five family members");
    assert!(
        own.body["entry"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["resource"]["id"] == alice_id.as_str())
    );
    assert_eq!(
        app.get(&format!("/fhir/Patient/{}", members[0]), Some(&alice))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get(&format!("/fhir/Patient/{}", members[0]), Some(&bob))
            .await
            .status,
        404
    );
    app.finish().await;
}
on_both!(an_account_manages_up_to_five_family_members_with_verified_identities);
