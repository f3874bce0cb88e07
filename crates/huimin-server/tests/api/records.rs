//! The clinical record: the visit's states, the outpatient note (draft, sign, amend), who may
//! read it, and the patient's own record.

use serde_json::{Value, json};

use crate::calling::clinic_starting_soon;
use crate::helpers::*;
use crate::on_both;

/// A clinic, its doctor, and a patient booked and checked in; the visit that opened.
struct Visit {
    app: TestApp,
    admin: String,
    session: String,
    doctor: String,
    patient: String,
    patient_id: String,
    appointment: String,
    encounter: String,
}

async fn checked_in(db: Db) -> Visit {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_dept, session, slot, doctor) = clinic_starting_soon(&app, &admin).await;
    let (patient, patient_id) = app.patient("13911120001", "王小明", ID_2).await;
    let appointment = app.book(&patient, &patient_id, &slot).await;
    let checked = app
        .set_status(&patient, &appointment, "checked-in", "en")
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let found = app
        .get(
            &format!("/fhir/Encounter?appointment={appointment}"),
            Some(&patient),
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(found.body["total"], 1, "{}", found.body);
    let encounter = found.body["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Visit {
        app,
        admin,
        session,
        doctor,
        patient,
        patient_id,
        appointment,
        encounter,
    }
}

fn note(chief: &str, code: &str) -> Value {
    json!({
        "sections": {
            "chief_complaint": chief,
            "present_illness": "三天前受凉后出现头晕。",
            "physical_exam": "BP 150/95 mmHg",
            "plan": "低盐饮食，两周后复诊。",
        },
        "diagnoses": [
            {"code": code, "name": "特发性（原发性）高血压", "certainty": "confirmed"},
            {"code": "E11", "name": "2 型糖尿病", "certainty": "provisional"},
        ],
    })
}

