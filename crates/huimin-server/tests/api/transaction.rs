//! FHIR `transaction` Bundles at `POST /fhir`: a doctor and their post created together, or
//! neither.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

async fn department(app: &TestApp, admin: &str) -> String {
    let created = app
        .post_json(
            "/fhir/Organization",
            Some(admin),
            &json!({"resourceType": "Organization", "active": true, "name": "心血管内科",
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept"}]}]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

/// A doctor (`urn:uuid:doctor`) and their post in the department, with a fee and a class.
fn doctor_with_post(name: &str, department: &str, class: &str) -> Value {
    json!({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "urn:uuid:doctor",
         "resource": {"resourceType": "Practitioner", "active": true, "name": [{"text": name}]},
         "request": {"method": "POST", "url": "Practitioner"}},
        {"resource": {"resourceType": "PractitionerRole", "active": true,
            "extension": [
                {"url": "urn:huimin:ext:registration-class", "valueCode": class},
                {"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": 50.0, "currency": "CNY"}}],
            "practitioner": {"reference": "urn:uuid:doctor", "display": name},
            "organization": {"reference": format!("Organization/{department}")}},
         "request": {"method": "POST", "url": "PractitionerRole"}},
    ]})
}

async fn a_transaction_creates_a_doctor_and_their_post_together(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let dept = department(&app, &admin).await;
    let done = app
        .post_json(
            "/fhir",
            Some(&admin),
            &doctor_with_post("李振邦", &dept, "expert"),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_schema_valid(&done.body);
    assert_eq!(done.body["type"], "transaction-response");
    let answers = done.body["entry"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert!(
        answers
            .iter()
            .all(|a| a["response"]["status"] == "201 Created")
    );
    let doctor = answers[0]["response"]["location"].as_str().unwrap();
    let doctor = doctor.split("/_history").next().unwrap().to_owned();
    assert!(doctor.starts_with("Practitioner/"), "{doctor}");
    let posts = app
        .get(
            &format!("/fhir/PractitionerRole?practitioner={doctor}"),
            None,
        )
        .await;
    assert_eq!(posts.body["total"], 1, "{}", posts.body);
    let post = &posts.body["entry"][0]["resource"];
    assert_eq!(
        post["practitioner"]["reference"],
        doctor.as_str(),
        "urn:uuid resolved"
    );
    assert_eq!(
        post["organization"]["reference"],
        format!("Organization/{dept}")
    );
    let trail = app
        .store
        .audit_page(None, Some(&doctor), 10, 0)
        .await
        .unwrap();
    assert_eq!(trail.total, 1, "each entry's creation is audited");
    app.finish().await;
}
on_both!(a_transaction_creates_a_doctor_and_their_post_together);

async fn a_refused_entry_leaves_nothing_of_the_transaction(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let dept = department(&app, &admin).await;
    let refused = app
        .post_json(
            "/fhir",
            Some(&admin),
            &doctor_with_post("王未成", &dept, "no-such-class"),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let expression = refused.body["issue"][0]["expression"][0].as_str().unwrap();
    assert!(
        expression.starts_with("Bundle.entry[1].resource"),
        "the issue points at the entry: {expression}"
    );
    let doctors = app.get("/fhir/Practitioner?name=王未成", None).await;
    assert_eq!(doctors.body["total"], 0, "no doctor without a post");
    app.finish().await;
}
on_both!(a_refused_entry_leaves_nothing_of_the_transaction);

async fn transactions_are_staff_creates_of_known_kinds(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let dept = department(&app, &admin).await;
    let bundle = doctor_with_post("赵无权", &dept, "expert");
    assert_eq!(app.post_json("/fhir", None, &bundle).await.status, 401);
    let (patient, _) = app.patient("13911110009", "钱病人", ID_2).await;
    assert_eq!(
        app.post_json("/fhir", Some(&patient), &bundle).await.status,
        403
    );
    assert_eq!(
        app.post_json("/fhir", Some(&registrar), &bundle)
            .await
            .status,
        403,
        "registrars do not maintain the directory"
    );
    let mut update = bundle.clone();
    update["entry"][0]["request"]["method"] = json!("PUT");
    let refused = app.post_json("/fhir", Some(&admin), &update).await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.body["issue"][0]["expression"][0],
        "Bundle.entry[0].request.method"
    );
    let denied = app
        .store
        .audit_page(None, Some("Bundle"), 10, 0)
        .await
        .unwrap();
    assert_eq!(
        denied.total, 1,
        "the patient's refused transaction is audited"
    );
    let mut unknown = bundle.clone();
    unknown["entry"][0]["resource"]["resourceType"] = json!("Medication");
    unknown["entry"][0]["request"]["url"] = json!("Medication");
    let refused = app.post_json("/fhir", Some(&admin), &unknown).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(
        refused.body["issue"][0]["expression"][0],
        "Bundle.entry[0].resource.resourceType"
    );
    let mut dangling = bundle.clone();
    dangling["entry"][0]["fullUrl"] = json!("urn:uuid:someone-else");
    let refused = app.post_json("/fhir", Some(&admin), &dangling).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(
        refused.body["issue"][0]["expression"][0],
        "Bundle.entry[1].resource"
    );
    let mut twice = bundle.clone();
    twice["entry"][1]["fullUrl"] = json!("urn:uuid:doctor");
    let refused = app.post_json("/fhir", Some(&admin), &twice).await;
    assert_eq!(
        refused.body["issue"][0]["expression"][0],
        "Bundle.entry[1].fullUrl"
    );
    let empty = json!({"resourceType": "Bundle", "type": "transaction", "entry": []});
    assert_eq!(
        app.post_json("/fhir", Some(&admin), &empty).await.status,
        400
    );
    let doctors = app.get("/fhir/Practitioner?name=赵无权", None).await;
    assert_eq!(doctors.body["total"], 0);
    // The same entries as a batch: each answered on its own; the post that refers to another
    // entry is refused (that takes a transaction), the doctor is created.
    let mut batch = bundle.clone();
    batch["type"] = json!("batch");
    let answered = app.post_json("/fhir", Some(&admin), &batch).await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert_eq!(answered.body["type"], "batch-response");
    assert_eq!(
        answered.body["entry"][0]["response"]["status"],
        "201 Created"
    );
    assert_eq!(
        answered.body["entry"][1]["response"]["status"], "400 Bad Request",
        "{}",
        answered.body
    );
    let metadata = app.get("/fhir/metadata", None).await;
    assert_eq!(
        metadata.body["rest"][0]["interaction"][0]["code"],
        "transaction"
    );
    app.finish().await;
}
on_both!(transactions_are_staff_creates_of_known_kinds);

/// All or none at the database too: the second Patient carries the first one's identity
/// document, the store refuses it, and the first is not kept either.
async fn a_transaction_refused_by_the_database_keeps_none_of_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let patient = |name: &str| {
        json!({"request": {"method": "POST", "url": "Patient"},
               "resource": patient_json(name, &name[..3], &name[3..], ID_3, "13911110008")})
    };
    let bundle = json!({"resourceType": "Bundle", "type": "transaction",
        "entry": [patient("孙一号"), patient("孙二号")]});
    let refused = app.post_json("/fhir", Some(&registrar), &bundle).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    let found = app
        .get(
            &format!("/fhir/Patient?identifier={ID_3}"),
            Some(&registrar),
        )
        .await;
    assert_eq!(found.body["total"], 0, "{}", found.body);
    let single =
        json!({"resourceType": "Bundle", "type": "transaction", "entry": [patient("孙一号")]});
    let created = app.post_json("/fhir", Some(&registrar), &single).await;
    assert_eq!(created.status, 200, "{}", created.body);
    app.finish().await;
}
on_both!(a_transaction_refused_by_the_database_keeps_none_of_it);
