//! The sandbox gateway's cashier page (`/sandbox/pay/{no}`), where the demo's and the tests'
//! patients "pay": the trade as the sandbox holds it (`GET /sandbox/trades/{no}`), a button
//! to pay and one to fail, and test options for when and how often the gateway notifies.
//! The choice goes to `POST /sandbox/trades/{no}/pay`; the browser then returns to the
//! hospital's page, as it would from a real gateway. It takes no money: the server answers
//! these only when the sandbox is configured, so elsewhere the page is a 404.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::appointments::PaymentMethod;
use huimin_domain::i18n::Lang;
use serde_json::{Value, json};

use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::i18n::{pick, t};
use crate::patient::directory::{MessagePage, not_found};
use crate::patient::forms::render;
use crate::web::Web;

/// The test options offered: notification delays (seconds) and numbers of notices.
pub const DELAYS: [i64; 3] = [0, 5, 30];
pub const NOTICES: [i64; 3] = [1, 2, 3];

#[derive(Template)]
#[template(path = "sandbox_pay.html")]
struct CashierPage {
    c: Chrome,
    no: String,
    merchant: String,
    description: String,
    amount: String,
    channel: String,
    /// `wechat-pay` or `alipay`: the page's colour.
    channel_code: String,
    /// The trade can still be paid (or failed).
    open: bool,
    state_text: &'static str,
    /// Back to the hospital's page, once the trade is settled.
    return_url: String,
    problem: String,
    delays: [i64; 3],
    notices: [i64; 3],
}

/// Trade numbers as the hospital makes them: letters, digits, `_` and `-`.
pub fn plausible_trade_no(no: &str) -> bool {
    (6..=32).contains(&no.len())
        && no
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A return address the page may send the browser to: a page of this site only.
pub fn local_path(url: &str) -> Option<&str> {
    (url.starts_with('/') && !url.starts_with("//") && !url.contains('\\')).then_some(url)
}

/// The trade's state in the payer's words.
pub fn state_text(state: &str, lang: Lang) -> &'static str {
    match state {
        "NOTPAY" => t(lang, "sandbox.state.notpay"),
        "SUCCESS" => t(lang, "sandbox.state.success"),
        "PAYERROR" => t(lang, "sandbox.state.payerror"),
        _ => t(lang, "sandbox.state.closed"),
    }
}

/// The method's name: "微信支付" / "WeChat Pay".
pub fn channel_name(code: &str, lang: Lang) -> String {
    match PaymentMethod::from_code(code) {
        Some(m) => pick(lang, m.zh(), m.en()).to_owned(),
        None => code.to_owned(),
    }
}

fn page(web: &Web, no: &str, trade: &Value, problem: String) -> CashierPage {
    let state = trade["state"].as_str().unwrap_or_default();
    let code = trade["channel"].as_str().unwrap_or_default();
    let hospital = pick(web.lang, &web.hospital.zh, &web.hospital.en);
    CashierPage {
        c: web.chrome(t(web.lang, "sandbox.title").to_owned()),
        no: no.to_owned(),
        merchant: match hospital {
            "" => t(web.lang, "sandbox.merchant").to_owned(),
            name => name.to_owned(),
        },
        description: trade["description"].as_str().unwrap_or_default().to_owned(),
        amount: fmt::fen(trade["amount"]["total"].as_i64().unwrap_or(0)),
        channel: channel_name(code, web.lang),
        channel_code: code.to_owned(),
        open: state == "NOTPAY",
        state_text: state_text(state, web.lang),
        return_url: trade["return_url"]
            .as_str()
            .and_then(local_path)
            .unwrap_or("/me")
            .to_owned(),
        problem,
        delays: DELAYS,
        notices: NOTICES,
    }
}

/// The trade, or the page to answer instead (unknown trade, sandbox off or down).
async fn trade(api: &Api, web: &Web, no: &str) -> Result<Value, Response> {
    if !plausible_trade_no(no) {
        return Err(not_found(web));
    }
    let reply = api.get(web, &format!("/sandbox/trades/{no}")).await;
    match reply.status {
        s if s.is_success() => Ok(reply.body),
        StatusCode::NOT_FOUND => Err(not_found(web)),
        _ => Err(unavailable(web)),
    }
}

fn unavailable(web: &Web) -> Response {
    render(
        StatusCode::BAD_GATEWAY,
        &MessagePage {
            c: web.chrome(t(web.lang, "sandbox.title").to_owned()),
            heading: t(web.lang, "sandbox.title").to_owned(),
            text: t(web.lang, "pay.unavailable").to_owned(),
            back: "/me".into(),
        },
    )
}

