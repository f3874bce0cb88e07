//! The FHIR API driven over HTTP by a standard client library: starts the demo hospital on
//! 127.0.0.1 and runs `tests/conformance/test_fhirpy.py` (Python `fhirpy`, pytest) against it.
//! The client lives in the virtual environment `target/fhir-conformance` that
//! `./scripts/test --setup-only` makes; without it the test fails saying so.

use std::path::{Path, PathBuf};

use crate::helpers::*;
use crate::on_both;

const DEMO_PASSWORD: &str = "Huimin@2026!";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> PathBuf {
    repo().join("target/fhir-conformance/bin/python")
}

async fn a_standard_fhir_client_gets_the_answers_the_server_declares(db: Db) {
    let python = python();
    assert!(
        python.exists(),
        "the FHIR conformance suite needs Python 3 with fhirpy and pytest in \
         target/fhir-conformance: run ./scripts/test --setup-only (it makes the virtual \
         environment and installs them from PyPI)"
    );
    let app = TestApp::spawn_with(db, |settings| settings.demo = true).await;
    let admin = app.admin().await;
    let patient = app.token("13800000001", DEMO_PASSWORD).await;
    let family = app.get("/api/me/family", Some(&patient)).await;
    let own = family.body["members"][0]["patient"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let base = format!("{}/fhir", app.base);
    // The server answers on this runtime while pytest runs in a thread of its own.
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .arg(&suite)
            .env("HUIMIN_FHIR_BASE", base)
            .env("HUIMIN_ADMIN_TOKEN", admin)
            .env("HUIMIN_PATIENT_TOKEN", patient)
            .env("HUIMIN_PATIENT_ID", own)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
    })
    .await
    .unwrap()
    .expect("python runs");
    let report = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the fhirpy conformance suite failed:\n{report}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(report.contains("passed"), "{report}");
    app.finish().await;
}
on_both!(a_standard_fhir_client_gets_the_answers_the_server_declares);
