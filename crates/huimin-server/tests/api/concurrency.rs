//! Correctness under concurrency and crashes: one winner per version, no lost acknowledged
//! writes, an intact audit chain with several writers.

use huimin_store::{ChainStatus, DataKey, NewAuditRecord, Store};
use serde_json::json;

use crate::helpers::*;
use crate::on_both;

async fn concurrent_updates_with_the_same_version_have_exactly_one_winner(db: Db) {
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
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (client, url, token) = (
            app.client.clone(),
            format!("{}{path}", app.base),
            registrar.clone(),
        );
        let mut body = created.body.clone();
        body["telecom"][0]["value"] = json!(format!("139001390{i:02}"));
        tasks.push(tokio::spawn(async move {
            client
                .put(url)
                .bearer_auth(token)
                .header("content-type", "application/fhir+json")
                .header("if-match", "W/\"1\"")
                .body(body.to_string())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 412),
        "{statuses:?}"
    );
    let current = app.get(&path, Some(&registrar)).await;
    assert_eq!(current.body["meta"]["versionId"], "2");
    app.finish().await;
}
on_both!(concurrent_updates_with_the_same_version_have_exactly_one_winner);

async fn concurrent_registrations_of_one_document_create_one_patient(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (client, url) = (app.client.clone(), format!("{}/auth/register", app.base));
        let body = json!({"phone": format!("139111100{i:02}"), "password": PASSWORD, "name": "王小明", "resident_id": ID_2, "accept_terms": huimin_domain::person::TERMS_VERSION});
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let admin = app.admin().await;
    assert_eq!(
        app.get("/fhir/Patient", Some(&admin)).await.body["total"],
        1
    );
    assert_eq!(
        app.store.count_users().await.unwrap(),
        2,
        "admin and one patient account: the losers left no account behind"
    );
    app.finish().await;
}
on_both!(concurrent_registrations_of_one_document_create_one_patient);

async fn an_acknowledged_write_survives_a_crash(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    let created = app
        .post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", ID_2, "13800138000"),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let app = app.crash_and_restart().await;
    let admin = app.admin().await;
    let read = app.get(&format!("/fhir/Patient/{id}"), Some(&admin)).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["identifier"][0]["value"], ID_2);
    assert!(matches!(
        app.store.verify_audit_chain().await.unwrap(),
        ChainStatus::Intact { .. }
    ));
    app.finish().await;
}
on_both!(an_acknowledged_write_survives_a_crash);

/// Two independent stores on one database stand for two server processes.
async fn two_writers_on_one_database_keep_the_audit_chain_intact(db: Db) {
    let app = TestApp::spawn(db).await;
    let key = DataKey::load(&app.dir.path().join("data.key"))
        .unwrap()
        .expect("the key file");
    let second = Store::connect(&app.settings.database_target(), &key)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for (w, store) in [app.store.clone(), second.clone()].into_iter().enumerate() {
        for i in 0..50 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .audit(NewAuditRecord {
                        actor: format!("writer-{w}"),
                        role: "admin".into(),
                        action: "read".into(),
                        resource: format!("Patient/{i}"),
                        source_ip: "127.0.0.1".into(),
                        outcome: "success".into(),
                        detail: String::new(),
                    })
                    .await
                    .unwrap()
            }));
        }
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.unwrap());
    }
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 100, "every append got its own sequence number");
    match app.store.verify_audit_chain().await.unwrap() {
        ChainStatus::Intact { records } => assert!(records >= 100),
        broken => panic!("{broken:?}"),
    }
    second.close().await;
    app.finish().await;
}
on_both!(two_writers_on_one_database_keep_the_audit_chain_intact);
