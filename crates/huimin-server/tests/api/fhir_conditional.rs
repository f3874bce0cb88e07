//! Conditional create (`If-None-Exist`, `request.ifNoneExist`), conditional update
//! (`PUT /fhir/{type}?search`), `batch` Bundles answered entry by entry, and narratives made
//! on read and never stored.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

const SYSTEM: &str = "urn:huimin:cs:department-code";

fn department(code: &str, name: &str) -> Value {
    json!({"resourceType": "Organization", "name": name,
        "identifier": [{"system": SYSTEM, "value": code}]})
}

async fn post_if_none_exist(app: &TestApp, token: &str, body: &Value, condition: &str) -> Resp {
    let request = app
        .client
        .post(format!("{}/fhir/Organization", app.base))
        .header("content-type", "application/fhir+json")
        .header("if-none-exist", condition)
        .body(body.to_string());
    app.send(request, Some(token)).await
}

async fn put_where(app: &TestApp, token: &str, query: &str, body: &Value) -> Resp {
    let request = app
        .client
        .put(format!("{}/fhir/Organization?{query}", app.base))
        .header("content-type", "application/fhir+json")
        .body(body.to_string());
    app.send(request, Some(token)).await
}

async fn count(app: &TestApp, token: &str, query: &str) -> i64 {
    let found = app
        .get(&format!("/fhir/Organization?{query}"), Some(token))
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    found.body["total"].as_i64().unwrap()
}

async fn conditional_create_and_update_find_what_is_there(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let condition = format!("identifier={SYSTEM}|03.01");

    // Nothing there: created. There: answered with it, nothing created.
    let first =
        post_if_none_exist(&app, &admin, &department("03.01", "心血管内科"), &condition).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post_if_none_exist(&app, &admin, &department("03.01", "心内科"), &condition).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(
        again.body["name"], "心血管内科",
        "the existing one, unchanged"
    );
    assert_eq!(count(&app, &admin, &condition).await, 1);

    // Several match: 412, nothing created; an empty or unknown condition: 400.
    let other = post_if_none_exist(
        &app,
        &admin,
        &department("03.02", "心内二科"),
        "identifier=03.02",
    )
    .await;
    assert_eq!(other.status, 201, "{}", other.body);
    let several = post_if_none_exist(
        &app,
        &admin,
        &department("03.09", "x"),
        &format!("identifier={SYSTEM}|"),
    )
    .await;
    assert_eq!(several.status, 412, "{}", several.body);
    assert_eq!(several.expression(), Some("If-None-Exist"));
    for bad in ["", "colour=red"] {
        let refused = post_if_none_exist(&app, &admin, &department("03.09", "x"), bad).await;
        assert_eq!(refused.status, 400, "{bad:?}: {}", refused.body);
        assert_eq!(
            refused.expression(),
            Some("If-None-Exist"),
            "{}",
            refused.body
        );
    }
    assert_eq!(
        count(&app, &admin, &format!("identifier={SYSTEM}|")).await,
        2
    );

    // Conditional update: one match is updated in place; none is a create; several are 412.
    let renamed = put_where(
        &app,
        &admin,
        &condition,
        &department("03.01", "心血管内科（一病区）"),
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.body["id"], first.body["id"]);
    assert_eq!(renamed.body["meta"]["versionId"], "2");
    let made = put_where(
        &app,
        &admin,
        &format!("identifier={SYSTEM}|03.03"),
        &department("03.03", "心内三科"),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let mut with_id = department("03.04", "x");
    with_id["id"] = json!("chosen-by-client");
    let client_id = put_where(
        &app,
        &admin,
        &format!("identifier={SYSTEM}|03.04"),
        &with_id,
    )
    .await;
    assert_eq!(client_id.status, 400, "{}", client_id.body);
    let mut wrong_id = department("03.01", "x");
    wrong_id["id"] = made.body["id"].clone();
    let mismatch = put_where(&app, &admin, &condition, &wrong_id).await;
    assert_eq!(mismatch.status, 400, "{}", mismatch.body);
    let several = put_where(
        &app,
        &admin,
        &format!("identifier={SYSTEM}|"),
        &department("03.05", "x"),
    )
    .await;
    assert_eq!(several.status, 412, "{}", several.body);
    assert_eq!(
        count(&app, &admin, &format!("identifier={SYSTEM}|")).await,
        3
    );

    // Whoever may not search a type learns nothing through a condition.
    let (patient, _) = app.patient("13911120081", "王小明", ID_2).await;
    let refused = post_if_none_exist(&app, &patient, &department("03.01", "x"), &condition).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    app.finish().await;
}
on_both!(conditional_create_and_update_find_what_is_there);

async fn a_batch_answers_each_entry_and_a_transaction_reuses_what_exists(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let entry = |resource: Value| {
        let kind = resource["resourceType"].as_str().unwrap().to_owned();
        json!({"resource": resource, "request": {"method": "POST", "url": kind}})
    };
    let batch = json!({"resourceType": "Bundle", "type": "batch", "entry": [
        entry(department("04.01", "呼吸内科")),
        entry(json!({"resourceType": "Organization", "name": 7})),
        entry(json!({"resourceType": "Location", "name": "呼吸科诊室",
            "managingOrganization": {"reference": "urn:uuid:7c1d6a4e-0000-4000-8000-000000000009"}})),
        {"resource": department("04.01", "呼吸内科"),
         "request": {"method": "POST", "url": "Organization",
                     "ifNoneExist": format!("identifier={SYSTEM}|04.01")}},
    ]});
    let answered = app.post_json("/fhir", Some(&admin), &batch).await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    assert_eq!(answered.body["type"], "batch-response");
    let entries = answered.body["entry"].as_array().unwrap();
    assert_eq!(entries[0]["response"]["status"], "201 Created");
    assert!(
        entries[1]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("400"),
        "{}",
        answered.body
    );
    assert_eq!(
        entries[1]["response"]["outcome"]["resourceType"],
        "OperationOutcome"
    );
    assert!(
        entries[1]["response"]["outcome"]["issue"][0]["expression"][0]
            .as_str()
            .unwrap()
            .starts_with("Bundle.entry[1]"),
        "{}",
        answered.body
    );
    assert!(
        entries[2]["response"]["status"]
            .as_str()
            .unwrap()
            .starts_with("400")
    );
    assert_eq!(
        entries[3]["response"]["status"], "200 OK",
        "{}",
        answered.body
    );
    assert_eq!(
        entries[3]["response"]["location"],
        entries[0]["response"]["location"]
    );
    assert_eq!(
        count(&app, &admin, &format!("identifier={SYSTEM}|04.01")).await,
        1
    );

    // A transaction whose department is already there: the room points at the existing one.
    let existing = entries[0]["response"]["location"]
        .as_str()
        .unwrap()
        .split('/')
        .nth(1)
        .unwrap()
        .to_owned();
    let transaction = json!({"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "urn:uuid:7c1d6a4e-0000-4000-8000-000000000001",
         "resource": department("04.01", "呼吸内科"),
         "request": {"method": "POST", "url": "Organization",
                     "ifNoneExist": format!("identifier={SYSTEM}|04.01")}},
        entry(json!({"resourceType": "Location", "name": "呼吸科 2 诊室", "status": "active",
            "managingOrganization": {"reference": "urn:uuid:7c1d6a4e-0000-4000-8000-000000000001"}})),
    ]});
    let done = app.post_json("/fhir", Some(&admin), &transaction).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["entry"][0]["response"]["status"], "200 OK");
    assert_eq!(done.body["entry"][1]["response"]["status"], "201 Created");
    let room = done.body["entry"][1]["response"]["location"]
        .as_str()
        .unwrap()
        .split("/_history")
        .next()
        .unwrap()
        .to_owned();
    let room = app.get(&format!("/fhir/{room}"), Some(&admin)).await;
    assert_eq!(
        room.body["managingOrganization"]["reference"],
        format!("Organization/{existing}")
    );
    assert_eq!(
        count(&app, &admin, &format!("identifier={SYSTEM}|04.01")).await,
        1
    );
    app.finish().await;
}
on_both!(a_batch_answers_each_entry_and_a_transaction_reuses_what_exists);

