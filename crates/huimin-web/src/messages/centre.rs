//! The message centre (消息中心): what the hospital told the account's patients, newest first,
//! a page at a time; and the unread badge in the header of every patient page.

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::Value;

use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::patient::directory::MessagePage;
use crate::patient::forms::{ok, render};
use crate::web::{SignedIn, Unread, Web};

const PER_PAGE: u32 = 20;

/// Reads a signed-in patient's unread count once per page, for the header's badge (see
/// [`Unread`]). Only pages: not assets, live updates or redirects, and not the message
/// centre, which counts after it has marked the messages it shows.
pub async fn count_unread(
    State(api): State<Api>,
    web: Web,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let page = request.method() == Method::GET
        && !path.starts_with("/static/")
        && !path.ends_with("/live")
        && !matches!(path, "/messages" | "/prefs" | "/favicon.ico");
    if page && web.is_patient() {
        let reply = api.get(&web, "/api/me/messages/unread").await;
        if let Some(n) = reply.body["unread"].as_u64() {
            request.extensions_mut().insert(Unread(n));
        }
    }
    next.run(request).await
}

/// One message as the centre shows it.
pub struct Row {
    pub text: String,
    /// When, as a patient says it (`5 分钟前`, `昨天 14:30`), and as an RFC 3339 instant.
    pub when: String,
    pub at: String,
    pub unread: bool,
    /// The appointment or report it is about (`/appointments/<id>`,
    /// `/me/records/results/<id>`), if any, and the words of that link.
    pub link: String,
    pub link_key: &'static str,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct CentrePage {
    c: Chrome,
    rows: Vec<Row>,
    /// Unread when the page was opened, the ones shown included: offers "mark all read".
    unread: u64,
    previous: String,
    next: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// `GET /messages?page=`: the page's messages, marked read as they are shown.
pub async fn centre(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(query): Query<PageQuery>,
) -> Response {
    let page = query
        .page
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let path = format!("/api/me/messages?page={page}&per_page={PER_PAGE}");
    let reply = api.get(&web, &path).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return refused(&web, reply.status, reply.message());
    }
    let rows: Vec<Row> = reply.body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| row(m, web.lang))
        .collect();
    let mut marked = 0;
    for m in reply.body["messages"].as_array().into_iter().flatten() {
        if m["read"] == false {
            let id = crate::web::encoded(m["id"].as_str().unwrap_or_default());
            let path = format!("/api/me/messages/{id}/read");
            if api.call(&web, Method::POST, &path, None).await.ok() {
                marked += 1;
            }
        }
    }
    let unread = reply.body["unread"].as_u64().unwrap_or(0);
    let total = reply.body["total"].as_u64().unwrap_or(0);
    let mut c = web.chrome(crate::i18n::t(web.lang, "messages.title"));
    c.unread = unread.saturating_sub(marked);
    let more = u64::from(page) * u64::from(PER_PAGE) < total;
    ok(&CentrePage {
        c,
        rows,
        unread,
        previous: if page > 1 {
            format!("/messages?page={}", page - 1)
        } else {
            String::new()
        },
        next: if more {
            format!("/messages?page={}", page + 1)
        } else {
            String::new()
        },
    })
}

/// `POST /messages/read`: marks every message read and shows the centre again.
pub async fn mark_all(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    let reply = api
        .call(&web, Method::POST, "/api/me/messages/read", None)
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !reply.ok() {
        return refused(&web, reply.status, reply.message());
    }
    Redirect::to("/messages").into_response()
}

/// The API's refusal (a staff account has no messages) as a page.
fn refused(web: &Web, status: StatusCode, text: String) -> Response {
    let title = crate::i18n::t(web.lang, "messages.title");
    render(
        status,
        &MessagePage {
            c: web.chrome(title),
            heading: title.to_owned(),
            text,
            back: "/".into(),
        },
    )
}

fn row(m: &Value, lang: Lang) -> Row {
    let at = m["created_at"].as_str().unwrap_or_default().to_owned();
    let reference = m["reference"].as_str().unwrap_or_default();
    let (link, link_key) = if let Some(id) = reference.strip_prefix("Appointment/") {
        (
            format!("/appointments/{}", crate::web::encoded(id)),
            "messages.open",
        )
    } else if let Some(id) = reference.strip_prefix("DiagnosticReport/") {
        (
            format!("/me/records/results/{}", crate::web::encoded(id)),
            "messages.open_report",
        )
    } else {
        (String::new(), "messages.open")
    };
    Row {
        text: m["text"].as_str().unwrap_or_default().to_owned(),
        when: when(&at, fmt::now(), lang),
        at,
        unread: m["read"] == false,
        link,
        link_key,
    }
}

/// `刚刚`, `5 分钟前`, `今天 09:10`, `昨天 14:30`, else the day and time, on the hospital's
/// clock: what an elderly reader takes in at a glance.
fn when(instant: &str, now: jiff::Timestamp, lang: Lang) -> String {
    let (Ok(then), Some(local)) = (instant.parse::<jiff::Timestamp>(), fmt::local(instant)) else {
        return String::new();
    };
    let minutes = now.duration_since(then).as_secs() / 60;
    let today = fmt::local(&now.to_string()).map(|t| t.date());
    let time = local.strftime("%H:%M").to_string();
    let zh = lang == Lang::Zh;
    match minutes {
        m if m < 1 => if zh { "刚刚" } else { "just now" }.to_owned(),
        m if m < 60 => {
            if zh {
                format!("{m} 分钟前")
            } else {
                format!("{m} min ago")
            }
        }
        _ if Some(local.date()) == today => {
            format!("{} {time}", if zh { "今天" } else { "Today" })
        }
        _ if Some(local.date()) == today.and_then(|d| d.yesterday().ok()) => {
            format!("{} {time}", if zh { "昨天" } else { "Yesterday" })
        }
        _ => fmt::moment(instant, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_a_patient_says_them() {
        // 2026-11-26 10:00 in China.
        let now: jiff::Timestamp = "2026-11-26T02:00:00Z".parse().unwrap();
        let cases = [
            ("2026-11-26T01:59:40Z", "刚刚", "just now"),
            ("2026-11-26T01:55:00Z", "5 分钟前", "5 min ago"),
            ("2026-11-26T00:30:00Z", "今天 08:30", "Today 08:30"),
            ("2026-11-25T06:30:00Z", "昨天 14:30", "Yesterday 14:30"),
            (
                "2026-11-20T06:30:00Z",
                "11月20日 周五 14:30",
                "Fri 20 Nov 14:30",
            ),
        ];
        for (at, zh, en) in cases {
            assert_eq!(when(at, now, Lang::Zh), zh, "{at}");
            assert_eq!(when(at, now, Lang::En), en, "{at}");
        }
        assert_eq!(when("not a time", now, Lang::Zh), "");
    }

    #[test]
    fn a_message_links_to_its_appointment_or_report() {
        let m = serde_json::json!({"text": "停诊", "created_at": "2026-11-26T01:00:00Z",
            "read": false, "reference": "Appointment/a-1"});
        let shown = row(&m, Lang::Zh);
        assert_eq!(
            (shown.link.as_str(), shown.unread),
            ("/appointments/a-1", true)
        );
        let m = serde_json::json!({"text": "报告已出", "created_at": "", "read": true,
            "reference": "DiagnosticReport/r-1"});
        assert_eq!(row(&m, Lang::Zh).link, "/me/records/results/r-1");
        let m = serde_json::json!({"text": "x", "created_at": "", "read": true,
            "reference": "Invoice/b-1"});
        assert_eq!(row(&m, Lang::En).link, "");
    }
}
