//! Prescriptions: the rules of rational drug use as the doctor types and on signing (a
//! penicillin allergy blocks amoxicillin; warfarin + aspirin warns with the table's advice
//! and needs a reason the pharmacist sees; a sixth drug, a narcotic by an unqualified doctor
//! and a special-use antimicrobial are refused; a long prescription over 4 weeks needs the
//! assessment); the pharmacist's review, return and amendment; only approved and paid
//! prescriptions dispense, a skin-test drug only after a negative result; the last box goes
//! to one approval only; bad input names its field and writes nothing; another family reads
//! nothing.

use serde_json::{Value, json};

use crate::calling::{CheckedIn, checked_in_visit};
use crate::helpers::*;
use crate::on_both;

struct Rx {
    v: CheckedIn,
    pharmacist: String,
}

async fn visit(db: Db, phone: &str) -> Rx {
    let v = checked_in_visit(db, phone).await;
    let pharmacist = v.app.staff("pharmacist").await;
    Rx { v, pharmacist }
}

/// The code of the drug named exactly `name` (阿莫西林胶囊).
async fn drug(rx: &Rx, name: &str) -> String {
    let found =
        rx.v.app
            .get(&format!("/api/drugs?q={}", url(name)), Some(&rx.v.doctor))
            .await;
    assert_eq!(found.status, 200, "{}", found.body);
    found.body["drugs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"]["zh"] == name)
        .unwrap_or_else(|| panic!("{name} is in the formulary: {}", found.body))["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn url(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// `packages` of the drug received into a lot expiring in a year.
async fn stock(rx: &Rx, code: &str, lot: &str, packages: i64) {
    let expiry = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().years(1))
        .unwrap();
    let got = rx
        .v
        .app
        .post_json(
            "/api/pharmacy/stock",
            Some(&rx.pharmacist),
            &json!({"drug": code, "lot_number": lot, "expiry": expiry.to_string(), "quantity": packages}),
        )
        .await;
    assert_eq!(got.status, 201, "{}", got.body);
}

fn line(drug: &str, dose: &str, unit: &str, frequency: &str, days: u32) -> Value {
    json!({"drug": drug, "dose": dose, "dose_unit": unit, "frequency": frequency, "days": days})
}

async fn check(rx: &Rx, body: &Value) -> Resp {
    rx.v.app
        .post_json(
            &format!("/api/visits/{}/prescriptions/check", rx.v.encounter),
            Some(&rx.v.doctor),
            body,
        )
        .await
}

async fn prescribe(rx: &Rx, body: &Value) -> Resp {
    rx.v.app
        .post_json(
            &format!("/api/visits/{}/prescriptions", rx.v.encounter),
            Some(&rx.v.doctor),
            body,
        )
        .await
}

fn rules(checked: &Resp) -> Vec<(String, String)> {
    checked.body["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", checked.body))
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn review(rx: &Rx, id: &str, body: Value) -> Resp {
    rx.v.app
        .post_json(
            &format!("/api/prescriptions/{id}/review"),
            Some(&rx.pharmacist),
            &body,
        )
        .await
}

async fn pay(rx: &Rx) -> Resp {
    rx.v.app
        .post_raw(
            &format!("/api/appointments/{}/payment", rx.v.appointment),
            Some(&rx.v.registrar),
            "application/json",
            &json!({"method": "cash"}).to_string(),
        )
        .await
}

async fn a_penicillin_allergy_blocks_amoxicillin(db: Db) {
    let rx = visit(db, "13911130001").await;
    let amoxicillin = drug(&rx, "阿莫西林胶囊").await;
    stock(&rx, &amoxicillin, "A1", 10).await;
    let allergy =
        rx.v.app
            .post_json(
                &format!("/api/visits/{}/allergies", rx.v.encounter),
                Some(&rx.v.doctor),
                &json!({"substance": "青霉素", "reaction": "皮疹", "severity": "moderate"}),
            )
            .await;
    assert_eq!(allergy.status, 201, "{}", allergy.body);
    let body = json!({"lines": [line(&amoxicillin, "0.5", "g", "TID", 3)]});
    let checked = check(&rx, &body).await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert!(
        rules(&checked).contains(&("allergy".into(), "block".into())),
        "{}",
        checked.body
    );
    assert_eq!(checked.body["can_sign"], false);
    // A block cannot be overridden.
    let mut overridden = body.clone();
    overridden["overrides"] = json!([{"rule": "allergy", "line": 0, "reason": "病人坚持"}]);
    let refused = prescribe(&rx, &overridden).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let listed =
        rx.v.app
            .get(
                &format!("/api/visits/{}/prescriptions", rx.v.encounter),
                Some(&rx.v.doctor),
            )
            .await;
    assert_eq!(listed.body["prescriptions"].as_array().unwrap().len(), 0);
}
on_both!(a_penicillin_allergy_blocks_amoxicillin);

