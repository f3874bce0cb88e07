//! The demo hospital's records on a first start: the demo patients' past visits are finished,
//! their notes signed (every signature verifies) with coded diagnoses and the allergies of
//! the time; the demo `doctor` heads 心血管内科 and sees the department's break-the-glass reads,
//! and no other doctor does; the visits' tests were reported, one critical value acknowledged.

use serde_json::Value;

use crate::helpers::*;
use crate::on_both;

const DEMO_PASSWORD: &str = "Huimin@2026!";

async fn the_demo_patients_have_finished_visits_with_signed_notes(db: Db) {
    let app = TestApp::spawn_with(db, |settings| settings.demo = true).await;
    // 陈志强: a bronchitis visit in 呼吸内科, then raised blood pressure in 心血管内科.
    let chen = app.token("13800000001", DEMO_PASSWORD).await;
    let mine = app.get("/api/me/visits", Some(&chen)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let visits = mine.body["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 2, "{visits:?}");
    for visit in visits {
        assert_eq!(visit["status"], "finished", "{visit}");
        assert_eq!(visit["signed"], true, "{visit}");
        assert!(
            !visit["diagnoses"].as_array().unwrap().is_empty(),
            "{visit}"
        );
    }
    let all = serde_json::to_string(visits).unwrap();
    assert!(
        all.contains("急性支气管炎") && all.contains("高血压"),
        "{all}"
    );
    // The visits are in the past, latest first or not, but never today.
    let today = app.state.clock.today().to_string();
    assert!(
        visits
            .iter()
            .all(|v| v["date"].as_str().unwrap() < today.as_str())
    );

    // Each note's signature verifies, as `huimin record verify` checks it.
    for visit in visits {
        let encounter = visit["encounter"].as_str().unwrap();
        let note = app
            .store
            .note_of_encounter(encounter)
            .await
            .unwrap()
            .unwrap();
        let checked = huimin_server::records::signing::verify_note(&app.store, &note.id)
            .await
            .unwrap();
        assert_eq!(checked.len(), 1);
        assert!(
            checked.iter().all(|(_, outcome)| outcome.is_ok()),
            "{checked:?}"
        );
    }

    // The patient reads a visit with the allergy recorded at it.
    let bronchitis = visits
        .iter()
        .find(|v| v["diagnoses"].to_string().contains("J20"))
        .unwrap();
    let path = format!("/api/visits/{}", bronchitis["encounter"].as_str().unwrap());
    let read = app.get(&path, Some(&chen)).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert!(read.body.to_string().contains("头孢克洛"), "{}", read.body);

    // 林晓燕's own visit; nothing of another family.
    let lin = app.token("13800000002", DEMO_PASSWORD).await;
    let hers = app.get("/api/me/visits", Some(&lin)).await;
    let hers: &Vec<Value> = hers.body["visits"].as_array().unwrap();
    assert_eq!(hers.len(), 1);
    assert!(hers[0]["diagnoses"].to_string().contains("K29.500"));
    let other = app.get(&path, Some(&lin)).await;
    assert_eq!(other.status, 404);
    app.finish().await;
}
on_both!(the_demo_patients_have_finished_visits_with_signed_notes);

async fn the_department_head_sees_the_departments_break_the_glass_reads(db: Db) {
    let app = TestApp::spawn_with(db, |settings| settings.demo = true).await;
    let head = app.token("doctor", DEMO_PASSWORD).await;
    let none = app.get("/api/records/break-glass", Some(&head)).await;
    assert_eq!(none.status, 200, "{}", none.body);
    assert_eq!(none.body["reads"].as_array().unwrap().len(), 0);

    // A doctor of the department (doctor3, 王丽华) opens a 消化内科 patient's visit: refused
    // without a reason, read with one.
    let member = app.token("doctor3", DEMO_PASSWORD).await;
    let visit = first_visit_of(&app.store, "role-dr-012").await;
    let path = format!("/api/visits/{}", visit.id);
    let refused = app.get(&path, Some(&member)).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.expression(), Some("break_glass"));
    let read = app
        .get(
            &format!("{path}?break_glass=%E4%BC%9A%E8%AF%8A%E9%9C%80%E8%A6%81"),
            Some(&member),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);

    // The head sees who read, why and when, with the patient's name masked.
    let reads = app.get("/api/records/break-glass", Some(&head)).await;
    let reads = reads.body["reads"].as_array().unwrap().clone();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["practitioner_name"], "王丽华");
    assert_eq!(reads[0]["department_name"], "心血管内科");
    assert_eq!(reads[0]["reason"], "会诊需要");
    let masked = reads[0]["patient_masked"].as_str().unwrap();
    assert!(masked.starts_with('林') && masked.contains('*'), "{masked}");
    assert!(!masked.contains("晓燕"), "{masked}");

    // The member and a doctor of another department are told that only a head sees it.
    for who in [&member, &app.token("doctor2", DEMO_PASSWORD).await] {
        let not_head = app
            .get_lang("/api/records/break-glass", Some(who), "en")
            .await;
        assert_eq!(not_head.status, 403);
        assert!(
            not_head.body.to_string().contains("department head"),
            "{}",
            not_head.body
        );
    }
    app.finish().await;
}
on_both!(the_department_head_sees_the_departments_break_the_glass_reads);

