//! Every answer — API, FHIR, errors — carries the security headers and `no-store`: they hold
//! identifiers and health data that no cache may keep, and no page may be framed.

use crate::helpers::*;
use crate::on_both;

const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' \
     data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

fn assert_secured(what: &str, answer: &Resp) {
    assert_eq!(answer.header("cache-control"), Some("no-store"), "{what}");
    assert_eq!(
        answer.header("content-security-policy"),
        Some(POLICY),
        "{what}"
    );
    assert_eq!(
        answer.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        answer.header("referrer-policy"),
        Some("same-origin"),
        "{what}"
    );
    assert!(
        answer
            .header("permissions-policy")
            .is_some_and(|p| p.contains("camera=()")),
        "{what}"
    );
    assert_eq!(answer.header("strict-transport-security"), None, "{what}");
}

async fn api_fhir_and_error_answers_carry_security_headers_and_no_store(db: Db) {
    let app = TestApp::spawn(db).await;
    let (token, id) = app.patient("13800000001", "张三", ID_1).await;
    let read = app.get(&format!("/fhir/Patient/{id}"), Some(&token)).await;
    assert_eq!(read.status, 200);
    assert_secured("a FHIR read", &read);
    let family = app.get("/api/me/family", Some(&token)).await;
    assert_eq!(family.status, 200);
    assert_secured("an API answer", &family);
    let token_answer = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(token_answer.status, 200);
    assert_secured("the token endpoint", &token_answer);
    let missing = app.get("/fhir/Patient/no-such-id", Some(&token)).await;
    assert_eq!(missing.status, 404);
    assert_secured("a 404", &missing);
    let anonymous = app.get("/fhir/Patient", None).await;
    assert_eq!(anonymous.status, 401);
    assert_secured("a 401", &anonymous);
    let nowhere = app.get("/no/such/path", None).await;
    assert_eq!(nowhere.status, 404);
    assert_secured("an unknown path", &nowhere);
    let huge = "x".repeat(2 * 1024 * 1024);
    let too_large = app
        .post_raw(
            "/fhir/Patient",
            Some(&token),
            "application/fhir+json",
            &huge,
        )
        .await;
    assert_eq!(too_large.status, 413);
    assert_secured("a 413 from the body limit", &too_large);
    app.finish().await;
}
on_both!(api_fhir_and_error_answers_carry_security_headers_and_no_store);

async fn hsts_is_sent_when_the_setting_asks_for_it(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.hsts_seconds = Some(31_536_000)).await;
    let answer = app.get("/fhir/metadata", None).await;
    assert_eq!(
        answer.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    app.finish().await;
}
on_both!(hsts_is_sent_when_the_setting_asks_for_it);