async fn warfarin_and_aspirin_warn_and_the_reason_reaches_the_pharmacist(db: Db) {
    let rx = visit(db, "13911130002").await;
    let warfarin = drug(&rx, "华法林片").await;
    let aspirin = drug(&rx, "阿司匹林肠溶片").await;
    stock(&rx, &warfarin, "W1", 5).await;
    stock(&rx, &aspirin, "S1", 5).await;
    let body = json!({"lines": [line(&warfarin, "2.5", "mg", "QD", 7), line(&aspirin, "100", "mg", "QD", 7)]});
    let checked = check(&rx, &body).await;
    let interaction = checked.body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "interaction")
        .unwrap_or_else(|| panic!("{}", checked.body))
        .clone();
    assert_eq!(interaction["severity"], "warn");
    assert!(
        interaction["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("出血"),
        "{interaction}"
    );
    // Without a reason the warning stops the signature, naming it.
    let unsigned = prescribe(&rx, &body).await;
    assert_eq!(unsigned.status, 422, "{}", unsigned.body);
    let mut with_reason = body.clone();
    with_reason["overrides"] =
        json!([{"rule": "interaction", "reason": "冠脉支架术后，心内科会诊同意联用，监测INR"}]);
    // An override without its reason is refused, naming the field.
    let mut empty = body.clone();
    empty["overrides"] = json!([{"rule": "interaction", "reason": " "}]);
    let bad = prescribe(&rx, &empty).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.body["issue"][0]["expression"][0], "overrides[0].reason");
    let signed = prescribe(&rx, &with_reason).await;
    assert_eq!(signed.status, 201, "{}", signed.body);
    assert_eq!(signed.body["status"], "submitted");
    assert!(signed.body["number"].as_str().unwrap().starts_with("CF"));
    assert!(signed.body["signature"]["signature"].is_string());
    let queue =
        rx.v.app
            .get("/api/pharmacy/reviews", Some(&rx.pharmacist))
            .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let waiting = &queue.body["prescriptions"][0];
    assert_eq!(waiting["id"], signed.body["id"]);
    assert_eq!(
        waiting["overrides"][0]["reason"],
        "冠脉支架术后，心内科会诊同意联用，监测INR"
    );
    // Only a pharmacist reviews.
    let id = signed.body["id"].as_str().unwrap();
    let by_doctor =
        rx.v.app
            .post_json(
                &format!("/api/prescriptions/{id}/review"),
                Some(&rx.v.doctor),
                &json!({"version": 1, "decision": "approve"}),
            )
            .await;
    assert_eq!(by_doctor.status, 403, "{}", by_doctor.body);
}
on_both!(warfarin_and_aspirin_warn_and_the_reason_reaches_the_pharmacist);

