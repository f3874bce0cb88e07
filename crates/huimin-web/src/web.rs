//! Who is visiting and how they want the page: token, language and text size, read from
//! cookies (the language also from `?lang=`), plus the client address for the API.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;

use crate::chrome::Chrome;

pub const TOKEN_COOKIE: &str = "huimin_token";
pub const LANG_COOKIE: &str = "huimin_lang";
pub const LARGE_COOKIE: &str = "huimin_large";
/// The waiting-area code a patient scanned (扫码签到), sent along with their check-in.
pub const HERE_COOKIE: &str = "huimin_here";

#[derive(Clone, Debug)]
pub struct Web {
    pub lang: Lang,
    /// Large text and high contrast (适老化).
    pub large: bool,
    pub token: Option<String>,
    /// The waiting-area code scanned in the last 20 minutes, if any.
    pub here_code: Option<String>,
    /// The role named in the token, for navigation only: the API decides what is allowed.
    pub role: Option<String>,
    pub addr: Option<SocketAddr>,
    /// The page request's `X-Forwarded-For` and `Forwarded` lines, passed on to the API so
    /// that it finds the client's address behind a trusted proxy (`client_addr`).
    pub forwarded: Vec<(HeaderName, HeaderValue)>,
    /// The browser's `User-Agent`, passed on so that a new sign-in session records the
    /// device's family ("Chrome on Android").
    pub user_agent: Option<HeaderValue>,
    pub host: String,
    /// Path and query of this page, to come back to after signing in or switching language.
    pub here: String,
    /// Behind a TLS-terminating proxy: cookies get `Secure`.
    pub https: bool,
    /// A signed-in patient's unread messages, for the header's badge (0 otherwise).
    pub unread: u64,
    /// The hospital's name, for the header.
    pub hospital: HospitalName,
}

/// The hospital's name in both languages (empty when the directory has no hospital), read
/// by `patient::hospital::read_name` for the header of every page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HospitalName {
    pub zh: String,
    pub en: String,
}

/// The unread count the badge layer (`patient::messages::count_unread`) read from the API
/// for this request, left in the request's extensions for the page's header.
#[derive(Clone, Copy, Debug)]
pub struct Unread(pub u64);

/// Every `X-Forwarded-For` and `Forwarded` line of a request, in order.
fn forwarding_lines(headers: &HeaderMap) -> Vec<(HeaderName, HeaderValue)> {
    [
        header::FORWARDED,
        HeaderName::from_static("x-forwarded-for"),
    ]
    .into_iter()
    .flat_map(|name| {
        headers
            .get_all(&name)
            .iter()
            .map(move |value| (name.clone(), value.clone()))
            .collect::<Vec<_>>()
    })
    .collect()
}

/// The value of one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The `role` claim of a token, read without checking the signature: it only chooses which
/// navigation to show; every action goes through the API, which checks the token.
pub(crate) fn role_in(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims["role"].as_str().map(str::to_owned)
}

impl<S: Send + Sync> FromRequestParts<S> for Web {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        let from_query = parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "lang")
                .and_then(|(_, v)| Lang::from_code(&v))
        });
        // Chinese unless the visitor chose English: the pages are for patients in China.
        let lang = from_query
            .or_else(|| cookie(headers, LANG_COOKIE).and_then(Lang::from_code))
            .unwrap_or(Lang::Zh);
        let token = cookie(headers, TOKEN_COOKIE)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        Ok(Web {
            here_code: cookie(headers, HERE_COOKIE)
                .filter(|c| !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric()))
                .map(str::to_owned),
            lang,
            large: cookie(headers, LARGE_COOKIE) == Some("1"),
            role: token.as_deref().and_then(role_in),
            token,
            addr: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(a)| *a),
            forwarded: forwarding_lines(headers),
            user_agent: headers.get(header::USER_AGENT).cloned(),
            host: headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("localhost")
                .to_owned(),
            here: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into()),
            https: headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes() == b"https"),
            unread: parts.extensions.get::<Unread>().map_or(0, |u| u.0),
            hospital: parts
                .extensions
                .get::<HospitalName>()
                .cloned()
                .unwrap_or_default(),
        })
    }
}

