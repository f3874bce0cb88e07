//! `/staff/results/{order}`: the technician types the values of the ordered item's analytes
//! (each with its unit, the item's own preselected) or an examination's conclusion, saves a
//! draft or makes the report final. A refusal is shown next to its field with what was typed
//! kept; a final report sends the technician back to the worklist with a notice naming the
//! critical values the doctor was sent.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use huimin_domain::orders::OrderStatus;
use huimin_domain::results::unit_for_people;
use serde_json::{Value, json};

use super::{both, result_row};
use crate::api::{Api, Problem, Reply};
use crate::chrome::Chrome;
use crate::i18n::t;
use crate::patient::forms::render;
use crate::web::{SignedIn, Web, encoded};

/// A unit the select offers: the analyte's own spelling first, then the accepted ones.
pub struct UnitChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One analyte's line of the form.
pub struct EntryRow {
    pub analyte: String,
    pub name: String,
    pub value: String,
    pub units: Vec<UnitChoice>,
    pub limits: String,
    pub problem: String,
}

#[derive(Template)]
#[template(path = "staff_result_entry.html")]
struct EntryPage {
    c: Chrome,
    order: String,
    patient: String,
    title: String,
    status_label: String,
    ready: bool,
    is_final: bool,
    panel: bool,
    rows: Vec<EntryRow>,
    conclusion: String,
    conclusion_problem: String,
    /// Problems that name no line of the form (`values`, `basedOn`).
    problems: Vec<String>,
    saved: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

/// What the technician typed: per analyte its value and unit, and the conclusion.
#[derive(Default)]
struct Typed {
    values: Vec<(String, String, String)>,
    conclusion: Option<String>,
}

impl Typed {
    fn of(pairs: &[(String, String)], form: &Value) -> Self {
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.trim().to_owned())
        };
        Typed {
            values: rows_of(form)
                .iter()
                .map(|r| {
                    let code = r["analyte"].as_str().unwrap_or_default();
                    (
                        code.to_owned(),
                        get(&format!("value-{code}")).unwrap_or_default(),
                        get(&format!("unit-{code}")).unwrap_or_default(),
                    )
                })
                .collect(),
            conclusion: get("conclusion"),
        }
    }
}

