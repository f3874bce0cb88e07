use serde_json::json;

use crate::helpers::*;
use crate::on_both;

async fn creating_a_patient_returns_201_with_location_and_etag(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let response = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", ID_2, "+86 13800138000"),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.body);
    let id = response.body["id"].as_str().unwrap();
    assert!(
        response
            .header("location")
            .unwrap()
            .ends_with(&format!("/fhir/Patient/{id}/_history/1"))
    );
    assert_eq!(response.header("etag"), Some("W/\"1\""));
    assert_eq!(response.body["meta"]["versionId"], "1");
    assert_eq!(
        response.body["telecom"][0]["value"], "13800138000",
        "phone normalised"
    );
    assert_eq!(
        response.body["identifier"][0]["value"], ID_2,
        "registrars see identifiers in full"
    );
    assert_schema_valid(&response.body);
    app.finish().await;
}
on_both!(creating_a_patient_returns_201_with_location_and_etag);

/// Primitive extensions (`_birthDate`, `_gender`) are kept: a newborn's time of birth, how
/// a gender was recorded.
async fn primitive_extensions_are_accepted_and_returned(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let mut patient = patient_json("张三", "张", "三", ID_2, "+86 13800138000");
    let birth_time = json!({"extension": [{
        "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
        "valueDateTime": "1990-03-07T08:30:00+08:00"
    }]});
    let recorded = json!({"id": "g1", "extension": [{
        "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
        "valueCode": "asked-declined"
    }]});
    patient["_birthDate"] = birth_time.clone();
    patient["_gender"] = recorded.clone();
    let created = app
        .post_json("/fhir/Patient", Some(&registrar), &patient)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap();
    let read = app
        .get(&format!("/fhir/Patient/{id}"), Some(&registrar))
        .await;
    assert_eq!(read.body["_birthDate"], birth_time);
    assert_eq!(read.body["_gender"], recorded);
    assert_schema_valid(&read.body);
    patient["_birthDay"] = json!({"extension": []});
    let unknown = app
        .post_json("/fhir/Patient", Some(&registrar), &patient)
        .await;
    assert_eq!(
        unknown.status, 400,
        "an unknown `_` element is still refused"
    );
    app.finish().await;
}
on_both!(primitive_extensions_are_accepted_and_returned);

async fn a_bad_resident_id_is_refused_naming_the_field(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let response = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", "320106198503156789", "13800138000"),
        )
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(response.body["resourceType"], "OperationOutcome");
    assert_eq!(response.expression(), Some("Patient.identifier[0].value"));
    assert!(
        response.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("请对照证件逐位核对")
    );
    assert_schema_valid(&response.body);
    let future = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", "110101209901010012", "13800138000"),
        )
        .await;
    assert_eq!(future.status, 422);
    let mismatch = {
        let mut p = patient_json("张三", "张", "三", ID_2, "13800138000");
        p["gender"] = json!("female");
        app.post_json("/fhir/Patient", Some(&registrar), &p).await
    };
    assert_eq!(mismatch.status, 422);
    assert_eq!(mismatch.expression(), Some("Patient.gender"));
    let search = app.get("/fhir/Patient", Some(&registrar)).await;
    assert_eq!(search.body["total"], 0, "nothing was stored");
    app.finish().await;
}
on_both!(a_bad_resident_id_is_refused_naming_the_field);

async fn a_second_patient_with_the_same_document_is_409(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    assert_eq!(
        app.post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", ID_1, "13800138000")
        )
        .await
        .status,
        201
    );
    let lowercase = ID_1.to_lowercase();
    let again = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", &lowercase, "13800138001"),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.body["issue"][0]["code"], "conflict");
    app.finish().await;
}
on_both!(a_second_patient_with_the_same_document_is_409);

async fn updates_are_versioned_and_a_stale_if_match_is_412(db: Db) {
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
    let mut changed = created.body.clone();
    changed["telecom"][0]["value"] = json!("13900139000");
    let updated = app
        .put_json(&path, Some(&registrar), &changed, Some("W/\"1\""))
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["meta"]["versionId"], "2");
    assert_eq!(updated.header("etag"), Some("W/\"2\""));
    let stale = app
        .put_json(&path, Some(&registrar), &changed, Some("W/\"1\""))
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(stale.body["resourceType"], "OperationOutcome");
    let old = app
        .get(&format!("{path}/_history/1"), Some(&registrar))
        .await;
    assert_eq!(old.status, 200);
    assert_eq!(old.body["telecom"][0]["value"], "13800138000");
    let current = app.get(&path, Some(&registrar)).await;
    assert_eq!(current.body["telecom"][0]["value"], "13900139000");
    let wrong_id = app
        .put_json(
            &path,
            Some(&registrar),
            &json!({"resourceType": "Patient", "id": "other", "name": [{"text": "x"}]}),
            None,
        )
        .await;
    assert_eq!(wrong_id.status, 400);
    let malformed_tag = app
        .put_json(&path, Some(&registrar), &changed, Some("yesterday"))
        .await;
    assert_eq!(malformed_tag.status, 400);
    app.finish().await;
}
on_both!(updates_are_versioned_and_a_stale_if_match_is_412);

