//! The hospital's own details for administrators (`/admin/hospital`): its name (the one in
//! every page's header), English name, switchboard and address, and its campuses with address
//! and phone. Saved as the directory's resources through the FHIR API: the hospital is the
//! `Organization` of type `prov` (made if there is none yet), a campus a `Location` of
//! physical type `si` it manages.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::patient::forms::{FieldProblems, render, required};
use crate::web::{SignedIn, Web};

/// What the forms show and take: the hospital's or a campus's.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Details {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub english: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
}

impl Details {
    fn of(resource: &Value) -> Self {
        let english = resource["alias"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|a| a.is_ascii())
            .unwrap_or_default();
        let phone = resource["telecom"][0]["value"].as_str().unwrap_or_default();
        let address = match &resource["address"] {
            Value::Array(all) => all.first().cloned().unwrap_or_default(),
            one => one.clone(),
        };
        Details {
            id: resource["id"].as_str().unwrap_or_default().to_owned(),
            name: resource["name"].as_str().unwrap_or_default().to_owned(),
            english: english.to_owned(),
            phone: phone.to_owned(),
            address: address["text"].as_str().unwrap_or_default().to_owned(),
        }
    }

    /// `resource` with these details written over its own (other aliases kept).
    fn onto(&self, mut resource: Value, address_is_list: bool) -> Value {
        let mut aliases: Vec<Value> = resource["alias"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a.as_str().is_some_and(|a| !a.is_ascii()))
            .cloned()
            .collect();
        if !self.english.trim().is_empty() {
            aliases.push(Value::from(self.english.trim()));
        }
        resource["name"] = Value::from(self.name.trim());
        resource["alias"] = Value::Array(aliases);
        resource["telecom"] = if self.phone.trim().is_empty() {
            json!([])
        } else {
            json!([{"system": "phone", "value": self.phone.trim(), "use": "work"}])
        };
        // An address changed is kept as the text typed; one left as it was keeps its parts.
        if Details::of(&resource).address != self.address.trim() {
            let address = json!({"use": "work", "text": self.address.trim(), "country": "CN"});
            resource["address"] = match (self.address.trim().is_empty(), address_is_list) {
                (true, _) => Value::Null,
                (false, true) => json!([address]),
                (false, false) => address,
            };
        }
        strip_empty(resource)
    }
}

/// FHIR refuses empty arrays and nulls: they are left out instead.
fn strip_empty(mut resource: Value) -> Value {
    if let Value::Object(map) = &mut resource {
        map.retain(|_, v| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)));
    }
    resource
}

#[derive(Template)]
#[template(path = "admin_hospital.html")]
struct HospitalPage {
    c: Chrome,
    hospital: Details,
    campuses: Vec<Details>,
    /// The form that adds a campus, as typed when refused.
    new_campus: Details,
    /// The form sent back with problems: `hospital`, `new` or a campus id.
    refused: String,
    problems: FieldProblems,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct Saved {
    saved: Option<String>,
}

/// The hospital's Organization and its campuses' Locations, as the API has them.
async fn read(api: &Api, web: &Web) -> (Option<Value>, Vec<Value>) {
    let found = api.get(web, "/fhir/Organization?type=prov&_count=1").await;
    let Some(hospital) = found.body["entry"][0]["resource"].as_object().cloned() else {
        return (None, Vec::new());
    };
    let id = hospital["id"].as_str().unwrap_or_default().to_owned();
    let path =
        format!("/fhir/Location?organization=Organization/{id}&_sort=_lastUpdated&_count=100");
    let campuses = api.get(web, &path).await.body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["resource"].clone())
        .filter(|l| l["physicalType"]["coding"][0]["code"] == "si")
        .collect();
    (Some(Value::Object(hospital)), campuses)
}

