//! Results: entry by a technician → final → the patient and the ordering doctor are told;
//! critical values reach the doctor, are acknowledged once, and escalate to the department
//! head after the set minutes only when nobody acknowledged them; a FHIR transaction import
//! with a broken reference writes nothing; bad values are refused naming the field; another
//! family reads nothing; the answers validate against R4.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::calling::{CheckedIn, checked_in_visit};
use crate::helpers::*;
use crate::on_both;

/// A checked-in visit, its doctor, the desk and a technician.
type Lab = CheckedIn;

async fn lab(db: Db) -> Lab {
    checked_in_visit(db, "13911120031").await
}

/// Orders of these items on the visit, each ordered by its doctor, paid at the desk and
/// collected (lab) or performed (imaging) by the technician: ready for their reports.
async fn orders(l: &Lab, items: &[&str]) -> Vec<String> {
    let placed = place(l, items).await;
    pay(l).await;
    let mut ids = Vec::new();
    for order in &placed {
        let id = order["id"].as_str().unwrap().to_owned();
        let given = if order["category"] == "lab" {
            "collected"
        } else {
            "performed"
        };
        let step = l
            .app
            .post_json(
                &format!("/api/orders/{id}/steps"),
                Some(&l.technician),
                &json!({ "status": given }),
            )
            .await;
        assert_eq!(step.status, 200, "{}", step.body);
        ids.push(id);
    }
    ids
}

