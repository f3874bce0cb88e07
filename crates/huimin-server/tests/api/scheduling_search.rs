//! The standard scheduling searches (`Schedule`, `Slot`, `Appointment`) with their
//! parameters, `_include`/`_revinclude` in the caller's view, `_sort`, `_elements`,
//! `_summary`, `_lastUpdated`; lenient handling; and the CapabilityStatement held to what the
//! server accepts.

use serde_json::{Value, json};

use crate::booking_api::{clinic, in_days, open_session};
use crate::helpers::*;
use crate::on_both;

fn entries<'a>(bundle: &'a Value, mode: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["search"]["mode"] == mode)
        .map(|e| &e["resource"])
        .collect()
}

fn ids(bundle: &Value, mode: &str) -> Vec<String> {
    entries(bundle, mode)
        .into_iter()
        .map(|r| {
            format!(
                "{}/{}",
                r["resourceType"].as_str().unwrap(),
                r["id"].as_str().unwrap()
            )
        })
        .collect()
}

async fn total(app: &TestApp, path: &str, token: Option<&str>) -> i64 {
    let found = app.get(path, token).await;
    assert_eq!(found.status, 200, "{path}: {}", found.body);
    found.body["total"]
        .as_i64()
        .unwrap_or_else(|| panic!("{path}: {}", found.body))
}

/// A session of a doctor in department 03.04 and what names it.
struct Clinic {
    role: String,
    doctor: String,
    schedule: String,
    slots: Vec<String>,
}

async fn a_clinic(app: &TestApp, admin: &str) -> Clinic {
    let role = clinic(app, admin, 0.0).await;
    let slots = open_session(app, admin, &role, 8, 30).await;
    let doctor = app
        .get(&format!("/fhir/PractitionerRole/{role}"), Some(admin))
        .await
        .body["practitioner"]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let slot = app.get(&format!("/fhir/Slot/{}", slots[0]), None).await;
    let schedule = slot.body["schedule"]["reference"]
        .as_str()
        .unwrap()
        .trim_start_matches("Schedule/")
        .to_owned();
    Clinic {
        role,
        doctor,
        schedule,
        slots,
    }
}

async fn slots_are_searched_by_schedule_status_start_service_type_and_specialty(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let c = a_clinic(&app, &admin).await;
    let all = c.slots.len() as i64;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    app.book(&alice, &alice_id, &c.slots[0]).await;

    let of = format!("/fhir/Slot?schedule=Schedule/{}", c.schedule);
    assert_eq!(total(&app, &of, None).await, all);
    assert_eq!(
        total(&app, &format!("/fhir/Slot?schedule={}", c.schedule), None).await,
        all
    );
    let read = app
        .get(&format!("/fhir/Slot/{}", c.slots[0]), None)
        .await
        .body;
    let taken = read["status"].as_str().unwrap().to_owned();
    assert_ne!(taken, "free", "{read}");
    assert_eq!(total(&app, &format!("{of}&status={taken}"), None).await, 1);
    assert_eq!(
        total(&app, &format!("{of}&status=free"), None).await,
        all - 1
    );
    assert_eq!(total(&app, &format!("{of}&status:not=free"), None).await, 1);
    assert_eq!(
        total(&app, &format!("{of}&status=free,{taken}"), None).await,
        all
    );

    let day = in_days(2);
    assert_eq!(total(&app, &format!("{of}&start={day}"), None).await, all);
    assert_eq!(total(&app, &format!("{of}&start=gt{day}"), None).await, 0);
    let second_start = app
        .get(&format!("/fhir/Slot/{}", c.slots[1]), None)
        .await
        .body["start"]
        .as_str()
        .unwrap()
        .to_owned();
    let ge = format!("{of}&start=ge{}", second_start.replace('+', "%2B"));
    assert_eq!(total(&app, &ge, None).await, all - 1);
    let lt = format!("{of}&start=lt{}", second_start.replace('+', "%2B"));
    assert_eq!(total(&app, &lt, None).await, 1);

    let period = "urn:huimin:cs:clinic-period";
    assert_eq!(
        total(&app, &format!("{of}&service-type={period}|morning"), None).await,
        all
    );
    assert_eq!(
        total(&app, &format!("{of}&service-type=morning"), None).await,
        all
    );
    assert_eq!(
        total(&app, &format!("{of}&service-type={period}|evening"), None).await,
        0
    );
    let code = "urn:huimin:cs:department-code";
    assert_eq!(
        total(&app, &format!("/fhir/Slot?specialty={code}|03.04"), None).await,
        all
    );
    assert_eq!(total(&app, "/fhir/Slot?specialty=03.04", None).await, all);
    assert_eq!(
        total(&app, &format!("/fhir/Slot?specialty={code}|"), None).await,
        all
    );
    assert_eq!(
        total(&app, &format!("/fhir/Slot?specialty={code}|03.05"), None).await,
        0
    );
    assert_eq!(read["specialty"][0]["coding"][0]["code"], "03.04", "{read}");

    // Included once, marked include; sorted both ways, the order total.
    let with = app
        .get(
            &format!("{of}&_include=Slot:schedule&_sort=-start&_count=3"),
            None,
        )
        .await
        .body;
    assert_eq!(ids(&with, "include"), [format!("Schedule/{}", c.schedule)]);
    let starts: Vec<&str> = entries(&with, "match")
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(starts.len(), 3);
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "{starts:?}");
    assert_schema_valid(&with);
    let next = with["link"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["relation"] == "next")
        .unwrap()["url"]
        .as_str()
        .unwrap();
    assert!(
        next.contains("_include=Slot%3Aschedule") && next.contains("_sort=-start"),
        "{next}"
    );

    let thin = app
        .get(&format!("{of}&_elements=start&_count=1"), None)
        .await
        .body;
    let slot = entries(&thin, "match")[0];
    assert!(
        slot.get("extension").is_none() && slot["start"].is_string(),
        "{slot}"
    );
    assert_eq!(slot["meta"]["tag"][0]["code"], "SUBSETTED");
    assert!(
        slot["status"].is_string(),
        "mandatory elements stay: {slot}"
    );
    let counted = app.get(&format!("{of}&_summary=count"), None).await.body;
    assert_eq!(
        (counted["total"].as_i64(), counted.get("entry")),
        (Some(all), None)
    );
    app.finish().await;
}
on_both!(slots_are_searched_by_schedule_status_start_service_type_and_specialty);

