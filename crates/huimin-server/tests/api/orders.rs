//! Orders with a closed loop: ordering from the visit puts a charge item on the bill, the
//! charge follows the order (cancelled before payment: no charge; after payment: refunded;
//! collected: not refundable), steps out of sequence and other bad input change nothing,
//! patients see only their family's orders, and a same-day return skips the queue (A7).

use serde_json::{Value, json};

use crate::calling::clinic_starting_soon;
use crate::helpers::*;
use crate::on_both;

struct Visit {
    app: TestApp,
    admin: String,
    doctor: String,
    patient: String,
    patient_id: String,
    appointment: String,
    encounter: String,
}

async fn encounter_of(app: &TestApp, token: &str, appointment: &str) -> String {
    let found = app
        .get(
            &format!("/fhir/Encounter?appointment={appointment}"),
            Some(token),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    found.body["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn checked_in(db: Db) -> (Visit, String) {
    // The department is returned for tests that change its settings.
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (dept, _session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911120001", "王小明", ID_2).await;
    let appointment = app.book(&patient, &patient_id, &slot).await;
    let checked = app
        .set_status(&patient, &appointment, "checked-in", "en")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let encounter = encounter_of(&app, &patient, &appointment).await;
    let v = Visit {
        app,
        admin,
        doctor,
        patient,
        patient_id,
        appointment,
        encounter,
    };
    (v, dept)
}

async fn order(v: &Visit, items: &[&str]) -> Resp {
    v.app
        .post_json(
            &format!("/api/visits/{}/orders", v.encounter),
            Some(&v.doctor),
            &json!({"items": items}),
        )
        .await
}

async fn step(app: &TestApp, token: &str, order: &str, status: &str) -> Resp {
    app.post_json(
        &format!("/api/orders/{order}/steps"),
        Some(token),
        &json!({"status": status}),
    )
    .await
}

async fn pay(app: &TestApp, token: &str, appointment: &str) -> Resp {
    app.post_raw(
        &format!("/api/appointments/{appointment}/payment"),
        Some(token),
        "application/json",
        &json!({"method": "cash"}).to_string(),
    )
    .await
}

async fn bill(v: &Visit, token: &str) -> Value {
    let bill = v
        .app
        .get(
            &format!("/api/appointments/{}/bill", v.appointment),
            Some(token),
        )
        .await;
    assert_eq!(bill.status, 200, "{}", bill.body);
    bill.body
}

fn charge<'a>(bill: &'a Value, reference: &str) -> &'a Value {
    let id = reference.trim_start_matches("ChargeItem/");
    bill["charge_items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} not on {bill}"))
}

fn id_of(order: &Value) -> String {
    order["id"].as_str().unwrap().to_owned()
}

async fn visit_orders(v: &Visit, token: &str) -> Value {
    let list = v
        .app
        .get(&format!("/api/visits/{}/orders", v.encounter), Some(token))
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body
}