async fn a_sixth_drug_a_narcotic_without_the_right_and_special_antimicrobials_are_refused(db: Db) {
    let rx = visit(db, "13911130003").await;
    let names = [
        "阿莫西林胶囊",
        "华法林片",
        "阿司匹林肠溶片",
        "二甲双胍片",
        "氨氯地平片",
        "奥美拉唑肠溶胶囊",
    ];
    let mut lines = Vec::new();
    for name in names {
        let code = drug(&rx, name).await;
        stock(&rx, &code, "L1", 10).await;
        lines.push(line(
            &code,
            "1",
            if name.contains("胶囊") {
                "粒"
            } else {
                "片"
            },
            "QD",
            3,
        ));
    }
    let six = check(&rx, &json!({"lines": lines})).await;
    assert!(
        rules(&six).contains(&("max-drugs".into(), "block".into())),
        "{}",
        six.body
    );

    let morphine = drug(&rx, "吗啡片").await;
    stock(&rx, &morphine, "M1", 5).await;
    let narcotic = json!({"kind": "narcotic", "lines": [line(&morphine, "10", "mg", "Q12H", 3)]});
    let refused = check(&rx, &narcotic).await;
    assert!(
        rules(&refused).contains(&("controlled-qualification".into(), "block".into())),
        "{}",
        refused.body
    );
    // Granted the right by an administrator, the same prescription passes that rule.
    let encounter =
        rx.v.app
            .get(
                &format!("/fhir/Encounter/{}", rx.v.encounter),
                Some(&rx.v.doctor),
            )
            .await;
    let role_ref = encounter.body["participant"][0]["individual"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let role =
        rx.v.app
            .get(&format!("/fhir/{role_ref}"), Some(&rx.v.admin))
            .await;
    let practitioner = role.body["practitioner"]["reference"]
        .as_str()
        .unwrap()
        .trim_start_matches("Practitioner/")
        .to_owned();
    let granted =
        rx.v.app
            .put_json(
                &format!("/api/admin/prescribing-rights/{practitioner}"),
                Some(&rx.v.admin),
                &json!({"controlled": true}),
                None,
            )
            .await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    let allowed = check(&rx, &narcotic).await;
    assert!(
        !rules(&allowed)
            .iter()
            .any(|(r, _)| r == "controlled-qualification"),
        "{}",
        allowed.body
    );
    // Four days of an ordinary narcotic tablet exceed the three allowed.
    let long = check(
        &rx,
        &json!({"kind": "narcotic", "lines": [line(&morphine, "10", "mg", "Q12H", 4)]}),
    )
    .await;
    assert!(
        rules(&long).contains(&("controlled-quantity".into(), "block".into())),
        "{}",
        long.body
    );

    let special = drug(&rx, "注射用美罗培南").await;
    stock(&rx, &special, "P1", 5).await;
    let antimicrobial = check(&rx, &json!({"lines": [line(&special, "1", "g", "Q8H", 1)]})).await;
    assert!(
        rules(&antimicrobial)
            .contains(&("antimicrobial-special-outpatient".into(), "block".into())),
        "{}",
        antimicrobial.body
    );
}
on_both!(a_sixth_drug_a_narcotic_without_the_right_and_special_antimicrobials_are_refused);

async fn a_twelve_week_prescription_needs_a_chronic_diagnosis_and_the_assessment(db: Db) {
    let rx = visit(db, "13911130004").await;
    let amlodipine = drug(&rx, "氨氯地平片").await;
    stock(&rx, &amlodipine, "N1", 20).await;
    let twelve_weeks = |assessment: bool| {
        json!({"long_term": true, "stable": true, "long_assessment": assessment,
            "lines": [line(&amlodipine, "5", "mg", "QD", 84)]})
    };
    let no_diagnosis = check(&rx, &twelve_weeks(true)).await;
    assert!(
        rules(&no_diagnosis).contains(&("long-term-no-chronic".into(), "block".into())),
        "{}",
        no_diagnosis.body
    );
    let saved = rx.v.app
        .put_json(
            &format!("/api/visits/{}/note", rx.v.encounter),
            Some(&rx.v.doctor),
            &json!({"sections": {"chief_complaint": "血压控制复诊"},
                "diagnoses": [{"code": "I10", "name": "特发性（原发性）高血压", "certainty": "confirmed"}]}),
            None,
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let without = check(&rx, &twelve_weeks(false)).await;
    assert!(
        rules(&without).contains(&("long-term-assessment".into(), "block".into())),
        "{}",
        without.body
    );
    let with = check(&rx, &twelve_weeks(true)).await;
    assert!(
        !rules(&with).iter().any(|(_, s)| s == "block"),
        "{}",
        with.body
    );
    let signed = prescribe(&rx, &twelve_weeks(true)).await;
    assert_eq!(signed.status, 201, "{}", signed.body);
    // 84 tablets of 5 mg: the seed's package size decides the boxes; the line says 84 days.
    assert_eq!(signed.body["lines"][0]["days"], 84);
}
on_both!(a_twelve_week_prescription_needs_a_chronic_diagnosis_and_the_assessment);

async fn returned_amended_approved_paid_dispensed_after_a_negative_skin_test(db: Db) {
    let rx = visit(db, "13911130005").await;
    let amoxicillin = drug(&rx, "阿莫西林胶囊").await;
    stock(&rx, &amoxicillin, "A2", 3).await;
    let signed = prescribe(
        &rx,
        &json!({"lines": [line(&amoxicillin, "0.5", "g", "TID", 3)]}),
    )
    .await;
    assert_eq!(signed.status, 201, "{}", signed.body);
    let id = signed.body["id"].as_str().unwrap().to_owned();
    // Paying or dispensing before approval does nothing.
    let early =
        rx.v.app
            .post_json(
                &format!("/api/prescriptions/{id}/dispense"),
                Some(&rx.pharmacist),
                &json!({}),
            )
            .await;
    assert_eq!(early.status, 409, "{}", early.body);
    // Returned with a reason code and text.
    let bad_reason = review(
        &rx,
        &id,
        json!({"version": 1, "decision": "return", "reason_code": "nope", "reason_text": "x"}),
    )
    .await;
    assert_eq!(bad_reason.status, 422, "{}", bad_reason.body);
    let returned = review(&rx, &id, json!({"version": 1, "decision": "return", "reason_code": "dose", "reason_text": "请核对每次剂量"})).await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    assert_eq!(returned.body["status"], "returned");
    assert_eq!(
        returned.body["reviews"][0]["reason"]["zh"],
        "用法、用量不适宜"
    );
    let doctor_sees =
        rx.v.app
            .get(&format!("/api/prescriptions/{id}"), Some(&rx.v.doctor))
            .await;
    assert_eq!(
        doctor_sees.body["reviews"][0]["reason_text"],
        "请核对每次剂量"
    );
    // Amended (a smaller dose) and signed again: version 3 waits for review.
    let amended = rx.v.app
        .put_json(
            &format!("/api/prescriptions/{id}"),
            Some(&rx.v.doctor),
            &json!({"version": returned.body["version"], "lines": [line(&amoxicillin, "0.25", "g", "TID", 3)]}),
            None,
        )
        .await;
    assert_eq!(amended.status, 200, "{}", amended.body);
    assert_eq!(amended.body["status"], "submitted");
    let version = amended.body["version"].as_i64().unwrap();
    let approved = review(&rx, &id, json!({"version": version, "decision": "approve"})).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["status"], "approved");
    let lots =
        rx.v.app
            .get(
                &format!("/api/pharmacy/stock?drug={amoxicillin}"),
                Some(&rx.pharmacist),
            )
            .await;
    assert_eq!(lots.body["lots"][0]["reserved"], 1, "{}", lots.body);
    let unpaid =
        rx.v.app
            .post_json(
                &format!("/api/prescriptions/{id}/dispense"),
                Some(&rx.pharmacist),
                &json!({}),
            )
            .await;
    assert_eq!(unpaid.status, 409, "{}", unpaid.body);
    let paid = pay(&rx).await;
    assert_eq!(paid.status, 201, "{}", paid.body);
    let after =
        rx.v.app
            .get(&format!("/api/prescriptions/{id}"), Some(&rx.v.doctor))
            .await;
    assert_eq!(after.body["status"], "paid");
    // A penicillin is not dispensed before a negative skin test.
    let untested =
        rx.v.app
            .post_json(
                &format!("/api/prescriptions/{id}/dispense"),
                Some(&rx.pharmacist),
                &json!({}),
            )
            .await;
    assert_eq!(untested.status, 409, "{}", untested.body);
    assert!(
        untested.body["issue"][0]["details"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("皮试")
            || untested.body.to_string().contains("皮试"),
        "{}",
        untested.body
    );
    let nurse = rx.v.app.staff("nurse").await;
    let tested =
        rx.v.app
            .post_json(
                &format!("/api/visits/{}/skin-tests", rx.v.encounter),
                Some(&nurse),
                &json!({"drug": amoxicillin, "result": "negative"}),
            )
            .await;
    assert_eq!(tested.status, 201, "{}", tested.body);
    let dispensed =
        rx.v.app
            .post_json(
                &format!("/api/prescriptions/{id}/dispense"),
                Some(&rx.pharmacist),
                &json!({}),
            )
            .await;
    assert_eq!(dispensed.status, 200, "{}", dispensed.body);
    assert_eq!(dispensed.body["dispensed"][0]["lot_number"], "A2");
    let lots =
        rx.v.app
            .get(
                &format!("/api/pharmacy/stock?drug={amoxicillin}"),
                Some(&rx.pharmacist),
            )
            .await;
    assert_eq!(
        (
            lots.body["lots"][0]["on_hand"].as_i64(),
            lots.body["lots"][0]["reserved"].as_i64()
        ),
        (Some(2), Some(0))
    );
    // The patient's phone: ready to collect, then collected, with the instruction.
    let mine =
        rx.v.app
            .get("/api/me/prescriptions", Some(&rx.v.patient))
            .await;
    assert_eq!(mine.body["prescriptions"][0]["status"], "dispensed");
    let handed =
        rx.v.app
            .post_json(
                &format!("/api/prescriptions/{id}/hand-over"),
                Some(&rx.pharmacist),
                &json!({}),
            )
            .await;
    assert_eq!(handed.status, 200, "{}", handed.body);
    let mine =
        rx.v.app
            .get_lang("/api/me/prescriptions", Some(&rx.v.patient), "zh")
            .await;
    let first = &mine.body["prescriptions"][0];
    assert_eq!(first["status"], "collected");
    assert_eq!(first["status_label"]["zh"], "已取药");
    assert_eq!(
        first["lines"][0]["instruction"]["zh"],
        "口服，每日三次，每次1粒（250mg）"
    );
    let meds =
        rx.v.app
            .get("/api/me/medications", Some(&rx.v.patient))
            .await;
    assert_eq!(meds.body["medications"][0]["drug"], amoxicillin.as_str());
    // At /fhir: the line as a MedicationRequest, what was handed out as a MedicationDispense.
    let request =
        rx.v.app
            .get(
                &format!("/fhir/MedicationRequest/{id}-0"),
                Some(&rx.v.patient),
            )
            .await;
    assert_eq!(request.status, 200, "{}", request.body);
    assert_eq!(request.body["status"], "completed");
    assert_eq!(
        request.body["groupIdentifier"]["value"],
        signed.body["number"]
    );
    let text = request.body.to_string();
    huimin_fhir::parse_resource::<huimin_fhir::MedicationRequest>(text.as_bytes())
        .unwrap_or_else(|e| panic!("{e:?}: {text}"));
    assert_schema_valid(&request.body);
    let dispense =
        rx.v.app
            .get(
                &format!("/fhir/MedicationDispense/{id}-0"),
                Some(&rx.v.patient),
            )
            .await;
    assert_eq!(dispense.status, 200, "{}", dispense.body);
    assert_eq!(dispense.body["extension"][0]["valueString"], "A2");
    let text = dispense.body.to_string();
    huimin_fhir::parse_resource::<huimin_fhir::MedicationDispense>(text.as_bytes())
        .unwrap_or_else(|e| panic!("{e:?}: {text}"));
    assert_schema_valid(&dispense.body);
    let drug =
        rx.v.app
            .get(
                &format!("/fhir/Medication/{amoxicillin}"),
                Some(&rx.v.patient),
            )
            .await;
    let text = drug.body.to_string();
    huimin_fhir::parse_resource::<huimin_fhir::Medication>(text.as_bytes())
        .unwrap_or_else(|e| panic!("{e:?}: {text}"));
    assert_schema_valid(&drug.body);
    // Another family reads nothing of it.
    let (other, _) = rx.v.app.patient("13911130099", "赵六", ID_3).await;
    let theirs =
        rx.v.app
            .get(&format!("/api/prescriptions/{id}"), Some(&other))
            .await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let theirs =
        rx.v.app
            .get(&format!("/fhir/MedicationRequest/{id}-0"), Some(&other))
            .await;
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let none = rx.v.app.get("/api/me/prescriptions", Some(&other)).await;
    assert_eq!(none.body["prescriptions"].as_array().unwrap().len(), 0);
}
on_both!(returned_amended_approved_paid_dispensed_after_a_negative_skin_test);

async fn the_last_box_is_reserved_by_one_approval_only(db: Db) {
    let rx = visit(db, "13911130006").await;
    let metformin = drug(&rx, "二甲双胍片").await;
    stock(&rx, &metformin, "G1", 2).await;
    let body = json!({"lines": [line(&metformin, "0.5", "g", "QD", 3)]});
    let a = prescribe(&rx, &body).await;
    let b = prescribe(&rx, &body).await;
    assert_eq!((a.status, b.status), (201, 201), "{} {}", a.body, b.body);
    // Each wants one box; take one away so only one is left for two approvals.
    let lots =
        rx.v.app
            .get(
                &format!("/api/pharmacy/stock?drug={metformin}"),
                Some(&rx.pharmacist),
            )
            .await;
    assert_eq!(lots.body["lots"][0]["on_hand"], 2);
    let third = prescribe(&rx, &body).await;
    assert_eq!(third.status, 201, "{}", third.body);
    let ids: Vec<String> = [&a, &b, &third]
        .iter()
        .map(|r| r.body["id"].as_str().unwrap().to_owned())
        .collect();
    let approve = || json!({"version": 1, "decision": "approve"});
    let (x, y, z) = tokio::join!(
        review(&rx, &ids[0], approve()),
        review(&rx, &ids[1], approve()),
        review(&rx, &ids[2], approve())
    );
    let results = [x, y, z];
    let ok = results.iter().filter(|r| r.status == 200).count();
    let short = results.iter().filter(|r| r.status == 409).count();
    assert_eq!(
        (ok, short),
        (2, 1),
        "{:?}",
        results.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let lots =
        rx.v.app
            .get(
                &format!("/api/pharmacy/stock?drug={metformin}"),
                Some(&rx.pharmacist),
            )
            .await;
    assert_eq!(lots.body["lots"][0]["reserved"], 2);
    // The refused one still waits for review, unchanged.
    let refused = results.iter().position(|r| r.status == 409).unwrap();
    let still =
        rx.v.app
            .get(
                &format!("/api/prescriptions/{}", ids[refused]),
                Some(&rx.pharmacist),
            )
            .await;
    assert_eq!(still.body["status"], "submitted");
    // Out of stock is said at prescribing too.
    let short = check(&rx, &body).await;
    assert!(
        rules(&short).contains(&("out-of-stock".into(), "block".into())),
        "{}",
        short.body
    );
    // When their validity has run out unpaid, the approved ones expire and their boxes return.
    let ended =
        rx.v.app
            .store
            .lapse_prescriptions("2999-01-01", 0)
            .await
            .unwrap();
    assert_eq!(ended, 3);
    let lots =
        rx.v.app
            .get(
                &format!("/api/pharmacy/stock?drug={metformin}"),
                Some(&rx.pharmacist),
            )
            .await;
    assert_eq!(lots.body["lots"][0]["reserved"], 0, "{}", lots.body);
    let expired =
        rx.v.app
            .get(
                &format!("/api/prescriptions/{}", ids[0]),
                Some(&rx.pharmacist),
            )
            .await;
    assert_eq!(expired.body["status"], "expired");
    assert_eq!(expired.body["status_label"]["zh"], "已过期失效");
    let late = review(
        &rx,
        &ids[refused],
        json!({"version": 1, "decision": "approve"}),
    )
    .await;
    assert_eq!(late.status, 409, "{}", late.body);
}
on_both!(the_last_box_is_reserved_by_one_approval_only);

async fn bad_input_names_its_field_and_writes_nothing(db: Db) {
    let rx = visit(db, "13911130007").await;
    let amoxicillin = drug(&rx, "阿莫西林胶囊").await;
    stock(&rx, &amoxicillin, "A3", 10).await;
    let cases = [
        (
            json!({"lines": [line("NOPE", "0.5", "g", "TID", 3)]}),
            "lines[0].drug",
        ),
        (
            json!({"lines": [line(&amoxicillin, "0.5", "g", "TDS", 3)]}),
            "lines[0].frequency",
        ),
        (
            json!({"lines": [line(&amoxicillin, "0.5", "mL", "TID", 3)]}),
            "lines[0].dose_unit",
        ),
        (
            json!({"lines": [{"drug": amoxicillin, "dose": "0.5", "dose_unit": "g", "frequency": "TID", "days": 3, "quantity": 9}]}),
            "lines[0].quantity",
        ),
        (
            json!({"lines": [{"drug": amoxicillin, "dose": "0.5", "dose_unit": "g", "frequency": "TID", "days": 3, "route": "mouth"}]}),
            "lines[0].route",
        ),
        (
            json!({"kind": "secret", "lines": [line(&amoxicillin, "0.5", "g", "TID", 3)]}),
            "kind",
        ),
        (
            json!({"validity_days": 4, "lines": [line(&amoxicillin, "0.5", "g", "TID", 3)]}),
            "validity_days",
        ),
        (json!({"lines": []}), "lines"),
    ];
    for (body, field) in cases {
        let refused = prescribe(&rx, &body).await;
        assert_eq!(refused.status, 422, "{field}: {}", refused.body);
        assert_eq!(
            refused.body["issue"][0]["expression"][0], field,
            "{}",
            refused.body
        );
        let en =
            rx.v.app
                .post_json(
                    &format!("/api/visits/{}/prescriptions/check?lang=en", rx.v.encounter),
                    Some(&rx.v.doctor),
                    &body,
                )
                .await;
        assert_eq!(en.status, 422);
    }
    let listed =
        rx.v.app
            .get(
                &format!("/api/visits/{}/prescriptions", rx.v.encounter),
                Some(&rx.v.doctor),
            )
            .await;
    assert_eq!(listed.body["prescriptions"].as_array().unwrap().len(), 0);
    // A nurse does not prescribe.
    let nurse = rx.v.app.staff("nurse").await;
    let by_nurse =
        rx.v.app
            .post_json(
                &format!("/api/visits/{}/prescriptions", rx.v.encounter),
                Some(&nurse),
                &json!({"lines": [line(&amoxicillin, "0.5", "g", "TID", 3)]}),
            )
            .await;
    assert_eq!(by_nurse.status, 403, "{}", by_nurse.body);
    // A formulary file with a bad line is refused whole; the tables stay as they were.
    let before =
        rx.v.app
            .get("/api/admin/drug-tables", Some(&rx.v.admin))
            .await;
    let csv = format!(
        "{}\nEM9999,测试,Test,,western,tablet,zero,mg,片,10,盒,oral,1.00,,test,,,,,,,,,,,来源\n",
        huimin_domain::prescriptions::formulary::COLUMNS.join(",")
    );
    let import =
        rx.v.app
            .send(
                rx.v.app
                    .client
                    .put(format!("{}/api/admin/drug-tables/formulary", rx.v.app.base))
                    .header("content-type", "text/csv")
                    .body(csv),
                Some(&rx.v.admin),
            )
            .await;
    assert_eq!(import.status, 422, "{}", import.body);
    assert_eq!(import.body["issue"][0]["expression"][0], "line 2");
    let after =
        rx.v.app
            .get("/api/admin/drug-tables", Some(&rx.v.admin))
            .await;
    assert_eq!(before.body, after.body);
}
on_both!(bad_input_names_its_field_and_writes_nothing);

async fn medicines_from_other_hospitals_are_checked_too(db: Db) {
    let rx = visit(db, "13911130008").await;
    let warfarin = drug(&rx, "华法林片").await;
    let aspirin = drug(&rx, "阿司匹林肠溶片").await;
    stock(&rx, &aspirin, "S9", 5).await;
    let until = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(30))
        .unwrap();
    let path = format!("/api/visits/{}/external-medications", rx.v.encounter);
    let recorded = rx
        .v
        .app
        .post_json(
            &path,
            Some(&rx.v.doctor),
            &json!({"drug": warfarin, "hospital": "泉城市第一人民医院", "until": until.to_string()}),
        )
        .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    // Bad input names its field; a patient cannot record one.
    for (body, field) in [
        (
            json!({"drug": "NOPE", "hospital": "泉城市第一人民医院", "until": until.to_string()}),
            "drug",
        ),
        (
            json!({"drug": warfarin, "hospital": "", "until": until.to_string()}),
            "hospital",
        ),
        (
            json!({"drug": warfarin, "hospital": "泉城市第一人民医院", "until": "2001-01-01"}),
            "until",
        ),
    ] {
        let refused = rx.v.app.post_json(&path, Some(&rx.v.doctor), &body).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert_eq!(refused.body["issue"][0]["expression"][0], field);
    }
    let by_patient =
        rx.v.app
            .post_json(
                &path,
                Some(&rx.v.patient),
                &json!({"drug": warfarin, "hospital": "某医院", "until": until.to_string()}),
            )
            .await;
    assert_eq!(by_patient.status, 403, "{}", by_patient.body);
    let listed = rx.v.app.get(&path, Some(&rx.v.doctor)).await;
    assert_eq!(
        listed.body["medications"].as_array().unwrap().len(),
        1,
        "{}",
        listed.body
    );
    // Aspirin now meets the warfarin taken from the other hospital, named in the message.
    let checked = check(
        &rx,
        &json!({"lines": [line(&aspirin, "100", "mg", "QD", 7)]}),
    )
    .await;
    let interaction = checked.body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "interaction")
        .unwrap_or_else(|| panic!("{}", checked.body))
        .clone();
    assert!(
        interaction["message"]["zh"]
            .as_str()
            .unwrap()
            .contains("泉城市第一人民医院"),
        "{interaction}"
    );
}
on_both!(medicines_from_other_hospitals_are_checked_too);
