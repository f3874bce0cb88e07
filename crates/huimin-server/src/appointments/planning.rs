//! Turning "this doctor's post, this day and period, this many patients" into a stored session:
//! the PractitionerRole gives department, room, registration class and fee; the domain rules
//! cut the slots, split the pools and set the release instant.

use huimin_domain::appointments::{Period, SlotLength, cut_session, split};
use huimin_domain::i18n::Text;
use huimin_fhir::names::{REGISTRATION_CLASS_EXT, REGISTRATION_FEE_EXT};
use huimin_store::appointments::{NewSession, NewSlot};
use huimin_store::{Store, StoreError};
use jiff::civil::{Date, Time};
use serde_json::Value;

use crate::state::rule_book::RuleSet;

/// Why a session could not be planned.
#[derive(Debug)]
pub enum PlanError {
    /// A field is wrong: (field name, message).
    Invalid(&'static str, Text),
    Store(StoreError),
}

impl From<StoreError> for PlanError {
    fn from(err: StoreError) -> Self {
        Self::Store(err)
    }
}

pub struct SessionPlan {
    pub practitioner_role: String,
    pub date: Date,
    pub period: Period,
    pub start: Option<Time>,
    pub end: Option<Time>,
    pub capacity: u32,
    /// `None`: the department's slot length.
    pub length: Option<SlotLength>,
}

fn reference_id(value: &Value, kind: &str) -> Option<String> {
    value
        .get("reference")?
        .as_str()?
        .strip_prefix(&format!("{kind}/"))
        .map(str::to_owned)
}

/// The department (Organization id) a PractitionerRole works in.
pub async fn department_of_role(store: &Store, role: &str) -> Result<Option<String>, StoreError> {
    Ok(store
        .read_resource("PractitionerRole", role)
        .await?
        .and_then(|r| {
            r.content
                .get("organization")
                .and_then(|o| reference_id(o, "Organization"))
        }))
}

/// What a session inherits from the doctor's post (PractitionerRole).
struct Post {
    department_id: String,
    hospital_id: String,
    room_id: Option<String>,
    class: String,
    fee_fen: i64,
}

/// The post's department (and its hospital), room, registration class and fee; 422 when the
/// post is missing or has no department.
async fn read_post(store: &Store, practitioner_role: &str) -> Result<Post, PlanError> {
    let role = store
        .read_resource("PractitionerRole", practitioner_role)
        .await?
        .ok_or_else(|| {
            PlanError::Invalid(
                "practitioner_role",
                Text::new(
                    format!("未找到医生岗位 PractitionerRole/{}", practitioner_role),
                    format!("No PractitionerRole/{}", practitioner_role),
                ),
            )
        })?;
    let role = role.content;
    let department_id = role
        .get("organization")
        .and_then(|o| reference_id(o, "Organization"))
        .ok_or_else(|| {
            PlanError::Invalid(
                "practitioner_role",
                Text::new(
                    "该医生岗位未关联科室",
                    "The PractitionerRole has no department (organization)",
                ),
            )
        })?;
    let department = store.read_resource("Organization", &department_id).await?;
    let hospital_id = department
        .as_ref()
        .and_then(|d| {
            d.content
                .get("partOf")
                .and_then(|p| reference_id(p, "Organization"))
        })
        .unwrap_or_else(|| department_id.clone());
    let room_id = role
        .get("location")
        .and_then(|l| l.get(0))
        .and_then(|l| reference_id(l, "Location"));
    let extension = |url: &str| {
        role.get("extension")
            .and_then(Value::as_array)
            .and_then(|exts| exts.iter().find(|e| e["url"] == url).cloned())
    };
    let class = extension(REGISTRATION_CLASS_EXT)
        .and_then(|e| e["valueCode"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "ordinary".into());
    let fee_fen = extension(REGISTRATION_FEE_EXT)
        .and_then(|e| e["valueMoney"]["value"].as_f64())
        .map(|yuan| (yuan * 100.0).round() as i64)
        .unwrap_or(0);
    Ok(Post {
        department_id,
        hospital_id,
        room_id,
        class,
        fee_fen,
    })
}

/// A stored session for `plan`, under the rules of the doctor's department.
pub async fn plan_session(
    store: &Store,
    rules: &RuleSet,
    plan: &SessionPlan,
) -> Result<NewSession, PlanError> {
    let post = read_post(store, &plan.practitioner_role).await?;
    let Post {
        department_id,
        hospital_id,
        room_id,
        class,
        fee_fen,
    } = post;
    let settings = rules.department(&department_id);
    let (default_start, default_end) = plan.period.default_hours();
    let start = plan.date.to_datetime(plan.start.unwrap_or(default_start));
    let end = plan.date.to_datetime(plan.end.unwrap_or(default_end));
    let length = plan.length.unwrap_or(settings.slot_length);
    let slots = cut_session(start, end, length, plan.capacity)
        .map_err(|e| PlanError::Invalid("end", e.message()))?;
    let tz = &settings.time_zone;
    let instant = |dt: jiff::civil::DateTime| {
        tz.to_ambiguous_timestamp(dt)
            .compatible()
            .map(|t| t.as_microsecond())
            .unwrap_or(0)
    };
    let id = uuid::Uuid::new_v4().to_string();
    let starts_at = instant(start);
    Ok(NewSession {
        id: id.clone(),
        hospital_id,
        department_id,
        practitioner_role_id: Some(plan.practitioner_role.clone()),
        room_id,
        session_date: plan.date.to_string(),
        period: plan.period.code().to_owned(),
        starts_at,
        ends_at: instant(end),
        registration_class: class,
        fee_fen,
        release_at: settings
            .rules
            .release
            .release_instant(plan.date, tz)
            .as_microsecond(),
        reserved_release_at: starts_at
            - i64::from(settings.rules.reserved_release.hours_before) * 3_600_000_000,
        pools: split(plan.capacity, &settings.rules.pools),
        slots: slots
            .iter()
            .enumerate()
            .map(|(i, s)| NewSlot {
                id: format!("{id}-{}", i + 1),
                starts_at: instant(s.start),
                ends_at: instant(s.end),
                capacity: s.capacity,
                first_queue_number: s.first_queue_number,
            })
            .collect(),
    })
}

/// Creates the sessions of every active roster template from `from` to `to` on working days;
/// sessions that already exist are skipped. Returns (created, skipped).
pub async fn generate_from_rosters(
    store: &Store,
    rules: &RuleSet,
    calendar: &huimin_domain::appointments::HolidayCalendar,
    from: Date,
    to: Date,
) -> Result<(usize, usize), PlanError> {
    let rosters = store.rosters(None).await?;
    let mut templates = Vec::new();
    let mut kept = Vec::new();
    for roster in rosters {
        let weekday =
            jiff::civil::Weekday::from_monday_one_offset(i8::try_from(roster.weekday).unwrap_or(1))
                .unwrap_or(jiff::civil::Weekday::Monday);
        let (Some(period), Ok(start), Ok(end), Ok(length)) = (
            Period::from_code(&roster.period),
            Time::strptime("%H:%M", &roster.start_time),
            Time::strptime("%H:%M", &roster.end_time),
            SlotLength::new(u16::try_from(roster.slot_minutes).unwrap_or(0)),
        ) else {
            tracing::warn!(roster = %roster.id, "skipping a roster template that no longer parses");
            continue;
        };
        let capacity = u32::try_from(roster.capacity).unwrap_or(0);
        templates.push(huimin_domain::appointments::RosterTemplate {
            weekday,
            period,
            start,
            end,
            capacity,
        });
        kept.push((roster.practitioner_role_id, length));
    }
    let (mut created, mut skipped) = (0, 0);
    for (date, index) in huimin_domain::appointments::dated_sessions(&templates, from, to, calendar)
    {
        let template = &templates[index];
        let (role, length) = &kept[index];
        let plan = SessionPlan {
            practitioner_role: role.clone(),
            date,
            period: template.period,
            start: Some(template.start),
            end: Some(template.end),
            capacity: template.capacity,
            length: Some(*length),
        };
        let session = plan_session(store, rules, &plan).await?;
        match store.create_session(&session).await {
            Ok(()) => created += 1,
            // Already published, or over another session of the doctor: not published.
            Err(StoreError::Duplicate { .. } | StoreError::Overlap { .. }) => skipped += 1,
            Err(e) => return Err(e.into()),
        }
    }
    Ok((created, skipped))
}
