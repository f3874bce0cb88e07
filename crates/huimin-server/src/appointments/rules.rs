//! Booking thresholds kept in the database, per hospital and per department, so every server
//! process of an installation applies the same rules and administrators change them without a
//! restart.
//!
//! The installation's defaults (the DOMAIN rules, or what the binary was configured with) are
//! overlaid with the hospital's stored rules, and those with a department's override (a JSON
//! merge patch, RFC 7386) for the thresholds that make sense per department. Each process
//! keeps the result for at most [`FRESH_FOR`], and forgets it at once when it writes a change,
//! so another process applies a change within that time.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use huimin_domain::appointments::BookingRules;
use huimin_domain::i18n::Text;
use huimin_store::{Store, StoreError};
use jiff::tz::TimeZone;
use serde_json::{Map, Value, json};

use super::BookingSettings;
use super::admin::require_admin;
use crate::audit::{self, SUCCESS};
use crate::context::Ctx;
use crate::error::{ApiError, Issue};
use crate::state::AppState;

/// How long a process keeps the rules it read.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

const HOSPITAL_KEY: &str = "booking-rules";
const DEPARTMENT_PREFIX: &str = "booking-rules/department/";

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

/// The rules in force: the hospital's, and each department's where it has an override.
#[derive(Debug)]
pub struct RuleSet {
    hospital: BookingSettings,
    departments: HashMap<String, Department>,
}

#[derive(Debug)]
struct Department {
    patch: Map<String, Value>,
    settings: BookingSettings,
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
    base: BookingSettings,
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
        })
    }

    /// `rules` overlaid with `patch`, checked.
    fn overlay(
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

fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
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

fn issue(expression: Option<String>, text: Text) -> Issue {
    Issue::value(expression.as_deref(), text)
}

fn invalid(issues: Vec<Issue>, ctx: &Ctx) -> ApiError {
    ApiError::with_issues(StatusCode::UNPROCESSABLE_ENTITY, issues).lang(ctx.lang)
}

fn object_body(bytes: &[u8], ctx: &Ctx) -> Result<Map<String, Value>, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        invalid(
            vec![issue(
                None,
                Text::new("请求体须为 UTF-8 JSON", "The body must be UTF-8 JSON"),
            )],
            ctx,
        )
    })?;
    parse_object(text).map_err(|e| {
        ApiError::bad_request(Text::new(
            format!("请求体须为 JSON 对象：{e}"),
            format!("The body must be a JSON object: {e}"),
        ))
        .lang(ctx.lang)
    })
}

fn department_view(id: &str, department: &Department) -> Value {
    json!({
        "department": format!("Organization/{id}"),
        "override": department.patch,
        "effective": department.settings.rules,
    })
}

/// `GET /api/admin/booking-rules`: the hospital's rules in force and every department's
/// override with its result.
pub async fn show(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    require_admin(&ctx)?;
    let set = state.rules.current(&state.store).await?;
    let mut ids: Vec<&String> = set.departments.keys().collect();
    ids.sort();
    Ok(Json(json!({
        "hospital": set.hospital.rules,
        "department_fields": DEPARTMENT_FIELDS,
        "departments": ids
            .into_iter()
            .map(|id| department_view(id, &set.departments[id]))
            .collect::<Vec<_>>(),
    }))
    .into_response())
}

