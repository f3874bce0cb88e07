//! What each department is and whom it sees, as the API says (`/api/departments`): the
//! clinic list leaves out medical technology, the emergency department's page says to come
//! in rather than book, and a department's limits are said before anyone tries to book.

use std::collections::HashMap;

use serde_json::Value;

use super::place::{Place, department_place};
use crate::api::Api;
use crate::web::Web;

/// One department's profile, its limits already in the visitor's language.
#[derive(Clone, Debug, Default)]
pub struct Profile {
    pub name: String,
    /// `clinic`, `emergency` or `medical-technology`.
    pub kind: String,
    pub listed: bool,
    /// `仅接诊 14 岁以下患者`, empty when it sees everyone.
    pub limits: String,
    /// The limits of registration classes that have their own, as `(class code, text)`.
    pub classes: Vec<(String, String)>,
}

/// Every department's profile, by department id.
#[derive(Debug, Default)]
pub struct Profiles(HashMap<String, Profile>);

impl Profiles {
    pub async fn read(api: &Api, web: &Web) -> Self {
        let reply = api.get(web, "/api/departments").await;
        let listed = reply.body["departments"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        Self(listed.iter().filter_map(profile).collect())
    }

    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.0.get(id)
    }

    /// Whether the department belongs in the list of clinics (medical technology does not).
    pub fn is_listed(&self, id: &str) -> bool {
        self.get(id).is_none_or(|p| p.listed)
    }

    /// The emergency departments: (id, name), by name.
    pub fn emergency(&self) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = self
            .0
            .iter()
            .filter(|(_, p)| p.kind == "emergency")
            .map(|(id, p)| (id.clone(), p.name.clone()))
            .collect();
        found.sort();
        found
    }
}

fn text(limits: &Value) -> String {
    limits["text"].as_str().unwrap_or_default().to_owned()
}

fn profile(department: &Value) -> Option<(String, Profile)> {
    let id = department["department"]
        .as_str()?
        .strip_prefix("Organization/")?
        .to_owned();
    let classes = department["classes"]
        .as_object()
        .map(|all| {
            all.iter()
                .map(|(class, limits)| (class.clone(), text(limits)))
                .collect()
        })
        .unwrap_or_default();
    Some((
        id,
        Profile {
            name: department["name"].as_str().unwrap_or_default().to_owned(),
            kind: department["kind"].as_str().unwrap_or_default().to_owned(),
            listed: department["listed"].as_bool().unwrap_or(true),
            limits: text(&department["eligibility"]),
            classes,
        },
    ))
}

/// What the department page says besides its doctors: where it is, whom it sees, and for
/// the emergency department that it is not booked.
#[derive(Debug, Default)]
pub struct About {
    pub place: Option<Place>,
    pub limits: String,
    /// Registration classes with limits of their own: `特需号：仅接诊 18 岁以下患者`.
    pub classes: Vec<String>,
    pub emergency: bool,
    /// The department's own phone (the emergency line).
    pub phone: String,
}

/// The department page's [`About`] of department `id`.
pub async fn about(api: &Api, web: &Web, id: &str, phone: String) -> About {
    let profiles = Profiles::read(api, web).await;
    let profile = profiles.get(id).cloned().unwrap_or_default();
    let classes = profile
        .classes
        .iter()
        .filter(|(_, text)| !text.is_empty())
        .map(|(class, text)| {
            let label = huimin_domain::directory::RegistrationClass::from_code(class)
                .map(|c| c.label().get(web.lang).to_owned())
                .unwrap_or_else(|| class.clone());
            let colon = crate::i18n::pick(web.lang, "：", ": ");
            format!("{label}{colon}{text}")
        })
        .collect();
    About {
        place: department_place(api, web, id).await,
        limits: profile.limits,
        classes,
        emergency: profile.kind == "emergency",
        phone,
    }
}
