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

/// A few records: a registrar creates three patients and searches them.
async fn some_records(app: &TestApp) {
    let registrar = app.staff("registrar").await;
    for (i, id) in [ID_1, ID_2, ID_3].iter().enumerate() {
        app.post_json(
            "/fhir/Patient",
            Some(&registrar),
            &patient_json("张三", "张", "三", id, &format!("1380013800{i}")),
        )
        .await;
    }
    app.get("/fhir/Patient", Some(&registrar)).await;
}

/// Re-links records `from..` with plain SHA-256 (all an attacker without the data key can
/// compute) after the link of `from - 1`, and points the head at the last.
async fn relink_with_plain_hashes(app: &TestApp, from: i64) {
    let page = app.store.audit_page(None, None, 10_000, 0).await.unwrap();
    let mut records = page.records;
    records.sort_by_key(|r| r.facts.seq);
    let mut prev = records
        .iter()
        .find(|r| r.facts.seq == from - 1)
        .map_or(huimin_domain::audit::GENESIS_HASH.to_owned(), |r| {
            r.hash.clone()
        });
    let mut last = 0;
    for record in records.iter().filter(|r| r.facts.seq >= from) {
        let hash = record.facts.chain_hash(&prev);
        tamper(
            app,
            &format!(
                "UPDATE audit_log SET hash = '{hash}' WHERE seq = {}",
                record.facts.seq
            ),
        )
        .await;
        prev = hash;
        last = record.facts.seq;
    }
    tamper(
        app,
        &format!("UPDATE audit_head SET seq = {last}, hash = '{prev}' WHERE id = 1"),
    )
    .await;
}

/// The attack the plain SHA-256 chain let through: the last records deleted and the head set
/// to the new last record's link. The head's seal, which only the key computes, tells.
async fn a_cut_off_tail_with_the_head_moved_back_is_detected(db: Db) {
    let app = TestApp::spawn(db).await;
    some_records(&app).await;
    let ChainStatus::Intact { records } = app.store.verify_audit_chain().await.unwrap() else {
        panic!("fresh chain reported broken")
    };
    let keep = records - 2;
    let last = app.store.audit_record(keep).await.unwrap().unwrap();
    tamper(&app, &format!("DELETE FROM audit_log WHERE seq > {keep}")).await;
    tamper(
        &app,
        &format!(
            "UPDATE audit_head SET seq = {keep}, hash = '{}' WHERE id = 1",
            last.hash
        ),
    )
    .await;
    match app.store.verify_audit_chain().await.unwrap() {
        ChainStatus::Broken { seq, reason } => {
            assert_eq!(seq, keep + 1);
            assert!(reason.contains("seal"), "{reason}");
        }
        other => panic!("a cut-off tail verified: {other:?}"),
    }
    app.finish().await;
}
on_both!(a_cut_off_tail_with_the_head_moved_back_is_detected);

/// Records rewritten and re-linked with plain hashes break at the first one rewritten; an
/// anchor taken before says so too, and still does when the attacker also made the chain
/// look as if it had never been keyed (the next start keys it again after their records).
async fn an_anchor_finds_a_tail_rewritten_with_plain_hashes(db: Db) {
    let app = TestApp::spawn(db).await;
    some_records(&app).await;
    let verified = app.store.check_audit_chain(None).await.unwrap().unwrap();
    let anchor = huimin_domain::audit::Anchor {
        seq: verified.records,
        mac: verified.last.clone(),
    };
    let anchored = app
        .store
        .check_audit_chain(Some(anchor.clone()))
        .await
        .unwrap();
    assert!(anchored.is_ok(), "{anchored:?}");

    tamper(
        &app,
        "UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2",
    )
    .await;
    relink_with_plain_hashes(&app, 2).await;
    let broken = app
        .store
        .check_audit_chain(None)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, 2);
    let broken = app
        .store
        .check_audit_chain(Some(anchor.clone()))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(broken.seq, 2);

    // Made to look like a chain from before links were keyed: every link plain, no keying.
    relink_with_plain_hashes(&app, 1).await;
    tamper(
        &app,
        "UPDATE audit_head SET keyed_from = NULL, seal = NULL WHERE id = 1",
    )
    .await;
    let app = app.crash_and_restart().await;
    let rekeyed = app.store.check_audit_chain(None).await.unwrap().unwrap();
    assert!(rekeyed.keyed_from > anchor.seq, "keyed again after them");
    let broken = app
        .store
        .check_audit_chain(Some(anchor.clone()))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(
        (broken.seq, broken.reason),
        (
            anchor.seq,
            huimin_domain::audit::BreakReason::AnchorMismatch
        )
    );
    app.finish().await;
}
on_both!(an_anchor_finds_a_tail_rewritten_with_plain_hashes);
