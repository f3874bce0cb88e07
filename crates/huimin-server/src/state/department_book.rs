//! The hospital's departments as booking and the pages see them: each department's name, and
//! its kind and limits ([`DepartmentProfile`]) as the administrators set them (a setting per
//! department), or as the national catalogue suggests for its code when they have not.
//! Read with the booking rules and kept as long as they are (`rule_book.rs`).

use std::collections::{HashMap, HashSet};

use huimin_domain::directory::{Department, DepartmentCode, DepartmentProfile, Departments};
use huimin_domain::i18n::Text;
use huimin_fhir::names::DEPARTMENT_CODE_SYSTEM;
use huimin_store::search::{Match, SearchClause, SearchQuery, SortKey};
use huimin_store::{IndexValue, Store, StoreError};
use serde_json::Value;

/// The key of a department's profile setting is this prefix and the department's id.
pub const PROFILE_PREFIX: &str = "department-profile/";

/// Departments beyond this many are not read (a hospital has a few dozen).
const MOST: u32 = 1000;

/// The departments, and which of them have a profile of their own.
#[derive(Debug, Default)]
pub struct DepartmentBook {
    pub departments: Departments,
    /// Ids whose profile is a stored setting rather than the catalogue's suggestion.
    pub set: HashSet<String>,
}

/// A department's code and names, from its Organization.
fn described(content: &Value) -> (Option<DepartmentCode>, Text) {
    let code = content["identifier"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["system"] == DEPARTMENT_CODE_SYSTEM)
        .and_then(|i| i["value"].as_str())
        .and_then(|c| DepartmentCode::parse(c).ok());
    let zh = content["name"].as_str().unwrap_or_default();
    // The English name is the alias written in ASCII (others are Chinese short names).
    let en = content["alias"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|a| a.is_ascii())
        .unwrap_or(zh);
    (code, Text::new(zh, en))
}

/// The profiles administrators set, by department id.
async fn stored_profiles(store: &Store) -> Result<HashMap<String, DepartmentProfile>, StoreError> {
    let mut stored = HashMap::new();
    for (key, text) in store.settings_with_prefix(PROFILE_PREFIX).await? {
        let id = key[PROFILE_PREFIX.len()..].to_owned();
        match serde_json::from_str(&text) {
            Ok(profile) => {
                stored.insert(id, profile);
            }
            // Stored only after it passed: a hand-edited row. Keep the suggestion.
            Err(e) => tracing::error!(department = %id, error = %e, "department profile ignored"),
        }
    }
    Ok(stored)
}

/// Reads every department (Organization of type `dept`) and the stored profiles.
pub async fn load(store: &Store) -> Result<DepartmentBook, StoreError> {
    let query = SearchQuery {
        clauses: vec![SearchClause {
            param: "type".into(),
            any_of: vec![Match::Exact(IndexValue::Plain("*|dept".into()))],
            negated: false,
        }],
        count: MOST,
        offset: 0,
        sort: vec![SortKey::ID],
    };
    let found = store.search_resources("Organization", &query).await?;
    let mut stored = stored_profiles(store).await?;
    let mut set = HashSet::new();
    let mut departments = HashMap::new();
    for resource in found.items {
        let (code, name) = described(&resource.content);
        let profile = match stored.remove(&resource.id) {
            Some(profile) => {
                set.insert(resource.id.clone());
                profile
            }
            None => code
                .as_ref()
                .map(DepartmentProfile::suggested)
                .unwrap_or_default(),
        };
        departments.insert(resource.id, Department { name, profile });
    }
    Ok(DepartmentBook {
        departments: Departments::new(departments),
        set,
    })
}
