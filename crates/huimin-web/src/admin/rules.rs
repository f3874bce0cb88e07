//! The booking rules (号源规则) as a form: the hospital's thresholds, and a department's
//! override of the ones a department may set. The form is built from the rules the API
//! returns, one field per threshold, so a new threshold only needs its label.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api::{Api, Problem, Reply};
use crate::chrome::Chrome;
use crate::patient::forms::render;
use crate::staff::common::{Choice, departments};
use crate::web::{SignedIn, Web};

/// One threshold: its path in the rules (`release.window_days`), what it is, its value.
pub struct Field {
    pub name: String,
    pub label: String,
    pub value: String,
    /// `number`, `time`, `switch` (yes or no), `mode` (the waitlist mode) or `steps` (ban
    /// steps).
    pub kind: &'static str,
    pub problem: String,
    /// For a department: set by the department rather than inherited.
    pub own: bool,
}

pub struct Group {
    pub legend: String,
    pub fields: Vec<Field>,
}

/// Every threshold's path and value, in the rules' order.
pub fn leaves(rules: &Value) -> Vec<(String, Value)> {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, inner, out);
                }
            }
            other => out.push((prefix.to_owned(), other.clone())),
        }
    }
    let mut out = Vec::new();
    walk("", rules, &mut out);
    out
}

fn kind_of(path: &str, value: &Value) -> &'static str {
    match (path, value) {
        ("waitlist.mode", _) => "mode",
        (_, Value::Bool(_)) => "switch",
        (_, Value::Array(_)) => "steps",
        (_, Value::String(_)) => "time",
        _ => "number",
    }
}

/// A value as the form shows it: ban steps as `3:90, 6:180`, times as `HH:MM`.
fn shown(value: &Value) -> String {
    match value {
        Value::Array(steps) => steps
            .iter()
            .map(|s| format!("{}:{}", s[0], s[1]))
            .collect::<Vec<_>>()
            .join(", "),
        Value::String(text) if text.len() == 8 && text.ends_with(":00") => text[..5].to_owned(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// What was typed, as the rules' JSON value of the same kind; `None` when it does not read.
fn typed(kind: &str, text: &str) -> Option<Value> {
    let text = text.trim();
    match kind {
        "number" => text.parse::<i64>().ok().map(Value::from),
        "switch" => text.parse::<bool>().ok().map(Value::from),
        "steps" => text
            .split([',', '，'])
            .filter(|s| !s.trim().is_empty())
            .map(|step| {
                let (count, days) = step.trim().split_once([':', '：'])?;
                Some(serde_json::json!([
                    count.trim().parse::<i64>().ok()?,
                    days.trim().parse::<i64>().ok()?
                ]))
            })
            .collect::<Option<Vec<_>>>()
            .map(Value::Array),
        "time" if text.len() == 5 => Some(Value::from(format!("{text}:00"))),
        _ => Some(Value::from(text)),
    }
}

/// Sets `path` (dotted) in a JSON object.
fn put_path(root: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        Some((head, rest)) => {
            let inner = root
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = inner {
                put_path(map, rest, value);
            }
        }
        None => {
            root.insert(path.to_owned(), value);
        }
    }
}

fn label(lang: Lang, path: &str) -> String {
    crate::i18n::t(lang, &format!("rules.{path}")).to_owned()
}

/// The form's groups for `rules`, only the top-level names in `only` when given.
fn groups(
    lang: Lang,
    rules: &Value,
    only: Option<&[String]>,
    typed_in: &Map<String, Value>,
    problems: &[Problem],
    own: &[String],
) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    for (path, value) in leaves(rules) {
        let top = path.split('.').next().unwrap_or_default().to_owned();
        if only.is_some_and(|names| !names.contains(&top)) {
            continue;
        }
        let problem = problems
            .iter()
            .filter(|p| {
                p.field
                    .as_deref()
                    .is_some_and(|f| f == path || f == top || f.ends_with(&format!(".{path}")))
            })
            .map(|p| p.text.clone())
            .collect::<Vec<_>>()
            .join("；");
        let field = Field {
            label: label(lang, &path),
            value: typed_in
                .get(&path)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| shown(&value)),
            kind: kind_of(&path, &value),
            problem,
            own: own
                .iter()
                .any(|o| path == *o || path.starts_with(&format!("{o}."))),
            name: path,
        };
        match out.last_mut() {
            Some(group) if group.legend == label(lang, &top) => group.fields.push(field),
            _ => out.push(Group {
                legend: label(lang, &top),
                fields: vec![field],
            }),
        }
    }
    out
}