/// Orders of these items on the visit, as the doctor placed them (not paid).
async fn place(l: &Lab, items: &[&str]) -> Vec<Value> {
    let placed = l
        .app
        .post_json(
            &format!("/api/visits/{}/orders", l.encounter),
            Some(&l.doctor),
            &json!({ "items": items }),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    placed.body["orders"].as_array().unwrap().clone()
}

/// The visit's bill paid at the desk.
async fn pay(l: &Lab) {
    let paid = l
        .app
        .post_raw(
            &format!("/api/appointments/{}/payment", l.appointment),
            Some(&l.registrar),
            "application/json",
            &json!({"method": "cash"}).to_string(),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
}

async fn an_order(l: &Lab, item: &str) -> String {
    orders(l, &[item]).await.remove(0)
}

fn lytes(k: &str, final_: bool, encounter: &str) -> Value {
    json!({
        "encounter": encounter,
        "item": "LAB-LYTES",
        "values": [
            {"analyte": "K", "value": k, "unit": "mmol/L"},
            {"analyte": "NA", "value": "140", "unit": "mmol/L"},
        ],
        "final": final_,
    })
}

async fn put(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> Resp {
    let request = app
        .client
        .put(format!("{}{path}", app.base))
        .header("content-type", "application/json")
        .body(body.to_string());
    app.send(request, token).await
}

async fn enter(l: &Lab, order: &str, body: &Value) -> Resp {
    put(
        &l.app,
        &format!("/api/results/{order}"),
        Some(&l.technician),
        body,
    )
    .await
}

async fn staff_message(app: &TestApp, token: &str, kind: &str) -> Value {
    staff_message_saying(app, token, kind, "").await
}

/// The newest staff message of `kind` whose Chinese text holds `needle`, waiting for its
/// delivery: the outbox delivers events in no promised order.
async fn staff_message_saying(app: &TestApp, token: &str, kind: &str, needle: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let told = app.get("/api/me/staff-messages", Some(token)).await;
        assert_eq!(told.status, 200, "{}", told.body);
        if let Some(m) = told.body["messages"].as_array().and_then(|all| {
            all.iter()
                .find(|m| {
                    m["kind"] == kind
                        && m["text"]["zh"]
                            .as_str()
                            .unwrap_or_default()
                            .contains(needle)
                })
                .cloned()
        }) {
            return m;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {kind} staff message: {}",
            told.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn an_entered_report_becomes_final_and_the_patient_and_doctor_are_told(db: Db) {
    let l = lab(db).await;
    let order = an_order(&l, "LAB-LYTES").await;
    // A draft: nothing told, the patient sees nothing yet.
    let draft = enter(&l, &order, &lytes("5.60", false, &l.encounter)).await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["status"], "preliminary");
    let mine = l.app.get("/api/me/results", Some(&l.patient)).await;
    assert_eq!(
        mine.body["items"].as_array().unwrap().len(),
        0,
        "{}",
        mine.body
    );
    let hidden = l
        .app
        .get(
            &format!(
                "/api/results/reports/{}",
                draft.body["id"].as_str().unwrap()
            ),
            Some(&l.patient),
        )
        .await;
    assert_eq!(hidden.status, 404, "a draft is not the patient's to read");

    let done = enter(&l, &order, &lytes("5.60", true, &l.encounter)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["status"], "final");
    assert_eq!(done.body["id"], draft.body["id"], "one report per order");
    let k = &done.body["rows"][0];
    assert_eq!(k["analyte"], "K");
    assert_eq!(k["value"], "5.60", "the digits as typed");
    assert_eq!(k["flag"], "H");
    assert_eq!(k["flag_text"]["zh"], "偏高");
    assert_eq!(k["flag_text"]["en"], "High");
    assert_eq!(k["range"], "3.5–5.3");
    assert_eq!(done.body["rows"][1]["flag"], "N");

    // The patient is told, and reads the report on the phone.
    let told = l
        .app
        .message_of_kind(&l.patient, "report-ready", "zh")
        .await;
    assert!(
        told["text"].as_str().unwrap_or_default().contains("电解质"),
        "{told}"
    );
    let mine = l.app.get("/api/me/results", Some(&l.patient)).await;
    assert_eq!(mine.body["items"][0]["rows"][0]["flag_text"]["zh"], "偏高");
    // The ordering doctor is told in their staff inbox, not the patient's message centre.
    let doctor_told = staff_message(&l.app, &l.doctor, "report-ready-doctor").await;
    assert!(
        doctor_told["text"]["zh"]
            .as_str()
            .unwrap()
            .contains("王小明"),
        "{doctor_told}"
    );

    // FHIR: the report and its observations, decimals exact on the wire.
    let id = done.body["id"].as_str().unwrap();
    let raw = l
        .app
        .client
        .get(format!(
            "{}/fhir/Observation?patient={}",
            l.app.base, l.patient_id
        ))
        .bearer_auth(&l.patient)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(raw.contains(r#""value":5.60"#), "{raw}");
    let report = l
        .app
        .get(&format!("/fhir/DiagnosticReport/{id}"), Some(&l.doctor))
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["status"], "final");
    assert_eq!(
        report.body["basedOn"][0]["reference"],
        format!("ServiceRequest/{order}")
    );
    assert_eq!(report.body["result"].as_array().unwrap().len(), 2);
    assert_schema_valid(&report.body);
    // The final report closed the order's loop up to the doctor's review.
    let loop_of = |token: String| {
        let app = &l.app;
        let path = format!("/api/visits/{}/orders", l.encounter);
        async move { app.get(&path, Some(&token)).await.body["orders"][0].clone() }
    };
    assert_eq!(loop_of(l.patient.clone()).await["status"], "reported");
    let reviewed = l
        .app
        .post_json(
            &format!("/api/orders/{order}/steps"),
            Some(&l.doctor),
            &json!({"status": "reviewed"}),
        )
        .await;
    assert_eq!(reviewed.status, 200, "{}", reviewed.body);
    assert_eq!(loop_of(l.patient.clone()).await["status"], "reviewed");
    let by_code = l
        .app
        .get(
            &format!(
                "/fhir/Observation?patient={}&code=http://loinc.org|2823-3",
                l.patient_id
            ),
            Some(&l.doctor),
        )
        .await;
    assert_eq!(by_code.body["total"], 1, "{}", by_code.body);
    assert_schema_valid(&by_code.body);

    // A report on a final report is refused, and nothing changes.
    let again = enter(&l, &order, &lytes("4.0", true, &l.encounter)).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(again.expression(), Some("basedOn"));
    let still = l
        .app
        .get(&format!("/api/results/reports/{id}"), Some(&l.doctor))
        .await;
    assert_eq!(still.body["rows"][0]["value"], "5.60");
    l.app.finish().await;
}
on_both!(an_entered_report_becomes_final_and_the_patient_and_doctor_are_told);

/// Makes a doctor of the department its head: a post with the department-head extension.
async fn department_head(l: &Lab) -> String {
    let head = l
        .app
        .post_json(
            "/fhir/Practitioner",
            Some(&l.admin),
            &json!({"resourceType": "Practitioner", "name": [{"text": "张主任"}]}),
        )
        .await;
    let practitioner = head.body["id"].as_str().unwrap().to_owned();
    let role = l
        .app
        .post_json(
            "/fhir/PractitionerRole",
            Some(&l.admin),
            &json!({"resourceType": "PractitionerRole", "active": true,
                "extension": [{"url": "urn:huimin:ext:department-head", "valueBoolean": true}],
                "practitioner": {"reference": format!("Practitioner/{practitioner}")},
                "organization": {"reference": format!("Organization/{}", l.dept)}}),
        )
        .await;
    assert_eq!(role.status, 201, "{}", role.body);
    let username = format!("head-{}", &practitioner[..8]);
    let passwords =
        huimin_server::state::passwords::Passwords::new(huimin_server::PasswordCost::Fast);
    huimin_server::accounts::add_user(
        &l.app.store,
        &passwords,
        &username,
        huimin_domain::roles::Role::Doctor,
        PASSWORD,
        "张主任",
        Some(&practitioner),
    )
    .await
    .unwrap();
    l.app.token(&username, PASSWORD).await
}

const MINUTE: i64 = 60_000_000;

async fn a_critical_value_escalates_after_the_set_minutes_unless_acknowledged(db: Db) {
    let l = lab(db).await;
    let head = department_head(&l).await;
    l.app
        .store
        .put_setting("results.critical_escalate_minutes", "5")
        .await
        .unwrap();
    // Two critical results on two orders: potassium 6.8 and glucose 25.0.
    let both = orders(&l, &["LAB-LYTES", "LAB-GLU"]).await;
    let (first, second) = (both[0].clone(), both[1].clone());
    let glucose = json!({"final": true,
        "values": [{"analyte": "GLU", "value": "25.0", "unit": "mmol/L"}]});
    for (order, body) in [
        (&first, lytes("6.8", true, &l.encounter)),
        (&second, glucose),
    ] {
        let done = enter(&l, order, &body).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert_eq!(done.body["rows"][0]["flag"], "HH");
        assert_eq!(done.body["rows"][0]["critical"], true);
    }
    // The doctor is told at once and sees both on the workbench.
    let told = staff_message_saying(&l.app, &l.doctor, "critical-value", "空腹血糖").await;
    assert!(
        told["text"]["zh"]
            .as_str()
            .unwrap()
            .contains("空腹血糖 25.0 mmol/L（过高）"),
        "{told}"
    );
    let open = l
        .app
        .get("/api/critical-values?state=open", Some(&l.doctor))
        .await;
    assert_eq!(open.status, 200, "{}", open.body);
    let items = open.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{}", open.body);
    assert_eq!(
        items[0]["patient_name"], "王小明",
        "the list names whom to act on"
    );

    // Another doctor (the head, before any escalation) may not acknowledge it.
    let id_of = |i: usize| items[i]["id"].as_str().unwrap().to_owned();
    let (a, b) = (id_of(0), id_of(1));
    let refused = l
        .app
        .post_json(
            &format!("/api/critical-values/{a}/ack"),
            Some(&head),
            &json!({}),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.expression(), Some("id"));
    // The ordering doctor acknowledges one; the time and who are recorded, once.
    let acked = l
        .app
        .post_json(
            &format!("/api/critical-values/{a}/ack"),
            Some(&l.doctor),
            &json!({}),
        )
        .await;
    assert_eq!(acked.status, 200, "{}", acked.body);
    assert!(acked.body["acknowledged_at"].is_string());
    assert!(acked.body["acknowledged_by"].is_string());
    let twice = l
        .app
        .post_json(
            &format!("/api/critical-values/{a}/ack"),
            Some(&l.doctor),
            &json!({}),
        )
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);

    // Four minutes on: nothing escalates yet.
    let now = jiff::Timestamp::now().as_microsecond();
    let step = huimin_server::results::critical::escalate_due;
    assert_eq!(
        step(&l.app.state, now + 4 * MINUTE)
            .await
            .unwrap()
            .escalated,
        0
    );
    // Six minutes on: only the unacknowledged one goes to the head, once.
    assert_eq!(
        step(&l.app.state, now + 6 * MINUTE)
            .await
            .unwrap()
            .escalated,
        1
    );
    assert_eq!(
        step(&l.app.state, now + 7 * MINUTE)
            .await
            .unwrap()
            .escalated,
        0
    );
    // (Its message to the head is due at the step's `now`, minutes ahead of the real clock the
    // delivery worker reads, so it is not awaited here.)
    let heads_list = l
        .app
        .get("/api/critical-values?state=open", Some(&head))
        .await;
    let open_items = heads_list.body["items"].as_array().unwrap();
    assert_eq!(open_items.len(), 1, "{}", heads_list.body);
    assert_eq!(open_items[0]["id"], b);
    assert!(open_items[0]["escalated_at"].is_string());
    // The head it went to may now acknowledge it; the list shows the delays.
    let by_head = l
        .app
        .post_json(
            &format!("/api/critical-values/{b}/ack"),
            Some(&head),
            &json!({}),
        )
        .await;
    assert_eq!(by_head.status, 200, "{}", by_head.body);
    let all = l
        .app
        .get("/api/critical-values?state=acknowledged", Some(&l.doctor))
        .await;
    assert_eq!(
        all.body["items"].as_array().unwrap().len(),
        2,
        "{}",
        all.body
    );
    assert!(all.body["mean_ack_delay_seconds"].is_i64());
    l.app.finish().await;
}
on_both!(a_critical_value_escalates_after_the_set_minutes_unless_acknowledged);

async fn bad_values_are_refused_naming_the_field_and_nothing_is_written(db: Db) {
    let l = lab(db).await;
    let given = orders(&l, &["LAB-CBC", "LAB-LYTES", "IMG-CXR"]).await;
    let (cbc, order, cxr) = (&given[0], &given[1], &given[2]);
    // One order cancelled before payment, one paid but its specimen not taken yet.
    let waiting = place(&l, &["LAB-GLU", "LAB-LIPID"]).await;
    let (cancelled, unpaid) = (
        waiting[0]["id"].as_str().unwrap(),
        waiting[1]["id"].as_str().unwrap(),
    );
    let cancel = l
        .app
        .post_json(
            &format!("/api/orders/{cancelled}/steps"),
            Some(&l.doctor),
            &json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(cancel.status, 200, "{}", cancel.body);
    pay(&l).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let cases = [
        (
            cbc.as_str(),
            json!({"encounter": l.encounter, "item": "LAB-CBC", "final": false,
                "values": [{"analyte": "WBC", "value": "-1.0", "unit": "10*9/L"}]}),
            "values[0].value",
        ),
        (
            order.as_str(),
            json!({"encounter": l.encounter, "item": "LAB-LYTES", "final": false,
                "values": [{"analyte": "K", "value": "4.0", "unit": "mg/dL"}]}),
            "values[0].unit",
        ),
        (
            order.as_str(),
            json!({"final": false,
                "values": [{"analyte": "XYZ", "value": "4.0", "unit": "mmol/L"}]}),
            "values[0].analyte",
        ),
        (
            order.as_str(),
            json!({"encounter": l.encounter, "item": "LAB-LYTES", "final": true,
                "values": [{"analyte": "K", "value": "4.0", "unit": "mmol/L"}]}),
            "values",
        ),
        (
            order.as_str(),
            json!({"encounter": "no-such-visit", "item": "LAB-LYTES", "final": false, "values": []}),
            "encounter",
        ),
        (
            order.as_str(),
            json!({"item": "LAB-CBC", "final": false, "values": []}),
            "code",
        ),
        (
            cxr.as_str(),
            json!({"encounter": l.encounter, "item": "IMG-CXR", "final": true, "conclusion": " "}),
            "conclusion",
        ),
        (
            unknown.as_str(),
            json!({"final": true, "values": [{"analyte": "K", "value": "4.0", "unit": "mmol/L"}]}),
            "basedOn",
        ),
        (cancelled, lytes("4.0", true, &l.encounter), "basedOn"),
        (unpaid, lytes("4.0", true, &l.encounter), "basedOn"),
    ];
    for (target, body, field) in cases {
        let refused = put(
            &l.app,
            &format!("/api/results/{target}"),
            Some(&l.technician),
            &body,
        )
        .await;
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert_eq!(refused.expression(), Some(field), "{}", refused.body);
    }
    let localised = l
        .app
        .send(
            l.app
                .client
                .put(format!("{}/api/results/{cbc}", l.app.base))
                .header("accept-language", "zh-CN")
                .json(&json!({"encounter": l.encounter, "item": "LAB-CBC",
                    "values": [{"analyte": "WBC", "value": "-1.0", "unit": "10*9/L"}]})),
            Some(&l.technician),
        )
        .await;
    let text = localised.body["issue"][0]["details"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(text.contains("超出可测范围"), "{}", localised.body);
    // Only technicians enter results.
    let doctor = put(
        &l.app,
        &format!("/api/results/{order}"),
        Some(&l.doctor),
        &lytes("4.0", true, &l.encounter),
    )
    .await;
    assert_eq!(doctor.status, 403);
    let none = l
        .app
        .get(
            &format!("/fhir/DiagnosticReport?based-on={order}"),
            Some(&l.doctor),
        )
        .await;
    assert_eq!(none.body["total"], 0, "{}", none.body);
    // An imaging report is a conclusion.
    let cxr = put(
        &l.app,
        &format!("/api/results/{cxr}"),
        Some(&l.technician),
        &json!({"encounter": l.encounter, "item": "IMG-CXR", "final": true,
                "conclusion": "双肺纹理清晰，心影不大。"}),
    )
    .await;
    assert_eq!(cxr.status, 200, "{}", cxr.body);
    assert_eq!(cxr.body["conclusion"], "双肺纹理清晰，心影不大。");
    assert_eq!(cxr.body["category"], "imaging");
    l.app.finish().await;
}
on_both!(bad_values_are_refused_naming_the_field_and_nothing_is_written);

fn bundle(l: &Lab, order: &str, result_ref: &str, k_unit: &str) -> Value {
    json!({
        "resourceType": "Bundle", "type": "transaction",
        "entry": [
            {"fullUrl": "urn:uuid:7c1d6a4e-0000-4000-8000-000000000001",
             "resource": {"resourceType": "DiagnosticReport", "status": "final",
                "basedOn": [{"reference": format!("ServiceRequest/{order}")}],
                "code": {"coding": [{"system": "urn:huimin:cs:orderable", "code": "LAB-LYTES"}]},
                "subject": {"reference": format!("Patient/{}", l.patient_id)},
                "encounter": {"reference": format!("Encounter/{}", l.encounter)},
                "result": [{"reference": result_ref},
                           {"reference": "urn:uuid:7c1d6a4e-0000-4000-8000-000000000003"}]},
             "request": {"method": "POST", "url": "DiagnosticReport"}},
            {"fullUrl": "urn:uuid:7c1d6a4e-0000-4000-8000-000000000002",
             "resource": {"resourceType": "Observation", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2823-3"}]},
                "subject": {"reference": format!("Patient/{}", l.patient_id)},
                "valueQuantity": {"value": "__K__", "unit": k_unit, "system": "http://unitsofmeasure.org", "code": k_unit}},
             "request": {"method": "POST", "url": "Observation"}},
            {"fullUrl": "urn:uuid:7c1d6a4e-0000-4000-8000-000000000003",
             "resource": {"resourceType": "Observation", "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "99999-9"}], "text": "某外院项目"},
                "valueString": "阴性"},
             "request": {"method": "POST", "url": "Observation"}},
        ]
    })
}

async fn a_bundle_with_a_broken_reference_writes_nothing(db: Db) {
    let l = lab(db).await;
    let order = an_order(&l, "LAB-LYTES").await;
    let post = |body: Value| {
        let app = &l.app;
        let token = l.technician.clone();
        async move {
            // The value as a laboratory writes it (json! would print 4.1).
            let text = body.to_string().replace("\"__K__\"", "4.10");
            app.post_raw("/fhir", Some(&token), "application/fhir+json", &text)
                .await
        }
    };
    let broken = post(bundle(
        &l,
        &order,
        "urn:uuid:7c1d6a4e-0000-4000-8000-00000000dead",
        "mmol/L",
    ))
    .await;
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert_eq!(
        broken.expression(),
        Some("Bundle.entry[0].resource.result[0].reference"),
        "{}",
        broken.body
    );
    let wrong_unit = post(bundle(
        &l,
        &order,
        "urn:uuid:7c1d6a4e-0000-4000-8000-000000000002",
        "mg/dL",
    ))
    .await;
    assert_eq!(wrong_unit.status, 422, "{}", wrong_unit.body);
    assert_eq!(
        wrong_unit.expression(),
        Some("Bundle.entry[1].resource.valueQuantity.unit")
    );
    for path in [
        format!("/fhir/DiagnosticReport?patient={}", l.patient_id),
        format!("/fhir/Observation?patient={}", l.patient_id),
    ] {
        let none = l.app.get(&path, Some(&l.doctor)).await;
        assert_eq!(none.body["total"], 0, "{path}: {}", none.body);
    }
    // The good Bundle: written whole; the unmapped LOINC code is kept and shown as unknown.
    let ok = post(bundle(
        &l,
        &order,
        "urn:uuid:7c1d6a4e-0000-4000-8000-000000000002",
        "mmol/L",
    ))
    .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["type"], "transaction-response");
    let location = ok.body["entry"][0]["response"]["location"]
        .as_str()
        .unwrap();
    let id = location.trim_start_matches("DiagnosticReport/");
    let view = l
        .app
        .get(&format!("/api/results/reports/{id}"), Some(&l.patient))
        .await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(view.body["rows"][0]["value"], "4.10");
    assert_eq!(view.body["rows"][0]["flag"], "N");
    assert_eq!(view.body["rows"][1]["unknown"], true);
    assert_eq!(view.body["rows"][1]["flag"], Value::Null);
    l.app.finish().await;
}
on_both!(a_bundle_with_a_broken_reference_writes_nothing);

async fn another_family_cannot_read_the_results(db: Db) {
    let l = lab(db).await;
    let done = enter(
        &l,
        &an_order(&l, "LAB-LYTES").await,
        &lytes("4.2", true, &l.encounter),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let id = done.body["id"].as_str().unwrap();
    let obs = done.body["rows"][0]["id"].as_str().unwrap();
    let (stranger, _) = l.app.patient("13911120032", "李四", ID_3).await;
    for path in [
        format!("/fhir/DiagnosticReport/{id}"),
        format!("/fhir/Observation/{obs}"),
        format!("/api/results/reports/{id}"),
        format!("/fhir/Observation?patient={}", l.patient_id),
    ] {
        let answer = l.app.get(&path, Some(&stranger)).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
    let own = l.app.get("/fhir/DiagnosticReport", Some(&stranger)).await;
    assert_eq!(own.body["total"], 0, "{}", own.body);
    let mine = l.app.get("/fhir/DiagnosticReport", Some(&l.patient)).await;
    assert_eq!(mine.body["total"], 1, "{}", mine.body);
    l.app.finish().await;
}
on_both!(another_family_cannot_read_the_results);

async fn an_observation_and_a_report_validate_against_r4(db: Db) {
    let l = lab(db).await;
    let done = enter(
        &l,
        &an_order(&l, "LAB-LYTES").await,
        &lytes("6.80", true, &l.encounter),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let id = done.body["id"].as_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let obs = done.body["rows"][0]["id"].as_str().unwrap();
    for (name, path) in [
        ("report", format!("/fhir/DiagnosticReport/{id}")),
        ("observation", format!("/fhir/Observation/{obs}")),
        (
            "search",
            format!("/fhir/Observation?patient={}", l.patient_id),
        ),
    ] {
        let answer = l.app.get(&path, Some(&l.doctor)).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        std::fs::write(
            out.path().join(format!("{name}.json")),
            serde_json::to_vec_pretty(&answer.body).unwrap(),
        )
        .unwrap();
    }
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/fhir-validate");
    assert!(
        tool.join("node_modules/@medplum/core").is_dir(),
        "the validator's npm packages are missing: run ./scripts/test --setup-only"
    );
    let run = Command::new("bash")
        .arg(tool.join("validate.sh"))
        .arg(out.path())
        .output()
        .expect("the FHIR validator runs (Node.js ≥ 20.19)");
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && report.contains("0 errors"),
        "the R4 validator found errors:\n{report}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    l.app.finish().await;
}
on_both!(an_observation_and_a_report_validate_against_r4);