async fn schedules_are_searched_by_actor_date_specialty_and_active_with_their_slots(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let c = a_clinic(&app, &admin).await;
    let day = in_days(2);
    for (query, expected) in [
        (format!("actor=PractitionerRole/{}", c.role), 1),
        (format!("actor={}", c.doctor), 1),
        (format!("actor={}", c.role), 1),
        ("actor=PractitionerRole/nobody".to_owned(), 0),
        (format!("date={day}"), 1),
        (format!("date=ge{day}"), 1),
        (format!("date={}", in_days(3)), 0),
        (format!("date=lt{day}"), 0),
        ("active=true".to_owned(), 1),
        ("active=false".to_owned(), 0),
        (
            "specialty=urn:huimin:cs:department-code|03.04".to_owned(),
            1,
        ),
        ("service-type=afternoon".to_owned(), 0),
        (format!("_id={}", c.schedule), 1),
        (format!("_id:not={}", c.schedule), 0),
    ] {
        let path = format!("/fhir/Schedule?{query}");
        assert_eq!(total(&app, &path, None).await, expected, "{path}");
    }
    let with = app
        .get(
            &format!(
                "/fhir/Schedule?actor=PractitionerRole/{}&_revinclude=Slot:schedule&_include=Schedule:actor",
                c.role
            ),
            None,
        )
        .await;
    assert_eq!(with.status, 200, "{}", with.body);
    let included = ids(&with.body, "include");
    assert_eq!(
        included.iter().filter(|i| i.starts_with("Slot/")).count(),
        c.slots.len()
    );
    assert!(
        included.contains(&format!("PractitionerRole/{}", c.role)),
        "{included:?}"
    );
    assert_schema_valid(&with.body);
    let summary = app.get("/fhir/Schedule?_summary=true", None).await.body;
    let schedule = entries(&summary, "match")[0];
    assert!(schedule.get("extension").is_none() && schedule.get("comment").is_none());
    assert!(schedule["actor"].is_array() && schedule["planningHorizon"].is_object());
    app.finish().await;
}
on_both!(schedules_are_searched_by_actor_date_specialty_and_active_with_their_slots);

