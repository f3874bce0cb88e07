//! Rendering pages and showing form problems next to the fields they are about.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::api::Problem;

/// A rendered page, or a plain 500 if a template fails (it cannot with valid data).
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(%err, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面出错 / Page error").into_response()
        }
    }
}

pub fn ok(page: &impl Template) -> Response {
    render(StatusCode::OK, page)
}

/// "Please fill this in" for each `(field, value)` left empty.
pub fn required(lang: huimin_domain::i18n::Lang, fields: &[(&str, &str)]) -> Vec<Problem> {
    fields
        .iter()
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(field, _)| Problem {
            field: Some((*field).to_owned()),
            text: crate::i18n::t(lang, "desk.required").to_owned(),
        })
        .collect()
}

/// Problems sorted to the fields of a form, by the element names the API reports.
#[derive(Default)]
pub struct FieldProblems {
    fields: Vec<(&'static str, String)>,
    /// Problems that belong to no field, shown above the form.
    pub general: Vec<String>,
}

impl FieldProblems {
    /// `map` pairs a form field with the fragments of API element names it covers, e.g.
    /// `("id_number", &["identifier", "resident_id"])`.
    pub fn sort(problems: Vec<Problem>, map: &[(&'static str, &[&str])]) -> Self {
        let mut sorted = FieldProblems::default();
        for problem in problems {
            let field = problem.field.as_deref().and_then(|element| {
                map.iter()
                    .find(|(_, fragments)| fragments.iter().any(|f| element.contains(f)))
                    .map(|(name, _)| *name)
            });
            match field {
                Some(name) => sorted.fields.push((name, problem.text)),
                None => sorted.general.push(problem.text),
            }
        }
        sorted
    }

    pub fn general_only(text: String) -> Self {
        FieldProblems {
            general: vec![text],
            ..FieldProblems::default()
        }
    }

    /// The problem with a field, or an empty string.
    pub fn at(&self, field: &str) -> String {
        self.fields
            .iter()
            .filter(|(name, _)| *name == field)
            .map(|(_, text)| text.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|(name, _)| *name == field)
    }

    pub fn any(&self) -> bool {
        !self.fields.is_empty() || !self.general.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_land_on_their_fields() {
        let problems = vec![
            Problem {
                field: Some("Patient.identifier[0].value".into()),
                text: "号码有误".into(),
            },
            Problem {
                field: None,
                text: "总体问题".into(),
            },
        ];
        let sorted = FieldProblems::sort(problems, &[("id_number", &["identifier"])]);
        assert_eq!(sorted.at("id_number"), "号码有误");
        assert!(sorted.has("id_number") && !sorted.has("phone"));
        assert_eq!(sorted.general, ["总体问题"]);
    }
}
