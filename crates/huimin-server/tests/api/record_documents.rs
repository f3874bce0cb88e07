//! Printed visit records: the PDF holds the record's Chinese text in an embedded font, with
//! page numbers and the verification code; the code verifies at `/api/verify/{code}` showing
//! only minimal facts; unknown codes are 404 and throttled per address; an uploaded file is
//! matched byte for byte; issuing and verifying are audited.

use std::io::Write;
use std::process::{Command, Stdio};

use huimin_domain::Role;
use huimin_server::context::{Caller, Ctx};
use huimin_server::records::pdf::render_visit_pdf;
use huimin_server::records::sample::sample_document;
use huimin_server::records::{IssueRefs, IssuedPdf, issue_visit_pdf};
use huimin_server::state::pdf_font::{FontSource, PdfFont};
use sha2::{Digest, Sha256};

use crate::helpers::*;
use crate::on_both;

/// The text a PDF extractor reads from `pdf` (poppler's `pdftotext`).
pub fn pdf_text(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils; ./scripts/test installs it)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

fn font() -> PdfFont {
    PdfFont::load(&FontSource::default()).expect("fonts-noto-cjk (./scripts/test installs it)")
}

fn patient_ctx(patient_id: &str) -> Ctx {
    Ctx {
        caller: Some(Caller {
            user_id: "u1".into(),
            username: "13800000001".into(),
            practitioner_id: None,
            role: Role::Patient,
            patient_ids: vec![patient_id.into()],
            session_id: None,
        }),
        ip: "127.0.0.1".parse().unwrap(),
        lang: huimin_domain::Lang::Zh,
    }
}

fn refs() -> IssueRefs {
    IssueRefs {
        patient_id: "p-1".into(),
        encounter_id: "e-1".into(),
        composition_id: "c-1".into(),
        composition_version: "2".into(),
        visit_date: "2026-12-07".into(),
    }
}

async fn issue(app: &TestApp) -> IssuedPdf {
    issue_visit_pdf(
        &app.state,
        &patient_ctx("p-1"),
        &app.base,
        sample_document(1),
        &refs(),
    )
    .await
    .expect("the record is issued")
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_pdf_holds_the_records_chinese_text_and_its_code() {
    let doc = sample_document(1);
    let pdf = render_visit_pdf(&doc, &font()).unwrap();
    let text = pdf_text(&pdf);
    for expected in [
        "惠民市第一人民医院",
        "门诊病历",
        "张三",
        "头痛、头晕3天。",
        "原发性高血压",
        "I10",
        "青霉素",
        "HM7K2-Q9XPD",
        "第1页/共1页",
    ] {
        // pdftotext drops the spaces around digits between Chinese characters.
        let packed: String = text.split_whitespace().collect();
        assert!(
            packed.contains(expected),
            "{expected} missing from:\n{text}"
        );
    }
}

#[test]
fn the_font_is_embedded_as_a_subset() {
    let pdf = render_visit_pdf(&sample_document(1), &font()).unwrap();
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/FontFile"), "no embedded font file");
    // The whole collection is about 20 MB; a subset of the glyphs used is a small fraction.
    assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
}

#[test]
fn a_long_note_runs_onto_numbered_pages_with_the_header_repeated() {
    let pdf = render_visit_pdf(&sample_document(3), &font()).unwrap();
    let text = pdf_text(&pdf);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    // pdftotext drops the spaces around digits between Chinese characters.
    let packed: String = text.split_whitespace().collect();
    assert!(packed.contains("第2页"), "{text}");
    assert!(packed.contains(&format!("共{}页", pages.len())), "{text}");
    for page in &pages {
        assert!(
            page.contains("惠民市第一人民医院"),
            "a page without the header"
        );
        assert!(page.contains("HM7K2-Q9XPD"), "a page without the code");
    }
}

#[test]
fn a_document_that_cannot_be_printed_is_refused_naming_the_field() {
    let mut doc = sample_document(1);
    doc.department = String::new();
    let err = render_visit_pdf(&doc, &font()).unwrap_err();
    assert!(err.to_string().contains("department"), "{err}");
}

async fn an_issued_record_verifies_with_minimal_facts_and_is_audited(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.admin().await;
    let issued = issue(&app).await;
    assert_eq!(issued.sha256, sha256_hex(&issued.bytes));
    let code = issued.code.as_str().to_owned();
    let text = pdf_text(&issued.bytes);
    assert!(text.contains(&issued.code.grouped()), "{text}");
    assert!(
        text.contains(&format!("{}/verify/{code}", app.base)),
        "{text}"
    );

    let checked = app.get(&format!("/api/verify/{code}"), None).await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let body = &checked.body;
    assert_eq!(body["genuine"], true);
    assert_eq!(body["hospital"], "惠民市第一人民医院");
    assert_eq!(body["document_type"]["code"], "outpatient-record");
    assert_eq!(body["visit_date"], "2026-12-07");
    assert_eq!(body["department"], "心血管内科");
    assert_eq!(body["patient"], "张*");
    assert_eq!(body["sha256"], issued.sha256);
    // Nothing that identifies the patient beyond the masked name.
    let answer = body.to_string();
    for secret in ["张三", "p-1", "110***", "青霉素"] {
        assert!(!answer.contains(secret), "{secret} in {answer}");
    }
    // As typed from paper: lower case, grouped.
    let typed = issued.code.grouped().to_lowercase();
    assert_eq!(
        app.get(&format!("/api/verify/{typed}"), None).await.status,
        200
    );

    let issues = app
        .get(
            "/fhir/AuditEvent?entity=Composition/c-1/_history/2",
            Some(&admin),
        )
        .await;
    assert!(
        issues.body.to_string().contains(&format!("pdf {code}")),
        "issue not audited"
    );
    let checks = app
        .get("/fhir/AuditEvent?entity=Patient/p-1", Some(&admin))
        .await;
    assert!(
        checks
            .body
            .to_string()
            .contains(&format!("record document {code}")),
        "check not audited"
    );
    app.finish().await;
}
on_both!(an_issued_record_verifies_with_minimal_facts_and_is_audited);

async fn a_wrong_code_is_not_found_and_guessing_codes_is_throttled(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.verify_failure_limit = 3).await;
    let issued = issue(&app).await;
    let wrong = app.get("/api/verify/ZZZZZZZZZZ", None).await;
    assert_eq!(wrong.status, 404, "{}", wrong.body);
    assert_eq!(wrong.expression(), Some("code"));
    let malformed = app.get("/api/verify/0OIL", None).await;
    assert_eq!(malformed.status, 404);
    assert_eq!(app.get("/api/verify/ZZZZZZZZZY", None).await.status, 404);
    // Three unknown codes from this address: even a genuine one waits now.
    let blocked = app.get(&format!("/api/verify/{}", issued.code), None).await;
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert!(blocked.header("retry-after").is_some());
    app.finish().await;
}
on_both!(a_wrong_code_is_not_found_and_guessing_codes_is_throttled);