async fn page(
    api: &Api,
    web: &Web,
    typed: Option<(&str, Details)>,
    problems: FieldProblems,
    (saved, status): (bool, StatusCode),
) -> Response {
    let (hospital, campuses) = read(api, web).await;
    let mut hospital = hospital.as_ref().map(Details::of).unwrap_or_default();
    let mut campuses: Vec<Details> = campuses.iter().map(Details::of).collect();
    let refused = typed
        .as_ref()
        .map(|(which, _)| (*which).to_owned())
        .unwrap_or_default();
    let mut new_campus = Details::default();
    match typed {
        Some(("hospital", details)) => hospital = details,
        Some(("new", details)) => new_campus = details,
        Some((id, details)) => {
            if let Some(campus) = campuses.iter_mut().find(|c| c.id == id) {
                *campus = details;
            }
        }
        None => {}
    }
    let c = web.chrome(crate::i18n::t(web.lang, "admin.hospital"));
    let page = HospitalPage {
        c,
        hospital,
        campuses,
        new_campus,
        refused,
        problems,
        saved,
    };
    render(status, &page)
}

/// `GET /admin/hospital`.
pub async fn show(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(q): Query<Saved>,
) -> Response {
    page(
        &api,
        &web,
        None,
        FieldProblems::default(),
        (q.saved.is_some(), StatusCode::OK),
    )
    .await
}

const FIELDS: &[(&str, &[&str])] = &[
    ("name", &["name"]),
    ("phone", &["telecom"]),
    ("address", &["address"]),
];

/// The page after a save: back to it, or the form again with its problems.
async fn answer(api: &Api, web: &Web, which: &str, form: Details, reply: Reply) -> Response {
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        api.hospital_name.forget();
        return Redirect::to("/admin/hospital?saved=1").into_response();
    }
    let problems = FieldProblems::sort(reply.problems(), FIELDS);
    page(
        api,
        web,
        Some((which, form)),
        problems,
        (false, reply.status),
    )
    .await
}

/// `POST /admin/hospital`: the hospital's details (the hospital is made if there is none).
pub async fn save(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<Details>,
) -> Response {
    if let Some(refused) = missing_name(&api, &web, "hospital", &form).await {
        return refused;
    }
    let (hospital, _) = read(&api, &web).await;
    let reply = match hospital {
        Some(found) => {
            let id = found["id"].as_str().unwrap_or_default().to_owned();
            let body = form.onto(found, true).to_string();
            let path = format!("/fhir/Organization/{id}");
            api.call(
                &web,
                Method::PUT,
                &path,
                Some(("application/fhir+json", body)),
            )
            .await
        }
        None => {
            let new = json!({"resourceType": "Organization", "active": true,
                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/organization-type", "code": "prov", "display": "Healthcare Provider"}]}]});
            api.post_json(&web, "/fhir/Organization", &form.onto(new, true))
                .await
        }
    };
    answer(&api, &web, "hospital", form, reply).await
}

/// The form again when its name is empty (FHIR would say so less kindly).
async fn missing_name(api: &Api, web: &Web, which: &str, form: &Details) -> Option<Response> {
    let problems = required(web.lang, &[("name", &form.name)]);
    if problems.is_empty() {
        return None;
    }
    let problems = FieldProblems::sort(problems, FIELDS);
    let status = (false, StatusCode::UNPROCESSABLE_ENTITY);
    Some(page(api, web, Some((which, form.clone())), problems, status).await)
}

/// `POST /admin/hospital/campuses/{id}`: a campus's details; `new` adds one.
pub async fn save_campus(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Form(mut form): Form<Details>,
) -> Response {
    form.id = id.clone();
    if let Some(refused) = missing_name(&api, &web, &id, &form).await {
        return refused;
    }
    let (hospital, campuses) = read(&api, &web).await;
    let Some(hospital) = hospital else {
        return Redirect::to("/admin/hospital").into_response();
    };
    let found = campuses.into_iter().find(|c| c["id"] == id.as_str());
    let reply = match found {
        Some(campus) => {
            let body = form.onto(campus, false).to_string();
            let path = format!("/fhir/Location/{id}");
            api.call(
                &web,
                Method::PUT,
                &path,
                Some(("application/fhir+json", body)),
            )
            .await
        }
        None => {
            let hospital_id = hospital["id"].as_str().unwrap_or_default();
            let new = json!({"resourceType": "Location", "status": "active", "mode": "instance",
                "physicalType": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/location-physical-type", "code": "si", "display": "Site"}]},
                "managingOrganization": {"reference": format!("Organization/{hospital_id}")}});
            api.post_json(&web, "/fhir/Location", &form.onto(new, false))
                .await
        }
    };
    answer(&api, &web, &id, form, reply).await
}
