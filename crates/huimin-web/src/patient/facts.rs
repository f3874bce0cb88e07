//! What the patient pages say about a clinic session (who, where, when, for how much, how the
//! fee is paid) and the deadlines the API gives, from the API's `Schedule` and what it names.

use std::collections::HashMap;

use huimin_domain::i18n::Lang;
use huimin_fhir::names::{FEE_PAYMENT_EXT, HOLD_EXPIRES_EXT, REGISTRATION_FEE_EXT};
use huimin_fhir::{Location, Organization, PractitionerRole};
use serde_json::Value;

use super::directory::doctor_name;
use super::place::{Place, department_place, place_of};
use crate::api::Api;
use crate::fhir::{Named, department_of, extension, id_of, referenced_id};
use crate::fmt;
use crate::web::Web;

/// An instant extension (`valueDateTime`) as patients read it, and whether it has passed.
pub fn deadline(resource: &Value, url: &str, lang: Lang) -> (String, bool) {
    let Some(at) = extension(resource, url).and_then(|e| e["valueDateTime"].as_str()) else {
        return (String::new(), false);
    };
    let passed = at
        .parse::<jiff::Timestamp>()
        .is_ok_and(|at| at < fmt::now());
    (fmt::moment(at, lang), passed)
}

/// The resource `T` with `id`, if there is one and it can be read.
async fn read<T: huimin_fhir::FhirResource>(api: &Api, web: &Web, id: Option<String>) -> Option<T> {
    let reply = api.get(web, &format!("/fhir/{}/{}", T::TYPE, id?)).await;
    reply.resource()
}

/// Who, where, when and for how much: the same for every slot of a clinic session.
#[derive(Clone)]
pub struct SessionFacts {
    /// The doctor's post (PractitionerRole id), for a link to their sessions.
    pub doctor_id: String,
    pub doctor: String,
    pub department: String,
    /// The department (Organization id), for the waiting-area check-in of that department.
    pub department_id: String,
    /// The campus, building and floor of the room (or of the department's clinic).
    pub place: Option<Place>,
    pub room: String,
    pub fee: f64,
    pub fee_text: String,
    pub pay_online: bool,
    /// The session's day, period and hours: `11月26日 周四 上午 08:00–12:00`.
    pub when: String,
}

/// Session facts already looked up for a page, by Schedule id: a page listing many slots or
/// appointments of few sessions asks for each session once.
pub type KnownSessions = HashMap<String, SessionFacts>;

/// The day, period and hours of a Schedule (or a waitlist entry: the same elements).
pub fn session_when(resource: &Value, lang: Lang) -> String {
    let (start, end) = match resource["planningHorizon"].as_object() {
        Some(_) => (
            &resource["planningHorizon"]["start"],
            &resource["planningHorizon"]["end"],
        ),
        None => (
            &resource["requestedPeriod"][0]["start"],
            &resource["requestedPeriod"][0]["end"],
        ),
    };
    let (Some(start), Some(end)) = (
        start.as_str().and_then(fmt::local),
        end.as_str().and_then(fmt::local),
    ) else {
        return String::new();
    };
    let period = resource["serviceType"][0]["coding"][0]["code"]
        .as_str()
        .map(|code| super::directory::period_name(code, lang))
        .unwrap_or_default();
    format!(
        "{} {period} {}–{}",
        fmt::day(start.date(), lang),
        start.strftime("%H:%M"),
        end.strftime("%H:%M")
    )
}