async fn appointments_are_searched_by_every_participant_and_includes_keep_the_callers_view(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let c = a_clinic(&app, &admin).await;
    let (alice, alice_id) = app.patient("13911110001", "王小明", ID_2).await;
    let (bob, bob_id) = app.patient("13911110002", "李四", ID_3).await;
    let mine = app.book(&alice, &alice_id, &c.slots[0]).await;
    app.book(&bob, &bob_id, &c.slots[1]).await;
    let registrar = app.staff("registrar").await;
    let nurse = app.staff("nurse").await;

    // A patient reaches only their family's appointments and patients, whatever they ask.
    let own = app
        .get(
            "/fhir/Appointment?_include=Appointment:patient",
            Some(&alice),
        )
        .await
        .body;
    assert_eq!(ids(&own, "match"), [format!("Appointment/{mine}")]);
    assert_eq!(ids(&own, "include"), [format!("Patient/{alice_id}")]);
    let prying = app
        .get(
            &format!("/fhir/Appointment?actor=Patient/{bob_id}&_include=Appointment:patient"),
            Some(&alice),
        )
        .await
        .body;
    assert_eq!(prying["total"], 0);
    assert!(prying.get("entry").is_none(), "{prying}");

    let day = in_days(2);
    for (query, expected) in [
        (String::new(), 2),
        (format!("patient=Patient/{alice_id}"), 1),
        (format!("patient={bob_id}"), 1),
        (format!("actor=Patient/{bob_id}"), 1),
        (format!("actor=PractitionerRole/{}", c.role), 2),
        (format!("practitioner={}", c.doctor), 2),
        (format!("practitioner=PractitionerRole/{}", c.role), 2),
        (format!("date={day}"), 2),
        (format!("date=gt{day}"), 0),
        ("status=booked".to_owned(), 2),
        ("status=cancelled".to_owned(), 0),
        ("status:not=cancelled".to_owned(), 2),
        (format!("slot=Slot/{}", c.slots[0]), 1),
        (format!("_lastUpdated=ge{}", in_days(0)), 2),
        ("_lastUpdated=lt2020-01-01".to_owned(), 0),
        ("specialty=03.04".to_owned(), 2),
        ("location:missing=true".to_owned(), 2),
    ] {
        let path = format!("/fhir/Appointment?{query}");
        assert_eq!(
            total(&app, &path, Some(&registrar)).await,
            expected,
            "{path}"
        );
    }
    let wrong = app
        .get("/fhir/Appointment?patient=Practitioner/x", Some(&registrar))
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);

    // Staff get every participant; a masked role sees masked patients.
    let with = app
        .get(
            "/fhir/Appointment?_include=Appointment:patient&_include=Appointment:practitioner&_sort=date",
            Some(&nurse),
        )
        .await;
    assert_eq!(with.status, 200, "{}", with.body);
    let included = ids(&with.body, "include");
    for expected in [
        format!("Patient/{alice_id}"),
        format!("Patient/{bob_id}"),
        format!("PractitionerRole/{}", c.role),
        c.doctor.clone(),
    ] {
        assert!(included.contains(&expected), "{expected} in {included:?}");
    }
    let text = with.body.to_string();
    assert!(
        !text.contains(ID_2) && !text.contains(ID_3),
        "masked for nurses: {text}"
    );
    assert_schema_valid(&with.body);
    let unmasked = app
        .get(
            "/fhir/Appointment?_include=Appointment:actor:Patient",
            Some(&registrar),
        )
        .await
        .body;
    assert!(unmasked.to_string().contains(ID_2), "{unmasked}");
    assert!(
        ids(&unmasked, "include")
            .iter()
            .all(|i| i.starts_with("Patient/"))
    );
    assert_eq!(app.get("/fhir/Appointment", None).await.status, 401);
    app.finish().await;
}
on_both!(appointments_are_searched_by_every_participant_and_includes_keep_the_callers_view);

