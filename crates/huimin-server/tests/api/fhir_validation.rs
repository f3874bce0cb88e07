//! The demo hospital's FHIR answers validate against the published R4 definitions: the
//! CapabilityStatement, a searchset of every type it declares, `$find`, a Schedule, a Slot, a
//! booked Appointment, a read of each, the scheduling searches with their includes, summaries
//! and a lenient answer's OperationOutcome, every OperationDefinition, and the
//! OperationOutcomes of refusals. The validator is
//! `tools/fhir-validate` (Node.js; `./scripts/test --setup-only` installs its packages).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::helpers::*;
use crate::on_both;

const DEMO_PASSWORD: &str = "Huimin@2026!";

fn validator() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/fhir-validate")
}

/// Saves one answer as `NAME.json` in `dir`, after checking it is FHIR at all.
fn keep(dir: &Path, name: &str, body: &Value) {
    assert!(
        body["resourceType"].is_string(),
        "{name} is not a FHIR resource: {body}"
    );
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_vec_pretty(body).unwrap(),
    )
    .unwrap();
}

async fn fetch(app: &TestApp, dir: &Path, name: &str, path: &str, token: &str) -> Value {
    let answer = app.get(path, Some(token)).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    keep(dir, name, &answer.body);
    answer.body
}

fn first_resource(bundle: &Value) -> &Value {
    &bundle["entry"][0]["resource"]
}

