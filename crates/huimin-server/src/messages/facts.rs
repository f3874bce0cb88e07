//! The facts a message's template names, read when it is delivered from the event's
//! parameters and the directory: names, dates and times in both languages.

use std::collections::BTreeMap;

use huimin_domain::appointments::{PaymentMethod, Period};
use huimin_domain::billing::RefundReason;
use huimin_domain::i18n::Text;
use huimin_domain::money::Money;
use huimin_store::messages::Due;
use serde_json::Value;

use crate::appointments::calling::patient_name;
use crate::appointments::day::doctor_and_room;
use crate::error::ApiError;
use crate::state::AppState;

pub type Facts = BTreeMap<String, Text>;

fn same(value: impl Into<String>) -> Text {
    let value = value.into();
    Text::new(value.clone(), value)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn date_text(date: jiff::civil::Date) -> Text {
    let month = MONTHS[(date.month() - 1) as usize];
    Text::new(
        format!("{}月{}日", date.month(), date.day()),
        format!("{} {month}", date.day()),
    )
}

/// An instant as the hospital's wall clock shows it: "12月8日 14:30" / "8 Dec 14:30".
fn when(state: &AppState, micros: i64) -> Text {
    let Ok(instant) = jiff::Timestamp::from_microsecond(micros) else {
        return same("");
    };
    let wall = state.clock.wall(instant);
    let date = date_text(wall.date());
    let time = format!("{:02}:{:02}", wall.hour(), wall.minute());
    Text::new(format!("{} {time}", date.zh), format!("{} {time}", date.en))
}

/// The facts of one appointment (`prefix` "" or "new_").
async fn appointment_facts(
    state: &AppState,
    facts: &mut Facts,
    id: &str,
    prefix: &str,
) -> Result<(), ApiError> {
    let Some(appointment) = state.store.appointment(id).await? else {
        return Ok(());
    };
    let mut put = |name: &str, text: Text| {
        facts.insert(format!("{prefix}{name}"), text);
    };
    put("number", same(appointment.queue_number.to_string()));
    if let Ok(date) = appointment.session_date.parse::<jiff::civil::Date>() {
        put("date", date_text(date));
    }
    if let Some(period) = Period::from_code(&appointment.period) {
        put("period", Text::new(period.zh(), period.en()));
    }
    if let Some(slot) = state.store.slot(&appointment.slot_id).await? {
        let wall = when(state, slot.starts_at);
        let time = wall.zh.rsplit(' ').next().unwrap_or_default().to_owned();
        put("time", same(time));
    }
    if let Some(session) = state.store.clinic_session(&appointment.session_id).await? {
        let (doctor, room) = doctor_and_room(state, &session).await?;
        put("doctor", same(doctor));
        // A session without a room: the patient asks at the department's triage desk.
        let room = if room.zh.is_empty() {
            Text::new("分诊台", "the triage desk")
        } else {
            room
        };
        put("room", room);
        let department = state
            .store
            .read_resource("Organization", &session.department_id)
            .await?
            .map(|o| crate::directory::department_text(&o.content));
        if let Some(department) = department {
            put("department", department);
        }
    }
    Ok(())
}

/// Every fact the event can give; the template takes those it names.
pub async fn facts(state: &AppState, due: &Due) -> Result<Facts, ApiError> {
    let mut facts = Facts::new();
    let name = patient_name(state, &due.patient_id).await?;
    facts.insert("patient".into(), same(name));
    let p = &due.params;
    if let Some(id) = p["appointment"].as_str() {
        appointment_facts(state, &mut facts, id, "").await?;
    }
    if let Some(id) = p["to"].as_str() {
        appointment_facts(state, &mut facts, id, "new_").await?;
    }
    if let Some(session) = p["session"].as_str()
        && let Some(session) = state.store.clinic_session(session).await?
    {
        if let Ok(date) = session.session_date.parse::<jiff::civil::Date>() {
            facts.insert("date".into(), date_text(date));
        }
        if let Some(period) = Period::from_code(&session.period) {
            facts.insert("period".into(), Text::new(period.zh(), period.en()));
        }
        let (doctor, _) = doctor_and_room(state, &session).await?;
        facts.insert("doctor".into(), same(doctor));
    }
    if let Some(deadline) = p["deadline"].as_i64() {
        facts.insert("deadline".into(), when(state, deadline));
    }
    if let Some(expires) = p["expires"].as_i64() {
        facts.insert("expires".into(), when(state, expires));
    }
    if let Some(fen) = p["amount_fen"].as_i64() {
        let amount = Money::from_fen(fen).unwrap_or_default();
        facts.insert("amount".into(), same(amount.cny()));
    }
    if let Some(method) = p["method"].as_str().and_then(PaymentMethod::from_code) {
        facts.insert("method".into(), Text::new(method.zh(), method.en()));
    }
    if let Some(ahead) = p["ahead"].as_i64() {
        facts.insert("ahead".into(), same(ahead.to_string()));
    }
    if let Some(report) = p["report"].as_str() {
        result_facts(state, &mut facts, report, p).await?;
    }
    let reason = match (&p["reason"], p["note"].as_str()) {
        (Value::Object(text), _) => Some(Text::new(
            text["zh"].as_str().unwrap_or_default(),
            text["en"].as_str().unwrap_or_default(),
        )),
        (Value::String(code), note) => RefundReason::from_code(code).map(|r| {
            let text = r.text();
            match note {
                Some(note) => Text::new(
                    format!("{}：{note}", text.zh),
                    format!("{}: {note}", text.en),
                ),
                None => text,
            }
        }),
        _ => None,
    };
    if let Some(reason) = reason {
        facts.insert("reason".into(), reason);
    }
    Ok(facts)
}

/// The facts of a report and of one of its critical values: the report's title, when it
/// became final, the doctor who ordered it, the critical value, the minutes it waited.
async fn result_facts(
    state: &AppState,
    facts: &mut Facts,
    report_id: &str,
    p: &Value,
) -> Result<(), ApiError> {
    let Some(report) = state.store.report(report_id).await? else {
        return Ok(());
    };
    let view = crate::results::views::report_view(state, &report).await?;
    facts.insert(
        "report".into(),
        Text::new(
            view["title"]["zh"].as_str().unwrap_or_default(),
            view["title"]["en"].as_str().unwrap_or_default(),
        ),
    );
    if let Some(issued) = report.issued_at {
        facts.insert("date".into(), when(state, issued));
    }
    if let Some(orderer) = &report.orderer_id {
        let name = state
            .store
            .read_resource("Practitioner", orderer)
            .await?
            .and_then(|d| d.content["name"][0]["text"].as_str().map(str::to_owned))
            .unwrap_or_default();
        facts.insert("doctor".into(), same(name));
    }
    if let Some(id) = p["critical"].as_str()
        && let Some(c) = state.store.critical_value(id).await?
    {
        let json = crate::results::critical::critical_json(&c);
        let text = |lang: &str| {
            format!(
                "{} {} {}{}",
                json["name"][lang].as_str().unwrap_or_default(),
                c.value,
                huimin_domain::results::unit_for_people(&c.unit),
                match lang {
                    "zh" => format!(
                        "（{}）",
                        json["side_text"]["zh"].as_str().unwrap_or_default()
                    ),
                    _ => format!(
                        " ({})",
                        json["side_text"]["en"].as_str().unwrap_or_default()
                    ),
                }
            )
        };
        facts.insert("result".into(), Text::new(text("zh"), text("en")));
    }
    if let Some(minutes) = p["minutes"].as_i64() {
        facts.insert("minutes".into(), same(minutes.to_string()));
    }
    Ok(())
}
