//! Booking thresholds kept in the database, per hospital and per department, so every server
//! process of an installation applies the same rules and administrators change them without a
//! restart.
//!
//! The installation's defaults (the DOMAIN rules, or what the binary was configured with) are
//! overlaid with the hospital's stored rules, and those with a department's override (a JSON
//! merge patch, RFC 7386) for the thresholds that make sense per department. Each process
//! keeps the result for at most [`FRESH_FOR`], and forgets it at once when it writes a change,
//! so another process applies a change within that time. The administrators' routes that
//! read and change them are in `appointments::rules`. The departments' profiles
//! (`department_book.rs`) are read and kept with them.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use huimin_domain::appointments::BookingRules;
use huimin_domain::i18n::Text;
use huimin_store::{Store, StoreError};
use jiff::tz::TimeZone;
use serde_json::{Map, Value};

use super::booking::BookingSettings;
use super::department_book::DepartmentBook;
use crate::error::Issue;

/// How long a process keeps the rules it read.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

pub(crate) const HOSPITAL_KEY: &str = "booking-rules";
pub(crate) const DEPARTMENT_PREFIX: &str = "booking-rules/department/";

/// Thresholds a department may set for itself. Quotas, bans, holds and the elderly age count
/// across the hospital (a patient's weekly quota spans departments), so they are set once.
pub const DEPARTMENT_FIELDS: [&str; 8] = [
    "slot_minutes",
    "release",
    "pools",
    "reserved_release",
    "cancellation",
    "check_in",
    "waitlist",
    "calling",
];

/// The rules in force: the hospital's, and each department's where it has an override; and
/// the departments themselves (their kind and whom they see).
#[derive(Debug)]
pub struct RuleSet {
    pub(crate) hospital: BookingSettings,
    pub(crate) departments: HashMap<String, Department>,
    pub(crate) directory: DepartmentBook,
}

#[derive(Debug)]
pub(crate) struct Department {
    pub(crate) patch: Map<String, Value>,
    pub(crate) settings: BookingSettings,
}

impl RuleSet {
    pub fn hospital(&self) -> &BookingSettings {
        &self.hospital
    }

    /// The longest booking window of the hospital and its departments.
    pub fn longest_window_days(&self) -> u16 {
        self.departments
            .values()
            .map(|d| d.settings.rules.release.window_days)
            .fold(self.hospital.rules.release.window_days, u16::max)
    }

    /// Every department's name, kind and limits, for booking's admission check.
    pub fn directory(&self) -> &huimin_domain::directory::Departments {
        &self.directory.departments
    }

    /// Whether a department's profile is a stored setting (not the catalogue's suggestion).
    pub fn profile_is_set(&self, id: &str) -> bool {
        self.directory.set.contains(id)
    }

    /// The rules for a department: its override over the hospital's.
    pub fn department(&self, id: &str) -> &BookingSettings {
        self.departments
            .get(id)
            .map_or(&self.hospital, |d| &d.settings)
    }
}

/// Reads and caches the rules in force.
pub struct RuleBook {
    /// The installation's rules, before anything stored.
    pub(crate) base: BookingSettings,
    cached: RwLock<Option<(Instant, Arc<RuleSet>)>>,
    /// One reload at a time: in a booking rush every request in flight would otherwise
    /// find the rules stale at the same moment and each read them again.
    reloading: tokio::sync::Mutex<()>,
}

impl RuleBook {
    pub fn new(base: BookingSettings) -> Self {
        Self {
            base,
            cached: RwLock::new(None),
            reloading: tokio::sync::Mutex::new(()),
        }
    }

    fn fresh(&self) -> Option<Arc<RuleSet>> {
        match self.cached.read().expect("rule cache poisoned").as_ref() {
            Some((at, set)) if at.elapsed() < FRESH_FOR => Some(Arc::clone(set)),
            _ => None,
        }
    }

    /// The rules in force, read again when older than [`FRESH_FOR`].
    pub async fn current(&self, store: &Store) -> Result<Arc<RuleSet>, StoreError> {
        if let Some(set) = self.fresh() {
            return Ok(set);
        }
        let _turn = self.reloading.lock().await;
        // Whoever held the turn before may just have read them.
        if let Some(set) = self.fresh() {
            return Ok(set);
        }
        let set = Arc::new(self.load(store).await?);
        *self.cached.write().expect("rule cache poisoned") = Some((Instant::now(), set.clone()));
        Ok(set)
    }

    /// Forgets the cached rules, after this process changed them.
    pub fn forget(&self) {
        *self.cached.write().expect("rule cache poisoned") = None;
    }