/// The first past visit in a post's sessions.
pub async fn first_visit_of(
    store: &huimin_store::Store,
    role: &str,
) -> huimin_store::records::EncounterRecord {
    store
        .search_encounters(&huimin_store::records::EncounterFilter {
            practitioner_role: Some(role.into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a demo visit in that post's sessions")
}

async fn the_demo_visits_have_tests_reported_with_a_critical_value_acknowledged(db: Db) {
    let app = TestApp::spawn_with(db, |settings| settings.demo = true).await;
    // 陈志强: a blood count and a chest X-ray at the bronchitis visit, electrolytes with a
    // critical potassium at the blood-pressure visit.
    let chen = app.token("13800000001", DEMO_PASSWORD).await;
    let mine = app.get("/api/me/results", Some(&chen)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let items = mine.body["items"].as_array().unwrap();
    let mut items_of: Vec<&str> = items.iter().map(|r| r["item"].as_str().unwrap()).collect();
    items_of.sort_unstable();
    assert_eq!(
        items_of,
        ["IMG-CXR", "LAB-CBC", "LAB-LYTES"],
        "{}",
        mine.body
    );
    let lytes = items.iter().find(|r| r["item"] == "LAB-LYTES").unwrap();
    assert_eq!(lytes["rows"][0]["analyte"], "K");
    assert_eq!(lytes["rows"][0]["value"], "6.4");
    assert_eq!(lytes["rows"][0]["flag"], "HH");
    let cxr = items.iter().find(|r| r["item"] == "IMG-CXR").unwrap();
    assert!(cxr["conclusion"].as_str().unwrap().contains("双肺纹理增粗"));
    // Every demo order went round the whole loop: reviewed by its doctor.
    for visit in app.get("/api/me/visits", Some(&chen)).await.body["visits"]
        .as_array()
        .unwrap()
    {
        let path = format!(
            "/api/visits/{}/orders",
            visit["encounter"].as_str().unwrap()
        );
        let orders = app.get(&path, Some(&chen)).await;
        for order in orders.body["orders"].as_array().unwrap() {
            assert_eq!(order["status"], "reviewed", "{order}");
            assert_eq!(
                order["steps"].as_array().unwrap().len(),
                5,
                "ordered, paid, collected or performed, reported, reviewed: {order}"
            );
        }
    }
    // The critical potassium was told to 李振邦 (the demo `doctor`) and acknowledged by him
    // four minutes later.
    let doctor = app.token("doctor", DEMO_PASSWORD).await;
    let told = app
        .get("/api/critical-values?state=acknowledged", Some(&doctor))
        .await;
    assert_eq!(told.status, 200, "{}", told.body);
    let critical = &told.body["items"][0];
    assert_eq!(critical["analyte"], "K", "{}", told.body);
    assert_eq!(critical["ack_delay_seconds"], 240);
    let open = app
        .get("/api/critical-values?state=open", Some(&doctor))
        .await;
    assert_eq!(open.body["open"], 0, "{}", open.body);
    // 陈志强 brought a lipid panel from another hospital nine days ago, recognised in the
    // province for 30 days: it is on file and readable, its digits as the laboratory sent them.
    let chen_id = lytes["patient"].as_str().unwrap();
    let brought = app
        .store
        .external_results_of(chen_id, Some("LAB-LIPID"))
        .await
        .unwrap();
    assert_eq!(brought.len(), 1);
    assert_eq!(brought[0].performer_name, "泉城市第一人民医院");
    assert_eq!(brought[0].mark_scope, "province");
    let served = app
        .client
        .get(format!(
            "{}/api/recognition/results/{}",
            app.base, brought[0].id
        ))
        .bearer_auth(&chen)
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert!(served.text().await.unwrap().contains("5.92"));
    // 林晓燕's blood count: haemoglobin low (偏低).
    let lin = app.token("13800000002", DEMO_PASSWORD).await;
    let hers = app.get("/api/me/results", Some(&lin)).await;
    let cbc = &hers.body["items"][0];
    assert_eq!(cbc["item"], "LAB-CBC");
    let hgb = cbc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["analyte"] == "HGB")
        .unwrap();
    assert_eq!(hgb["flag"], "L", "{hgb}");
    assert_eq!(hgb["flag_text"]["zh"], "偏低");
    app.finish().await;
}
on_both!(the_demo_visits_have_tests_reported_with_a_critical_value_acknowledged);

async fn the_demo_pharmacy_has_stock_and_the_patients_past_prescriptions(db: Db) {
    let app = TestApp::spawn_with(db, |settings| settings.demo = true).await;
    // 陈志强's bronchitis visit: ambroxol, approved, paid with the visit, dispensed, collected.
    let chen = app.token("13800000001", DEMO_PASSWORD).await;
    let mine = app.get("/api/me/prescriptions", Some(&chen)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let list = mine.body["prescriptions"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let first = &list[0];
    assert_eq!(first["status"], "collected");
    assert_eq!(first["lines"][0]["name"]["zh"], "氨溴索片");
    assert_eq!(
        first["lines"][0]["instruction"]["zh"],
        "口服，每日三次，每次1片（30mg）"
    );
    assert_eq!(first["reviews"][0]["decision"], "approved");
    assert!(first["dispensed"][0]["lot_number"].is_string(), "{first}");
    assert!(first["signature"]["signature"].is_string());
    // 赵淑珍's second visit: a four-week long prescription; every past one was collected.
    let all = app
        .store
        .search_prescriptions(&huimin_store::prescriptions::PrescriptionFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 7, "{all:?}");
    assert!(all.iter().all(|p| p.status == "collected"));
    let long: Vec<_> = all.iter().filter(|p| p.long_term).collect();
    assert_eq!(long.len(), 1);
    assert!(
        long[0].content.contains("\"days\":28"),
        "{}",
        long[0].content
    );
    // The pharmacy holds every formulary drug; a short-dated lot goes out first.
    let pharmacist = app.token("pharmacist", DEMO_PASSWORD).await;
    let stock = app.get("/api/pharmacy/stock", Some(&pharmacist)).await;
    assert_eq!(stock.status, 200, "{}", stock.body);
    let lots = stock.body["lots"].as_array().unwrap();
    assert!(lots.len() > 500, "{}", lots.len());
    assert!(
        lots.iter()
            .any(|l| l["lot_number"].as_str().unwrap().starts_with('S'))
    );
    let drugs = app.get("/api/drugs?q=amxl", Some(&pharmacist)).await;
    assert_eq!(
        drugs.body["drugs"][0]["name"]["zh"], "阿莫西林胶囊",
        "{}",
        drugs.body
    );
    assert!(drugs.body["drugs"][0]["in_stock"].as_i64().unwrap() > 0);
}
on_both!(the_demo_pharmacy_has_stock_and_the_patients_past_prescriptions);