async fn write_and_sign(v: &Visit) -> Value {
    let saved = put(
        &v.app,
        &format!("/api/visits/{}/note", v.encounter),
        Some(&v.doctor),
        &note("头晕 3 天", "I10"),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["status"], "draft");
    let signed = v
        .app
        .post_json(
            &format!("/api/visits/{}/note/sign", v.encounter),
            Some(&v.doctor),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    signed.body
}

async fn the_visit_opens_at_check_in_runs_when_called_and_finishes_with_the_doctor(db: Db) {
    let v = checked_in(db).await;
    let path = format!("/fhir/Encounter/{}", v.encounter);
    let e = v.app.get(&path, Some(&v.patient)).await;
    assert_eq!(e.status, 200, "{}", e.body);
    assert_eq!(e.body["status"], "arrived");
    assert_eq!(e.body["class"]["code"], "AMB");
    assert_eq!(
        e.body["appointment"][0]["reference"],
        format!("Appointment/{}", v.appointment)
    );
    assert_eq!(
        e.body["subject"]["reference"],
        format!("Patient/{}", v.patient_id)
    );
    assert_eq!(e.body["extension"][0]["url"], "urn:huimin:ext:department");
    assert_schema_valid(&e.body);

    // Checking in again opens nothing more.
    v.app
        .set_status(&v.admin, &v.appointment, "checked-in", "en")
        .await;
    let all = v
        .app
        .get(
            &format!("/fhir/Encounter?patient={}", v.patient_id),
            Some(&v.doctor),
        )
        .await;
    assert_eq!(all.body["total"], 1, "{}", all.body);

    let called = v
        .app
        .post_raw(
            &format!("/api/sessions/{}/call-next", v.session),
            Some(&v.doctor),
            "application/json",
            "",
        )
        .await;
    assert_eq!(called.status, 200, "{}", called.body);
    assert_eq!(
        v.app.get(&path, Some(&v.doctor)).await.body["status"],
        "in-progress"
    );
    let in_progress = v
        .app
        .get(
            &format!(
                "/fhir/Encounter?patient={}&status=in-progress",
                v.patient_id
            ),
            Some(&v.doctor),
        )
        .await;
    assert_eq!(in_progress.body["total"], 1, "{}", in_progress.body);

    let finished = v
        .app
        .post_raw(
            &format!("/api/visits/{}/finish", v.encounter),
            Some(&v.doctor),
            "application/json",
            "",
        )
        .await;
    assert_eq!(finished.status, 200, "{}", finished.body);
    assert_eq!(finished.body["status"], "finished");
    assert!(finished.body["period"]["end"].is_string());
    let appointment = v
        .app
        .get(
            &format!("/fhir/Appointment/{}", v.appointment),
            Some(&v.patient),
        )
        .await;
    assert_eq!(appointment.body["status"], "fulfilled");
    let again = v
        .app
        .post_raw(
            &format!("/api/visits/{}/finish", v.encounter),
            Some(&v.doctor),
            "application/json",
            "",
        )
        .await;
    assert_eq!(again.status, 409, "a finished visit stays finished");
    v.app.finish().await;
}
on_both!(the_visit_opens_at_check_in_runs_when_called_and_finishes_with_the_doctor);

async fn a_signed_note_cannot_change_in_place_and_an_amendment_keeps_both_versions(db: Db) {
    let v = checked_in(db).await;
    let signed = write_and_sign(&v).await;
    assert_eq!(signed["status"], "signed");
    let id = signed["id"].as_str().unwrap().to_owned();

    let edit = put(
        &v.app,
        &format!("/api/visits/{}/note", v.encounter),
        Some(&v.doctor),
        &note("头晕 5 天", "I10"),
    )
    .await;
    assert_eq!(edit.status, 409, "{}", edit.body);
    assert_eq!(edit.expression(), Some("note"));

    let url = format!("/api/visits/{}/note/amend", v.encounter);
    let mut amendment = note("头晕 5 天", "I10");
    amendment["password"] = json!(PASSWORD);
    let no_reason = v.app.post_json(&url, Some(&v.doctor), &amendment).await;
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    assert_eq!(no_reason.expression(), Some("reason"));
    amendment["reason"] = json!("患者补充病程为 5 天");
    let amended = v.app.post_json(&url, Some(&v.doctor), &amendment).await;
    assert_eq!(amended.status, 200, "{}", amended.body);
    assert_eq!(amended.body["version"], 2);
    assert_eq!(amended.body["versions"][1]["changed"][0], "chief_complaint");

    let v1 = v
        .app
        .get(
            &format!("/fhir/Composition/{id}/_history/1"),
            Some(&v.patient),
        )
        .await;
    assert_eq!(v1.status, 200, "{}", v1.body);
    assert_eq!(v1.body["status"], "final");
    assert!(
        v1.body["section"][0]["text"]["div"]
            .as_str()
            .unwrap()
            .contains("头晕 3 天")
    );
    assert_schema_valid(&v1.body);
    let current = v
        .app
        .get(&format!("/fhir/Composition/{id}"), Some(&v.patient))
        .await;
    assert_eq!(current.body["status"], "amended");
    assert_eq!(current.body["meta"]["versionId"], "2");
    assert!(
        current.body["section"][0]["text"]["div"]
            .as_str()
            .unwrap()
            .contains("头晕 5 天")
    );
    let history = v
        .app
        .get(
            &format!("/fhir/Composition/{id}/_history"),
            Some(&v.patient),
        )
        .await;
    assert_eq!(history.body["total"], 2, "{}", history.body);
    let p2 = v
        .app
        .get(&format!("/fhir/Provenance/{id}-v2"), Some(&v.patient))
        .await;
    assert_eq!(p2.status, 200, "{}", p2.body);
    assert_eq!(p2.body["reason"][0]["text"], "患者补充病程为 5 天");
    assert_eq!(
        p2.body["target"][0]["reference"],
        format!("Composition/{id}/_history/2")
    );
    assert_schema_valid(&p2.body);

    let checks = huimin_server::records::signing::verify_note(&v.app.store, &id)
        .await
        .unwrap();
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(|(_, r)| r.is_ok()), "{checks:?}");
    v.app.finish().await;
}
on_both!(a_signed_note_cannot_change_in_place_and_an_amendment_keeps_both_versions);