async fn search_finds_patients_by_identifier_name_phone_and_birthdate(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    for (name, family, given, id, phone) in [
        ("张三", "张", "三", ID_2, "13800138000"),
        ("张丽", "张", "丽", ID_1, "13800138001"),
        ("李四", "李", "四", ID_3, "13800138002"),
    ] {
        assert_eq!(
            app.post_json(
                "/fhir/Patient",
                Some(&registrar),
                &patient_json(name, family, given, id, phone)
            )
            .await
            .status,
            201
        );
    }
    let total = |r: &Resp| r.body["total"].as_i64().unwrap();
    assert_eq!(
        total(&app.get("/fhir/Patient?name=张", Some(&registrar)).await),
        2
    );
    assert_eq!(
        total(&app.get("/fhir/Patient?family=李", Some(&registrar)).await),
        1
    );
    assert_eq!(
        total(
            &app.get("/fhir/Patient?name:exact=张三", Some(&registrar))
                .await
        ),
        1
    );
    assert_eq!(
        total(
            &app.get(
                &format!("/fhir/Patient?identifier=urn:huimin:sid:cn-resident-id|{ID_2}"),
                Some(&registrar)
            )
            .await
        ),
        1
    );
    assert_eq!(
        total(
            &app.get(
                &format!("/fhir/Patient?identifier={}", ID_1.to_lowercase()),
                Some(&registrar)
            )
            .await
        ),
        1
    );
    assert_eq!(
        total(
            &app.get("/fhir/Patient?phone=138-0013-8002", Some(&registrar))
                .await
        ),
        1
    );
    assert_eq!(
        total(
            &app.get("/fhir/Patient?birthdate=1949", Some(&registrar))
                .await
        ),
        1
    );
    assert_eq!(
        total(
            &app.get("/fhir/Patient?birthdate=ge1980-01-01", Some(&registrar))
                .await
        ),
        2
    );
    assert_eq!(
        total(
            &app.get("/fhir/Patient?gender=female", Some(&registrar))
                .await
        ),
        1
    );
    assert_eq!(
        total(
            &app.get("/fhir/Patient?name=张&gender=male", Some(&registrar))
                .await
        ),
        1
    );
    assert_eq!(
        total(&app.get("/fhir/Patient?name=王", Some(&registrar)).await),
        0
    );
    let id = app
        .get("/fhir/Patient?family=李", Some(&registrar))
        .await
        .body["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        total(
            &app.get(&format!("/fhir/Patient?_id={id}"), Some(&registrar))
                .await
        ),
        1
    );
    assert_eq!(
        total(
            &app.get("/fhir/Patient?_summary=count", Some(&registrar))
                .await
        ),
        3
    );
    app.finish().await;
}
on_both!(search_finds_patients_by_identifier_name_phone_and_birthdate);

async fn search_pages_with_count_total_and_next_links(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.demo = true).await;
    let page1 = app.get("/fhir/Practitioner?_count=10", None).await;
    assert_eq!(page1.status, 200);
    let total = page1.body["total"].as_i64().unwrap();
    assert!(total >= 60, "demo has at least 60 doctors, got {total}");
    assert_eq!(page1.body["entry"].as_array().unwrap().len(), 10);
    assert_schema_valid(&page1.body);
    let next = page1.body["link"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["relation"] == "next")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = next.trim_start_matches(&app.base);
    let page2 = app.get(path, None).await;
    let ids = |r: &Resp| {
        r.body["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let (first, second) = (ids(&page1), ids(&page2));
    assert!(
        first.iter().all(|id| !second.contains(id)),
        "pages do not overlap"
    );
    let mut seen = std::collections::HashSet::new();
    let mut url = "/fhir/Practitioner?_count=25".to_owned();
    loop {
        let page = app.get(&url, None).await;
        for id in ids(&page) {
            assert!(seen.insert(id), "an id appears on two pages");
        }
        match page.body["link"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == "next")
        {
            Some(link) => {
                url = link["url"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(&app.base)
                    .to_owned()
            }
            None => break,
        }
    }
    assert_eq!(
        seen.len() as i64,
        total,
        "walking next links visits every record once"
    );
    app.finish().await;
}
on_both!(search_pages_with_count_total_and_next_links);

async fn identifiers_are_masked_for_roles_that_do_not_need_them(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let doctor = app.staff("doctor").await;
    let created = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", ID_2, "13800138000"),
        )
        .await;
    let id = created.body["id"].as_str().unwrap();
    let seen = app.get(&format!("/fhir/Patient/{id}"), Some(&doctor)).await;
    assert_eq!(seen.status, 200);
    assert_eq!(seen.body["identifier"][0]["value"], "110***********1137");
    assert_eq!(seen.body["telecom"][0]["value"], "138****8000");
    assert_eq!(seen.body["meta"]["security"][0]["code"], "MASKED");
    assert_schema_valid(&seen.body);
    let full = app
        .get(&format!("/fhir/Patient/{id}"), Some(&registrar))
        .await;
    assert_eq!(full.body["identifier"][0]["value"], ID_2);
    app.finish().await;
}
on_both!(identifiers_are_masked_for_roles_that_do_not_need_them);

async fn identifiers_and_phones_are_not_stored_in_clear_text(db: Db) {
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
    app.get(&format!("/fhir/Patient/{id}"), Some(&registrar))
        .await;
    app.get(
        &format!("/fhir/Patient?identifier={ID_2}&phone=13800138000"),
        Some(&registrar),
    )
    .await;
    let (patient, _) = app.patient("13912345678", "李四", ID_3).await;
    app.get("/fhir/Patient", Some(&patient)).await;
    let secrets = [ID_2, "13800138000", ID_3, "13912345678"];
    let stored = app.database_text().await;
    assert!(stored.contains("张三"), "the dump does include stored rows");
    for secret in secrets {
        assert!(
            !stored.contains(secret),
            "{secret} found in clear text in the database"
        );
    }
    app.finish().await;
}
on_both!(identifiers_and_phones_are_not_stored_in_clear_text);