async fn reads_carry_a_generated_narrative_that_is_never_stored(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let made = app
        .post_json(
            "/fhir/Organization",
            Some(&admin),
            &department("05.01", "消化内科 <门诊>"),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_str().unwrap();
    let read = app
        .get(&format!("/fhir/Organization/{id}"), Some(&admin))
        .await;
    assert_eq!(read.body["text"]["status"], "generated", "{}", read.body);
    let div = read.body["text"]["div"].as_str().unwrap();
    assert!(div.contains("<b>机构</b>：消化内科 &lt;门诊&gt;"), "{div}");
    let search = app.get("/fhir/Organization?name=消化", Some(&admin)).await;
    assert_eq!(
        search.body["entry"][0]["resource"]["text"]["status"],
        "generated"
    );
    assert!(search.body.get("text").is_none());
    let summary = app
        .get("/fhir/Organization?name=消化&_summary=true", Some(&admin))
        .await;
    assert!(summary.body["entry"][0]["resource"].get("text").is_none());
    // Sent back with a rename, the old narrative is not kept: the next read tells the new name.
    let mut back = read.body.clone();
    back["name"] = json!("消化内科");
    let put = app
        .put_json(
            &format!("/fhir/Organization/{id}"),
            Some(&admin),
            &back,
            None,
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    let stored = app
        .store
        .read_resource("Organization", id)
        .await
        .unwrap()
        .unwrap();
    assert!(stored.content.get("text").is_none(), "{}", stored.content);
    let again = app
        .get(&format!("/fhir/Organization/{id}"), Some(&admin))
        .await;
    assert!(
        again.body["text"]["div"]
            .as_str()
            .unwrap()
            .contains("：消化内科</p>")
    );
    app.finish().await;
}
on_both!(reads_carry_a_generated_narrative_that_is_never_stored);
