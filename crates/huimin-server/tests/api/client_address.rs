//! Per-address limits behind a reverse proxy: the forwarded address counts only when the
//! TCP peer is a trusted proxy.

use crate::helpers::*;
use crate::on_both;

async fn fail_login_from(app: &TestApp, forwarded_for: &str, username: &str) -> Resp {
    let request = app
        .client
        .post(format!("{}/auth/token", app.base))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("grant_type", "password"),
            ("username", username),
            ("password", "wrong-password1"),
        ]);
    app.send(request, None).await
}

async fn login_from(app: &TestApp, forwarded_for: &str) -> Resp {
    let request = app
        .client
        .post(format!("{}/auth/token", app.base))
        .header("x-forwarded-for", forwarded_for)
        .form(&[
            ("grant_type", "password"),
            ("username", "admin"),
            ("password", ADMIN_PASSWORD),
        ]);
    app.send(request, None).await
}

async fn a_forged_forwarded_address_is_ignored_without_a_trusted_proxy(db: Db) {
    let app = TestApp::spawn_with(db, |s| s.ip_failure_limit = 3).await;
    for i in 0..3 {
        let forged = format!("198.51.100.{i}");
        let failed = fail_login_from(&app, &forged, &format!("ghost{i}")).await;
        assert_eq!(failed.status, 400);
    }
    let throttled = login_from(&app, "203.0.113.77").await;
    assert_eq!(
        throttled.status, 429,
        "the peer's failures count, not the header's"
    );
    app.finish().await;
}
on_both!(a_forged_forwarded_address_is_ignored_without_a_trusted_proxy);

async fn clients_behind_a_trusted_proxy_have_separate_limits(db: Db) {
    let app = TestApp::spawn_with(db, |s| {
        s.ip_failure_limit = 3;
        s.trusted_proxies = vec![huimin_server::client_addr::parse_trusted("127.0.0.1").unwrap()];
    })
    .await;
    for i in 0..3 {
        // The client's own header on the left is ignored: the proxy appended the real one.
        let chain = format!("10.9.9.{i}, 198.51.100.1");
        assert_eq!(fail_login_from(&app, &chain, "ghost").await.status, 400);
    }
    assert_eq!(login_from(&app, "198.51.100.1").await.status, 429);
    let other = login_from(&app, "198.51.100.2").await;
    assert_eq!(
        other.status, 200,
        "another client is not throttled: {}",
        other.body
    );
    let audit = app.database_text().await;
    assert!(
        audit.contains("198.51.100.2"),
        "the audit trail names the forwarded client"
    );
    app.finish().await;
}
on_both!(clients_behind_a_trusted_proxy_have_separate_limits);
