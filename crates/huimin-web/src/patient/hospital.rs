//! The hospital itself: its name in every page's header (from the directory, not the
//! templates), and the hospital page (`/hospital`): name, level, campuses with address,
//! phone and outpatient hours, and where the emergency department is.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use huimin_domain::i18n::Lang;
use huimin_fhir::{Location, LocationHoursOfOperation, Organization};

use super::forms::ok;
use super::place::{Place, department_place};
use super::profiles::Profiles;
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fhir::{Named, first_code};
use crate::web::{HospitalName, Web};

/// How long the header's name is kept before it is read again.
const NAME_FRESH_FOR: Duration = Duration::from_secs(10);

/// The hospital's names as last read, shared by every page.
#[derive(Clone, Default)]
pub struct NameCache(Arc<RwLock<Option<(Instant, HospitalName)>>>);

impl NameCache {
    /// Forgets the name, after an administrator changed it, so the next page reads it.
    pub fn forget(&self) {
        if let Ok(mut held) = self.0.write() {
            *held = None;
        }
    }
}

/// The hospital (the organisation of type `prov`), if the directory has one.
async fn hospital(api: &Api, web: &Web) -> Option<Organization> {
    let reply = api.get(web, "/fhir/Organization?type=prov&_count=1").await;
    reply.entries::<Organization>().into_iter().next()
}

/// Reads the hospital's name at most every [`NAME_FRESH_FOR`], for the header of every page.
pub async fn read_name(
    State(api): State<Api>,
    web: Web,
    mut request: Request,
    next: Next,
) -> Response {
    let cache = api.hospital_name.clone();
    let fresh = cache
        .0
        .read()
        .ok()
        .and_then(|held| held.clone())
        .filter(|(at, _)| at.elapsed() < NAME_FRESH_FOR);
    let name = match fresh {
        Some((_, name)) => name,
        None => {
            // Read as the public reads it: a visitor's stale token must not blank the name.
            let public = Web { token: None, ..web };
            let name = hospital(&api, &public)
                .await
                .map(|org| HospitalName {
                    zh: org.display_name(Lang::Zh),
                    en: org.display_name(Lang::En),
                })
                .unwrap_or_default();
            if let Ok(mut held) = cache.0.write() {
                *held = Some((Instant::now(), name.clone()));
            }
            name
        }
    };
    request.extensions_mut().insert(name);
    next.run(request).await
}

pub struct Campus {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub hours: Vec<String>,
}

pub struct Emergency {
    pub id: String,
    pub name: String,
    pub place: Option<Place>,
}

#[derive(Template)]
#[template(path = "hospital.html")]
struct HospitalPage {
    c: Chrome,
    name: String,
    short: String,
    level: String,
    phone: String,
    address: String,
    campuses: Vec<Campus>,
    emergency: Vec<Emergency>,
}

/// `周一至周五 08:00–17:30` / `Mon–Fri 08:00–17:30`.
fn hours_line(hours: &LocationHoursOfOperation, lang: Lang) -> String {
    const ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const CODES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let names = if lang == Lang::Zh { ZH } else { EN };
    let mut days: Vec<usize> = hours
        .days_of_week
        .iter()
        .filter_map(|d| CODES.iter().position(|c| *c == d.as_str()))
        .collect();
    days.sort_unstable();
    let run = days.windows(2).all(|w| w[1] == w[0] + 1);
    let days_text = match (days.first(), days.last()) {
        (Some(&first), Some(&last)) if run && days.len() > 2 => {
            let to = if lang == Lang::Zh { "至" } else { "–" };
            format!("{}{to}{}", names[first], names[last])
        }
        _ => days
            .iter()
            .map(|&d| names[d])
            .collect::<Vec<_>>()
            .join(if lang == Lang::Zh { "、" } else { ", " }),
    };
    let time = |t: &Option<String>| t.as_deref().map(|t| t.get(..5).unwrap_or(t).to_owned());
    match (time(&hours.opening_time), time(&hours.closing_time)) {
        (Some(open), Some(close)) => format!("{days_text} {open}–{close}"),
        _ if hours.all_day == Some(true) => format!("{days_text} 24h"),
        _ => days_text,
    }
}

