use huimin_store::{ChainStatus, DatabaseTarget};
use sqlx::Connection;

use crate::helpers::*;
use crate::on_both;

async fn only_administrators_read_the_audit_trail(db: Db) {
    let app = TestApp::spawn(db).await;
    assert_eq!(app.get("/fhir/AuditEvent", None).await.status, 401);
    let registrar = app.staff("registrar").await;
    assert_eq!(
        app.get("/fhir/AuditEvent", Some(&registrar)).await.status,
        403
    );
    let (patient, _) = app.patient("13911110001", "王小明", ID_2).await;
    assert_eq!(
        app.get("/fhir/AuditEvent", Some(&patient)).await.status,
        403
    );
    let admin = app.admin().await;
    let trail = app.get("/fhir/AuditEvent?_count=5", Some(&admin)).await;
    assert_eq!(trail.status, 200);
    assert!(trail.body["total"].as_i64().unwrap() >= 3);
    assert_schema_valid(&trail.body);
    let first = trail.body["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = app
        .get(&format!("/fhir/AuditEvent/{first}"), Some(&admin))
        .await;
    assert_eq!(one.status, 200);
    assert_schema_valid(&one.body);
    let logins = app.get("/fhir/AuditEvent?agent=admin", Some(&admin)).await;
    assert!(logins.body["total"].as_i64().unwrap() >= 1);
    app.finish().await;
}
on_both!(only_administrators_read_the_audit_trail);

/// Runs one statement on the test's database, as someone with direct database access would.
async fn tamper(app: &TestApp, sql: &str) {
    match &app.settings.database {
        Some(DatabaseTarget::Postgres { url }) => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap();
        }
        _ => {
            let path = app.dir.path().join("huimin.db");
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
                .await
                .unwrap();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
}

async fn audit_chain_verification_detects_an_edited_row(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    for (i, id) in [ID_1, ID_2, ID_3].iter().enumerate() {
        app.post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", id, &format!("1380013800{i}")),
        )
        .await;
    }
    let intact = app.store.verify_audit_chain().await.unwrap();
    let ChainStatus::Intact { records } = intact else {
        panic!("fresh chain reported broken: {intact:?}")
    };
    assert!(records >= 4);
    tamper(
        &app,
        "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2",
    )
    .await;
    match app.store.verify_audit_chain().await.unwrap() {
        ChainStatus::Broken { seq, .. } => assert_eq!(seq, 2),
        other => panic!("edit not detected: {other:?}"),
    }
    app.finish().await;
}
on_both!(audit_chain_verification_detects_an_edited_row);

async fn audit_chain_verification_detects_deleted_rows(db: Db) {
    let app = TestApp::spawn(db).await;
    let registrar = app.staff("registrar").await;
    app.post_json(
        "/fhir/Patient",
        Some(&registrar),
        &patient_json("张三", "张", "三", ID_2, "13800138000"),
    )
    .await;
    app.get("/fhir/Patient", Some(&registrar)).await;
    tamper(
        &app,
        "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)",
    )
    .await;
    assert!(
        matches!(
            app.store.verify_audit_chain().await.unwrap(),
            ChainStatus::Broken { .. }
        ),
        "a removed last record is detected"
    );
    tamper(&app, "DELETE FROM audit_log WHERE seq = 1").await;
    match app.store.verify_audit_chain().await.unwrap() {
        ChainStatus::Broken { seq, .. } => assert_eq!(seq, 1),
        other => panic!("deletion not detected: {other:?}"),
    }
    app.finish().await;
}
on_both!(audit_chain_verification_detects_deleted_rows);

/// Hundreds of records appended at once go through the batcher in batches of several chunks
/// (one text on PostgreSQL): each gets its own sequence number, reads back as written (quotes
/// and backslashes included) and the chain stays intact.
async fn a_burst_of_records_is_chained_in_order_and_reads_back_as_written(db: Db) {
    let app = TestApp::spawn(db).await;
    let before = match app.store.verify_audit_chain().await.unwrap() {
        ChainStatus::Intact { records } => records,
        other => panic!("fresh chain reported broken: {other:?}"),
    };
    let mut tasks = Vec::new();
    for n in 0..300 {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let detail = format!("记录 {n}: O'Brien \\ 'quoted' $1 ?");
            let record = huimin_store::NewAuditRecord {
                actor: format!("actor-{n}"),
                role: "registrar".into(),
                action: "read".into(),
                resource: format!("Patient/{n}"),
                source_ip: "127.0.0.1".into(),
                outcome: "success".into(),
                detail: detail.clone(),
            };
            (store.audit(record).await.unwrap(), detail)
        }));
    }
    let mut seqs = std::collections::HashSet::new();
    for task in tasks {
        let (seq, detail) = task.await.unwrap();
        assert!(seqs.insert(seq), "sequence number {seq} given twice");
        let stored = app.store.audit_record(seq).await.unwrap().unwrap();
        assert_eq!(stored.facts.detail, detail);
    }
    match app.store.verify_audit_chain().await.unwrap() {
        ChainStatus::Intact { records } => assert_eq!(records, before + 300),
        other => panic!("chain broken by a burst: {other:?}"),
    }
    app.finish().await;
}
on_both!(a_burst_of_records_is_chained_in_order_and_reads_back_as_written);