async fn the_demo_hospitals_fhir_answers_validate_against_r4(db: Db) {
    let app = TestApp::spawn_with(db, |settings| settings.demo = true).await;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path();
    let admin = app.admin().await;

    let metadata = app.get("/fhir/metadata", None).await;
    assert_eq!(metadata.status, 200);
    keep(dir, "metadata", &metadata.body);
    // Every type the server declares it searches.
    let types: Vec<String> = metadata.body["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["interaction"]
                .as_array()
                .is_some_and(|i| i.iter().any(|i| i["code"] == "search-type"))
        })
        .map(|r| r["type"].as_str().unwrap().to_owned())
        .collect();
    assert!(types.len() >= 7, "{types:?}");
    // Encounters, orders and results are searched by patient: there is no hospital-wide list
    // of them.
    let by_patient = [
        "Encounter",
        "ServiceRequest",
        "Observation",
        "DiagnosticReport",
    ];
    for kind in types
        .iter()
        .filter(|kind| !by_patient.contains(&kind.as_str()))
    {
        let path = format!("/fhir/{kind}?_count=3");
        fetch(&app, dir, &format!("search-{kind}"), &path, &admin).await;
    }

    // The first doctor with bookable places: `$find` by each PractitionerRole in turn.
    let roles = app
        .get("/fhir/PractitionerRole?_count=50", Some(&admin))
        .await;
    let mut found = Value::Null;
    for entry in roles.body["entry"].as_array().unwrap() {
        let role = entry["resource"]["id"].as_str().unwrap();
        let path = format!("/fhir/Appointment/$find?practitioner=PractitionerRole/{role}&_count=3");
        let answer = app.get(&path, None).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        if answer.body["total"].as_u64().unwrap_or(0) > 0 {
            found = answer.body;
            break;
        }
    }
    keep(dir, "find", &found);
    let slot = first_resource(&found)["id"]
        .as_str()
        .unwrap_or_else(|| panic!("`$find` offers free slots: {found}"))
        .to_owned();
    let slot_read = fetch(&app, dir, "slot", &format!("/fhir/Slot/{slot}"), &admin).await;
    let schedule = slot_read["schedule"]["reference"].as_str().unwrap();
    fetch(&app, dir, "schedule", &format!("/fhir/{schedule}"), &admin).await;

    let patient = app.token("13800000001", DEMO_PASSWORD).await;
    let family = app.get("/api/me/family", Some(&patient)).await;
    let own = family.body["members"][0]["patient"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let booked = app.book(&patient, &own, &slot).await;
    fetch(
        &app,
        dir,
        "appointment",
        &format!("/fhir/Appointment/{booked}"),
        &patient,
    )
    .await;
    fetch(
        &app,
        dir,
        "appointments-of-patient",
        &format!("/fhir/Appointment?patient=Patient/{own}"),
        &patient,
    )
    .await;
    fetch(
        &app,
        dir,
        "patient",
        &format!("/fhir/Patient/{own}"),
        &patient,
    )
    .await;
    fetch(
        &app,
        dir,
        "encounters-of-patient",
        &format!("/fhir/Encounter?patient=Patient/{own}"),
        &patient,
    )
    .await;
    // The scheduling searches with their includes, and a lenient answer's OperationOutcome.
    for (name, path) in [
        (
            "slots-with-schedule",
            format!("/fhir/Slot?schedule={schedule}&_include=Slot:schedule&_count=5"),
        ),
        (
            "schedule-with-slots",
            format!(
                "/fhir/Schedule?_id={}&_revinclude=Slot:schedule&_include=Schedule:actor",
                schedule.trim_start_matches("Schedule/")
            ),
        ),
        (
            "appointments-with-participants",
            "/fhir/Appointment?_include=Appointment:actor&_include=Appointment:practitioner&_include=Appointment:slot".to_owned(),
        ),
        (
            "schedules-summary",
            "/fhir/Schedule?_summary=true&_count=3".to_owned(),
        ),
        ("slots-elements", "/fhir/Slot?_elements=start&_count=3".to_owned()),
    ] {
        fetch(&app, dir, name, &path, &patient).await;
    }
    let lenient = app
        .send(
            app.client
                .get(format!("{}/fhir/Slot?colour=red&_count=2", app.base))
                .header("Prefer", "handling=lenient"),
            None,
        )
        .await;
    assert_eq!(lenient.status, 200, "{}", lenient.body);
    keep(dir, "lenient", &lenient.body);
    for op in metadata.body["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["operation"].as_array().into_iter().flatten())
    {
        let url = op["definition"].as_str().unwrap();
        let path = &url[url.find("/fhir/").unwrap()..];
        let name = format!("operation-{}", op["name"].as_str().unwrap());
        fetch(&app, dir, &name, path, &admin).await;
    }
    fetch(
        &app,
        dir,
        "everything",
        &format!("/fhir/Patient/{own}/$everything"),
        &patient,
    )
    .await;

    // The demo patient's past prescription: its line, what was dispensed, the drug.
    let prescribed = app.get("/api/me/prescriptions", Some(&patient)).await;
    let rx = &prescribed.body["prescriptions"][0];
    let rx_id = rx["id"]
        .as_str()
        .expect("the demo patient has a prescription");
    for (name, path) in [
        (
            "medication-request",
            format!("/fhir/MedicationRequest/{rx_id}-0"),
        ),
        (
            "medication-dispense",
            format!("/fhir/MedicationDispense/{rx_id}-0"),
        ),
        (
            "medication",
            format!(
                "/fhir/Medication/{}",
                rx["lines"][0]["drug"].as_str().unwrap()
            ),
        ),
    ] {
        let body = fetch(&app, dir, name, &path, &patient).await;
        assert!(
            body["resourceType"]
                .as_str()
                .is_some_and(|t| path.contains(t)),
            "{path}: {body}"
        );
    }

    for (name, path) in [
        ("missing", "/fhir/Patient/no-such-patient"),
        ("bad-modifier", "/fhir/Organization?_id:foo=x"),
        ("unknown-type", "/fhir/Spaceship"),
    ] {
        let refused = app.get(path, Some(&admin)).await;
        assert!(refused.status >= 400, "{path}: {}", refused.status);
        keep(dir, &format!("error-{name}"), &refused.body);
    }

    let script = validator().join("validate.sh");
    assert!(
        validator().join("node_modules/@medplum/core").is_dir(),
        "the validator's npm packages are missing: run ./scripts/test --setup-only"
    );
    let run = Command::new("bash")
        .arg(&script)
        .arg(dir)
        .output()
        .expect("the FHIR validator runs (Node.js ≥ 20.19)");
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the R4 validator found errors:\n{report}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(report.contains("0 errors"), "{report}");
    app.finish().await;
}
on_both!(the_demo_hospitals_fhir_answers_validate_against_r4);