fn rows_of(form: &Value) -> &[Value] {
    form["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// The line a problem's field (`values[2].unit`) points at.
fn line_of(field: &str) -> Option<usize> {
    field
        .strip_prefix("values[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

fn entry_rows(
    form: &Value,
    typed: Option<&Typed>,
    problems: &[Problem],
    lang: Lang,
) -> Vec<EntryRow> {
    rows_of(form)
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let own = r["unit"].as_str().unwrap_or_default().to_owned();
            let (value, unit) = match typed.and_then(|t| t.values.get(i)) {
                Some((_, value, unit)) => (value.clone(), unit.clone()),
                None => (
                    r["value"].as_str().unwrap_or_default().to_owned(),
                    own.clone(),
                ),
            };
            let mut spellings = vec![own.clone()];
            spellings.extend(
                r["accepted"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned),
            );
            let units = spellings
                .into_iter()
                .map(|s| UnitChoice {
                    label: if s == own {
                        unit_for_people(&s)
                    } else {
                        s.clone()
                    },
                    selected: s == unit,
                    value: s,
                })
                .collect();
            EntryRow {
                analyte: r["analyte"].as_str().unwrap_or_default().to_owned(),
                name: both(lang, &r["name"]),
                value,
                units,
                limits: format!(
                    "{}–{}",
                    r["min"].as_str().unwrap_or_default(),
                    r["max"].as_str().unwrap_or_default()
                ),
                problem: problems
                    .iter()
                    .filter(|p| p.field.as_deref().and_then(line_of) == Some(i))
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        })
        .collect()
}

fn page(
    web: &Web,
    form: &Value,
    typed: Option<&Typed>,
    problems: Vec<Problem>,
    saved: bool,
) -> EntryPage {
    let lang = web.lang;
    let status = OrderStatus::from_code(form["order_status"].as_str().unwrap_or_default());
    let report_status = form["report"]["status"].as_str().unwrap_or_default();
    let conclusion_problem = problems
        .iter()
        .filter(|p| p.field.as_deref() == Some("conclusion"))
        .map(|p| p.text.clone())
        .collect::<Vec<_>>()
        .join(" ");
    let rows = entry_rows(form, typed, &problems, lang);
    let problems = problems
        .into_iter()
        .filter(|p| {
            let field = p.field.as_deref().unwrap_or_default();
            field != "conclusion" && line_of(field).is_none()
        })
        .map(|p| p.text)
        .collect();
    EntryPage {
        c: web.chrome(t(lang, "results.entry")),
        order: form["order"].as_str().unwrap_or_default().to_owned(),
        patient: form["patient_name"].as_str().unwrap_or_default().to_owned(),
        title: both(lang, &form["title"]),
        status_label: status
            .map(|s| s.label().get(lang).to_owned())
            .unwrap_or_default(),
        ready: matches!(
            status,
            Some(OrderStatus::Collected | OrderStatus::Performed)
        ),
        is_final: report_status == "final",
        panel: form["kind"] == "panel",
        rows,
        conclusion: match typed {
            Some(t) => t.conclusion.clone().unwrap_or_default(),
            None => form["report"]["conclusion"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        },
        conclusion_problem,
        problems,
        saved,
    }
}

impl EntryPage {
    /// Some line of the form carries a refusal.
    fn line_problems(&self) -> bool {
        self.rows.iter().any(|r| !r.problem.is_empty())
    }
}

async fn form_of(api: &Api, web: &Web, order: &str) -> Reply {
    api.get(web, &format!("/api/results/{}", encoded(order)))
        .await
}

/// `GET /staff/results/{order}`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(order): Path<String>,
    Query(asked): Query<Saved>,
) -> Response {
    let form = form_of(&api, &web, &order).await;
    if form.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !form.ok() {
        return crate::staff::common::refusal(&web, "results.entry", &form, "/staff/lab");
    }
    render(
        StatusCode::OK,
        &page(&web, &form.body, None, Vec::new(), asked.saved.is_some()),
    )
}

/// `POST /staff/results/{order}`: `value-{analyte}`, `unit-{analyte}`, `conclusion`, and
/// `action` (`draft` or `final`).
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(order): Path<String>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Response {
    let form = form_of(&api, &web, &order).await;
    if form.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !form.ok() {
        return crate::staff::common::refusal(&web, "results.entry", &form, "/staff/lab");
    }
    let typed = Typed::of(&pairs, &form.body);
    let final_ = pairs.iter().any(|(k, v)| k == "action" && v == "final");
    let mut body = json!({
        "values": typed.values.iter().map(|(analyte, value, unit)| json!({
            "analyte": analyte, "value": value, "unit": unit,
        })).collect::<Vec<_>>(),
        "final": final_,
    });
    if let Some(c) = &typed.conclusion {
        body["conclusion"] = json!(c);
    }
    let reply = api
        .call(
            &web,
            Method::PUT,
            &format!("/api/results/{}", encoded(&order)),
            Some(("application/json", body.to_string())),
        )
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        let to = match final_ {
            true => format!("/staff/lab?reported={}", encoded(&order)),
            false => format!("/staff/results/{}?saved=1", encoded(&order)),
        };
        return Redirect::to(&to).into_response();
    }
    render(
        reply.status,
        &page(&web, &form.body, Some(&typed), reply.problems(), false),
    )
}

/// The worklist's notice after a final report: the item, the patient, and the critical
/// values the ordering doctor was sent (read back from the report, not from the request).
pub async fn reported_notice(api: &Api, web: &Web, order: &str) -> Option<(String, Vec<String>)> {
    let form = form_of(api, web, order).await;
    if !form.ok() || form.body["report"]["status"] != "final" {
        return None;
    }
    let lang = web.lang;
    let what = format!(
        "{} · {}",
        both(lang, &form.body["title"]),
        form.body["patient_name"].as_str().unwrap_or_default()
    );
    let critical = form.body["report"]["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["critical"] == true)
        .map(|r| {
            let row = result_row(r, lang);
            format!(
                "{} {} {} {}{}",
                row.name, row.value, row.unit, row.arrow, row.flag_text
            )
        })
        .collect();
    Some((what, critical))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_points_at_its_line() {
        assert_eq!(line_of("values[2].unit"), Some(2));
        assert_eq!(line_of("values[0].value"), Some(0));
        assert_eq!(line_of("values"), None);
        assert_eq!(line_of("conclusion"), None);
    }

    #[test]
    fn typed_values_follow_the_panel_and_stay_as_typed() {
        let form = json!({"rows": [{"analyte": "WBC"}, {"analyte": "PLT"}]});
        let pairs = vec![
            ("value-PLT".to_owned(), " -5 ".to_owned()),
            ("unit-PLT".to_owned(), "10^9/L".to_owned()),
            ("value-WBC".to_owned(), "6.0".to_owned()),
        ];
        let typed = Typed::of(&pairs, &form);
        assert_eq!(
            typed.values,
            vec![
                ("WBC".into(), "6.0".into(), String::new()),
                ("PLT".into(), "-5".into(), "10^9/L".into()),
            ]
        );
        assert_eq!(typed.conclusion, None);
    }
}