async fn signing_refuses_a_wrong_password_and_bad_input_and_writes_nothing(db: Db) {
    let v = checked_in(db).await;
    let url = format!("/api/visits/{}/note", v.encounter);
    let bad_code = put(&v.app, &url, Some(&v.doctor), &note("头晕", "高血压")).await;
    assert_eq!(bad_code.status, 422, "{}", bad_code.body);
    assert_eq!(bad_code.expression(), Some("diagnoses[0].code"));
    let unknown = put(&v.app, &url, Some(&v.doctor), &note("头晕", "U99.9")).await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert_eq!(unknown.expression(), Some("diagnoses[0].code"));
    let bad_section = put(
        &v.app,
        &url,
        Some(&v.doctor),
        &json!({"sections": {"mood": "好"}}),
    )
    .await;
    assert_eq!(bad_section.status, 422);
    assert_eq!(bad_section.expression(), Some("sections.mood"));
    let nothing = v
        .app
        .get(&format!("/api/visits/{}", v.encounter), Some(&v.doctor))
        .await;
    assert!(nothing.body["note"].is_null(), "{}", nothing.body);

    // Without a chief complaint the draft saves but does not sign.
    let draft = put(&v.app, &url, Some(&v.doctor), &note("", "I10")).await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    let sign = format!("/api/visits/{}/note/sign", v.encounter);
    let incomplete = v
        .app
        .post_json(&sign, Some(&v.doctor), &json!({"password": PASSWORD}))
        .await;
    assert_eq!(incomplete.status, 422);
    assert_eq!(incomplete.expression(), Some("chief_complaint"));
    put(&v.app, &url, Some(&v.doctor), &note("头晕", "I10")).await;
    let wrong = v
        .app
        .post_json(&sign, Some(&v.doctor), &json!({"password": "not-it-1234"}))
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert_eq!(wrong.expression(), Some("password"));
    let after = v
        .app
        .get(&format!("/api/visits/{}", v.encounter), Some(&v.doctor))
        .await;
    assert_eq!(after.body["note"]["status"], "draft");

    // Another doctor may neither write nor sign it.
    let other = v.app.staff("doctor").await;
    let theirs = v
        .app
        .post_json(&sign, Some(&other), &json!({"password": PASSWORD}))
        .await;
    assert_eq!(theirs.status, 403, "{}", theirs.body);
    v.app.finish().await;
}
on_both!(signing_refuses_a_wrong_password_and_bad_input_and_writes_nothing);

async fn reading_outside_care_needs_a_reason_and_is_flagged(db: Db) {
    let v = checked_in(db).await;
    write_and_sign(&v).await;
    // A doctor of another clinic: no session with this patient.
    let (stranger_dept, _s, _slot, stranger) = clinic_starting_soon(&v.app, &v.admin).await;
    let path = format!("/api/visits/{}", v.encounter);
    let refused = v.app.get(&path, Some(&stranger)).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.expression(), Some("break_glass"));
    let too_short = v
        .app
        .get(&format!("{path}?break_glass=x"), Some(&stranger))
        .await;
    assert_eq!(too_short.status, 422);
    let reason = "急诊会诊需了解既往病史";
    let read = v
        .app
        .get(
            &format!("{path}?break_glass={}", url_escape(reason)),
            Some(&stranger),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["note"]["status"], "signed");
    let trail = v
        .app
        .get(
            &format!(
                "/fhir/AuditEvent?entity=Encounter/{}&_count=50",
                v.encounter
            ),
            Some(&v.admin),
        )
        .await;
    let text = trail.body.to_string();
    assert!(text.contains("break-the-glass"), "{text}");
    assert!(text.contains("break-the-glass: no reason"), "{text}");

    // The head of the reader's department sees the read and its reason.
    let heads = v
        .app
        .get(
            &format!("/api/records/break-glass?department={stranger_dept}"),
            Some(&v.admin),
        )
        .await;
    assert_eq!(heads.status, 200, "{}", heads.body);
    assert_eq!(heads.body["reads"][0]["reason"], reason);
    assert_eq!(
        v.app
            .get("/api/records/break-glass", Some(&stranger))
            .await
            .status,
        403,
        "not a department head"
    );

    // The registrar sees the visit but not the note.
    let registrar = v.app.staff("registrar").await;
    let desk = v.app.get(&path, Some(&registrar)).await;
    assert_eq!(desk.status, 200, "{}", desk.body);
    assert!(desk.body["note"].is_null());
    assert!(desk.body["allergies"].as_array().unwrap().is_empty());
    v.app.finish().await;
}
on_both!(reading_outside_care_needs_a_reason_and_is_flagged);

