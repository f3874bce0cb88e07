//! Checking a printed record on a phone: the code from the paper shows the document's
//! minimal facts, the PDF itself is matched, an altered copy and an unknown code are not.

use huimin_domain::Role;
use huimin_server::context::{Caller, Ctx};
use huimin_server::records::sample::sample_document;
use huimin_server::records::{IssueRefs, issue_visit_pdf};

use crate::harness::{Driver, Server};

async fn issued(server: &Server) -> huimin_server::records::IssuedPdf {
    let ctx = Ctx {
        caller: Some(Caller {
            user_id: "u1".into(),
            username: "13800000001".into(),
            practitioner_id: None,
            role: Role::Patient,
            patient_ids: vec!["p-1".into()],
            session_id: None,
        }),
        ip: "127.0.0.1".parse().unwrap(),
        lang: huimin_domain::Lang::Zh,
    };
    let refs = IssueRefs {
        patient_id: "p-1".into(),
        encounter_id: "e-1".into(),
        composition_id: "c-1".into(),
        composition_version: "1".into(),
        visit_date: "2026-12-07".into(),
    };
    issue_visit_pdf(&server.state, &ctx, &server.base, sample_document(1), &refs)
        .await
        .expect("a record is issued")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_printed_records_code_and_file_are_checked_on_a_phone() {
    let server = Server::start().await;
    let pdf = issued(&server).await;
    // Chromium takes only canonical paths for a file input.
    let files = tempfile::tempdir().unwrap();
    let folder = files.path().canonicalize().unwrap();
    let file = folder.join("record.pdf");
    std::fs::write(&file, &pdf.bytes).unwrap();
    let mut altered = pdf.bytes.clone();
    let middle = altered.len() / 2;
    altered[middle] ^= 1;
    let altered_file = folder.join("record-altered.pdf");
    std::fs::write(&altered_file, &altered).unwrap();

    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    // Typed from the paper, grouped and in lower case.
    phone.go(&format!("{}/verify", server.base)).await;
    phone
        .fill("#code", &pdf.code.grouped().to_lowercase())
        .await;
    phone.click("#verify-form button").await;
    phone.wait_visible("#verify-genuine").await;
    assert_eq!(phone.text("#verify-patient").await, "张*");
    assert_eq!(phone.text("#verify-code").await, pdf.code.as_str());
    assert_eq!(phone.text("#verify-sha256").await, pdf.sha256);
    phone.assert_fits_width().await;
    phone.shot("verify-genuine-375").await;

    // The issued file matches; one changed byte does not.
    let input = phone
        .client
        .find(fantoccini::Locator::Css("#file"))
        .await
        .unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    phone.click("#verify-file button").await;
    phone.wait_visible("#file-matches").await;
    let input = phone
        .client
        .find(fantoccini::Locator::Css("#file"))
        .await
        .unwrap();
    input
        .send_keys(altered_file.to_str().unwrap())
        .await
        .unwrap();
    phone.click("#verify-file button").await;
    phone.wait_visible("#file-differs").await;
    phone.assert_fits_width().await;
    phone
        .client
        .execute(
            "document.getElementById('file-differs').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    phone.shot("verify-file-differs-375").await;

    // An unknown code: a clear page and 404.
    phone
        .go(&format!("{}/verify/ZZZZZZZZZZ", server.base))
        .await;
    phone.wait_visible("#verify-not-found").await;
    phone.assert_fits_width().await;
    phone.shot("verify-not-found-375").await;
    let status = server
        .http
        .get(format!("{}/verify/ZZZZZZZZZY", server.base))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 404);
    phone.close().await;
}
