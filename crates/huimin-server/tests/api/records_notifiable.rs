//! Notifiable-disease report cards: a notifiable diagnosis opens one with its deadline (甲类
//! two hours), the doctor completes and submits it (refused naming each missing field), the
//! department's overdue list, the CSV export in the national card's column order, and who may
//! read cards (doctors of the department, administrators; never patients).

use serde_json::{Value, json};

use crate::helpers::{Db, ID_1, PASSWORD, Resp, TestApp};
use crate::on_both;

/// A department with a doctor posted in it: (department id, PractitionerRole id, token).
async fn department_doctor(app: &TestApp, admin: &str, name: &str) -> (String, String, String) {
    let dept = app
        .post_json(
            "/fhir/Organization",
            Some(admin),
            &json!({"resourceType": "Organization", "name": name}),
        )
        .await;
    let dept = dept.body["id"].as_str().unwrap().to_owned();
    let doctor = app
        .post_json(
            "/fhir/Practitioner",
            Some(admin),
            &json!({"resourceType": "Practitioner", "name": [{"text": "李振邦"}]}),
        )
        .await;
    let practitioner = doctor.body["id"].as_str().unwrap().to_owned();
    let role = app
        .post_json(
            "/fhir/PractitionerRole",
            Some(admin),
            &json!({"resourceType": "PractitionerRole", "active": true,
            "practitioner": {"reference": format!("Practitioner/{practitioner}")},
            "organization": {"reference": format!("Organization/{dept}")}}),
        )
        .await;
    let role = role.body["id"].as_str().unwrap().to_owned();
    let username = format!("dr-{}", &practitioner[..8]);
    let passwords =
        huimin_server::state::passwords::Passwords::new(huimin_server::PasswordCost::Fast);
    huimin_server::accounts::add_user(
        &app.store,
        &passwords,
        &username,
        huimin_domain::roles::Role::Doctor,
        PASSWORD,
        "李振邦",
        Some(&practitioner),
    )
    .await
    .unwrap();
    (dept, role, app.token(&username, PASSWORD).await)
}

async fn open(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post_json("/api/notifiable-reports", Some(token), &body)
        .await
}

fn complete_fields() -> Value {
    json!({"patient_name": "张三", "sex": "female", "birth_date": "1949-12-31",
        "occupation": "retired", "address": "北京市东城区和平里 1 号", "phone": "13800138000",
        "onset_date": "2026-01-01", "case_class": "confirmed"})
}

async fn a_notifiable_diagnosis_opens_a_card_with_its_deadline(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (dept, role, doctor) = department_doctor(&app, &admin, "感染性疾病科").await;
    let (_, patient) = app.patient("13800138000", "张三", ID_1).await;
    let at = "2026-01-02T01:00:00Z";
    let cholera = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"),
        "code": "A00", "diagnosed_at": at}),
    )
    .await;
    assert_eq!(cholera.status, 201, "{}", cholera.body);
    let card = &cholera.body;
    assert_eq!(card["disease"]["key"], "cholera");
    assert_eq!(card["disease"]["class"], "A");
    assert_eq!(
        card["timer"]["due_at"], "2026-01-02T03:00:00Z",
        "甲类: two hours"
    );
    assert_eq!(card["timer"]["overdue"], true);
    assert_eq!(card["department"], format!("Organization/{dept}"));
    assert_eq!(card["doctor"], format!("PractitionerRole/{role}"));
    assert_eq!(card["status"], "draft");
    assert_eq!(
        card["fields"]["patient_name"], "张三",
        "filled in from the record"
    );
    assert!(
        card["fields"]["id_number"]
            .as_str()
            .unwrap_or_default()
            .contains('*')
            || card["fields"]["id_number"] == ""
    );
    // The same patient, diagnosis and visit: the same card.
    let again = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"),
        "code": "A00", "diagnosed_at": at}),
    )
    .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["id"], card["id"]);

    let flu = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"),
        "code": "J11.100", "diagnosed_at": at}),
    )
    .await;
    assert_eq!(flu.status, 201, "{}", flu.body);
    assert_eq!(
        flu.body["timer"]["due_at"], "2026-01-03T01:00:00Z",
        "丙类: 24 hours"
    );
    let anthrax = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"),
        "code": "A22.1", "diagnosed_at": at}),
    )
    .await;
    assert_eq!(anthrax.body["disease"]["managed_as"], "A");
    assert_eq!(
        anthrax.body["timer"]["due_at"], "2026-01-02T03:00:00Z",
        "乙类甲管: two hours"
    );

    let not_notifiable = app
        .post_json(
            "/api/notifiable-reports?lang=en",
            Some(&doctor),
            &json!({"patient": format!("Patient/{patient}"), "code": "I10.x00"}),
        )
        .await;
    assert_eq!(not_notifiable.status, 422);
    assert_eq!(not_notifiable.expression(), Some("code"));
    let unknown = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"), "code": "A00.999"}),
    )
    .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    let no_patient = open(
        &app,
        &doctor,
        json!({"patient": "Patient/nobody", "code": "A00"}),
    )
    .await;
    assert_eq!(no_patient.status, 404);
    app.finish().await;
}
on_both!(a_notifiable_diagnosis_opens_a_card_with_its_deadline);

