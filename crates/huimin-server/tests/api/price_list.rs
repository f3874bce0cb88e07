//! The price list: administrators import it as CSV, a bad file changes nothing, staff search
//! it, and a demo hospital starts with the repository's list.

use serde_json::Value;

use crate::helpers::{Db, ID_1, Resp, TestApp};
use crate::on_both;

const HEADER: &str = "code,name_zh,name_en,category,unit_zh,unit_en,price_yuan,registration_class";

/// A good file: a comment, the header, four items.
fn good_file() -> String {
    format!(
        "# 演示价格 demonstration prices\n{HEADER}\n\
         110200001,普通门诊诊察费,Outpatient consultation,registration,次,visit,15.00,ordinary\n\
         250101015,血细胞分析,Complete blood count,lab,次,test,25.5,\n\
         310701001,常规心电图检查,Electrocardiogram,exam,次,exam,20,\n\
         H-CL-001,门诊病历本,\"Record booklet, outpatient\",material,本,booklet,1.05,\n"
    )
}

async fn put_csv(app: &TestApp, token: &str, content_type: &str, body: String) -> Resp {
    let request = app
        .client
        .put(format!("{}/api/admin/price-list", app.base))
        .header("content-type", content_type)
        .header("accept-language", "en")
        .body(body);
    app.send(request, Some(token)).await
}

fn codes(list: &Resp) -> Vec<&str> {
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect()
}

async fn an_administrator_imports_the_price_list_and_staff_search_it(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let imported = put_csv(&app, &admin, "text/csv; charset=utf-8", good_file()).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert_eq!(imported.body, serde_json::json!({"imported": 4}));

    let list = app.get("/api/price-list", Some(&registrar)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["total"], 4);
    // By category (registration, material, exam, lab), then code.
    assert_eq!(
        codes(&list),
        ["110200001", "H-CL-001", "310701001", "250101015"]
    );
    assert_eq!(
        list.body["items"][0],
        serde_json::json!({
            "code": "110200001",
            "name": {"zh": "普通门诊诊察费", "en": "Outpatient consultation"},
            "category": "registration",
            "unit": {"zh": "次", "en": "visit"},
            "price": {"value": 15.0, "currency": "CNY"},
            "price_fen": 1500,
            "registration_class": "ordinary",
        })
    );
    let booklet = &list.body["items"][1];
    assert_eq!(booklet["name"]["en"], "Record booklet, outpatient");
    assert_eq!(
        (
            booklet["price_fen"].clone(),
            booklet["price"]["value"].clone()
        ),
        (Value::from(105), Value::from(1.05))
    );
    assert_eq!(booklet["registration_class"], Value::Null);

    let search = |path: &'static str| app.get(path, Some(&registrar));
    assert_eq!(
        codes(&search("/api/price-list?category=lab").await),
        ["250101015"]
    );
    assert_eq!(
        codes(&search("/api/price-list?q=%E5%BF%83%E7%94%B5").await),
        ["310701001"]
    );
    assert_eq!(
        codes(&search("/api/price-list?q=BOOKLET").await),
        ["H-CL-001"]
    );
    assert_eq!(
        codes(&search("/api/price-list?q=1102").await),
        ["110200001"]
    );
    assert_eq!(
        search("/api/price-list?category=exam&q=blood").await.body["total"],
        0
    );
    let unknown = search("/api/price-list?category=surgery").await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.expression(), Some("category"));

    // A second import is the whole list: what it leaves out is gone.
    let second = format!("{HEADER}\n250101015,血细胞分析,Complete blood count,lab,次,test,30,\n");
    assert_eq!(
        put_csv(&app, &admin, "text/csv", second).await.body["imported"],
        1
    );
    let list = app.get("/api/price-list", Some(&admin)).await;
    assert_eq!(codes(&list), ["250101015"]);
    assert_eq!(list.body["items"][0]["price_fen"], 3000);

    let trail = app
        .store
        .audit_page(Some("admin"), Some("PriceList"), 10, 0)
        .await
        .unwrap();
    let details: Vec<&str> = trail
        .records
        .iter()
        .map(|r| r.facts.detail.as_str())
        .collect();
    assert!(details.contains(&"4 items imported"), "{details:?}");
    assert!(details.contains(&"1 items imported"), "{details:?}");
    app.finish().await;
}
on_both!(an_administrator_imports_the_price_list_and_staff_search_it);