/// The campuses (sites) the hospital manages, in the order they were entered.
async fn campuses(api: &Api, web: &Web, hospital: &str) -> Vec<Campus> {
    let mut out = Vec::new();
    for page in 0..5 {
        let reply = api
            .get(
                web,
                &format!(
                    "/fhir/Location?organization=Organization/{hospital}&_sort=_lastUpdated&_count=100&_offset={}",
                    page * 100
                ),
            )
            .await;
        let found = reply.entries::<Location>();
        let last = found.len() < 100;
        for location in found {
            let site = location
                .physical_type
                .as_ref()
                .is_some_and(|t| t.coding.iter().any(|c| c.code.as_deref() == Some("si")));
            if site {
                out.push(campus(&location, web.lang));
            }
        }
        if last {
            break;
        }
    }
    out
}

fn campus(location: &Location, lang: Lang) -> Campus {
    Campus {
        name: location.display_name(lang),
        address: location
            .address
            .as_ref()
            .and_then(|a| a.text.clone())
            .unwrap_or_default(),
        phone: location
            .telecom
            .iter()
            .find_map(|t| t.value.clone())
            .unwrap_or_default(),
        hours: location
            .hours_of_operation
            .iter()
            .map(|h| hours_line(h, lang))
            .collect(),
    }
}

/// `GET /hospital`.
pub async fn page(State(api): State<Api>, web: Web) -> Response {
    let org = hospital(&api, &web).await;
    let id = org.as_ref().and_then(|o| o.id.clone()).unwrap_or_default();
    let campuses = if id.is_empty() {
        Vec::new()
    } else {
        campuses(&api, &web, &id).await
    };
    let profiles = Profiles::read(&api, &web).await;
    let mut emergency = Vec::new();
    for (dept, name) in profiles.emergency() {
        let place = department_place(&api, &web, &dept).await;
        emergency.push(Emergency {
            id: dept,
            name,
            place,
        });
    }
    let org = org.unwrap_or_default();
    ok(&HospitalPage {
        c: web.chrome(crate::i18n::t(web.lang, "hospital.title")),
        name: org.display_name(web.lang),
        short: org
            .alias
            .iter()
            .find(|a| !a.is_ascii())
            .cloned()
            .unwrap_or_default(),
        level: level(&org),
        phone: org
            .telecom
            .iter()
            .find_map(|t| t.value.clone())
            .unwrap_or_default(),
        address: org
            .address
            .first()
            .and_then(|a| a.text.clone())
            .unwrap_or_default(),
        campuses,
        emergency,
    })
}

/// The hospital's grade (三级甲等): the text of a type other than `prov`.
fn level(org: &Organization) -> String {
    org.r#type
        .iter()
        .filter(|t| first_code(std::slice::from_ref(t)) != Some("prov"))
        .find_map(|t| t.text.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(days: &[&str], open: &str, close: &str) -> LocationHoursOfOperation {
        serde_json::from_value(serde_json::json!({
            "daysOfWeek": days, "openingTime": open, "closingTime": close
        }))
        .unwrap()
    }

    #[test]
    fn opening_hours_read_as_a_run_of_days_or_a_list() {
        let weekdays = hours(&["mon", "tue", "wed", "thu", "fri"], "08:00:00", "17:30:00");
        assert_eq!(hours_line(&weekdays, Lang::Zh), "周一至周五 08:00–17:30");
        assert_eq!(hours_line(&weekdays, Lang::En), "Mon–Fri 08:00–17:30");
        let weekend = hours(&["sat", "sun"], "08:00:00", "12:00:00");
        assert_eq!(hours_line(&weekend, Lang::Zh), "周六、周日 08:00–12:00");
        assert_eq!(hours_line(&weekend, Lang::En), "Sat, Sun 08:00–12:00");
    }
}