async fn the_records_helper_opens_a_card_in_its_own_transaction_once(db: Db) {
    use huimin_store::records::Diagnosis;
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (dept, role, doctor) = department_doctor(&app, &admin, "发热门诊").await;
    let (_, patient) = app.patient("13800138000", "张三", ID_1).await;
    let code = huimin_domain::records::Icd10Code::parse("A20").unwrap();
    let diagnosis = Diagnosis {
        patient_id: &patient,
        encounter_id: Some("enc-1"),
        condition_id: Some("cond-1"),
        code: &code,
        doctor_role_id: &role,
        department_id: &dept,
        diagnosed_at: jiff::Timestamp::now(),
    };
    let now = jiff::Timestamp::now().as_microsecond();
    let mut ids = Vec::new();
    for _ in 0..2 {
        ids.push(
            app.store
                .open_card_for_diagnosis(&diagnosis, now)
                .await
                .unwrap(),
        );
    }
    assert!(ids[0].is_some());
    assert_eq!(ids[0], ids[1]);
    let hypertension = huimin_domain::records::Icd10Code::parse("I10.x00").unwrap();
    let none = app
        .store
        .open_card_for_diagnosis(
            &Diagnosis {
                code: &hypertension,
                ..diagnosis.clone()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(none, None);
    let list = app.get("/api/notifiable-reports", Some(&doctor)).await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        list.body
    );
    assert_eq!(list.body["items"][0]["encounter"], "Encounter/enc-1");
    assert_eq!(list.body["items"][0]["timer"]["overdue"], false);
    app.finish().await;
}
on_both!(the_records_helper_opens_a_card_in_its_own_transaction_once);

async fn a_card_is_submitted_only_when_complete_and_then_never_changes(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_, _, doctor) = department_doctor(&app, &admin, "感染性疾病科").await;
    let (_, patient) = app.patient("13800138000", "张三", ID_1).await;
    let card = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"), "code": "A09.000"}),
    )
    .await;
    let id = card.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/notifiable-reports/{id}/submit?lang=en");
    let refused = app
        .post_json(&path, Some(&doctor), &json!({"patient_name": ""}))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let fields: Vec<&str> = refused.body["issue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["expression"][0].as_str().unwrap())
        .collect();
    for field in ["patient_name", "occupation", "onset_date", "case_class"] {
        assert!(fields.contains(&field), "{field} in {fields:?}");
    }
    let unchanged = app
        .get(&format!("/api/notifiable-reports/{id}"), Some(&doctor))
        .await;
    assert_eq!(
        unchanged.body["fields"]["patient_name"], "张三",
        "a refused submit saves nothing"
    );
    let bad_date = app
        .put_json(
            &format!("/api/notifiable-reports/{id}?lang=en"),
            Some(&doctor),
            &json!({"onset_date": "2026-13-01"}),
            None,
        )
        .await;
    assert_eq!(bad_date.status, 400);
    assert_eq!(bad_date.expression(), Some("onset_date"));
    let saved = app
        .put_json(
            &format!("/api/notifiable-reports/{id}?lang=en"),
            Some(&doctor),
            &json!({"occupation": "retired", "remarks": "家中无同类病人"}),
            None,
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["fields"]["occupation"], "retired");
    let submitted = app
        .post_json(&path, Some(&doctor), &complete_fields())
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["status"], "submitted");
    assert_eq!(submitted.body["fields"]["remarks"], "家中无同类病人");
    let again = app
        .post_json(&path, Some(&doctor), &complete_fields())
        .await;
    assert_eq!(again.status, 409);
    let edit = app
        .put_json(
            &format!("/api/notifiable-reports/{id}?lang=en"),
            Some(&doctor),
            &json!({"remarks": "改"}),
            None,
        )
        .await;
    assert_eq!(edit.status, 409);
    app.finish().await;
}
on_both!(a_card_is_submitted_only_when_complete_and_then_never_changes);

