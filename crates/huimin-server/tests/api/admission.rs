//! Whom departments see (age and sex limits, per registration class) and which are booked at
//! all (emergency is not booked in advance; laboratory and imaging are not clinics): one rule
//! for `$hold`, `$book`, the desk, the waitlist, `$find` and the pages.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::on_both;

fn today() -> jiff::civil::Date {
    huimin_clock::Clock::default().today()
}

fn in_days(days: i64) -> String {
    today()
        .saturating_add(jiff::Span::new().days(days))
        .to_string()
}

/// A valid resident ID of someone `years` old (and `days` more) today, of the given sex.
fn resident_id(years: i16, days: i64, female: bool, n: u32) -> String {
    let birth = today()
        .saturating_sub(jiff::Span::new().years(years))
        .saturating_sub(jiff::Span::new().days(days));
    let sex_digit = if female { 2 * (n % 5) } else { 2 * (n % 5) + 1 };
    let first17 = format!(
        "110101{}{:02}{sex_digit}",
        birth.strftime("%Y%m%d"),
        n % 100
    );
    let check = huimin_domain::identity::resident_id_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

/// A department of the national `code` with one doctor's post of `class` at `fee` yuan;
/// returns (department id, role id).
async fn clinic(
    app: &TestApp,
    admin: &str,
    code: &str,
    name: &str,
    class: &str,
    fee: f64,
) -> (String, String) {
    let dept = app
        .post_json("/fhir/Organization", Some(admin), &json!({"resourceType": "Organization", "name": name,
            "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "dept"}]}],
            "identifier": [{"system": "urn:huimin:cs:department-code", "value": code}]}))
        .await;
    assert_eq!(dept.status, 201, "{}", dept.body);
    let dept = dept.body["id"].as_str().unwrap().to_owned();
    let role = role(app, admin, &dept, class, fee).await;
    (dept, role)
}

async fn role(app: &TestApp, admin: &str, dept: &str, class: &str, fee: f64) -> String {
    let doctor = app.post_json("/fhir/Practitioner", Some(admin), &json!({"resourceType": "Practitioner", "name": [{"text": "魏淑芬", "family": "魏", "given": ["淑芬"]}]})).await;
    let role = json!({
        "resourceType": "PractitionerRole", "active": true,
        "extension": [
            {"url": "urn:huimin:ext:registration-class", "valueCode": class},
            {"url": "urn:huimin:ext:registration-fee", "valueMoney": {"value": fee, "currency": "CNY"}},
        ],
        "practitioner": {"reference": format!("Practitioner/{}", doctor.body["id"].as_str().unwrap())},
        "organization": {"reference": format!("Organization/{dept}")},
    });
    let created = app
        .post_json("/fhir/PractitionerRole", Some(admin), &role)
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

/// A morning session of the post two days ahead: (schedule id, first slot id).
async fn session(app: &TestApp, admin: &str, role: &str) -> (String, String) {
    session_at(app, admin, role, "morning").await
}

async fn session_at(app: &TestApp, admin: &str, role: &str, period: &str) -> (String, String) {
    let body =
        json!({"practitioner_role": role, "date": in_days(2), "period": period, "capacity": 4});
    let opened = app
        .post_json("/api/admin/sessions", Some(admin), &body)
        .await;
    assert_eq!(opened.status, 201, "{}", opened.body);
    (
        opened.body["schedule"]["id"].as_str().unwrap().to_owned(),
        opened.body["slots"][0]["id"].as_str().unwrap().to_owned(),
    )
}

/// A family member of the account, `years` (and `days`) old; their patient id.
async fn member(app: &TestApp, token: &str, name: &str, id: &str) -> String {
    let (family, given) = name.split_at(3);
    let body = patient_json(name, family, given, id, "13911110001");
    let created = app.post_json("/fhir/Patient", Some(token), &body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["id"].as_str().unwrap().to_owned()
}

async fn operation(
    app: &TestApp,
    token: &str,
    op: &str,
    slot: &str,
    patient: &str,
    lang: &str,
) -> Resp {
    let body = parameters(&[
        ("slot", format!("Slot/{slot}")),
        ("patient", format!("Patient/{patient}")),
    ]);
    let request = app
        .client
        .post(format!("{}/fhir/Appointment/{op}", app.base))
        .header("content-type", "application/fhir+json")
        .header("accept-language", lang)
        .body(body.to_string());
    app.send(request, Some(token)).await
}

fn rule(refused: &Resp) -> &str {
    refused.body["issue"][0]["details"]["coding"][0]["code"]
        .as_str()
        .unwrap_or_default()
}

fn said(refused: &Resp) -> &str {
    refused.body["issue"][0]["details"]["text"]
        .as_str()
        .unwrap_or_default()
}

async fn a_boy_of_six_cannot_book_gynecology_nor_its_special_needs_clinic(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (gyn, ordinary) = clinic(&app, &admin, "05.01", "妇科", "ordinary", 15.0).await;
    let special = role(&app, &admin, &gyn, "special-needs", 150.0).await;
    let (_, ordinary_slot) = session(&app, &admin, &ordinary).await;
    let (special_schedule, special_slot) = session(&app, &admin, &special).await;
    let (mother, mother_id) = app
        .patient("13911110001", "王丽华", &resident_id(35, 0, true, 1))
        .await;
    let boy = member(&app, &mother, "王小明", &resident_id(6, 0, false, 2)).await;

    let refused = operation(&app, &mother, "$hold", &ordinary_slot, &boy, "zh").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(rule(&refused), "eligibility-sex", "{}", refused.body);
    assert_eq!(said(&refused), "妇科仅接诊女性患者");
    let refused = operation(&app, &mother, "$hold", &special_slot, &boy, "en").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(rule(&refused), "eligibility-sex");
    assert_eq!(
        said(&refused),
        "妇科 only sees female patients",
        "no English name given"
    );
    // Nor at the desk, nor on the waitlist.
    let registrar = app.staff("registrar").await;
    let at_desk = operation(&app, &registrar, "$hold", &special_slot, &boy, "zh").await;
    assert_eq!(rule(&at_desk), "eligibility-sex", "{}", at_desk.body);
    let wait = parameters(&[
        ("schedule", format!("Schedule/{special_schedule}")),
        ("patient", format!("Patient/{boy}")),
    ]);
    let waiting = app
        .post_json("/fhir/Appointment/$waitlist", Some(&mother), &wait)
        .await;
    assert_eq!(waiting.status, 422, "{}", waiting.body);
    assert_eq!(rule(&waiting), "eligibility-sex", "{}", waiting.body);

    // The pages learn before trying: the boy is not eligible, his mother is.
    let asked = app
        .get(
            &format!("/api/eligibility?slot={special_slot}"),
            Some(&mother),
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let verdicts: Vec<(String, bool, Value)> = asked.body["patients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["patient"].as_str().unwrap().to_owned(),
                p["eligible"].as_bool().unwrap(),
                p["message"].clone(),
            )
        })
        .collect();
    assert!(
        verdicts.contains(&(format!("Patient/{mother_id}"), true, Value::Null)),
        "{verdicts:?}"
    );
    assert!(
        verdicts.contains(&(format!("Patient/{boy}"), false, json!("妇科仅接诊女性患者"))),
        "{verdicts:?}"
    );
    // Another account cannot ask about the boy.
    let (stranger, _) = app
        .patient("13911110009", "李四", &resident_id(40, 0, false, 9))
        .await;
    let nosy = app
        .get(
            &format!("/api/eligibility?slot={special_slot}&patient={boy}"),
            Some(&stranger),
        )
        .await;
    assert_eq!(nosy.status, 403);
    // $find for the boy has no gynecology; for his mother it has.
    let for_boy = app
        .get(
            &format!("/fhir/Appointment/$find?department={gyn}&patient={boy}"),
            Some(&mother),
        )
        .await;
    assert_eq!(for_boy.status, 200, "{}", for_boy.body);
    assert_eq!(for_boy.body["total"], 0);
    let for_mother = app
        .get(
            &format!("/fhir/Appointment/$find?department={gyn}&patient={mother_id}"),
            Some(&mother),
        )
        .await;
    assert_eq!(for_mother.body["total"], 8, "{}", for_mother.body);
    let held = operation(&app, &mother, "$hold", &special_slot, &mother_id, "zh").await;
    assert_eq!(held.status, 201, "{}", held.body);
    app.finish().await;
}
on_both!(a_boy_of_six_cannot_book_gynecology_nor_its_special_needs_clinic);

async fn geriatrics_sees_patients_from_their_sixtieth_birthday(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (_, role) = clinic(&app, &admin, "03.10", "老年病科", "ordinary", 0.0).await;
    let (_, slot) = session(&app, &admin, &role).await;
    let (son, _) = app
        .patient("13911110001", "王建国", &resident_id(40, 0, false, 1))
        .await;
    let father = member(&app, &son, "王德厚", &resident_id(70, 0, false, 2)).await;
    let own_id = app.get("/fhir/Patient?_count=10", Some(&son)).await;
    let son_id = own_id.body["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
        .find(|id| *id != father)
        .unwrap();
    let refused = operation(&app, &son, "$book", &slot, &son_id, "zh").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(rule(&refused), "eligibility-age-from");
    assert_eq!(said(&refused), "老年病科仅接诊 60 岁及以上患者");
    let booked = operation(&app, &son, "$book", &slot, &father, "zh").await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    app.finish().await;
}
on_both!(geriatrics_sees_patients_from_their_sixtieth_birthday);

async fn pediatrics_refuses_a_fifteen_year_old_until_the_setting_says_eighteen(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (dept, ordinary) = clinic(&app, &admin, "07", "儿科", "ordinary", 0.0).await;
    let special = role(&app, &admin, &dept, "special-needs", 0.0).await;
    let (ordinary_session, slot) = session(&app, &admin, &ordinary).await;
    let (_, special_slot) = session_at(&app, &admin, &special, "afternoon").await;
    let (mother, _) = app
        .patient("13911110001", "李秀英", &resident_id(42, 0, true, 1))
        .await;
    let teen = member(&app, &mother, "李小龙", &resident_id(15, 10, false, 2)).await;
    let refused = operation(&app, &mother, "$book", &slot, &teen, "zh").await;
    assert_eq!(rule(&refused), "eligibility-age-under", "{}", refused.body);
    assert_eq!(said(&refused), "儿科仅接诊 14 岁以下患者");

    // Bad settings are refused, each bound named, and change nothing.
    let path = format!("/api/admin/departments/{dept}/profile");
    let crossed = json!({"eligibility": {"age_from": 18, "age_under": 14}});
    let bad = app.put_json(&path, Some(&admin), &crossed, None).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(bad.expression(), Some("eligibility.age_under"));
    let unknown = app
        .put_json(
            &path,
            Some(&admin),
            &json!({"eligibility": {"max_age": 18}}),
            None,
        )
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    let registrar = app.staff("registrar").await;
    let not_admin = app
        .put_json(&path, Some(&registrar), &json!({}), None)
        .await;
    assert_eq!(not_admin.status, 403);
    let listed = app.get("/api/departments", None).await;
    let shown = listed.body["departments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["department"] == format!("Organization/{dept}"))
        .cloned()
        .unwrap();
    assert_eq!(shown["eligibility"]["age_under"], 14, "{shown}");
    assert_eq!(shown["eligibility"]["text"], "仅接诊 14 岁以下患者");
    assert_eq!(shown["set"], false, "the national code's suggestion");

    // The special-needs clinic sees them up to 18.
    let classes =
        json!({"eligibility": {"age_under": 14}, "classes": {"special-needs": {"age_under": 18}}});
    let saved = app.put_json(&path, Some(&admin), &classes, None).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["set"], true);
    let refused = operation(&app, &mother, "$book", &slot, &teen, "zh").await;
    assert_eq!(rule(&refused), "eligibility-age-under", "{}", refused.body);
    let booked = operation(&app, &mother, "$book", &special_slot, &teen, "zh").await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    // Triage cannot move them to the ordinary clinic, which sees them only under 14.
    let nurse = app.staff("nurse").await;
    let appointment = booked.body["id"].as_str().unwrap();
    let moved = app
        .post_json(
            &format!("/api/appointments/{appointment}/move"),
            Some(&nurse),
            &json!({"session": format!("Schedule/{ordinary_session}")}),
        )
        .await;
    assert_eq!(rule(&moved), "eligibility-age-under", "{}", moved.body);
    let kept = app
        .get(&format!("/fhir/Appointment/{appointment}"), Some(&nurse))
        .await;
    assert_eq!(
        kept.body["status"], "booked",
        "the refused move changes nothing"
    );

    // The whole department to 18.
    let eighteen = app
        .put_json(
            &path,
            Some(&admin),
            &json!({"eligibility": {"age_under": 18}}),
            None,
        )
        .await;
    assert_eq!(eighteen.status, 200, "{}", eighteen.body);
    assert_eq!(eighteen.body["eligibility"]["text"], "仅接诊 18 岁以下患者");
    let booked = operation(&app, &mother, "$book", &slot, &teen, "zh").await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    // Back to the suggestion.
    let reset = app
        .send(
            app.client.delete(format!("{}{path}", app.base)),
            Some(&admin),
        )
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(reset.body["eligibility"]["age_under"], 14);
    app.finish().await;
}
on_both!(pediatrics_refuses_a_fifteen_year_old_until_the_setting_says_eighteen);

async fn emergency_is_not_booked_in_advance_and_the_laboratory_is_not_a_clinic(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let (emergency, er_role) = clinic(&app, &admin, "20", "急诊医学科", "ordinary", 0.0).await;
    let (lab, lab_role) = clinic(&app, &admin, "30", "医学检验科", "ordinary", 0.0).await;
    let (_, er_slot) = session(&app, &admin, &er_role).await;
    let (_, lab_slot) = session(&app, &admin, &lab_role).await;
    let (patient, patient_id) = app
        .patient("13911110001", "王小明", &resident_id(30, 0, false, 1))
        .await;
    let refused = operation(&app, &patient, "$book", &er_slot, &patient_id, "zh").await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(rule(&refused), "not-bookable");
    assert_eq!(said(&refused), "急诊医学科不接受预约，请直接到急诊就诊");
    // The registration window registers an emergency patient; nobody books the laboratory.
    let registrar = app.staff("registrar").await;
    let at_desk = operation(&app, &registrar, "$book", &er_slot, &patient_id, "zh").await;
    assert_eq!(at_desk.status, 201, "{}", at_desk.body);
    let lab_booked = operation(&app, &registrar, "$book", &lab_slot, &patient_id, "en").await;
    assert_eq!(rule(&lab_booked), "not-bookable", "{}", lab_booked.body);
    // Neither is offered to the public.
    for dept in [&emergency, &lab] {
        let found = app
            .get(&format!("/fhir/Appointment/$find?department={dept}"), None)
            .await;
        assert_eq!(found.status, 200, "{}", found.body);
        assert_eq!(found.body["total"], 0, "{dept}");
    }
    let listed = app.get_lang("/api/departments", None, "en").await;
    let kinds: Vec<(String, bool, bool)> = listed.body["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["bookable"].as_bool().unwrap(),
                d["listed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("emergency".into(), false, true)),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("medical-technology".into(), false, false)),
        "{kinds:?}"
    );
    app.finish().await;
}
on_both!(emergency_is_not_booked_in_advance_and_the_laboratory_is_not_a_clinic);