async fn lenient_handling_ignores_unknown_parameters_and_says_so(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    a_clinic(&app, &admin).await;
    let lenient = |path: &str| {
        app.client
            .get(format!("{}{path}", app.base))
            .header("Prefer", "handling=lenient")
    };
    for path in [
        "/fhir/Slot?colour=red",
        "/fhir/Slot?status:exact=free",
        "/fhir/Schedule?_include=Schedule:nothing",
        "/fhir/Practitioner?nmae=x",
        "/fhir/Practitioner?_sort=colour",
    ] {
        let strict = app.get(path, Some(&admin)).await;
        assert_eq!(strict.status, 400, "{path} is refused by default");
        let answer = app.send(lenient(path), Some(&admin)).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let notes = entries(&answer.body, "outcome");
        assert_eq!(notes.len(), 1, "{path}: {}", answer.body);
        assert_eq!(notes[0]["resourceType"], "OperationOutcome");
        assert_eq!(notes[0]["issue"][0]["severity"], "warning");
        assert!(!entries(&answer.body, "match").is_empty(), "{path}");
        assert_schema_valid(&answer.body);
    }
    let bad_value = app.send(lenient("/fhir/Slot?start=tomorrow"), None).await;
    assert_eq!(bad_value.status, 400, "a bad value is still refused");
    let clean = app.send(lenient("/fhir/Slot?status=free"), None).await;
    assert!(entries(&clean.body, "outcome").is_empty());
    app.finish().await;
}
on_both!(lenient_handling_ignores_unknown_parameters_and_says_so);

/// A value each search parameter type accepts.
fn sample(param: &Value) -> &'static str {
    match (
        param["name"].as_str().unwrap(),
        param["type"].as_str().unwrap(),
    ) {
        ("active", _) => "true",
        (_, "date") => "ge2020-01-01",
        (_, "reference") => "x",
        _ => "x",
    }
}

async fn the_capability_statement_declares_exactly_what_searches_accept(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let metadata = app.get("/fhir/metadata", None).await.body;
    assert_eq!(
        metadata["patchFormat"],
        json!(["application/json-patch+json"])
    );
    let resources = metadata["rest"][0]["resource"].as_array().unwrap();
    let mut checked = 0;
    for resource in resources {
        let kind = resource["type"].as_str().unwrap();
        let searchable = resource["interaction"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == "search-type");
        // The record's searches (within one patient, care roles only, their values checked
        // first) have handlers of their own, tested in `records`, `orders` and `results`.
        if matches!(
            kind,
            "Encounter" | "ServiceRequest" | "Observation" | "DiagnosticReport"
        ) {
            continue;
        }
        let (context, expected) = ("", 200);
        for param in resource["searchParam"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap();
            let path = format!("/fhir/{kind}?{context}{name}={}", sample(param));
            let answer = app.get(&path, Some(&admin)).await;
            assert_eq!(answer.status, expected, "declared {path}: {}", answer.body);
            checked += 1;
        }
        for (key, list) in [
            ("_include", "searchInclude"),
            ("_revinclude", "searchRevInclude"),
        ] {
            for value in resource[list].as_array().into_iter().flatten() {
                let path = format!("/fhir/{kind}?{key}={}", value.as_str().unwrap());
                let answer = app.get(&path, Some(&admin)).await;
                assert_eq!(answer.status, expected, "declared {path}: {}", answer.body);
                checked += 1;
            }
        }
        if searchable {
            let path = format!("/fhir/{kind}?{context}not-declared=1");
            let refused = app.get(&path, Some(&admin)).await.status;
            assert!(
                refused == 400 || refused == expected && expected != 200,
                "{path}"
            );
            if !matches!(kind, "Encounter" | "AuditEvent") {
                let path = format!("/fhir/{kind}?_include={kind}:not-declared");
                assert_eq!(app.get(&path, Some(&admin)).await.status, 400, "{path}");
            }
        }
        for op in resource["operation"].as_array().into_iter().flatten() {
            let url = op["definition"].as_str().unwrap();
            let path = &url[url.find("/fhir/").unwrap()..];
            let def = app.get(path, None).await;
            assert_eq!(def.status, 200, "{url}");
            assert_eq!(def.body["resourceType"], "OperationDefinition");
            assert_eq!(def.body["url"], url);
            assert_eq!(def.body["code"], op["name"]);
            assert_eq!(def.body["resource"][0], kind);
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked}");
    let operations: Vec<&str> = resources
        .iter()
        .flat_map(|r| r["operation"].as_array().into_iter().flatten())
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    for expected in ["find", "hold", "book", "waitlist", "everything"] {
        assert!(operations.contains(&expected), "{expected}: {operations:?}");
    }
    assert_eq!(
        app.get("/fhir/OperationDefinition/nothing", None)
            .await
            .status,
        404
    );
    app.finish().await;
}
on_both!(the_capability_statement_declares_exactly_what_searches_accept);
