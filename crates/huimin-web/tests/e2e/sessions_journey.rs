//! Signed-in devices on a phone (375 px): the list under 我的, ending another device's
//! session (its token is refused from then on), and signing out ending this one.

use crate::harness::{Driver, Server};

const PASSWORD: &str = "Wang2026secure";
/// 王小明, born 1990-03-07 (DOMAIN.md §2).
const OWN_ID: &str = "110101199003071137";

/// The status of `GET /api/me/sign-ins` with a token.
async fn status_with(server: &Server, token: &str) -> u16 {
    server
        .http
        .get(format!("{}/api/me/sign-ins", server.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_sees_their_devices_and_ends_one() {
    let server = Server::start().await;
    let driver = Driver::start();
    let (app_token, _) = server
        .register(("13912345678", PASSWORD), "王小明", OWN_ID)
        .await;
    let phone = driver.browser(375, 812).await;
    phone.sign_in(&server.base, "13912345678", PASSWORD).await;
    phone.go(&format!("{}/me", server.base)).await;
    phone.click("#sessions-link").await;
    assert_eq!(phone.path().await, "/me/sign-ins");
    let listed = phone.text("#sessions").await;
    assert!(listed.contains("本设备"), "{listed}");
    assert!(listed.contains("Chrome on Android"), "{listed}");
    assert!(listed.contains("与本设备在同一网络"), "{listed}");
    phone.assert_fits_width().await;
    phone.shot("sign_ins_375").await;
    // The sign-up's session (another device): ended from the list.
    phone
        .click("#sessions li:not(:has(.current)) button.end")
        .await;
    assert!(phone.text("#notice").await.contains("已退出登录"));
    assert_eq!(status_with(&server, &app_token).await, 401);
    phone
        .go(&format!("{}/me/sign-ins?lang=en", server.base))
        .await;
    assert!(phone.text("#sessions").await.contains("This device"));
    phone.assert_fits_width().await;
    phone.shot("sign_ins_375_en").await;
    // Signing out ends this session in the API too, not only the cookie.
    let cookie = phone
        .client
        .get_named_cookie("huimin_token")
        .await
        .unwrap()
        .value()
        .to_owned();
    assert_eq!(status_with(&server, &cookie).await, 200);
    phone.click("form[action='/logout'] button").await;
    assert_eq!(status_with(&server, &cookie).await, 401);
    phone.close().await;
}
