//! A department's kind and whom it sees, for administrators (`/admin/departments/{id}`):
//! clinic, emergency or medical technology; an age range and a sex; and, where a
//! registration class differs (特需儿科 up to 18), that class's own limits. Saved through the
//! API, which checks them and names a bad bound.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::directory::{DepartmentKind, RegistrationClass, SexLimit};
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api::{Api, Problem};
use crate::chrome::Chrome;
use crate::patient::forms::{FieldProblems, render};
use crate::web::{SignedIn, Web};

/// Limits as the form shows them: ages as typed, the sex's code.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Limits {
    #[serde(default)]
    pub age_from: String,
    #[serde(default)]
    pub age_under: String,
    #[serde(default)]
    pub sex: String,
}

/// One registration class's own limits, if it has them.
pub struct ClassLimits {
    pub code: &'static str,
    pub label: String,
    pub own: bool,
    pub limits: Limits,
}

#[derive(Template)]
#[template(path = "admin_department.html")]
struct ProfilePage {
    c: Chrome,
    id: String,
    name: String,
    kinds: Options,
    sexes: Options,
    kind: String,
    limits: Limits,
    classes: Vec<ClassLimits>,
    set: bool,
    saved: bool,
    problems: FieldProblems,
}

fn limits_of(value: &Value) -> Limits {
    let age = |v: &Value| v.as_u64().map(|n| n.to_string()).unwrap_or_default();
    Limits {
        age_from: age(&value["age_from"]),
        age_under: age(&value["age_under"]),
        sex: value["sex"].as_str().unwrap_or("any").to_owned(),
    }
}

/// A `<select>`'s options: `(value, label)`.
type Options = Vec<(&'static str, String)>;

/// The kinds and sexes to choose from.
fn choices(lang: Lang) -> (Options, Options) {
    let kinds = DepartmentKind::ALL
        .into_iter()
        .map(|k| (k.code(), k.label().get(lang).to_owned()))
        .collect();
    let sexes = SexLimit::ALL
        .into_iter()
        .map(|s| {
            (
                s.code(),
                crate::i18n::t(lang, &format!("profile.sex.{}", s.code())).to_owned(),
            )
        })
        .collect();
    (kinds, sexes)
}

/// The form's values from the API's view of the profile.
fn from_view(view: &Value, lang: Lang) -> (String, Limits, Vec<ClassLimits>) {
    let classes = RegistrationClass::ALL
        .into_iter()
        .map(|class| {
            let own = &view["classes"][class.code()];
            ClassLimits {
                code: class.code(),
                label: class.label().get(lang).to_owned(),
                own: own.is_object(),
                limits: limits_of(own),
            }
        })
        .collect();
    let kind = view["kind"].as_str().unwrap_or("clinic").to_owned();
    (kind, limits_of(&view["eligibility"]), classes)
}

#[derive(Deserialize, Default)]
pub struct Saved {
    saved: Option<String>,
}

/// The department's profile as the API shows it, or the page to show instead.
async fn view_of(api: &Api, web: &Web, id: &str) -> Result<Value, Response> {
    let reply = api.get(web, "/api/departments").await;
    let wanted = format!("Organization/{id}");
    reply.body["departments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["department"] == wanted.as_str())
        .cloned()
        .ok_or_else(|| crate::patient::directory::not_found(web))
}

struct Shown {
    kind: String,
    limits: Limits,
    classes: Vec<ClassLimits>,
    saved: bool,
    problems: FieldProblems,
}

fn page(web: &Web, id: &str, view: &Value, shown: Shown, status: StatusCode) -> Response {
    let (kinds, sexes) = choices(web.lang);
    let name = view["name"].as_str().unwrap_or_default().to_owned();
    render(
        status,
        &ProfilePage {
            c: web.chrome(format!(
                "{} · {name}",
                crate::i18n::t(web.lang, "profile.title")
            )),
            id: id.to_owned(),
            name,
            kinds,
            sexes,
            kind: shown.kind,
            limits: shown.limits,
            classes: shown.classes,
            set: view["set"] == true,
            saved: shown.saved,
            problems: shown.problems,
        },
    )
}

/// `GET /admin/departments/{id}`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(q): Query<Saved>,
) -> Response {
    let view = match view_of(&api, &web, &id).await {
        Ok(view) => view,
        Err(page) => return page,
    };
    let (kind, limits, classes) = from_view(&view, web.lang);
    let shown = Shown {
        kind,
        limits,
        classes,
        saved: q.saved.is_some(),
        problems: FieldProblems::default(),
    };
    page(&web, &id, &view, shown, StatusCode::OK)
}

/// The form's fields by name, from a form post.
struct Posted(Vec<(String, String)>);

impl Posted {
    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }

    fn limits(&self, prefix: &str) -> Limits {
        Limits {
            age_from: self.get(&format!("{prefix}age_from")),
            age_under: self.get(&format!("{prefix}age_under")),
            sex: self.get(&format!("{prefix}sex")),
        }
    }
}

