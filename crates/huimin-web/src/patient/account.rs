//! Signing in and out, language and text size, and the people an account acts for as pages
//! list them (the holder first).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::person::Relationship;
use huimin_fhir::Patient;
use serde::Deserialize;

use super::forms::{FieldProblems, ok, render};
use crate::api::{Api, Problem, Reply};
use crate::chrome::Chrome;
use crate::fhir::{first_value, name_text};
use crate::web::{LANG_COOKIE, LARGE_COOKIE, TOKEN_COOKIE, Web, safe_next};

/// A year, for preferences.
const PREF_MAX_AGE: i64 = 365 * 24 * 3600;

#[derive(Deserialize, Default)]
pub struct Next {
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    username: String,
    next: String,
    problems: FieldProblems,
    /// The password was just reset at `/forgot`.
    reset: bool,
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    reset: Option<String>,
}

pub async fn login_page(web: Web, Query(q): Query<LoginQuery>) -> Response {
    ok(&LoginPage {
        c: web.chrome(crate::i18n::t(web.lang, "login.title")),
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        problems: FieldProblems::default(),
        reset: q.reset.is_some(),
    })
}

/// The fields left empty, each named ("请填写密码"), instead of "wrong user name or password".
fn empty_fields(lang: huimin_domain::i18n::Lang, form: &LoginForm) -> FieldProblems {
    let problems = [
        ("username", form.username.trim(), "login.username_required"),
        (
            "password",
            form.password.as_str(),
            "login.password_required",
        ),
    ]
    .into_iter()
    .filter(|(_, value, _)| value.is_empty())
    .map(|(field, _, key)| Problem {
        field: Some(field.to_owned()),
        text: crate::i18n::t(lang, key).to_owned(),
    })
    .collect();
    FieldProblems::sort(
        problems,
        &[("username", &["username"]), ("password", &["password"])],
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Signs in with the API's password grant and keeps the token in the session cookie.
pub(super) fn signed_in(web: &Web, token: &str, expires_in: i64, next: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        web.set_cookie(TOKEN_COOKIE, token, expires_in),
    );
    response
}

pub async fn login(State(api): State<Api>, web: Web, Form(form): Form<LoginForm>) -> Response {
    let next = safe_next(form.next.as_deref());
    let empty = empty_fields(web.lang, &form);
    if empty.any() {
        return login_again(&web, form.username, next, empty);
    }
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
            Some("technician") => Some("/staff/lab"),
            Some("pharmacist") => Some("/staff/pharmacy/reviews"),
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
    login_again(&web, form.username, next, problems)
}

fn login_again(web: &Web, username: String, next: String, problems: FieldProblems) -> Response {
    render(
        StatusCode::UNAUTHORIZED,
        &LoginPage {
            c: web.chrome(crate::i18n::t(web.lang, "login.title")),
            username,
            next,
            problems,
            reset: false,
        },
    )
}

/// Ends the session in the API (so the token is refused from now on, wherever it was
/// copied), then forgets the cookie; the cookie goes whatever the API answered.
pub async fn logout(State(api): State<Api>, web: Web) -> Response {
    if web.signed_in() {
        let reply = api
            .call(&web, axum::http::Method::POST, "/auth/logout", None)
            .await;
        if !reply.ok() && reply.status != StatusCode::UNAUTHORIZED {
            tracing::warn!(status = %reply.status, "sign-out not recorded by the API");
        }
    }
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
    /// How they relate to the account holder, when the answer says (`/api/me/family`).
    pub relationship: Option<Relationship>,
}

impl Member {
    fn of(p: Patient, relationship: Option<Relationship>) -> Self {
        Member {
            name: name_text(&p).to_owned(),
            id_masked: first_value(p.identifier.iter().map(|i| &i.value)),
            phone_masked: first_value(p.telecom.iter().map(|t| &t.value)),
            id: p.id.unwrap_or_default(),
            relationship,
        }
    }

    /// The account holder's own record (本人).
    pub fn is_holder(&self) -> bool {
        self.relationship == Some(Relationship::Holder)
    }

    pub fn relationship_code(&self) -> &'static str {
        self.relationship.map_or("", Relationship::code)
    }
}

/// The account's patients in a search answer, as the API shows them to their account
/// (document and phone numbers masked).
pub fn members(listed: &Reply) -> Vec<Member> {
    listed
        .entries::<Patient>()
        .into_iter()
        .map(|p| Member::of(p, None))
        .collect()
}

/// The people the account acts for (`/api/me/family`), its holder first whatever order
/// family members were added in; `None` when the visitor is not signed in.
pub async fn members_of(api: &Api, web: &Web) -> Option<Vec<Member>> {
    let reply = api.get(web, "/api/me/family").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return None;
    }
    let listed = reply.body["members"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Some(
        listed
            .into_iter()
            .filter_map(|m| {
                let relationship = m["relationship"].as_str().map(Relationship::from_stored);
                let patient = crate::api::typed::<Patient>(&m["patient"])?;
                Some(Member::of(patient, relationship))
            })
            .collect(),
    )
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
