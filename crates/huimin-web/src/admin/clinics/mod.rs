//! Clinic sessions and roster templates for administrators: a department's sessions of a day
//! with stop-clinic (停诊, optionally moving the patients to another session) and opening a
//! session (`sessions`); weekly roster templates (排班模板) and publishing sessions from
//! them (`rosters`).

mod rosters;
mod sessions;

pub use rosters::{retire, roster_action, rosters};
pub use sessions::{open, sessions, suspend};

use serde::Deserialize;
use serde_json::Value;

use crate::api::Problem;
use crate::fmt;
use crate::web::Web;

/// Which department and day the pages are about, and what was just done there.
#[derive(Deserialize, Default, Clone)]
pub struct Where {
    #[serde(default)]
    department: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    done: String,
}

impl Where {
    fn date(&self) -> String {
        fmt::date_or_today(&self.date).to_string()
    }

    fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("department", &self.department);
        q.append_pair("date", &self.date());
        q.finish()
    }
}

/// A whole number typed in a form, or the problem with it.
fn number(field: &str, text: &str, web: &Web, problems: &mut Vec<Problem>) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(n) => Some(Value::from(n)),
        Err(_) => {
            problems.push(Problem {
                field: Some(field.to_owned()),
                text: crate::i18n::t(web.lang, "admin.whole_number").to_owned(),
            });
            None
        }
    }
}