/// `PUT /api/admin/booking-rules`: replaces the hospital's rules. Missing thresholds take the
/// installation's defaults. Every bad threshold, including one that would break a
/// department's override, is a 422 issue naming it; nothing changes then.
pub async fn put_hospital(
    State(state): State<AppState>,
    ctx: Ctx,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    require_admin(&ctx)?;
    let doc = object_body(&bytes, &ctx)?;
    let book = &state.rules;
    let hospital = book
        .overlay(&book.base.rules, &doc)
        .map_err(|issues| invalid(issues, &ctx))?;
    let current = book.current(&state.store).await?;
    let mut issues = Vec::new();
    for (id, department) in &current.departments {
        if let Err(problems) = book.overlay(&hospital.rules, &department.patch) {
            issues.extend(problems.into_iter().map(|mut p| {
                p.expression = Some(format!(
                    "departments.{id}{}",
                    p.expression.map(|e| format!(".{e}")).unwrap_or_default()
                ));
                p
            }));
        }
    }
    if !issues.is_empty() {
        return Err(invalid(issues, &ctx));
    }
    let stored = serde_json::to_string(&hospital.rules).expect("rules serialise");
    save(&state, &ctx, HOSPITAL_KEY, &stored, "hospital").await?;
    Ok(Json(json!({"hospital": hospital.rules})).into_response())
}

/// Stores one rules setting, drops the cached rule book so the next request reads it, and
/// audits the change (`detail` says whose rules).
async fn save(
    state: &AppState,
    ctx: &Ctx,
    key: &str,
    value: &str,
    detail: &str,
) -> Result<(), ApiError> {
    state.store.put_setting(key, value).await?;
    state.rules.forget();
    audit::record(
        state,
        ctx,
        "update",
        "Setting/booking-rules",
        SUCCESS,
        detail,
    )
    .await
}

async fn require_department(state: &AppState, id: &str, ctx: &Ctx) -> Result<(), ApiError> {
    if state
        .store
        .read_resource("Organization", id)
        .await?
        .is_none()
    {
        return Err(ApiError::with_issues(
            StatusCode::NOT_FOUND,
            vec![Issue {
                code: "not-found",
                text: Text::new(
                    format!("未找到科室 Organization/{id}"),
                    format!("No department Organization/{id}"),
                ),
                expression: None,
                rule: None,
            }],
        )
        .lang(ctx.lang));
    }
    Ok(())
}

/// `PUT /api/admin/booking-rules/departments/{id}`: replaces a department's override, a merge
/// patch over the hospital's rules limited to [`DEPARTMENT_FIELDS`].
pub async fn put_department(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    require_admin(&ctx)?;
    require_department(&state, &id, &ctx).await?;
    let patch = object_body(&bytes, &ctx)?;
    let outside: Vec<Issue> = patch
        .keys()
        .filter(|k| !DEPARTMENT_FIELDS.contains(&k.as_str()))
        .map(|k| {
            issue(
                Some(k.clone()),
                Text::new(
                    format!(
                        "{k} 由全院统一设置，科室不能单独设置；科室可设置：{}",
                        DEPARTMENT_FIELDS.join("、")
                    ),
                    format!(
                        "{k} is set for the whole hospital, not per department; a department may set {}",
                        DEPARTMENT_FIELDS.join(", ")
                    ),
                ),
            )
        })
        .collect();
    if !outside.is_empty() {
        return Err(invalid(outside, &ctx));
    }
    let book = &state.rules;
    let current = book.current(&state.store).await?;
    let settings = book
        .overlay(&current.hospital.rules, &patch)
        .map_err(|issues| invalid(issues, &ctx))?;
    let text = serde_json::to_string(&patch).expect("JSON serialises");
    let key = format!("{DEPARTMENT_PREFIX}{id}");
    save(&state, &ctx, &key, &text, &format!("Organization/{id}")).await?;
    Ok(Json(department_view(&id, &Department { patch, settings })).into_response())
}

/// `DELETE /api/admin/booking-rules/departments/{id}`: the department follows the hospital's
/// rules again.
pub async fn delete_department(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    require_admin(&ctx)?;
    let existed = state
        .store
        .delete_setting(&format!("{DEPARTMENT_PREFIX}{id}"))
        .await?;
    state.rules.forget();
    if existed {
        audit::record(
            &state,
            &ctx,
            "delete",
            "Setting/booking-rules",
            SUCCESS,
            &format!("Organization/{id}"),
        )
        .await?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

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
