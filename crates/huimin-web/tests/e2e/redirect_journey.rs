//! Going back after choosing a language or signing in stays on this site: a `back` or
//! `next` that could lead elsewhere goes home. Pages pass the proxy's forwarded address on,
//! so clients behind a trusted proxy are throttled one by one.

use reqwest::header::{LOCATION, ORIGIN};
use reqwest::redirect::Policy;

use crate::harness::{ADMIN_PASSWORD, Driver, Server};

/// `back`/`next` values that a browser would follow to another origin, or that cannot be
/// a `Location` at all.
const NASTY: [&str; 8] = [
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\n",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "/..//evil.example",
];

fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_and_next_never_leave_the_site() {
    let server = Server::start().await;
    let http = no_redirects();
    let base = &server.base;
    for back in NASTY {
        let prefs = http
            .get(format!("{base}/prefs?lang=en&back={}", encoded(back)))
            .send()
            .await
            .unwrap();
        assert_eq!(prefs.status(), 303, "back={back:?}");
        assert_eq!(prefs.headers()[LOCATION], "/", "back={back:?}");
        let login = http
            .post(format!("{base}/login"))
            .header(ORIGIN, base.as_str())
            .form(&[
                ("username", "admin"),
                ("password", ADMIN_PASSWORD),
                ("next", back),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 303, "next={back:?}");
        // Home for an administrator is their desk.
        assert_eq!(login.headers()[LOCATION], "/admin", "next={back:?}");
    }
    let kept = http
        .get(format!(
            "{base}/prefs?lang=en&back=%2Fsearch%3Fq%3Dx%26lang%3Dzh"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()[LOCATION], "/search?q=x");

    // A phone following the tab-smuggled link lands on this site's home page.
    let driver = Driver::start();
    let phone = driver.browser(375, 812).await;
    phone
        .go(&format!("{base}/prefs?back=/%09/evil.example/"))
        .await;
    let here = phone.client.current_url().await.unwrap();
    assert_eq!(here.as_str(), format!("{base}/"));
    phone.assert_fits_width().await;
    phone.shot("redirect-home-375").await;
    phone.close().await;
}

async fn page_login(http: &reqwest::Client, base: &str, client: &str, password: &str) -> u16 {
    http.post(format!("{base}/login"))
        .header(ORIGIN, base)
        .header("x-forwarded-for", client)
        .form(&[("username", "admin"), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_sign_ins_behind_a_trusted_proxy_are_throttled_per_client() {
    let server = Server::start_with(|s| {
        s.ip_failure_limit = 2;
        s.trusted_proxies = vec![huimin_server::client_addr::parse_trusted("127.0.0.1").unwrap()];
    })
    .await;
    let http = no_redirects();
    let base = &server.base;
    for _ in 0..2 {
        assert_eq!(
            page_login(&http, base, "198.51.100.1", "wrong-password1").await,
            401
        );
    }
    assert_ne!(
        page_login(&http, base, "198.51.100.1", ADMIN_PASSWORD).await,
        303,
        "the guessing client is throttled"
    );
    assert_eq!(
        page_login(&http, base, "198.51.100.2", ADMIN_PASSWORD).await,
        303,
        "another client behind the same proxy signs in"
    );
}
