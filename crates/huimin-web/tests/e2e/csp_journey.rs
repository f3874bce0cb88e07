//! Every role's main pages work under the strict Content Security Policy: Chromium reports
//! no violation (no inline script, style or handler), and the static assets are cacheable
//! while the pages are not.

use crate::harness::{ADMIN_PASSWORD, Browser, Driver, Server};

const DEMO_PASSWORD: &str = "Huimin@2026!";
/// A demo patient with bookings (`huimin_demo`).
const PATIENT: &str = "13800000002";

/// Visits each path and fails on any console error, naming the page.
async fn visit_without_violations(browser: &Browser, base: &str, paths: &[&str], shot: &str) {
    let earlier = browser.console_errors().await;
    assert!(earlier.is_empty(), "before {paths:?}: {earlier:?}");
    for path in paths {
        browser.go(&format!("{base}{path}")).await;
        // The stylesheet applied: the page's own CSS is loaded under the policy.
        let styled = browser
            .client
            .execute("return document.styleSheets.length;", vec![])
            .await
            .unwrap();
        assert!(styled.as_i64().unwrap_or(0) >= 1, "{path}: no stylesheet");
        let errors = browser.console_errors().await;
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
    browser.shot(shot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_pages_of_every_role_pass_the_content_security_policy() {
    let server = Server::start_demo().await;
    let base = &server.base;
    let driver = Driver::start();

    let phone = driver.browser(375, 812).await;
    visit_without_violations(
        &phone,
        base,
        &["/", "/login", "/signup", "/hospital"],
        "95-csp-visitor-375",
    )
    .await;
    phone.sign_in(base, PATIENT, DEMO_PASSWORD).await;
    visit_without_violations(
        &phone,
        base,
        &["/me", "/family", "/messages"],
        "95-csp-patient-375",
    )
    .await;
    // A booking's page: the inline SVG QR code, the live updates and the countdown.
    let booking = phone
        .client
        .execute(
            "var a = document.querySelector('a[href^=\"/appointments/\"]'); return a ? a.getAttribute('href') : null;",
            vec![],
        )
        .await
        .unwrap();
    if let Some(booking) = booking.as_str() {
        visit_without_violations(&phone, base, &[booking], "95-csp-appointment-375").await;
    }
    phone.close().await;

    let desk = driver.browser(1280, 900).await;
    desk.sign_in(base, "registrar", DEMO_PASSWORD).await;
    visit_without_violations(
        &desk,
        base,
        &["/desk", "/triage", "/checkin"],
        "95-csp-desk-1280",
    )
    .await;
    desk.close().await;

    let doctor = driver.browser(1280, 900).await;
    doctor.sign_in(base, "doctor", DEMO_PASSWORD).await;
    visit_without_violations(&doctor, base, &["/staff"], "95-csp-doctor-1280").await;
    let line = doctor
        .client
        .execute(
            "var a = document.querySelector('a[href^=\"/staff/sessions/\"]'); return a ? a.getAttribute('href') : null;",
            vec![],
        )
        .await
        .unwrap();
    if let Some(line) = line.as_str() {
        visit_without_violations(&doctor, base, &[line], "95-csp-line-1280").await;
    }
    doctor.close().await;

    let admin = driver.browser(1280, 900).await;
    admin.sign_in(base, "admin", ADMIN_PASSWORD).await;
    visit_without_violations(
        &admin,
        base,
        &[
            "/admin",
            "/admin/rules",
            "/admin/doctors",
            "/admin/rosters",
            "/admin/hospital",
            "/admin/screens",
        ],
        "95-csp-admin-1280",
    )
    .await;
    admin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_never_stored_and_static_assets_are_cached_by_entity_tag() {
    let server = Server::start().await;
    let page = server
        .http
        .get(format!("{}/login", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let missing = server
        .http
        .get(format!("{}/no/such/page", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.headers()["cache-control"], "no-store");

    let css = server
        .http
        .get(format!("{}/static/app.css", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(css.headers()["x-content-type-options"], "nosniff");
    let etag = css.headers()["etag"].clone();
    let again = server
        .http
        .get(format!("{}/static/app.css", server.base))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "unchanged: not sent again");
    let print = server
        .http
        .get(format!("{}/static/print.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(print.status(), 200);
}