/// `GET /sandbox/pay/{no}`.
pub async fn show(State(api): State<Api>, web: Web, Path(no): Path<String>) -> Response {
    match trade(&api, &web, &no).await {
        Ok(trade) => render(StatusCode::OK, &page(&web, &no, &trade, String::new())),
        Err(answer) => answer,
    }
}

#[derive(serde::Deserialize)]
pub struct Choice {
    /// `yes` pays, anything else fails the payment.
    pay: String,
    #[serde(default)]
    delay: String,
    #[serde(default)]
    notices: String,
}

/// The payer's choice as the sandbox's API takes it; `None` for options the page does not
/// offer (a hand-made form).
pub fn choice_json(choice: &Choice) -> Option<Value> {
    let delay = match choice.delay.trim() {
        "" => 0,
        text => text.parse().ok().filter(|d| DELAYS.contains(d))?,
    };
    let notices = match choice.notices.trim() {
        "" => 1,
        text => text.parse().ok().filter(|n| NOTICES.contains(n))?,
    };
    Some(json!({"pay": choice.pay == "yes", "delay_seconds": delay, "notices": notices}))
}

/// `POST /sandbox/pay/{no}`: pays or fails, then back to the hospital's page.
pub async fn choose(
    State(api): State<Api>,
    web: Web,
    Path(no): Path<String>,
    axum::Form(choice): axum::Form<Choice>,
) -> Response {
    let trade = match trade(&api, &web, &no).await {
        Ok(trade) => trade,
        Err(answer) => return answer,
    };
    let Some(body) = choice_json(&choice) else {
        let problem = t(web.lang, "sandbox.bad_choice").to_owned();
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&web, &no, &trade, problem),
        );
    };
    let reply = api
        .post_json(&web, &format!("/sandbox/trades/{no}/pay"), &body)
        .await;
    if !reply.ok() {
        // The trade was settled meanwhile (paid in another tab, closed on expiry).
        let fresh = match self::trade(&api, &web, &no).await {
            Ok(trade) => trade,
            Err(answer) => return answer,
        };
        let problem = t(web.lang, "sandbox.refused").to_owned();
        return render(StatusCode::CONFLICT, &page(&web, &no, &fresh, problem));
    }
    let back = reply.body["return_url"]
        .as_str()
        .and_then(local_path)
        .unwrap_or("/me");
    Redirect::to(back).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(pay: &str, delay: &str, notices: &str) -> Choice {
        Choice {
            pay: pay.into(),
            delay: delay.into(),
            notices: notices.into(),
        }
    }

    #[test]
    fn the_offered_options_become_the_sandboxs_choice_and_others_are_refused() {
        assert_eq!(
            choice_json(&choice("yes", "", "")),
            Some(json!({"pay": true, "delay_seconds": 0, "notices": 1}))
        );
        assert_eq!(
            choice_json(&choice("no", "30", "3")),
            Some(json!({"pay": false, "delay_seconds": 30, "notices": 3}))
        );
        assert_eq!(choice_json(&choice("yes", "7", "1")), None);
        assert_eq!(choice_json(&choice("yes", "0", "4")), None);
        assert_eq!(choice_json(&choice("yes", "-5", "1")), None);
        assert_eq!(choice_json(&choice("yes", "abc", "1")), None);
    }

    #[test]
    fn only_this_sites_pages_are_return_addresses() {
        assert_eq!(
            local_path("/appointments/a1?order=HM1"),
            Some("/appointments/a1?order=HM1")
        );
        assert_eq!(local_path("//evil.example/x"), None);
        assert_eq!(local_path("/\\evil.example"), None);
        assert_eq!(local_path("https://evil.example/"), None);
        assert_eq!(local_path(""), None);
    }

    #[test]
    fn trade_numbers_are_checked_before_they_reach_a_path() {
        assert!(plausible_trade_no("HM0123456789abcdef0123456789abcd"));
        assert!(!plausible_trade_no("HM1"));
        assert!(!plausible_trade_no("HM0123/../admin"));
        assert!(!plausible_trade_no(&"H".repeat(33)));
    }

    #[test]
    fn states_and_methods_read_in_both_languages() {
        assert_eq!(state_text("NOTPAY", Lang::Zh), "待支付");
        assert_eq!(state_text("SUCCESS", Lang::En), "Paid");
        assert_eq!(state_text("PAYERROR", Lang::Zh), "支付失败");
        assert_eq!(state_text("CLOSED", Lang::En), "Closed");
        assert_eq!(channel_name("wechat-pay", Lang::Zh), "微信支付");
        assert_eq!(channel_name("alipay", Lang::En), "Alipay");
        assert_eq!(channel_name("unknown", Lang::En), "unknown");
    }
}