/// A visitor with a session. Pages that need one take this instead of [`Web`]; a visitor
/// without one is sent to sign in and comes back to the same page afterwards. (Whether the
/// session is still good is the API's to say: a page that gets a 401 sends the visitor to
/// sign in as well.)
pub struct SignedIn(pub Web);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Ok(web) = Web::from_request_parts(parts, state).await;
        if web.signed_in() {
            Ok(Self(web))
        } else {
            Err(web.to_login())
        }
    }
}

impl Web {
    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        Chrome::new(self, title.into())
    }

    pub fn signed_in(&self) -> bool {
        self.token.is_some()
    }

    pub fn is_patient(&self) -> bool {
        self.role.as_deref() == Some("patient")
    }

    /// The sign-in page, coming back here afterwards.
    pub fn to_login(&self) -> Response {
        let next = encoded(&self.here);
        Redirect::to(&format!("/login?next={next}")).into_response()
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict (so other sites' forms and scripts
    /// cannot use it), Secure behind TLS.
    pub fn set_cookie(&self, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
        let secure = if self.https { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Strict{secure}"
        ))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// Text for a URL's query string.
pub fn encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A local path to go back to after signing in or choosing a language; anything that could
/// lead a browser to another origin becomes `/`. Browsers drop tabs and newlines and read `\\`
/// as `/`, so `/\t/evil` means `//evil`: such text is refused before parsing, and the path is
/// checked again after the URL parser has normalised it (`/..//evil` becomes `//evil`).
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or_else(|| "/".into())
}

fn local_path(raw: &str) -> Option<String> {
    let unsafe_char = |c: char| c == '\\' || c.is_control();
    // Escaped ones too: a path sent through once more (`back=/%09/…` in a link) is decoded.
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
    let plain = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.chars().any(unsafe_char)
        && !decoded.chars().any(unsafe_char);
    if !plain {
        return None;
    }
    let base = url::Url::parse("http://huimin.invalid/").ok()?;
    let url = base.join(raw).ok()?;
    if url.origin() != base.origin() || url.path().starts_with("//") {
        return None;
    }
    Some(match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; huimin_lang=en; b=2"),
        );
        assert_eq!(cookie(&headers, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&headers, "c"), None);
    }

    async fn signed_in(cookie: Option<&str>) -> Result<SignedIn, Response> {
        let mut request = axum::http::Request::builder().uri("/appointments/a-1?x=1");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        SignedIn::from_request_parts(&mut parts, &()).await
    }

    #[tokio::test]
    async fn a_visitor_without_a_session_is_sent_to_sign_in_and_back() {
        let Err(redirect) = signed_in(None).await else {
            panic!("a visitor without a session got through");
        };
        assert!(redirect.status().is_redirection());
        let location = redirect.headers()[header::LOCATION].to_str().unwrap();
        assert_eq!(location, "/login?next=%2Fappointments%2Fa-1%3Fx%3D1");
        let Ok(SignedIn(web)) = signed_in(Some(&format!("{TOKEN_COOKIE}=t.e.s"))).await else {
            panic!("a visitor with a session was sent away");
        };
        assert!(web.signed_in());
    }

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/me?x=1")), "/me?x=1");
        assert_eq!(
            safe_next(Some("/search?q=心内")),
            "/search?q=%E5%BF%83%E5%86%85"
        );
        assert_eq!(safe_next(Some("/a/../me")), "/me");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "/\\/evil.example",
            "/\t/evil.example/",
            "/%09/evil.example/",
            "/\n",
            "/%0a",
            "/..//evil.example",
            "/%2e%2e//evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