async fn put(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> Resp {
    app.put_json(path, token, body, None).await
}

fn url_escape(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn a_patient_reads_the_family_record_but_not_another_familys(db: Db) {
    let v = checked_in(db).await;
    let signed = write_and_sign(&v).await;
    let allergy = v
        .app
        .post_json(
            &format!("/api/visits/{}/allergies", v.encounter),
            Some(&v.doctor),
            &json!({"substance": "青霉素", "reaction": "皮疹", "severity": "moderate"}),
        )
        .await;
    assert_eq!(allergy.status, 201, "{}", allergy.body);
    let bad_allergy = v
        .app
        .post_json(
            &format!("/api/visits/{}/allergies", v.encounter),
            Some(&v.doctor),
            &json!({"substance": "青霉素", "reaction": "皮疹", "severity": "awful"}),
        )
        .await;
    assert_eq!(bad_allergy.status, 422);
    assert_eq!(bad_allergy.expression(), Some("allergy.severity"));

    let mine = v.app.get("/api/me/visits", Some(&v.patient)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body["visits"][0]["signed"], true);
    assert_eq!(mine.body["visits"][0]["diagnoses"][0]["code"], "I10");
    let visit = v
        .app
        .get(&format!("/api/visits/{}", v.encounter), Some(&v.patient))
        .await;
    assert_eq!(visit.status, 200, "{}", visit.body);
    assert_eq!(visit.body["allergies"][0]["substance"], "青霉素");
    assert_eq!(
        visit.body["note"]["sections"]["chief_complaint"],
        "头晕 3 天"
    );

    let everything = v
        .app
        .get(
            &format!("/fhir/Patient/{}/$everything", v.patient_id),
            Some(&v.patient),
        )
        .await;
    assert_eq!(everything.status, 200, "{}", everything.body);
    let types: Vec<&str> = everything.body["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap())
        .collect();
    for t in [
        "Patient",
        "Encounter",
        "Appointment",
        "Composition",
        "Condition",
        "Provenance",
        "AllergyIntolerance",
    ] {
        assert!(types.contains(&t), "{t} missing from {types:?}");
    }
    assert_schema_valid(&everything.body);
    if let Ok(dir) = std::env::var("HUIMIN_FHIR_SAMPLES") {
        let _ = std::fs::create_dir_all(&dir);
        for (i, e) in everything.body["entry"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let r = &e["resource"];
            let name = format!("{dir}/{i:02}-{}.json", r["resourceType"].as_str().unwrap());
            std::fs::write(name, serde_json::to_vec_pretty(r).unwrap()).unwrap();
        }
        std::fs::write(
            format!("{dir}/bundle-everything.json"),
            serde_json::to_vec_pretty(&everything.body).unwrap(),
        )
        .unwrap();
    }

    let (other, other_id) = v.app.patient("13911120009", "李四", ID_3).await;
    let note_id = signed["id"].as_str().unwrap();
    for path in [
        format!("/api/visits/{}", v.encounter),
        format!("/fhir/Encounter/{}", v.encounter),
        format!("/fhir/Composition/{note_id}"),
        format!("/fhir/Patient/{}/$everything", v.patient_id),
    ] {
        assert_eq!(v.app.get(&path, Some(&other)).await.status, 404, "{path}");
    }
    let theirs = v.app.get("/api/me/visits", Some(&other)).await;
    assert!(theirs.body["visits"].as_array().unwrap().is_empty());
    let search = v
        .app
        .get(
            &format!("/fhir/Encounter?patient={}", v.patient_id),
            Some(&other),
        )
        .await;
    assert_eq!(search.body["total"], 0);
    let _ = other_id;
    v.app.finish().await;
}
on_both!(a_patient_reads_the_family_record_but_not_another_familys);

/// A signed note with a notifiable diagnosis (霍乱 A00, even suspected) opens its report card
/// for the department at once, once: amending the note keeps the one card.
async fn signing_a_notifiable_diagnosis_opens_one_report_card(db: Db) {
    let v = checked_in(db).await;
    let mut body = note("腹泻 1 天", "I10");
    body["diagnoses"][1] = json!({"code": "A00", "name": "霍乱", "certainty": "provisional"});
    let saved = put(
        &v.app,
        &format!("/api/visits/{}/note", v.encounter),
        Some(&v.doctor),
        &body,
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let signed = v
        .app
        .post_json(
            &format!("/api/visits/{}/note/sign", v.encounter),
            Some(&v.doctor),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let cards = v.app.get("/api/notifiable-reports", Some(&v.doctor)).await;
    assert_eq!(cards.status, 200, "{}", cards.body);
    let items = cards.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", cards.body);
    assert_eq!(items[0]["code"], "A00");
    assert_eq!(
        items[0]["disease"]["deadline_hours"], 2,
        "霍乱 is class A: 2 hours"
    );
    assert_eq!(items[0]["patient"], format!("Patient/{}", v.patient_id));
    let amended = v
        .app
        .post_json(
            &format!("/api/visits/{}/note/amend", v.encounter),
            Some(&v.doctor),
            &json!({
                "password": PASSWORD,
                "reason": "补充体格检查",
                "sections": {"chief_complaint": "腹泻 1 天", "physical_exam": "腹软，无压痛"},
                "diagnoses": body["diagnoses"],
            }),
        )
        .await;
    assert_eq!(amended.status, 200, "{}", amended.body);
    let again = v.app.get("/api/notifiable-reports", Some(&v.doctor)).await;
    assert_eq!(again.body["items"].as_array().unwrap().len(), 1);
    v.app.finish().await;
}
on_both!(signing_a_notifiable_diagnosis_opens_one_report_card);

/// The hospital as the directory holds it (the demo's is the organisation of type `prov`).
async fn hospital(v: &Visit) {
    let org = v
        .app
        .post_json(
            "/fhir/Organization",
            Some(&v.admin),
            &json!({"resourceType": "Organization", "name": "惠民市第一人民医院",
                "alias": ["Huimin First People's Hospital"],
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov"}]}],
                "address": [{"text": "山东省惠民市北城区健康路 1 号"}]}),
        )
        .await;
    assert_eq!(org.status, 201, "{}", org.body);
}

async fn visit_pdf(v: &Visit, token: &str) -> reqwest::Response {
    v.app
        .client
        .get(format!("{}/api/visits/{}/pdf", v.app.base, v.encounter))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// An electrolytes order on the visit, paid, collected and reported final by a technician
/// (potassium 5.60 mmol/L, above its interval).
async fn a_final_electrolytes_report(v: &Visit) {
    let placed = v
        .app
        .post_json(
            &format!("/api/visits/{}/orders", v.encounter),
            Some(&v.doctor),
            &json!({"items": ["LAB-LYTES"]}),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.body);
    let order = placed.body["orders"][0]["id"].as_str().unwrap().to_owned();
    let registrar = v.app.staff("registrar").await;
    let paid = v
        .app
        .post_json(
            &format!("/api/appointments/{}/payment", v.appointment),
            Some(&registrar),
            &json!({"method": "cash"}),
        )
        .await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let technician = v.app.staff("technician").await;
    let collected = v
        .app
        .post_json(
            &format!("/api/orders/{order}/steps"),
            Some(&technician),
            &json!({"status": "collected"}),
        )
        .await;
    assert_eq!(collected.status, 200, "{}", collected.body);
    let request = v
        .app
        .client
        .put(format!("{}/api/results/{order}", v.app.base))
        .header("content-type", "application/json")
        .body(
            json!({"values": [
                {"analyte": "K", "value": "5.60", "unit": "mmol/L"},
                {"analyte": "NA", "value": "140", "unit": "mmol/L"}],
                "final": true})
            .to_string(),
        );
    let reported = v.app.send(request, Some(&technician)).await;
    assert_eq!(reported.status, 200, "{}", reported.body);
}

/// The patient downloads the signed note as a PDF: their name, the chief complaint and the
/// diagnosis code are printed, then the visit's final report with its values, units,
/// intervals and flags; the code printed on it verifies.
async fn the_patient_downloads_the_signed_note_as_a_pdf_that_verifies(db: Db) {
    let v = checked_in(db).await;
    hospital(&v).await;
    a_final_electrolytes_report(&v).await;
    write_and_sign(&v).await;
    let response = visit_pdf(&v, &v.patient).await;
    if response.status() != 200 {
        panic!("{}", response.text().await.unwrap());
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("cache-control"), "no-store");
    let date = v
        .app
        .get(&format!("/api/visits/{}", v.encounter), Some(&v.patient))
        .await
        .body["date"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        header("content-disposition"),
        format!("attachment; filename=\"visit-{date}.pdf\"")
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = crate::record_documents::pdf_text(&bytes);
    for expected in [
        "王小明",
        "惠民市第一人民医院",
        "主诉",
        "I10",
        "E11",
        "李振邦",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    // pdftotext drops the spaces around digits between Chinese characters.
    let squeezed = text.replace(' ', "");
    assert!(squeezed.contains("头晕3天"), "{text}");
    // The report after the note: its title, each value with unit, flag and interval.
    for expected in [
        "电解质",
        "钾5.60mmol/L↑偏高（3.5–5.3）",
        "钠140mmol/L（137–147）",
    ] {
        assert!(
            squeezed.contains(expected),
            "{expected} missing from {text}"
        );
    }
    assert!(
        squeezed.find("头晕3天") < squeezed.find("钾5.60"),
        "the report follows the note: {text}"
    );
    let code: String = text
        .split("/verify/")
        .nth(1)
        .expect("the verify address is printed")
        .chars()
        .take(10)
        .collect();
    let checked = v.app.get(&format!("/api/verify/{code}"), None).await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert_eq!(checked.body["genuine"], true);
    assert_eq!(checked.body["patient"], "王*");
    assert_eq!(checked.body["visit_date"], date.as_str());

    // The doctor of the visit downloads it too.
    assert_eq!(visit_pdf(&v, &v.doctor).await.status(), 200);
}
on_both!(the_patient_downloads_the_signed_note_as_a_pdf_that_verifies);

/// Another family's visit and a visit without a signed note are not found.
async fn another_family_or_an_unsigned_note_gets_no_pdf(db: Db) {
    let v = checked_in(db).await;
    hospital(&v).await;
    let unsigned = visit_pdf(&v, &v.patient).await;
    assert_eq!(unsigned.status(), 404);
    let body: Value = unsigned.json().await.unwrap();
    assert_eq!(body["issue"][0]["expression"][0], "note", "{body}");
    let saved = put(
        &v.app,
        &format!("/api/visits/{}/note", v.encounter),
        Some(&v.doctor),
        &note("头晕 3 天", "I10"),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    // A draft is not printed, even for its doctor.
    assert_eq!(visit_pdf(&v, &v.doctor).await.status(), 404);
    assert_eq!(visit_pdf(&v, &v.patient).await.status(), 404);

    let signed = v
        .app
        .post_json(
            &format!("/api/visits/{}/note/sign", v.encounter),
            Some(&v.doctor),
            &json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    let (other, _) = v.app.patient("13911120009", "李四", ID_3).await;
    let refused = visit_pdf(&v, &other).await;
    assert_eq!(refused.status(), 404);
    let body: Value = refused.json().await.unwrap();
    assert!(!body.to_string().contains("王小明"), "{body}");
    assert_eq!(visit_pdf(&v, &v.patient).await.status(), 200);
}
on_both!(another_family_or_an_unsigned_note_gets_no_pdf);
