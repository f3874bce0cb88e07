//! The waiting-area call screen (叫号屏) of a department: who is called in (number, masked
//! name, room), each room's next few waiting, and the check-in QR code; it updates in place
//! (`live.rs`) and, once someone taps "开启语音", says each new call aloud (`static/live.js`).
//! The screen needs no signed-in staff: its address carries the screen token an
//! administrator issued (`?key=`), which the page passes to the API for the check-in code.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use huimin_fhir::Organization;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::fhir::Named;
use crate::patient::forms::ok;
use crate::web::Web;

/// The header the API reads a screen token from.
const SCREEN_HEADER: &str = "x-huimin-screen";

pub struct Shown {
    pub number: i64,
    pub name: String,
}

pub struct Call {
    pub number: i64,
    pub name: String,
    pub room: String,
}

pub struct Room {
    pub room: String,
    pub doctor: String,
    pub current: Option<Shown>,
    pub waiting: Vec<Shown>,
    pub waiting_total: i64,
}

#[derive(Template)]
#[template(path = "screen.html")]
struct ScreenPage {
    c: Chrome,
    department: String,
    /// Where the live updates come from (with the screen's key).
    live: String,
    latest: Option<Call>,
    rooms: Vec<Room>,
    /// The check-in QR code (扫码签到), for staff and a screen with a good token.
    scan_qr: String,
    /// A token was given and the API refused it (revoked, or another department's).
    refused: bool,
}

#[derive(Deserialize, Default)]
pub struct Key {
    #[serde(default)]
    key: String,
}

impl Key {
    /// The token as sent to the API, when it looks like one (anything else is not sent).
    fn token(&self) -> Option<&str> {
        let key = self.key.trim();
        let plausible = !key.is_empty()
            && key.len() <= 80
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        plausible.then_some(key)
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        self.token()
            .map(|t| vec![(SCREEN_HEADER, t.to_owned())])
            .unwrap_or_default()
    }
}

async fn board(api: &Api, web: &Web, department: &str, key: &Key) -> Reply {
    let headers = key.headers();
    let sent: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/api/departments/{department}/board");
    api.call_with(web, axum::http::Method::GET, &path, None, &sent)
        .await
}

fn text_in(web: &Web, names: &Value) -> String {
    let zh = names["zh"].as_str().unwrap_or_default();
    let en = names["en"].as_str().unwrap_or_default();
    crate::i18n::pick(web.lang, zh, en).to_owned()
}

fn shown(entry: &Value) -> Shown {
    Shown {
        number: entry["number"].as_i64().unwrap_or(0),
        name: entry["name"].as_str().unwrap_or_default().to_owned(),
    }
}

fn rooms(web: &Web, body: &Value) -> Vec<Room> {
    body["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| Room {
            room: text_in(web, &line["room"]),
            doctor: line["doctor"].as_str().unwrap_or_default().to_owned(),
            current: (!line["current"].is_null()).then(|| shown(&line["current"])),
            waiting: line["waiting"]
                .as_array()
                .into_iter()
                .flatten()
                .map(shown)
                .collect(),
            waiting_total: line["waiting_total"].as_i64().unwrap_or(0),
        })
        .collect()
}

/// The QR code of the waiting-area address a phone opens (`/here/…?code=`).
fn scan_qr(web: &Web, department: &str, body: &Value) -> String {
    match body["check_in_code"]["code"].as_str() {
        Some(code) => {
            let scheme = if web.https { "https" } else { "http" };
            crate::qr::svg(&format!(
                "{scheme}://{}/here/{department}?code={code}",
                web.host
            ))
        }
        None => String::new(),
    }
}

/// `GET /screen/{department}?key=`.
pub async fn show(
    State(api): State<Api>,
    web: Web,
    Path(department): Path<String>,
    Query(key): Query<Key>,
) -> Response {
    let org = api
        .get(&web, &format!("/fhir/Organization/{department}"))
        .await;
    let Some(org) = org.resource::<Organization>().filter(|_| org.ok()) else {
        return crate::patient::directory::not_found(&web);
    };
    let name = org.display_name(web.lang);
    let body = board(&api, &web, &department, &key).await.body;
    let latest = body["calls"].get(0).map(|c| Call {
        number: c["number"].as_i64().unwrap_or(0),
        name: c["name"].as_str().unwrap_or_default().to_owned(),
        room: text_in(&web, &c["room"]),
    });
    let live = match key.token() {
        Some(token) => format!("/screen/{department}/live?key={token}"),
        None => format!("/screen/{department}/live"),
    };
    let mut response = ok(&ScreenPage {
        c: web.chrome(format!(
            "{name} · {}",
            crate::i18n::t(web.lang, "screen.title")
        )),
        department: name,
        live,
        latest,
        rooms: rooms(&web, &body),
        scan_qr: scan_qr(&web, &department, &body),
        refused: body["screen"] == "refused",
    });
    // The address holds the screen's token: never hand it on to another site.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// What the live stream sends: everything the screen shows (a change refreshes it) and
/// each call's id and words, for the voice.
fn board_event(_: &Web, body: &Value) -> Value {
    let calls: Vec<Value> = body["calls"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"id": c["id"], "speech": c["speech"]}))
        .collect();
    json!({
        "calls": calls,
        "lines": body["lines"],
        "code": body["check_in_code"]["code"],
        "screen": body["screen"],
    })
}

/// `GET /screen/{department}/live?key=`.
pub async fn live(
    State(api): State<Api>,
    web: Web,
    Path(department): Path<String>,
    Query(key): Query<Key>,
) -> Response {
    let path = format!("/api/departments/{department}/board");
    crate::live::follow_with(api, web, (path, key.headers()), board_event).into_response()
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn only_a_plausible_key_is_sent_on() {
        let key = |k: &str| Key { key: k.into() };
        assert_eq!(key(" scr_ab12 ").token(), Some("scr_ab12"));
        for bad in ["", "a b", "x\r\ny: z", &"a".repeat(81)] {
            assert_eq!(key(bad).token(), None, "{bad:?}");
        }
    }
}