async fn the_department_sees_its_overdue_cards_and_others_see_none(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (dept, _, doctor) = department_doctor(&app, &admin, "感染性疾病科").await;
    let (other_dept, _, other) = department_doctor(&app, &admin, "皮肤科").await;
    let (patient_token, patient) = app.patient("13800138000", "张三", ID_1).await;
    let late = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"),
        "code": "A00", "diagnosed_at": "2026-01-02T01:00:00Z"}),
    )
    .await;
    let fresh = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"), "code": "B05"}),
    )
    .await;
    assert_eq!(fresh.body["timer"]["overdue"], false);
    let overdue = app
        .get(
            &format!("/api/notifiable-reports?department=Organization/{dept}&status=overdue"),
            Some(&doctor),
        )
        .await;
    assert_eq!(overdue.status, 200, "{}", overdue.body);
    let ids: Vec<&Value> = overdue.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&late.body["id"]]);
    assert!(
        overdue.body["items"][0]["timer"]["remaining_seconds"]
            .as_i64()
            .unwrap()
            < 0
    );
    let all = app
        .get("/api/notifiable-reports?status=draft", Some(&doctor))
        .await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    // Another department's doctor: none listed, the card itself not found, the list refused.
    let theirs = app.get("/api/notifiable-reports", Some(&other)).await;
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 0);
    let card = format!(
        "/api/notifiable-reports/{}",
        late.body["id"].as_str().unwrap()
    );
    assert_eq!(app.get(&card, Some(&other)).await.status, 404);
    assert_eq!(
        app.get(
            &format!("/api/notifiable-reports?department=Organization/{dept}"),
            Some(&other)
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.get(
            &format!("/api/notifiable-reports?department=Organization/{other_dept}"),
            Some(&other)
        )
        .await
        .status,
        200
    );
    // Administrators see every department; patients and nurses nothing.
    assert_eq!(app.get(&card, Some(&admin)).await.status, 200);
    assert_eq!(app.get(&card, Some(&patient_token)).await.status, 403);
    assert_eq!(
        app.get("/api/notifiable-reports", Some(&patient_token))
            .await
            .status,
        403
    );
    let nurse = app.staff("nurse").await;
    assert_eq!(
        app.get("/api/notifiable-reports", Some(&nurse))
            .await
            .status,
        403
    );
    assert_eq!(
        app.get("/api/notifiable-reports?status=late", Some(&doctor))
            .await
            .expression(),
        Some("status")
    );
    app.finish().await;
}
on_both!(the_department_sees_its_overdue_cards_and_others_see_none);

async fn submitted_cards_export_in_the_national_column_order(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_, _, doctor) = department_doctor(&app, &admin, "感染性疾病科").await;
    let (_, patient) = app.patient("13800138000", "张三", ID_1).await;
    let card = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"), "code": "A15.000"}),
    )
    .await;
    let id = card.body["id"].as_str().unwrap().to_owned();
    let mut fields = complete_fields();
    fields["id_number"] = json!(ID_1);
    fields["address"] = json!("北京市东城区, 和平里");
    let submitted = app
        .post_json(
            &format!("/api/notifiable-reports/{id}/submit"),
            Some(&doctor),
            &fields,
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let _draft = open(
        &app,
        &doctor,
        json!({"patient": format!("Patient/{patient}"), "code": "B05"}),
    )
    .await;
    let today = app.state.clock.today();
    let request = app.client.get(format!(
        "{}/api/notifiable-reports/export?from={today}&to={today}",
        app.base
    ));
    let response = request.bearer_auth(&doctor).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "卡片编号,患者姓名,患儿家长姓名,有效证件号,性别,出生日期,联系电话,现住址,人群分类,病例分类,发病日期,诊断时间,疾病名称,ICD-10,报告科室,报告医生,填卡日期,备注"
    );
    assert_eq!(lines.len(), 2, "only the submitted card: {text}");
    assert!(lines[1].starts_with(&format!("{id},张三,,{ID_1},女,1949-12-31,13800138000,\"北京市东城区, 和平里\",离退人员,确诊病例,2026-01-01,")), "{}", lines[1]);
    assert!(lines[1].contains(",肺结核,A15.000,"), "{}", lines[1]);
    let bad = app
        .get(
            "/api/notifiable-reports/export?from=2026-01-02&to=2026-01-01",
            Some(&doctor),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.expression(), Some("to"));
    app.finish().await;
}
on_both!(submitted_cards_export_in_the_national_column_order);