    fn time_zone(&self) -> TimeZone {
        self.base.time_zone.clone()
    }

    async fn load(&self, store: &Store) -> Result<RuleSet, StoreError> {
        let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("{what}: {e}"));
        let hospital_doc = match store.setting(HOSPITAL_KEY).await? {
            Some(text) => parse_object(&text).map_err(|e| corrupt(HOSPITAL_KEY, e))?,
            None => Map::new(),
        };
        let hospital = self
            .overlay(&self.base.rules, &hospital_doc)
            .map_err(|issues| corrupt(HOSPITAL_KEY, describe(&issues)))?;
        let mut departments = HashMap::new();
        for (key, text) in store.settings_with_prefix(DEPARTMENT_PREFIX).await? {
            let id = key[DEPARTMENT_PREFIX.len()..].to_owned();
            let patch = parse_object(&text).map_err(|e| corrupt(&key, e))?;
            // Stored only after they passed; a failure means a hand-edited row or a
            // hospital change that went around the API. Keep serving with the hospital's rules.
            match self.overlay(&hospital.rules, &patch) {
                Ok(settings) => {
                    departments.insert(id, Department { patch, settings });
                }
                Err(issues) => {
                    tracing::error!(department = %id, problems = %describe(&issues), "department booking rules ignored");
                }
            }
        }
        Ok(RuleSet {
            hospital,
            departments,
            directory: super::department_book::load(store).await?,
        })
    }

    /// `rules` overlaid with `patch`, checked.
    pub(crate) fn overlay(
        &self,
        rules: &BookingRules,
        patch: &Map<String, Value>,
    ) -> Result<BookingSettings, Vec<Issue>> {
        let mut doc = serde_json::to_value(rules).expect("rules serialise");
        merge_patch(&mut doc, &Value::Object(patch.clone()));
        let merged: BookingRules = serde_json::from_value(doc).map_err(|e| {
            vec![issue(
                None,
                Text::new(
                    format!("预约规则格式有误：{e}"),
                    format!("The booking rules are not well formed: {e}"),
                ),
            )]
        })?;
        let problems = merged.check();
        if problems.is_empty() {
            Ok(BookingSettings::new(self.time_zone(), &merged))
        } else {
            Err(problems
                .into_iter()
                .map(|p| issue(Some(p.field.to_owned()), p.message))
                .collect())
        }
    }
}

/// RFC 7386: objects merge member by member, `null` removes, anything else replaces.
fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let object = target.as_object_mut().expect("made an object above");
    for (name, value) in members {
        if value.is_null() {
            object.remove(name);
        } else {
            merge_patch(object.entry(name.clone()).or_insert(Value::Null), value);
        }
    }
}

pub(crate) fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(text).map_err(|e| e.to_string())? {
        Value::Object(map) => Ok(map),
        _ => Err("not a JSON object".into()),
    }
}

fn describe(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| i.text.en.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn issue(expression: Option<String>, text: Text) -> Issue {
    Issue::value(expression.as_deref(), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": {"b": 1, "c": 2}, "d": [1, 2]});
        merge_patch(&mut target, &json!({"a": {"b": null, "e": 3}, "d": [3]}));
        assert_eq!(target, json!({"a": {"c": 2, "e": 3}, "d": [3]}));
        merge_patch(&mut target, &json!({"a": 5}));
        assert_eq!(target["a"], json!(5));
    }

    #[test]
    fn a_department_patch_keeps_the_hospital_values_it_does_not_name() {
        let book = RuleBook::new(BookingSettings::default());
        let mut hospital = BookingRules::default();
        hospital.release.window_days = 7;
        let patch = parse_object(r#"{"release": {"release_time": "07:30:00"}}"#).unwrap();
        let settings = book.overlay(&hospital, &patch).unwrap();
        assert_eq!(settings.rules.release.window_days, 7);
        assert_eq!(
            settings.rules.release.release_time,
            jiff::civil::time(7, 30, 0, 0)
        );
    }

    #[test]
    fn a_bad_patch_names_the_threshold() {
        let book = RuleBook::new(BookingSettings::default());
        let patch = parse_object(r#"{"pools": {"online": 90}}"#).unwrap();
        let issues = book.overlay(&BookingRules::default(), &patch).unwrap_err();
        assert_eq!(issues[0].expression.as_deref(), Some("pools"));
        let patch = parse_object(r#"{"pools": {"onlin": 60}}"#).unwrap();
        let issues = book.overlay(&BookingRules::default(), &patch).unwrap_err();
        assert!(issues[0].text.en.contains("onlin"), "{}", issues[0].text.en);
    }
}
