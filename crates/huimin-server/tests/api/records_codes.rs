//! The ICD-10 code table: seeded on a first start, searched by staff by code, name and pinyin
//! initials, looked up by code, replaced whole by an import (a bad line changes nothing), and
//! picked up by a server whose table another process replaced.

use std::time::Duration;

use huimin_domain::records::parse_icd10_table;

use crate::helpers::{Db, ID_1, Resp, TestApp};
use crate::on_both;

fn codes(found: &Resp) -> Vec<String> {
    found.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn put_csv(app: &TestApp, token: &str, body: &str) -> Resp {
    let request = app
        .client
        .put(format!("{}/api/admin/icd10", app.base))
        .header("content-type", "text/csv; charset=utf-8")
        .header("accept-language", "en")
        .body(body.to_owned());
    app.send(request, Some(token)).await
}

async fn a_doctor_finds_hypertension_by_initials_by_code_and_by_name(db: Db) {
    let app = TestApp::spawn(db).await;
    let doctor = app.staff("doctor").await;
    let by_initials = app.get("/api/icd10?q=gxy&_count=20", Some(&doctor)).await;
    assert_eq!(by_initials.status, 200, "{}", by_initials.body);
    assert_eq!(
        by_initials.body["items"][0],
        serde_json::json!({"code": "I10.x00", "name": "高血压", "name_en": "Hypertension",
            "chapter": "IX", "category": "I10", "match": "pinyin"})
    );
    let by_code = app.get("/api/icd10?q=I10", Some(&doctor)).await;
    assert_eq!(codes(&by_code)[..3], ["I10", "I10.x00", "I10.x00x002"]);
    assert_eq!(by_code.body["items"][0]["match"], "code");
    let by_name = app.get("/api/icd10?q=高血压", Some(&doctor)).await;
    assert_eq!(codes(&by_name)[0], "I10.x00");
    assert!(codes(&by_name).contains(&"I11".to_owned()));
    let few = app.get("/api/icd10?q=I&_count=3", Some(&doctor)).await;
    assert_eq!(codes(&few).len(), 3);
    app.finish().await;
}
on_both!(a_doctor_finds_hypertension_by_initials_by_code_and_by_name);

async fn patients_are_refused_and_bad_parameters_name_their_field(db: Db) {
    let app = TestApp::spawn(db).await;
    let (patient, _) = app.patient("13800138000", "张三", ID_1).await;
    assert_eq!(
        app.get("/api/icd10?q=gxy", Some(&patient)).await.status,
        403
    );
    assert_eq!(app.get("/api/icd10/I10", Some(&patient)).await.status, 403);
    assert_eq!(app.get("/api/icd10?q=gxy", None).await.status, 401);
    let nurse = app.staff("nurse").await;
    for (query, field) in [
        ("", "q"),
        ("q=%20", "q"),
        (&format!("q={}", "a".repeat(33)), "q"),
        ("q=gxy&_count=0", "_count"),
        ("q=gxy&_count=51", "_count"),
        ("q=gxy&_count=x", "_count"),
    ] {
        let refused = app
            .get_lang(&format!("/api/icd10?{query}"), Some(&nurse), "en")
            .await;
        assert_eq!(refused.status, 400, "{query}: {}", refused.body);
        assert_eq!(refused.expression(), Some(field), "{query}");
    }
    let chinese = app.get_lang("/api/icd10", Some(&nurse), "zh").await;
    let text = chinese.body["issue"][0]["diagnostics"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("拼音"), "{}", chinese.body);
    app.finish().await;
}
on_both!(patients_are_refused_and_bad_parameters_name_their_field);

async fn a_code_is_looked_up_and_an_unknown_one_is_not_found(db: Db) {
    let app = TestApp::spawn(db).await;
    let doctor = app.staff("doctor").await;
    let found = app.get("/api/icd10/e11.900", Some(&doctor)).await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["code"], "E11.900");
    assert_eq!(found.body["name"], "2型糖尿病");
    assert_eq!(found.body["chapter"], "IV");
    assert_eq!(
        app.get("/api/icd10/Z99.999", Some(&doctor)).await.status,
        404
    );
    let malformed = app.get("/api/icd10/%E9%AB%98", Some(&doctor)).await;
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.expression(), Some("code"));
    app.finish().await;
}
on_both!(a_code_is_looked_up_and_an_unknown_one_is_not_found);

async fn an_import_with_a_bad_line_changes_nothing_and_a_good_one_is_searched_at_once(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let doctor = app.staff("doctor").await;
    let before = app.get("/api/icd10?q=gxy", Some(&doctor)).await;
    let bad = "code,name_zh,name_en,chapter\nI10.x00,高血压,,\nI1O,坏,,\nK29.700,,,\n";
    let refused = put_csv(&app, &admin, bad).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let lines: Vec<&str> = refused.body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["expression"][0].as_str().unwrap())
        .collect();
    assert_eq!(lines, ["line 3", "line 4"]);
    assert_eq!(
        app.get("/api/icd10?q=gxy", Some(&doctor)).await.body,
        before.body
    );
    assert_eq!(
        app.get("/api/icd10/J18.900", Some(&doctor)).await.status,
        200
    );
    assert_eq!(put_csv(&app, &doctor, bad).await.status, 403);

    let good = "# licensed\ncode,name_zh,name_en,chapter\nI10.x00,高血压,Hypertension,IX\nX99.000,演示编码,,\n";
    let imported = put_csv(&app, &admin, good).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert_eq!(imported.body["imported"], 2);
    assert_eq!(
        codes(&app.get("/api/icd10?q=ysbm", Some(&doctor)).await),
        ["X99.000"]
    );
    assert_eq!(
        app.get("/api/icd10/J18.900", Some(&doctor)).await.status,
        404
    );
    app.finish().await;
}
on_both!(an_import_with_a_bad_line_changes_nothing_and_a_good_one_is_searched_at_once);

async fn a_table_another_process_imported_is_searched_after_the_version_check(db: Db) {
    let app = TestApp::spawn(db).await;
    let doctor = app.staff("doctor").await;
    assert!(codes(&app.get("/api/icd10?q=ysbm", Some(&doctor)).await).is_empty());
    // The CLI's import: the store only, this server's index is not told.
    let entries = parse_icd10_table("code,name_zh,name_en,chapter\nX99.000,演示编码,,\n").unwrap();
    app.store.replace_icd10_table(&entries, 1).await.unwrap();
    let mut found = Vec::new();
    for _ in 0..50 {
        found = codes(&app.get("/api/icd10?q=ysbm", Some(&doctor)).await);
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(found, ["X99.000"]);
    app.finish().await;
}
on_both!(a_table_another_process_imported_is_searched_after_the_version_check);
