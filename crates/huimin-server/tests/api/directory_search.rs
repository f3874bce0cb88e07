//! The directory search (`/api/directory/search`) over the demo hospital, and departments'
//! English names.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

async fn search(app: &TestApp, q: &str) -> Value {
    let path = format!("/api/directory/search?q={}", urlencode(q));
    let found = app.get(&path, None).await;
    assert_eq!(found.status, 200, "{q}: {}", found.body);
    found.body
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn ids(found: &Value, list: &str) -> Vec<String> {
    found[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn departments_are_found_by_alias_pinyin_and_english_name(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.demo = true).await;
    for q in [
        "心内",
        "xnk",
        "xinnei",
        "XinNeiKe",
        "心nk",
        "xieguan",
        "Cardiology",
    ] {
        let found = search(&app, q).await;
        assert_eq!(
            ids(&found, "departments")[0],
            "dept-cardiology",
            "{q}: {found}"
        );
    }
    // Initials abbreviate from the start: xnk is not 呼吸内科's (hu-XI-NEI-KE).
    assert_eq!(
        ids(&search(&app, "xnk").await, "departments"),
        ["dept-cardiology"]
    );
    let by_alias = search(&app, "心内").await;
    let first = &by_alias["departments"][0];
    assert_eq!(
        first["match"],
        json!({"how": "exact", "field": "alias", "text": "心内"})
    );
    assert_eq!(first["resource"]["name"], "心血管内科");
    assert_eq!(
        first["resource"]["_name"]["extension"][0]["extension"][1]["valueString"],
        "Cardiology"
    );
    for (q, department) in [
        ("消化科", "dept-gastroenterology"),
        ("耳鼻喉", "dept-ent"),
        ("牙科", "dept-stomatology"),
        ("牙疼", "dept-stomatology"),
    ] {
        assert_eq!(
            ids(&search(&app, q).await, "departments"),
            [department],
            "{q}"
        );
    }
    // The exact name ranks before departments whose pinyin merely starts the same.
    let neurology = search(&app, "神经内科").await;
    assert_eq!(ids(&neurology, "departments")[0], "dept-neurology");
    app.finish().await;
}
on_both!(departments_are_found_by_alias_pinyin_and_english_name);

async fn doctors_are_found_by_name_pinyin_and_specialty(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.demo = true).await;
    for q in ["李振邦", "lizhenbang", "Li Zhenbang", "lzb"] {
        let found = search(&app, q).await;
        assert_eq!(ids(&found, "doctors")[0], "role-dr-016", "{q}: {found}");
        let doctor = &found["doctors"][0];
        assert_eq!(doctor["department"]["id"], "dept-cardiology");
    }
    let coronary = search(&app, "冠心病").await;
    let doctors = coronary["doctors"].as_array().unwrap();
    assert!(!doctors.is_empty());
    for doctor in doctors {
        assert_eq!(doctor["department"]["id"], "dept-cardiology", "{doctor}");
        assert_eq!(doctor["match"]["field"], "specialty");
    }
    let headache = search(&app, "头痛").await;
    assert!(
        !headache["doctors"].as_array().unwrap().is_empty(),
        "{headache}"
    );
    assert!(
        headache["doctors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["department"]["id"] == "dept-neurology")
    );
    let english = search(&app, "coronary heart").await;
    assert_eq!(english["doctors"][0]["department"]["id"], "dept-cardiology");
    app.finish().await;
}
on_both!(doctors_are_found_by_name_pinyin_and_specialty);

async fn a_search_that_matches_nothing_finds_nothing_and_bad_queries_are_refused(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.demo = true).await;
    for q in ["咳嗽", "发烧", "qqqzzz"] {
        let found = search(&app, q).await;
        assert_eq!(found["departments"], json!([]), "{q}: {found}");
        assert_eq!(found["doctors"], json!([]), "{q}: {found}");
    }
    let blank = app.get("/api/directory/search?q=%20", None).await;
    assert_eq!(blank.status, 400);
    assert_eq!(blank.expression(), Some("q"));
    let long = format!("/api/directory/search?q={}", "心".repeat(41));
    let long = app.get_lang(&long, None, "en").await;
    assert_eq!((long.status, long.expression()), (400, Some("q")));
    assert!(
        long.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap()
            .contains("40")
    );
    let count = app.get("/api/directory/search?q=xnk&_count=0", None).await;
    assert_eq!((count.status, count.expression()), (400, Some("_count")));
    let one = app.get("/api/directory/search?q=x&_count=1", None).await;
    assert_eq!(one.body["departments"].as_array().unwrap().len(), 1);
    assert_eq!(one.body["doctors"].as_array().unwrap().len(), 1);
    app.finish().await;
}
on_both!(a_search_that_matches_nothing_finds_nothing_and_bad_queries_are_refused);

async fn laboratory_and_imaging_are_not_found_as_clinics(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.demo = true).await;
    for q in ["医学检验科", "检验", "医学影像科", "yxyxk"] {
        let found = search(&app, q).await;
        let names: Vec<&str> = found["departments"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["resource"]["name"].as_str())
            .collect();
        assert!(
            !names
                .iter()
                .any(|n| n.contains("检验") || n.contains("影像")),
            "{q}: {names:?}"
        );
    }
    let clinic = search(&app, "心内").await;
    assert!(!clinic["departments"].as_array().unwrap().is_empty());
    app.finish().await;
}
on_both!(laboratory_and_imaging_are_not_found_as_clinics);

fn department(name: &str, english: Option<&str>) -> Value {
    let mut org = json!({
        "resourceType": "Organization",
        "identifier": [{"system": "urn:huimin:cs:department-code", "value": "03.04"}],
        "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept"}]}],
        "name": name,
    });
    if let Some(english) = english {
        org["_name"] = json!({"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/translation",
            "extension": [{"url": "lang", "valueCode": "en"}, {"url": "content", "valueString": english}]}]});
    }
    org
}

fn english_of(org: &Value) -> &str {
    org["_name"]["extension"][0]["extension"][1]["valueString"]
        .as_str()
        .unwrap_or_default()
}

async fn a_department_always_has_an_english_name_that_admins_set(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let created = app
        .post_json(
            "/fhir/Organization",
            Some(&admin),
            &department("心内二科", None),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(
        english_of(&created.body),
        "Cardiology",
        "the national code's name"
    );
    assert_schema_valid(&created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();

    let chinese = department("心内二科", Some("心内二科"));
    let refused = app
        .post_json("/fhir/Organization", Some(&admin), &chinese)
        .await;
    assert!(matches!(refused.status, 400 | 422), "{}", refused.body);
    assert_eq!(refused.expression(), Some("Organization._name"));

    let mut renamed = department("心内二科", Some("Cardiology II"));
    renamed["id"] = json!(id);
    renamed["alias"] = json!(["心脏二科"]);
    let path = format!("/fhir/Organization/{id}");
    let saved = app.put_json(&path, Some(&admin), &renamed, None).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let read = app.get(&path, None).await;
    assert_eq!(english_of(&read.body), "Cardiology II");
    assert_eq!(
        ids(&search(&app, "心脏二科").await, "departments"),
        std::slice::from_ref(&id)
    );
    assert_eq!(
        ids(&search(&app, "Cardiology II").await, "departments"),
        [id]
    );
    app.finish().await;
}
on_both!(a_department_always_has_an_english_name_that_admins_set);