/// The facts of one session, from the API's `Schedule` and the resources it names.
pub async fn session_facts(api: &Api, web: &Web, schedule_id: &str) -> SessionFacts {
    let schedule = api.get(web, &format!("/fhir/Schedule/{schedule_id}")).await;
    let actor = |kind: &str| {
        schedule.body["actor"]
            .as_array()
            .and_then(|all| all.iter().find_map(|a| id_of(a, kind)))
    };
    let fee = extension(&schedule.body, REGISTRATION_FEE_EXT)
        .and_then(|e| e["valueMoney"]["value"].as_f64())
        .unwrap_or(0.0);
    let doctor = read::<PractitionerRole>(api, web, actor("PractitionerRole")).await;
    let department_id = department_of(&schedule.body);
    let department = read::<Organization>(api, web, department_id.clone()).await;
    let place = match actor("Location") {
        Some(room) => place_of(api, web, &room).await,
        None => None,
    };
    let place = match (place, &department_id) {
        (None, Some(department)) => department_place(api, web, department).await,
        (place, _) => place,
    };
    let room = read::<Location>(api, web, actor("Location")).await;
    SessionFacts {
        place,
        doctor_id: actor("PractitionerRole").unwrap_or_default(),
        doctor: doctor
            .as_ref()
            .map(doctor_name)
            .unwrap_or_default()
            .to_owned(),
        department: department
            .map(|d| d.display_name(web.lang))
            .unwrap_or_default(),
        department_id: department_id.unwrap_or_default(),
        room: room.map(|r| r.display_name(web.lang)).unwrap_or_default(),
        fee,
        fee_text: if fee > 0.0 {
            fmt::yuan(fee)
        } else {
            crate::i18n::t(web.lang, "book.free").to_owned()
        },
        pay_online: extension(&schedule.body, FEE_PAYMENT_EXT)
            .is_some_and(|e| e["valueCode"] == "online"),
        when: session_when(&schedule.body, web.lang),
    }
}

/// [`session_facts`], looking each session up once per page.
pub async fn known_session(
    api: &Api,
    web: &Web,
    schedule_id: &str,
    known: &mut KnownSessions,
) -> SessionFacts {
    if let Some(found) = known.get(schedule_id) {
        return found.clone();
    }
    let found = session_facts(api, web, schedule_id).await;
    known.insert(schedule_id.to_owned(), found.clone());
    found
}

/// A doctor's name and department by PractitionerRole id, each read once per page.
pub type KnownPosts = HashMap<String, (String, String)>;

/// The name of the doctor holding a post (PractitionerRole) and the department's, in the
/// visitor's language.
pub async fn known_post(
    api: &Api,
    web: &Web,
    role_id: &str,
    known: &mut KnownPosts,
) -> (String, String) {
    if let Some(found) = known.get(role_id) {
        return found.clone();
    }
    let role = read::<PractitionerRole>(api, web, Some(role_id.to_owned())).await;
    let department_id = role
        .as_ref()
        .and_then(|r| referenced_id(r.organization.as_ref(), "Organization"));
    let department = read::<Organization>(api, web, department_id).await;
    let found = (
        role.as_ref()
            .map(doctor_name)
            .unwrap_or_default()
            .to_owned(),
        department
            .map(|d| d.display_name(web.lang))
            .unwrap_or_default(),
    );
    known.insert(role_id.to_owned(), found.clone());
    found
}

/// The id of the participant of `kind` in an Appointment read as JSON.
pub fn participant(appointment: &Value, kind: &str) -> Option<String> {
    appointment["participant"]
        .as_array()?
        .iter()
        .find_map(|p| id_of(&p["actor"], kind))
}

/// The time left on a held place, for a countdown (`static/countdown.js` carries it on).
pub struct Countdown {
    /// Whole seconds left; 0 once it has lapsed.
    pub seconds: i64,
    /// `m:ss`.
    pub text: String,
    /// The moment it lapses, as patients read it.
    pub until: String,
}

/// The countdown of a pending Appointment's hold (`urn:huimin:ext:hold-expires`), if it has one.
pub fn hold_countdown(appointment: &Value, lang: Lang) -> Option<Countdown> {
    if appointment["status"] != "pending" {
        return None;
    }
    let at = extension(appointment, HOLD_EXPIRES_EXT)?["valueDateTime"].as_str()?;
    let expires: jiff::Timestamp = at.parse().ok()?;
    let seconds = (expires.as_second() - fmt::now().as_second()).max(0);
    Some(Countdown {
        seconds,
        text: format!("{}:{:02}", seconds / 60, seconds % 60),
        until: fmt::moment(at, lang),
    })
}