#[derive(Template)]
#[template(path = "admin_rules.html")]
struct RulesPage {
    c: Chrome,
    departments: Vec<Choice>,
    department: String,
    groups: Vec<Group>,
    general: Vec<String>,
    saved: bool,
}

impl RulesPage {
    fn has_problems(&self) -> bool {
        !self.general.is_empty()
            || self
                .groups
                .iter()
                .any(|g| g.fields.iter().any(|f| !f.problem.is_empty()))
    }
}

#[derive(Deserialize, Default)]
pub struct Which {
    #[serde(default)]
    department: String,
    saved: Option<String>,
}

/// The rules the form starts from.
struct Loaded {
    hospital: Value,
    /// The department's rules in force (the hospital's when no department is chosen).
    effective: Value,
    /// The top-level names the department sets itself.
    own: Vec<String>,
    /// The top-level names a department may set.
    allowed: Vec<String>,
}

/// The rules in force, or the page to show instead (sign in again, or the API's refusal).
async fn current(api: &Api, web: &Web, department: &str) -> Result<Loaded, Response> {
    let reply = api.get(web, "/api/admin/booking-rules").await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return Err(web.to_login());
    }
    if !reply.ok() {
        return Err(crate::staff::common::refusal(
            web,
            "admin.rules",
            &reply,
            "/",
        ));
    }
    let hospital = reply.body["hospital"].clone();
    let allowed: Vec<String> = reply.body["department_fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let wanted = format!("Organization/{department}");
    let found = reply.body["departments"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["department"] == wanted.as_str());
    let (effective, own) = match found {
        Some(d) => (
            d["effective"].clone(),
            d["override"]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default(),
        ),
        None => (hospital.clone(), Vec::new()),
    };
    Ok(Loaded {
        hospital,
        effective,
        own,
        allowed,
    })
}

async fn page(
    api: &Api,
    web: &Web,
    which: Which,
    loaded: &Loaded,
    (typed_in, problems): (Map<String, Value>, Vec<Problem>),
    status: StatusCode,
) -> Response {
    let Loaded {
        hospital,
        effective,
        own,
        allowed,
    } = loaded;
    let groups = if which.department.is_empty() {
        groups(web.lang, hospital, None, &typed_in, &problems, &[])
    } else {
        groups(
            web.lang,
            effective,
            Some(allowed),
            &typed_in,
            &problems,
            own,
        )
    };
    let general = problems
        .iter()
        .filter(|p| p.field.is_none())
        .map(|p| p.text.clone())
        .collect();
    render(
        status,
        &RulesPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.rules")),
            departments: departments(api, web).await,
            department: which.department,
            groups,
            general,
            saved: which.saved.is_some(),
        },
    )
}

/// `GET /admin/rules?department=`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(which): Query<Which>,
) -> Response {
    let loaded = match current(&api, &web, &which.department).await {
        Ok(loaded) => loaded,
        Err(page) => return page,
    };
    let nothing_typed = (Map::new(), Vec::new());
    page(&api, &web, which, &loaded, nothing_typed, StatusCode::OK).await
}

/// `POST /admin/rules?department=`: the hospital's rules, or the department's differences
/// from them (its override; none left means it follows the hospital again).
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(which): Query<Which>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let loaded = match current(&api, &web, &which.department).await {
        Ok(loaded) => loaded,
        Err(page) => return page,
    };
    let typed_in: Map<String, Value> = form
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
        .collect();
    let (body, problems) = rules_typed(&form, &loaded, &which.department, web.lang);
    if !problems.is_empty() {
        let typed = (typed_in, problems);
        return page(
            &api,
            &web,
            which,
            &loaded,
            typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let reset = form.iter().any(|(k, _)| k == "reset");
    let reply = send(&api, &web, &which.department, body, reset).await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        let department = crate::web::encoded(&which.department);
        return Redirect::to(&format!("/admin/rules?department={department}&saved=1"))
            .into_response();
    }
    let status = reply.status;
    let typed = (typed_in, reply.problems());
    page(&api, &web, which, &loaded, typed, status).await
}