/// An age as the API takes it (null when empty); the form field's problem when not a number.
fn age(text: &str, field: &str, lang: Lang, problems: &mut Vec<Problem>) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    match text.parse::<u16>() {
        Ok(n) => Value::from(n),
        Err(_) => {
            problems.push(Problem {
                field: Some(field.to_owned()),
                text: crate::i18n::t(lang, "profile.not_an_age").to_owned(),
            });
            Value::Null
        }
    }
}

fn limits_json(limits: &Limits, path: &str, lang: Lang, problems: &mut Vec<Problem>) -> Value {
    let sex = if limits.sex.is_empty() {
        "any"
    } else {
        &limits.sex
    };
    json!({
        "age_from": age(&limits.age_from, &format!("{path}.age_from"), lang, problems),
        "age_under": age(&limits.age_under, &format!("{path}.age_under"), lang, problems),
        "sex": sex,
    })
}

/// The form's fields and the API's element names they stand for.
const FIELDS: &[(&str, &[&str])] = &[
    ("ordinary.age_from", &["classes.ordinary.age_from"]),
    ("ordinary.age_under", &["classes.ordinary.age_under"]),
    ("expert.age_from", &["classes.expert.age_from"]),
    ("expert.age_under", &["classes.expert.age_under"]),
    (
        "special-needs.age_from",
        &["classes.special-needs.age_from"],
    ),
    (
        "special-needs.age_under",
        &["classes.special-needs.age_under"],
    ),
    ("age_from", &["eligibility.age_from"]),
    ("age_under", &["eligibility.age_under"]),
];

/// `POST /admin/departments/{id}`: saves the profile, or goes back to the national code's
/// suggestion (`reset`).
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let view = match view_of(&api, &web, &id).await {
        Ok(view) => view,
        Err(page) => return page,
    };
    let posted = Posted(form);
    let path = format!("/api/admin/departments/{id}/profile");
    let reply = if posted.0.iter().any(|(k, _)| k == "reset") {
        api.call(&web, Method::DELETE, &path, None).await
    } else {
        let (body, problems) = profile_json(&posted, web.lang);
        if problems.is_empty() {
            let json = Some(("application/json", body.to_string()));
            api.call(&web, Method::PUT, &path, json).await
        } else {
            return refused(
                &web,
                &id,
                &view,
                &posted,
                problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to(&format!("/admin/departments/{id}?saved=1")).into_response();
    }
    refused(&web, &id, &view, &posted, reply.problems(), reply.status)
}

/// The profile's JSON from the form, and the fields that do not read.
fn profile_json(posted: &Posted, lang: Lang) -> (Value, Vec<Problem>) {
    let mut problems = Vec::new();
    let eligibility = limits_json(&posted.limits(""), "eligibility", lang, &mut problems);
    let mut classes = Map::new();
    for class in RegistrationClass::ALL {
        let code = class.code();
        if posted.get(&format!("{code}.own")).is_empty() {
            continue;
        }
        let limits = posted.limits(&format!("{code}."));
        let path = format!("classes.{code}");
        classes.insert(
            code.to_owned(),
            limits_json(&limits, &path, lang, &mut problems),
        );
    }
    let body = json!({"kind": posted.get("kind"), "eligibility": eligibility, "classes": classes});
    (body, problems)
}

/// The form again, as typed, with the problems by field.
fn refused(
    web: &Web,
    id: &str,
    view: &Value,
    posted: &Posted,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let classes = RegistrationClass::ALL
        .into_iter()
        .map(|class| ClassLimits {
            code: class.code(),
            label: class.label().get(web.lang).to_owned(),
            own: !posted.get(&format!("{}.own", class.code())).is_empty(),
            limits: posted.limits(&format!("{}.", class.code())),
        })
        .collect();
    let shown = Shown {
        kind: posted.get("kind"),
        limits: posted.limits(""),
        classes,
        saved: false,
        problems: FieldProblems::sort(problems, FIELDS),
    };
    page(web, id, view, shown, status)
}
