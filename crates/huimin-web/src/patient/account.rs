//! Signing up, signing in and out, language and text size, family members (就诊人).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::identity::DocumentKind;
use huimin_fhir::Patient;
use serde::Deserialize;
use serde_json::json;

use super::forms::{FieldProblems, ok, render};
use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::fhir::{first_value, name_text};
use crate::web::{LANG_COOKIE, LARGE_COOKIE, SignedIn, TOKEN_COOKIE, Web, safe_next};

/// A year, for preferences.
const PREF_MAX_AGE: i64 = 365 * 24 * 3600;

#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    username: String,
    next: String,
    problems: FieldProblems,
}

pub async fn login_page(web: Web, Query(q): Query<Next>) -> Response {
    ok(&LoginPage {
        c: web.chrome(crate::i18n::t(web.lang, "login.title")),
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        problems: FieldProblems::default(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Signs in with the API's password grant and keeps the token in the session cookie.
fn signed_in(web: &Web, token: &str, expires_in: i64, next: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        web.set_cookie(TOKEN_COOKIE, token, expires_in),
    );
    response
}

pub async fn login(State(api): State<Api>, web: Web, Form(form): Form<LoginForm>) -> Response {
    let next = safe_next(form.next.as_deref());
    let reply = api
        .post_form(
            &web,
            "/auth/token",
            &[
                ("grant_type", "password"),
                ("username", form.username.trim()),
                ("password", &form.password),
            ],
        )
        .await;
    if let (true, Some(token)) = (reply.ok(), reply.body["access_token"].as_str()) {
        let expires = reply.body["expires_in"].as_i64().unwrap_or(3600);
        // Staff land on their own desk unless they were on their way somewhere.
        let desk = match crate::web::role_in(token).as_deref() {
            Some("patient") | None => None,
            Some("registrar") => Some("/desk"),
            Some("nurse") => Some("/triage"),
            Some("admin") => Some("/admin"),
            Some(_) => Some("/staff"),
        };
        let next = match desk {
            Some(desk) if next == "/" => desk.to_owned(),
            _ => next,
        };
        return signed_in(&web, token, expires, &next);
    }
    let problems = FieldProblems::general_only(reply.message());
    render(
        StatusCode::UNAUTHORIZED,
        &LoginPage {
            c: web.chrome(crate::i18n::t(web.lang, "login.title")),
            username: form.username,
            next,
            problems,
        },
    )
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    c: Chrome,
    form: SignupForm,
    problems: FieldProblems,
}

#[derive(Deserialize, Default)]
pub struct SignupForm {
    phone: String,
    name: String,
    resident_id: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn signup_page(web: Web, Query(q): Query<Next>) -> Response {
    ok(&SignupPage {
        c: web.chrome(crate::i18n::t(web.lang, "signup.title")),
        form: SignupForm {
            next: Some(safe_next(q.next.as_deref())),
            ..SignupForm::default()
        },
        problems: FieldProblems::default(),
    })
}

const SIGNUP_FIELDS: &[(&str, &[&str])] = &[
    ("phone", &["phone", "telecom"]),
    ("password", &["password"]),
    ("name", &["name"]),
    ("resident_id", &["resident_id", "identifier", "document"]),
];

pub async fn signup(
    State(api): State<Api>,
    web: Web,
    Form(mut form): Form<SignupForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let body = json!({
        "phone": form.phone.trim(),
        "password": form.password,
        "name": form.name.trim(),
        "resident_id": form.resident_id.trim(),
    });
    let reply = api.post_json(&web, "/auth/register", &body).await;
    if let (true, Some(token)) = (reply.ok(), reply.body["access_token"].as_str()) {
        let expires = reply.body["expires_in"].as_i64().unwrap_or(3600);
        return signed_in(&web, token, expires, &next);
    }
    // Everything typed comes back except the password.
    form.password.clear();
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &SignupPage {
            c: web.chrome(crate::i18n::t(web.lang, "signup.title")),
            problems: FieldProblems::sort(reply.problems(), SIGNUP_FIELDS),
            form,
        },
    )
}

pub async fn logout(web: Web) -> Response {
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, web.set_cookie(TOKEN_COOKIE, "", 0));
    response
}

#[derive(Deserialize)]
pub struct Prefs {
    lang: Option<String>,
    large: Option<String>,
    back: Option<String>,
}

/// Stores the language or text-size choice and goes back to the page it was made on.
pub async fn prefs(web: Web, Query(p): Query<Prefs>) -> Response {
    let back = strip_lang(&safe_next(p.back.as_deref()));
    let mut headers = HeaderMap::new();
    if let Some(lang) = p
        .lang
        .as_deref()
        .and_then(huimin_domain::i18n::Lang::from_code)
    {
        let code = match lang {
            huimin_domain::i18n::Lang::Zh => "zh",
            huimin_domain::i18n::Lang::En => "en",
        };
        headers.append(
            header::SET_COOKIE,
            web.set_cookie(LANG_COOKIE, code, PREF_MAX_AGE),
        );
    }
    if let Some(large) = p.large.as_deref() {
        let on = if large == "1" { "1" } else { "0" };
        headers.append(
            header::SET_COOKIE,
            web.set_cookie(LARGE_COOKIE, on, PREF_MAX_AGE),
        );
    }
    (headers, Redirect::to(&back)).into_response()
}

/// The page address without a `lang=` parameter, which would override the new choice.
fn strip_lang(path: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return base.to_owned();
    }
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.extend_pairs(kept);
    format!("{base}?{}", out.finish())
}

/// A family member as listed.
pub struct Member {
    pub id: String,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: String,
}

/// The account's patients in a search answer, as the API shows them to their account
/// (document and phone numbers masked).
pub fn members(listed: &Reply) -> Vec<Member> {
    listed
        .entries::<Patient>()
        .into_iter()
        .map(|p| Member {
            name: name_text(&p).to_owned(),
            id_masked: first_value(p.identifier.iter().map(|i| &i.value)),
            phone_masked: first_value(p.telecom.iter().map(|t| &t.value)),
            id: p.id.unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "family.html")]
struct FamilyPage {
    c: Chrome,
    members: Vec<Member>,
    form: MemberForm,
    problems: FieldProblems,
    added: bool,
}

#[derive(Deserialize, Default)]
pub struct MemberForm {
    name: String,
    resident_id: String,
    phone: String,
}

#[derive(Deserialize, Default)]
pub struct Added {
    added: Option<String>,
}

pub async fn family(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(q): Query<Added>,
) -> Response {
    family_page(
        &api,
        &web,
        MemberForm::default(),
        FieldProblems::default(),
        q.added.is_some(),
        StatusCode::OK,
    )
    .await
}

async fn family_page(
    api: &Api,
    web: &Web,
    form: MemberForm,
    problems: FieldProblems,
    added: bool,
    status: StatusCode,
) -> Response {
    let reply = api.get(web, "/fhir/Patient?_count=10").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    render(
        status,
        &FamilyPage {
            c: web.chrome(crate::i18n::t(web.lang, "family.title")),
            members: members(&reply),
            form,
            problems,
            added,
        },
    )
}

const MEMBER_FIELDS: &[(&str, &[&str])] = &[
    ("name", &["name"]),
    ("resident_id", &["identifier"]),
    ("phone", &["telecom"]),
];

pub async fn add_family(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<MemberForm>,
) -> Response {
    let mut patient = json!({
        "resourceType": "Patient",
        "identifier": [{"system": DocumentKind::ResidentId.fhir_system(), "value": form.resident_id.trim()}],
        "name": [crate::fhir::human_name(&form.name)],
    });
    if !form.phone.trim().is_empty() {
        patient["telecom"] =
            json!([{"system": "phone", "value": form.phone.trim(), "use": "mobile"}]);
    }
    let reply = api.post_json(&web, "/fhir/Patient", &patient).await;
    if reply.ok() {
        return Redirect::to("/family?added=1").into_response();
    }
    let problems = FieldProblems::sort(reply.problems(), MEMBER_FIELDS);
    family_page(
        &api,
        &web,
        form,
        problems,
        false,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_language_choice_is_not_overridden_by_the_page_address() {
        assert_eq!(
            super::strip_lang("/doctors/x?lang=zh&d=1"),
            "/doctors/x?d=1"
        );
        assert_eq!(super::strip_lang("/me?lang=en"), "/me");
        assert_eq!(super::strip_lang("/"), "/");
    }
}