async fn an_order_walks_the_whole_loop_and_its_charge_item_follows(db: Db) {
    let (v, _) = checked_in(db).await;
    let registrar = v.app.staff("registrar").await;
    let technician = v.app.staff("technician").await;

    let placed = order(&v, &["LAB-CBC", "IMG-CXR"]).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let cbc = placed.body["orders"][0].clone();
    let cxr = placed.body["orders"][1].clone();
    assert_eq!(cbc["item"], "LAB-CBC");
    assert_eq!(cbc["status"], "ordered");
    assert_eq!(cbc["price"]["value"], 25.0);
    let on_bill = bill(&v, &registrar).await;
    assert_eq!(
        charge(&on_bill, cbc["charge_item"].as_str().unwrap())["status"],
        "billable"
    );
    assert_eq!(
        charge(&on_bill, cxr["charge_item"].as_str().unwrap())["priceOverride"]["value"],
        60.0
    );

    // Cancelled before payment: the X-ray's charge is aborted and nothing is charged for it.
    let cancelled = step(&v.app, &v.doctor, &id_of(&cxr), "cancelled").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    let on_bill = bill(&v, &registrar).await;
    assert_eq!(
        charge(&on_bill, cxr["charge_item"].as_str().unwrap())["status"],
        "aborted"
    );

    // Paying at the desk pays the blood count only, and moves its order to paid.
    let paid = pay(&v.app, &registrar, &v.appointment).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    assert_eq!(paid.body["amount"]["value"], 25.0, "{}", paid.body);
    let fhir = v
        .app
        .get(
            &format!("/fhir/ServiceRequest/{}", id_of(&cbc)),
            Some(&v.patient),
        )
        .await;
    assert_eq!(fhir.status, 200, "{}", fhir.body);
    assert_eq!(fhir.body["status"], "active");
    assert_eq!(fhir.body["extension"][0]["valueCode"], "paid");
    assert_schema_valid(&fhir.body);

    // The technician's worklist has it; scheduled, then collected.
    let worklist = v
        .app
        .get("/api/orders?category=lab", Some(&technician))
        .await;
    assert_eq!(worklist.status, 200, "{}", worklist.body);
    assert!(
        worklist.body["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == cbc["id"] && o["patient_name"] == "王小明")
    );
    assert_eq!(
        v.app
            .get("/api/orders?category=imaging", Some(&technician))
            .await
            .body["total"],
        0
    );
    assert_eq!(v.app.get("/api/orders", Some(&v.patient)).await.status, 403);
    for s in ["scheduled", "collected"] {
        let done = step(&v.app, &technician, &id_of(&cbc), s).await;
        assert_eq!(done.status, 200, "{s}: {}", done.body);
        assert_eq!(done.body["status"], s);
    }
    // Collected: the charge is given, no longer refundable, and the order cannot be cancelled.
    let on_bill = bill(&v, &registrar).await;
    let item = charge(&on_bill, cbc["charge_item"].as_str().unwrap());
    assert!(item["occurrenceDateTime"].is_string(), "{item}");
    let invoice = on_bill["invoice"]["id"].as_str().unwrap();
    let refund = v
        .app
        .post_json(
            &format!("/api/bills/{invoice}/refunds"),
            Some(&registrar),
            &json!({"items": [{"charge_item": item["id"]}], "note": "患者要求"}),
        )
        .await;
    assert_eq!(refund.status, 422, "{}", refund.body);
    let late = step(&v.app, &v.doctor, &id_of(&cbc), "cancelled").await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert_eq!(late.expression(), Some("status"));

    // Reported is never a step by hand: the final report moves the order.
    let by_hand = step(&v.app, &technician, &id_of(&cbc), "reported").await;
    assert_eq!(by_hand.status, 409, "{}", by_hand.body);
    let report = v
        .app
        .send(
            v.app
                .client
                .put(format!("{}/api/results/{}", v.app.base, id_of(&cbc)))
                .json(&json!({"final": true, "values": [
                    {"analyte": "WBC", "value": "6.1", "unit": "10*9/L"},
                    {"analyte": "RBC", "value": "4.8", "unit": "10*12/L"},
                    {"analyte": "HGB", "value": "140", "unit": "g/L"},
                    {"analyte": "PLT", "value": "220", "unit": "10*9/L"}]})),
            Some(&technician),
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(
        visit_orders(&v, &v.doctor).await["orders"][0]["status"],
        "reported"
    );
    let reviewed = step(&v.app, &v.doctor, &id_of(&cbc), "reviewed").await;
    assert_eq!(reviewed.status, 200, "{}", reviewed.body);
    let steps: Vec<&str> = reviewed.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "ordered",
            "paid",
            "scheduled",
            "collected",
            "reported",
            "reviewed"
        ]
    );
    assert!(
        reviewed.body["steps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["by"].is_string() && s["at"].is_string())
    );

    let mine = visit_orders(&v, &v.patient).await;
    assert_eq!(mine["orders"][0]["status"], "reviewed");
    assert_eq!(mine["orders"][1]["status"], "cancelled");
    let fhir = v
        .app
        .get(
            &format!(
                "/fhir/ServiceRequest?encounter={}&status=completed",
                v.encounter
            ),
            Some(&v.doctor),
        )
        .await;
    assert_eq!(fhir.status, 200, "{}", fhir.body);
    assert_eq!(fhir.body["total"], 1);
    assert_eq!(
        fhir.body["entry"][0]["resource"]["code"]["coding"][1]["code"],
        "58410-2"
    );
    assert_schema_valid(&fhir.body);
}
on_both!(an_order_walks_the_whole_loop_and_its_charge_item_follows);

async fn cancelling_a_paid_order_before_collection_refunds_it(db: Db) {
    let (v, _) = checked_in(db).await;
    let registrar = v.app.staff("registrar").await;
    let placed = order(&v, &["IMG-US-ABD"]).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let us = placed.body["orders"][0].clone();
    assert_eq!(pay(&v.app, &registrar, &v.appointment).await.status, 201);
    let cancelled = step(&v.app, &v.doctor, &id_of(&us), "cancelled").await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    let on_bill = bill(&v, &registrar).await;
    assert_eq!(
        charge(&on_bill, us["charge_item"].as_str().unwrap())["status"],
        "aborted"
    );
    let refunds: Vec<&Value> = on_bill["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "refund")
        .collect();
    assert_eq!(refunds.len(), 1, "{on_bill}");
    assert_eq!(refunds[0]["amount"]["value"], 40.0);
    assert_eq!(refunds[0]["reason"], "order-cancelled");
    let fhir = v
        .app
        .get(
            &format!("/fhir/ServiceRequest/{}", id_of(&us)),
            Some(&v.patient),
        )
        .await;
    assert_eq!(fhir.body["status"], "revoked");
}
on_both!(cancelling_a_paid_order_before_collection_refunds_it);

async fn bad_orders_and_steps_out_of_sequence_are_refused_and_change_nothing(db: Db) {
    let (v, _) = checked_in(db).await;
    let technician = v.app.staff("technician").await;
    let unknown = order(&v, &["LAB-CBC", "LAB-UNICORN"]).await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert_eq!(unknown.expression(), Some("items[1]"));
    let zh = v
        .app
        .send(
            v.app
                .client
                .post(format!("{}/api/visits/{}/orders", v.app.base, v.encounter))
                .header("accept-language", "zh-CN")
                .json(&json!({"items": ["LAB-UNICORN"]})),
            Some(&v.doctor),
        )
        .await;
    assert!(
        zh.body.to_string().contains("检查检验项目目录中没有"),
        "{}",
        zh.body
    );
    assert_eq!(order(&v, &[]).await.expression(), Some("items"));
    assert_eq!(
        visit_orders(&v, &v.doctor).await["orders"],
        json!([]),
        "nothing written"
    );

    // Another doctor's visit.
    let (_d, _s, _slot, stranger) = clinic_starting_soon(&v.app, &v.admin).await;
    let theirs = v
        .app
        .post_json(
            &format!("/api/visits/{}/orders", v.encounter),
            Some(&stranger),
            &json!({"items": ["LAB-CBC"]}),
        )
        .await;
    assert_eq!(theirs.status, 403, "{}", theirs.body);
    assert_eq!(theirs.expression(), Some("encounter"));

    let placed = order(&v, &["LAB-GLU"]).await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let glu = id_of(&placed.body["orders"][0]);
    let twice = order(&v, &["LAB-GLU"]).await;
    assert_eq!(twice.expression(), Some("items[0]"), "{}", twice.body);
    // Out of sequence: not paid yet, so not collected; reported before collection.
    let early = step(&v.app, &technician, &glu, "collected").await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(early.expression(), Some("status"));
    assert_eq!(
        step(&v.app, &technician, &glu, "reported").await.status,
        409
    );
    let performed = step(&v.app, &technician, &glu, "performed").await;
    assert_eq!(performed.expression(), Some("status"), "labs are collected");
    // Steps belong to roles; payment is made at the desk only.
    assert_eq!(
        step(&v.app, &technician, &glu, "reviewed").await.status,
        403
    );
    assert_eq!(step(&v.app, &v.doctor, &glu, "collected").await.status, 403);
    assert_eq!(step(&v.app, &stranger, &glu, "cancelled").await.status, 403);
    let paid = step(&v.app, &technician, &glu, "paid").await;
    assert_eq!(paid.status, 422, "{}", paid.body);
    assert_eq!(paid.expression(), Some("status"));
    assert_eq!(
        visit_orders(&v, &v.doctor).await["orders"][0]["status"],
        "ordered"
    );

    // A finished visit takes no more orders.
    let finished = v
        .app
        .post_json(
            &format!("/api/visits/{}/finish", v.encounter),
            Some(&v.doctor),
            &json!({}),
        )
        .await;
    assert_eq!(finished.status, 200, "{}", finished.body);
    let closed = order(&v, &["LAB-CBC"]).await;
    assert_eq!(closed.status, 409, "{}", closed.body);
    assert_eq!(closed.expression(), Some("encounter"));
    assert_eq!(
        visit_orders(&v, &v.doctor).await["orders"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
on_both!(bad_orders_and_steps_out_of_sequence_are_refused_and_change_nothing);

async fn a_patient_cannot_read_another_familys_orders(db: Db) {
    let (v, _) = checked_in(db).await;
    let placed = order(&v, &["EXM-ECG"]).await;
    let ecg = id_of(&placed.body["orders"][0]);
    let (other, _) = v.app.patient("13911120002", "李四", ID_3).await;
    let read = v
        .app
        .get(&format!("/fhir/ServiceRequest/{ecg}"), Some(&other))
        .await;
    assert_eq!(read.status, 404, "{}", read.body);
    let missing = v
        .app
        .get("/fhir/ServiceRequest/no-such-order", Some(&other))
        .await;
    assert_eq!(missing.status, 404);
    let search = v
        .app
        .get(
            &format!("/fhir/ServiceRequest?patient={}", v.patient_id),
            Some(&other),
        )
        .await;
    assert_eq!(search.status, 200);
    assert_eq!(search.body["total"], 0);
    let by_visit = v
        .app
        .get(
            &format!("/fhir/ServiceRequest?encounter={}", v.encounter),
            Some(&other),
        )
        .await;
    assert_eq!(by_visit.body["total"], 0);
    let list = v
        .app
        .get(&format!("/api/visits/{}/orders", v.encounter), Some(&other))
        .await;
    assert_eq!(list.status, 404);
    assert_eq!(step(&v.app, &other, &ecg, "cancelled").await.status, 404);
    // The family's own.
    let own = v
        .app
        .get(
            &format!("/fhir/ServiceRequest?patient={}", v.patient_id),
            Some(&v.patient),
        )
        .await;
    assert_eq!(own.body["total"], 1);
}
on_both!(a_patient_cannot_read_another_familys_orders);

async fn call(app: &TestApp, token: &str, session: &str) -> Resp {
    app.post_raw(
        &format!("/api/sessions/{session}/call-next"),
        Some(token),
        "application/json",
        "",
    )
    .await
}

async fn a_same_day_return_with_results_skips_the_queue(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let registrar = app.staff("registrar").await;
    let (dept, session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (first, first_id) = app.patient("13911120001", "王小明", ID_2).await;
    let (second, second_id) = app.patient("13911120002", "李四", ID_3).await;
    let a = app.book(&first, &first_id, &slot).await;
    let b = app.book(&second, &second_id, &slot).await;
    for (token, id) in [(&first, &a), (&second, &b)] {
        assert_eq!(
            app.set_status(token, id, "checked-in", "en").await.status,
            200
        );
    }
    let called = call(&app, &doctor, &session).await;
    assert_eq!(called.status, 200, "{}", called.body);
    let encounter = encounter_of(&app, &first, &a).await;
    let placed = app
        .post_json(
            &format!("/api/visits/{encounter}/orders"),
            Some(&doctor),
            &json!({"items": ["LAB-GLU"]}),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let back = format!("/api/visits/{encounter}/return");
    // In the room still: not a return.
    let early = app.post_json(&back, Some(&registrar), &json!({})).await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(early.expression(), Some("status"));
    // Seen and sent for the test; the next patient waits.
    assert_eq!(
        app.set_status(&doctor, &a, "fulfilled", "en").await.status,
        200
    );

    // The department's setting off: the patient must book again.
    let setting = format!("/api/admin/same-day-return/{dept}");
    let off = app
        .put_json(&setting, Some(&admin), &json!({"enabled": false}), None)
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    let refused = app.post_json(&back, Some(&registrar), &json!({})).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.expression(), Some("department"));
    assert_eq!(app.get(&setting, Some(&admin)).await.body["enabled"], false);
    app.put_json(&setting, Some(&admin), &json!({"enabled": true}), None)
        .await;

    let returned = app.post_json(&back, Some(&registrar), &json!({})).await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    assert_eq!(returned.body["ahead"], 0, "first in line");
    let again = app.post_json(&back, Some(&registrar), &json!({})).await;
    assert_eq!(again.status, 409, "already back in line");

    // The returning patient is called before the one who was waiting.
    let next = call(&app, &doctor, &session).await;
    assert_eq!(next.status, 200, "{}", next.body);
    assert_eq!(
        next.body["current"]["appointment"],
        format!("Appointment/{a}"),
        "{}",
        next.body
    );
    assert_eq!(
        next.body["waiting"][0]["appointment"],
        format!("Appointment/{b}")
    );
    let visit = app
        .get(&format!("/fhir/Encounter/{encounter}"), Some(&doctor))
        .await;
    assert_eq!(visit.body["status"], "in-progress");

    let report = app
        .get(
            &format!("/api/same-day-returns?department={dept}"),
            Some(&registrar),
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["summary"]["returns"], 1);
    assert_eq!(report.body["summary"]["called"], 1);
    assert!(report.body["returns"][0]["wait_minutes"].is_number());
    assert!(report.body["returns"][0]["called_at"].is_string());
    let seen = app
        .get(&format!("/api/visits/{encounter}/orders"), Some(&first))
        .await;
    assert_eq!(seen.body["returns"].as_array().unwrap().len(), 1);
}
on_both!(a_same_day_return_with_results_skips_the_queue);