async fn a_bad_file_is_refused_line_by_line_and_changes_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    assert_eq!(
        put_csv(&app, &admin, "text/csv", good_file()).await.status,
        200
    );
    let bad = format!(
        "# line 1 is a comment\n{HEADER}\n\
         NEW-1,新项目,New item,exam,次,exam,5,\n\
         NEW-2,新项目,New item,exam,次,exam,5.001,\n\
         NEW-3,<script>,New item,exam,次,exam,5,\n\
         NEW-1,重复,Repeat,exam,次,exam,5,\n\
         NEW-4,挂号,Registration,exam,次,visit,5,expert\n"
    );
    let refused = put_csv(&app, &admin, "text/csv", bad).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let issues = refused.body["issue"].as_array().unwrap();
    let lines: Vec<&str> = issues
        .iter()
        .map(|i| i["expression"][0].as_str().unwrap())
        .collect();
    assert_eq!(lines, ["line 4", "line 5", "line 6", "line 7"]);
    assert_eq!(
        issues[0]["details"]["text"],
        "Line 4: bad price: amount \"5.001\" has more than 2 decimal places"
    );
    assert!(
        issues[1]["diagnostics"]
            .as_str()
            .unwrap()
            .starts_with("第 5 行：")
    );
    assert!(
        issues[2]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("already on line 3")
    );
    assert!(
        issues[3]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("only registration items")
    );

    let list = app.get("/api/price-list", Some(&admin)).await;
    assert_eq!(list.body["total"], 4, "nothing changed: {}", list.body);
    assert!(!codes(&list).contains(&"NEW-1"));

    // Not CSV, not UTF-8, no header: refused the same way.
    assert_eq!(
        put_csv(&app, &admin, "application/json", good_file())
            .await
            .status,
        415
    );
    let latin1 = app
        .client
        .put(format!("{}/api/admin/price-list", app.base))
        .header("content-type", "text/csv")
        .body(vec![b'c', 0xE9, b'\n']);
    assert_eq!(app.send(latin1, Some(&admin)).await.status, 422);
    let headless = put_csv(&app, &admin, "text/csv", "A,甲,A,exam,次,t,1,\n".into()).await;
    assert_eq!(headless.expression(), Some("line 1"));
    assert_eq!(
        app.get("/api/price-list", Some(&admin)).await.body["total"],
        4
    );

    let trail = app
        .store
        .audit_page(Some("admin"), Some("PriceList"), 10, 0)
        .await
        .unwrap();
    assert!(
        trail
            .records
            .iter()
            .any(|r| r.facts.outcome == "refused" && r.facts.detail == "4 lines refused")
    );
    app.finish().await;
}
on_both!(a_bad_file_is_refused_line_by_line_and_changes_nothing);

async fn only_administrators_import_and_only_staff_read(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let doctor = app.staff("doctor").await;
    let (patient, _) = app.patient("13800138000", "张三", ID_1).await;
    assert_eq!(
        put_csv(&app, &admin, "text/csv", good_file()).await.status,
        200
    );

    let by_registrar = put_csv(&app, &registrar, "text/csv", format!("{HEADER}\n")).await;
    assert_eq!(by_registrar.status, 403);
    assert_eq!(
        put_csv(&app, &patient, "text/csv", good_file())
            .await
            .status,
        403
    );
    let anonymous = app
        .client
        .put(format!("{}/api/admin/price-list", app.base))
        .header("content-type", "text/csv")
        .body(good_file());
    assert_eq!(app.send(anonymous, None).await.status, 401);

    assert_eq!(
        app.get("/api/price-list", Some(&doctor)).await.body["total"],
        4
    );
    assert_eq!(app.get("/api/price-list", Some(&patient)).await.status, 403);
    assert_eq!(app.get("/api/price-list", None).await.status, 401);

    let denied = app
        .store
        .audit_page(None, Some("PriceList"), 20, 0)
        .await
        .unwrap();
    let denied: Vec<_> = denied
        .records
        .iter()
        .filter(|r| r.facts.outcome == "denied")
        .collect();
    assert_eq!(denied.len(), 2, "{denied:?}");
    assert!(denied.iter().any(|r| r.facts.role == "registrar"));
    app.finish().await;
}
on_both!(only_administrators_import_and_only_staff_read);

async fn a_demo_hospital_starts_with_the_shipped_price_list(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.demo = true).await;
    let admin = app.admin().await;
    let list = app
        .get("/api/price-list?category=registration", Some(&admin))
        .await;
    assert_eq!(list.status, 200);
    let classes: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["registration_class"].as_str())
        .collect();
    assert_eq!(classes, ["ordinary", "expert", "special-needs"]);
    let all = app.get("/api/price-list", Some(&admin)).await;
    assert!(all.body["total"].as_i64().unwrap() >= 25, "{}", all.body);

    // A restart does not load it again over what the hospital imported.
    assert_eq!(
        put_csv(&app, &admin, "text/csv", good_file()).await.status,
        200
    );
    let app = app.crash_and_restart().await;
    let admin = app.admin().await;
    assert_eq!(
        app.get("/api/price-list", Some(&admin)).await.body["total"],
        4
    );
    app.finish().await;
}
on_both!(a_demo_hospital_starts_with_the_shipped_price_list);
