//! Where something is in the hospital: its campus (with address and phone), building and
//! floor, found by walking a Location's `partOf` up to its site, as the directory nests them
//! (room → floor → building → campus).

use huimin_fhir::{HealthcareService, Location};

use crate::api::Api;
use crate::fhir::{Named, referenced_id};
use crate::web::Web;

/// A campus, building and floor, in the visitor's language; parts the data lacks are empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub campus: String,
    pub address: String,
    pub phone: String,
    pub building: String,
    pub floor: String,
}

impl Place {
    /// `门诊楼 4 层`.
    pub fn inside(&self) -> String {
        [self.building.as_str(), self.floor.as_str()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn is_empty(&self) -> bool {
        *self == Place::default()
    }
}

/// The `location-physical-type` code of a Location (`si`, `bu`, `lvl`, `ro`, …).
fn physical_type(location: &Location) -> Option<&str> {
    location
        .physical_type
        .as_ref()?
        .coding
        .iter()
        .find_map(|c| c.code.as_deref())
}

/// The place of the Location `id` (a room, a floor, a building or a campus).
pub async fn place_of(api: &Api, web: &Web, id: &str) -> Option<Place> {
    let mut place = Place::default();
    let mut next = Some(id.to_owned());
    // Rooms sit at most four levels below their campus; a loop in the data stops here too.
    for _ in 0..5 {
        let Some(id) = next.take() else { break };
        let reply = api.get(web, &format!("/fhir/Location/{id}")).await;
        let Some(location) = reply.resource::<Location>().filter(|_| reply.ok()) else {
            break;
        };
        let name = location.display_name(web.lang);
        match physical_type(&location) {
            Some("si") => {
                place.campus = name;
                place.address = location
                    .address
                    .as_ref()
                    .and_then(|a| a.text.clone().or_else(|| a.line.first().cloned()))
                    .unwrap_or_default();
                place.phone = location
                    .telecom
                    .iter()
                    .find_map(|t| t.value.clone())
                    .unwrap_or_default();
            }
            Some("bu") => place.building = name,
            Some("lvl" | "fl") => place.floor = name,
            _ => {}
        }
        next = referenced_id(location.part_of.as_ref(), "Location");
    }
    (!place.is_empty()).then_some(place)
}

/// Where a department sees outpatients: the place of its outpatient service's location.
pub async fn department_place(api: &Api, web: &Web, department: &str) -> Option<Place> {
    let reply = api
        .get(
            web,
            &format!("/fhir/HealthcareService?organization=Organization/{department}&_count=1"),
        )
        .await;
    let service = reply.entries::<HealthcareService>().into_iter().next()?;
    let location = service
        .location
        .iter()
        .find_map(|l| referenced_id(Some(l), "Location"))?;
    place_of(api, web, &location).await
}