async fn an_uploaded_file_matches_only_when_it_is_the_issued_one(db: Db) {
    let app = TestApp::spawn(db).await;
    let issued = issue(&app).await;
    let path = format!("{}/api/verify/{}/file", app.base, issued.code);
    let post = |bytes: Vec<u8>| {
        app.client
            .post(&path)
            .header("content-type", "application/pdf")
            .body(bytes)
    };
    let same = app.send(post(issued.bytes.clone()), None).await;
    assert_eq!(same.status, 200, "{}", same.body);
    assert_eq!(same.body["file_matches"], true);

    let mut tampered = issued.bytes.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 0x01;
    let changed = app.send(post(tampered.clone()), None).await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.body["file_matches"], false);
    assert_eq!(changed.body["file_sha256"], sha256_hex(&tampered));

    let empty = app.send(post(Vec::new()), None).await;
    assert_eq!(empty.status, 400);
    assert_eq!(empty.expression(), Some("file"));
    app.finish().await;
}
on_both!(an_uploaded_file_matches_only_when_it_is_the_issued_one);

async fn each_issue_has_its_own_code_and_registry_row(db: Db) {
    let app = TestApp::spawn(db).await;
    let first = issue(&app).await;
    let second = issue(&app).await;
    assert_ne!(first.code, second.code);
    let rows = app.store.record_documents_of_patient("p-1").await.unwrap();
    assert_eq!(rows.len(), 2);
    let row = app
        .store
        .record_document(first.code.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.composition_version, "2");
    assert_eq!(row.encounter_id, "e-1");
    assert_eq!(row.issued_by, "Patient/p-1");
    assert_eq!(row.sha256, first.sha256);
    app.finish().await;
}
on_both!(each_issue_has_its_own_code_and_registry_row);

async fn a_bad_document_or_a_missing_font_issues_nothing(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.pdf_font = FontSource::parse("/nowhere/font.ttc#2").unwrap()
    })
    .await;
    let err = issue_visit_pdf(
        &app.state,
        &patient_ctx("p-1"),
        &app.base,
        sample_document(1),
        &refs(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.status, 503);
    assert!(err.issues[0].text.en.contains("font"));
    app.finish().await;

    let app = TestApp::spawn(db).await;
    let mut doc = sample_document(1);
    doc.patient_name = String::new();
    let err = issue_visit_pdf(&app.state, &patient_ctx("p-1"), &app.base, doc, &refs())
        .await
        .unwrap_err();
    assert_eq!(err.status, 422);
    assert_eq!(err.issues[0].expression.as_deref(), Some("patient_name"));
    assert!(
        app.store
            .record_documents_of_patient("p-1")
            .await
            .unwrap()
            .is_empty()
    );
    app.finish().await;
}
on_both!(a_bad_document_or_a_missing_font_issues_nothing);