/// The rules' JSON the form describes: for the hospital every known value, for a department
/// only the values it may set that differ from the hospital's; and the fields that do not
/// read.
fn rules_typed(
    form: &[(String, String)],
    loaded: &Loaded,
    department: &str,
    lang: Lang,
) -> (Map<String, Value>, Vec<Problem>) {
    let known = leaves(&loaded.hospital);
    let mut body = Map::new();
    let mut problems = Vec::new();
    for (name, text) in form {
        if name == "reset" {
            continue;
        }
        let Some((_, template)) = known.iter().find(|(path, _)| path == name) else {
            continue;
        };
        let top = name.split('.').next().unwrap_or_default();
        if !department.is_empty() && !loaded.allowed.iter().any(|a| a == top) {
            continue;
        }
        match typed(kind_of(name, template), text) {
            Some(value) if department.is_empty() || value != *template => {
                put_path(&mut body, name, value)
            }
            Some(_) => {}
            None => problems.push(Problem {
                field: Some(name.clone()),
                text: crate::i18n::t(lang, "admin.not_a_value").to_owned(),
            }),
        }
    }
    (body, problems)
}

/// Saves the hospital's rules, or a department's override (removed when reset or empty).
async fn send(
    api: &Api,
    web: &Web,
    department: &str,
    body: Map<String, Value>,
    reset: bool,
) -> Reply {
    let empty = body.is_empty();
    let json = Some(("application/json", Value::Object(body).to_string()));
    if department.is_empty() {
        return api
            .call(web, Method::PUT, "/api/admin/booking-rules", json)
            .await;
    }
    let path = format!("/api/admin/booking-rules/departments/{department}");
    if reset || empty {
        api.call(web, Method::DELETE, &path, None).await
    } else {
        api.call(web, Method::PUT, &path, json).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_threshold_has_a_label_in_both_languages() {
        let rules =
            serde_json::to_value(huimin_domain::appointments::BookingRules::default()).unwrap();
        for (path, _) in leaves(&rules) {
            let top = path.split('.').next().unwrap();
            for key in [format!("rules.{path}"), format!("rules.{top}")] {
                for lang in [Lang::Zh, Lang::En] {
                    assert_ne!(crate::i18n::t(lang, &key), "…", "{key}");
                }
            }
        }
    }

    #[test]
    fn the_moves_rules_are_shown_and_saved_like_the_others() {
        let hospital =
            serde_json::to_value(huimin_domain::appointments::BookingRules::default()).unwrap();
        let shown = groups(Lang::Zh, &hospital, None, &Map::new(), &[], &[]);
        let moves = shown
            .iter()
            .find(|g| g.legend == "改派与改约")
            .expect("a group for moves");
        let fields: Vec<_> = moves
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.kind, f.value.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("moves.refund_cheaper", "switch", "true"),
                ("moves.reply_hours", "number", "24")
            ]
        );
        let loaded = Loaded {
            effective: hospital.clone(),
            hospital,
            own: Vec::new(),
            allowed: Vec::new(),
        };
        let form = [
            ("moves.refund_cheaper".to_owned(), "false".to_owned()),
            ("moves.reply_hours".to_owned(), "48".to_owned()),
        ];
        let (body, problems) = rules_typed(&form, &loaded, "", Lang::Zh);
        assert!(problems.is_empty());
        assert_eq!(
            Value::Object(body),
            serde_json::json!({"moves": {"refund_cheaper": false, "reply_hours": 48}})
        );
        let bad = [("moves.reply_hours".to_owned(), "一天".to_owned())];
        let (_, problems) = rules_typed(&bad, &loaded, "", Lang::Zh);
        assert_eq!(problems[0].field.as_deref(), Some("moves.reply_hours"));
    }

    #[test]
    fn typed_values_read_back_as_the_rules_json() {
        assert_eq!(typed("number", " 14 "), Some(Value::from(14)));
        assert_eq!(typed("number", "十四"), None);
        assert_eq!(typed("switch", "false"), Some(Value::from(false)));
        assert_eq!(typed("switch", "maybe"), None);
        assert_eq!(typed("time", "18:00"), Some(Value::from("18:00:00")));
        assert_eq!(
            typed("steps", "3:90，6：180"),
            Some(serde_json::json!([[3, 90], [6, 180]]))
        );
        assert_eq!(typed("steps", "3-90"), None);
        assert_eq!(
            shown(&serde_json::json!([[3, 90], [6, 180]])),
            "3:90, 6:180"
        );
        assert_eq!(shown(&Value::from("08:00:00")), "08:00");
        let mut root = Map::new();
        put_path(&mut root, "release.window_days", Value::from(7));
        put_path(&mut root, "release.release_time", Value::from("18:00:00"));
        assert_eq!(
            Value::Object(root),
            serde_json::json!({"release": {"window_days": 7, "release_time": "18:00:00"}})
        );
    }
}
