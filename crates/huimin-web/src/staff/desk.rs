//! The registrar's window (挂号窗口): find a patient by ID number, phone or name, register a
//! walk-in, and on their behalf book (the slot under way included), take the fee, cancel
//! (refunding it) and check in.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::i18n::Lang;
use huimin_domain::identity::DocumentKind;
use serde::Deserialize;
use serde_json::{Value, json};

use super::common::{Choice, Coded, departments};
use crate::api::{Api, Reply};
use crate::chrome::Chrome;
use crate::fhir::{SLOT_REMAINING_EXT, extension_int, id_of, queue_number};
use crate::fmt;
use crate::patient::booking::{KnownSessions, SlotFacts, slot_facts, slot_facts_with, slot_of};
use crate::patient::forms::{FieldProblems, render, required};
use crate::web::{SignedIn, Web};

/// How the search box is read: a phone number (in any notation the domain reads), an ID
/// document number, or a name.
pub fn search_path(q: &str) -> String {
    let encoded = crate::web::encoded;
    if let Ok(phone) = huimin_domain::phone::Phone::parse(q) {
        return format!("/fhir/Patient?phone={}&_count=20", encoded(phone.as_str()));
    }
    let compact: String = q
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if compact.chars().any(|c| c.is_ascii_digit()) {
        format!("/fhir/Patient?identifier={}&_count=20", encoded(&compact))
    } else {
        format!("/fhir/Patient?name={}&_count=20", encoded(q.trim()))
    }
}

/// The patients the search box finds, or the API's refusal.
pub async fn find_patients(api: &Api, web: &Web, q: &str) -> Result<Vec<Person>, Reply> {
    let reply = api.get(web, &search_path(q)).await;
    if !reply.ok() {
        return Err(reply);
    }
    Ok(reply.body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| person(&e["resource"], web.lang))
        .collect())
}

/// A patient as the desk lists them.
pub struct Person {
    pub id: String,
    pub name: String,
    pub gender: String,
    pub birth: String,
    pub document: String,
    pub phone: String,
}

fn person(p: &Value, lang: Lang) -> Person {
    let gender = match p["gender"].as_str() {
        Some("male") => crate::i18n::t(lang, "desk.male"),
        Some("female") => crate::i18n::t(lang, "desk.female"),
        _ => "",
    };
    let document = p["identifier"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|i| {
            let kind = DocumentKind::from_fhir_system(i["system"].as_str()?)?;
            Some(format!(
                "{} {}",
                kind.label().get(lang),
                i["value"].as_str().unwrap_or_default()
            ))
        })
        .unwrap_or_default();
    Person {
        id: p["id"].as_str().unwrap_or_default().to_owned(),
        name: p["name"][0]["text"].as_str().unwrap_or_default().to_owned(),
        gender: gender.to_owned(),
        birth: p["birthDate"].as_str().unwrap_or_default().to_owned(),
        document,
        phone: p["telecom"][0]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    }
}

fn kinds(lang: Lang) -> Vec<Coded> {
    DocumentKind::ALL
        .iter()
        .map(|k| Coded::new(k.code(), k.label(), lang))
        .collect()
}

#[derive(Deserialize, Default)]
pub struct WalkIn {
    #[serde(default)]
    name: String,
    #[serde(default)]
    document_type: String,
    #[serde(default)]
    document_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    birth_date: String,
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    c: Chrome,
    q: String,
    found: Option<Vec<Person>>,
    kinds: Vec<Coded>,
    form: WalkIn,
    problems: FieldProblems,
    search_problem: String,
}

#[derive(Deserialize, Default)]
pub struct Search {
    q: Option<String>,
}

fn signed_out(web: &Web, reply: &Reply) -> Option<Response> {
    (!web.signed_in() || reply.status == StatusCode::UNAUTHORIZED).then(|| web.to_login())
}

/// `GET /desk?q=`.
pub async fn desk(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(search): Query<Search>,
) -> Response {
    let q = search.q.unwrap_or_default().trim().to_owned();
    let (mut found, mut search_problem) = (None, String::new());
    if !q.is_empty() {
        match find_patients(&api, &web, &q).await {
            Ok(people) => found = Some(people),
            Err(reply) => {
                if let Some(away) = signed_out(&web, &reply) {
                    return away;
                }
                search_problem = reply.message();
            }
        }
    }
    let form = WalkIn {
        document_type: DocumentKind::ResidentId.code().into(),
        ..WalkIn::default()
    };
    desk_page(
        &web,
        q,
        found,
        form,
        FieldProblems::default(),
        search_problem,
        StatusCode::OK,
    )
}

fn desk_page(
    web: &Web,
    q: String,
    found: Option<Vec<Person>>,
    form: WalkIn,
    problems: FieldProblems,
    search_problem: String,
    status: StatusCode,
) -> Response {
    render(
        status,
        &DeskPage {
            c: web.chrome(crate::i18n::t(web.lang, "desk.title")),
            q,
            found,
            kinds: kinds(web.lang),
            form,
            problems,
            search_problem,
        },
    )
}

const WALK_IN_FIELDS: &[(&str, &[&str])] = &[
    ("name", &["name"]),
    ("document_number", &["identifier", "document_number"]),
    ("phone", &["telecom"]),
    ("gender", &["gender"]),
    ("birth_date", &["birthDate"]),
];

/// The Patient a walk-in form describes.
fn walk_in_patient(form: &WalkIn) -> Value {
    let system = DocumentKind::from_code(&form.document_type)
        .unwrap_or(DocumentKind::ResidentId)
        .fhir_system();
    let mut patient = json!({
        "resourceType": "Patient",
        "active": true,
        "identifier": [{"system": system, "value": form.document_number.trim()}],
        "name": [crate::fhir::human_name(&form.name)],
    });
    if !form.phone.trim().is_empty() {
        patient["telecom"] =
            json!([{"system": "phone", "value": form.phone.trim(), "use": "mobile"}]);
    }
    if !form.gender.is_empty() {
        patient["gender"] = json!(form.gender);
    }
    if !form.birth_date.trim().is_empty() {
        patient["birthDate"] = json!(form.birth_date.trim());
    }
    patient
}

/// `POST /desk/patients`: registers a walk-in and opens their page.
pub async fn register(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Form(form): Form<WalkIn>,
) -> Response {
    // Real-name booking needs both; the API would accept a Patient without a document.
    let missing = required(
        web.lang,
        &[
            ("name", &form.name),
            ("document_number", &form.document_number),
        ],
    );
    let problems = if missing.is_empty() {
        let reply = api
            .post_json(&web, "/fhir/Patient", &walk_in_patient(&form))
            .await;
        if let Some(away) = signed_out(&web, &reply) {
            return away;
        }
        if let (true, Some(id)) = (reply.ok(), reply.body["id"].as_str()) {
            return Redirect::to(&format!("/desk/patients/{id}?done=registered")).into_response();
        }
        reply.problems()
    } else {
        missing
    };
    desk_page(
        &web,
        String::new(),
        None,
        form,
        FieldProblems::sort(problems, WALK_IN_FIELDS),
        String::new(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// One of the patient's appointments with what the desk can do with it.
pub struct Visit {
    pub id: String,
    pub slot: Option<SlotFacts>,
    pub number: i64,
    pub status: String,
    pub status_code: String,
    /// `unpaid`, `paid` or `refunded`; empty when there is nothing to pay.
    pub payment: String,
    pub payment_text: String,
}

impl Visit {
    pub fn payable(&self) -> bool {
        self.payment == "unpaid" && matches!(self.status_code.as_str(), "pending" | "booked")
    }

    pub fn open(&self) -> bool {
        matches!(
            self.status_code.as_str(),
            "pending" | "booked" | "checked-in"
        )
    }
}

pub struct SlotChoice {
    pub id: String,
    pub time: String,
    pub remaining: i64,
}

/// One doctor's session on the chosen day, with its free slots.
pub struct SessionChoice {
    pub doctor: String,
    pub room: String,
    pub fee: String,
    pub slots: Vec<SlotChoice>,
}

pub struct Method {
    pub code: &'static str,
    pub label: &'static str,
}

const METHODS: [&str; 5] = [
    "cash",
    "wechat-pay",
    "alipay",
    "bank-card",
    "medical-insurance",
];

#[derive(Template)]
#[template(path = "desk_patient.html")]
struct PatientPage {
    c: Chrome,
    person: Person,
    visits: Vec<Visit>,
    departments: Vec<Choice>,
    department: String,
    date: String,
    sessions: Option<Vec<SessionChoice>>,
    methods: Vec<Method>,
    notice: String,
    problem: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct Pick {
    #[serde(default)]
    department: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    done: String,
}

async fn visits(api: &Api, web: &Web, patient: &str) -> Vec<Visit> {
    let listed = api
        .get(
            web,
            &format!("/fhir/Appointment?patient=Patient/{patient}&_count=20"),
        )
        .await;
    let mut out = Vec::new();
    let mut known = KnownSessions::new();
    for entry in listed.body["entry"].as_array().into_iter().flatten() {
        let a = &entry["resource"];
        let id = a["id"].as_str().unwrap_or_default().to_owned();
        let code = a["status"].as_str().unwrap_or_default().to_owned();
        let slot = match slot_of(a) {
            Some(slot) => slot_facts_with(api, web, &slot, &mut known).await,
            None => None,
        };
        let has_fee = slot.as_ref().is_some_and(|s| s.fee > 0.0);
        let payment = if has_fee {
            api.get(web, &format!("/api/appointments/{id}/payment"))
                .await
                .body["status"]
                .as_str()
                .unwrap_or("unpaid")
                .to_owned()
        } else {
            String::new()
        };
        let payment_text = match payment.as_str() {
            "" => String::new(),
            code => crate::i18n::t(web.lang, &format!("desk.payment.{code}")).to_owned(),
        };
        out.push(Visit {
            id,
            number: queue_number(a),
            status: crate::patient::appointment::status_name(&code, web.lang),
            status_code: code,
            slot,
            payment,
            payment_text,
        });
    }
    out
}

/// The department's sessions on the day with a free place, grouped by doctor.
async fn sessions_on(api: &Api, web: &Web, department: &str, date: &str) -> Vec<SessionChoice> {
    let found = api
        .get(
            web,
            &format!(
                "/fhir/Appointment/$find?department={department}&start={date}&end={date}&_count=100&_total=none"
            ),
        )
        .await;
    let mut sessions: Vec<(String, SessionChoice)> = Vec::new();
    for entry in found.body["entry"].as_array().into_iter().flatten() {
        let slot = &entry["resource"];
        let schedule = id_of(&slot["schedule"], "Schedule").unwrap_or_default();
        let choice = SlotChoice {
            id: slot["id"].as_str().unwrap_or_default().to_owned(),
            time: fmt::local(slot["start"].as_str().unwrap_or_default())
                .map(|t| t.strftime("%H:%M").to_string())
                .unwrap_or_default(),
            remaining: extension_int(slot, SLOT_REMAINING_EXT).unwrap_or(0),
        };
        if let Some((_, session)) = sessions.iter_mut().find(|(s, _)| *s == schedule) {
            session.slots.push(choice);
            continue;
        }
        let facts = slot_facts(api, web, &choice.id).await;
        sessions.push((
            schedule,
            SessionChoice {
                doctor: facts.as_ref().map(|f| f.doctor.clone()).unwrap_or_default(),
                room: facts.as_ref().map(|f| f.room.clone()).unwrap_or_default(),
                fee: facts.map(|f| f.fee_text).unwrap_or_default(),
                slots: vec![choice],
            },
        ));
    }
    sessions.into_iter().map(|(_, s)| s).collect()
}

async fn patient_page(
    api: &Api,
    web: &Web,
    id: &str,
    pick: Pick,
    problem: String,
    status: StatusCode,
) -> Response {
    let reply = api.get(web, &format!("/fhir/Patient/{id}")).await;
    if let Some(away) = signed_out(web, &reply) {
        return away;
    }
    if !reply.ok() {
        return super::common::refusal(web, "desk.title", &reply, "/desk");
    }
    let date = fmt::date_or_today(&pick.date).to_string();
    let sessions = if pick.department.is_empty() {
        None
    } else {
        Some(sessions_on(api, web, &pick.department, &date).await)
    };
    let notice = match pick.done.as_str() {
        "registered" | "booked" | "paid" | "cancelled" | "checked-in" => {
            crate::i18n::t(web.lang, &format!("desk.done.{}", pick.done)).to_owned()
        }
        _ => String::new(),
    };
    render(
        status,
        &PatientPage {
            c: web.chrome(crate::i18n::t(web.lang, "desk.patient")),
            person: person(&reply.body, web.lang),
            visits: visits(api, web, id).await,
            departments: departments(api, web).await,
            department: pick.department,
            date,
            sessions,
            methods: METHODS
                .iter()
                .map(|code| Method {
                    code,
                    label: crate::i18n::t(web.lang, &format!("desk.method.{code}")),
                })
                .collect(),
            notice,
            problem,
        },
    )
}

/// `GET /desk/patients/{id}?department=&date=&done=`.
pub async fn patient(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(pick): Query<Pick>,
) -> Response {
    patient_page(&api, &web, &id, pick, String::new(), StatusCode::OK).await
}

/// Back to the patient's page after an action, or the page with what went wrong.
async fn after(
    api: &Api,
    web: &Web,
    patient: &str,
    done: &str,
    reply: Reply,
    pick: Pick,
) -> Response {
    if let Some(away) = signed_out(web, &reply) {
        return away;
    }
    if reply.ok() {
        return Redirect::to(&format!("/desk/patients/{patient}?done={done}")).into_response();
    }
    let problem = reply.message();
    patient_page(api, web, patient, pick, problem, reply.status).await
}

#[derive(Deserialize)]
pub struct BookForm {
    slot: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    date: String,
}

/// `POST /desk/patients/{id}/book`: books the slot at once (the fee is taken next).
pub async fn book(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<BookForm>,
) -> Response {
    let reply = api
        .operation(
            &web,
            "/fhir/Appointment/$book",
            &[
                ("slot", format!("Slot/{}", form.slot)),
                ("patient", format!("Patient/{id}")),
            ],
        )
        .await;
    let pick = Pick {
        department: form.department,
        date: form.date,
        done: String::new(),
    };
    after(&api, &web, &id, "booked", reply, pick).await
}

#[derive(Deserialize)]
pub struct VisitForm {
    patient: String,
    #[serde(default)]
    method: String,
}

/// `POST /desk/appointments/{id}/{pay|cancel|check-in}`.
pub async fn act(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<VisitForm>,
) -> Response {
    let (reply, done) = match action.as_str() {
        "pay" => (
            api.post_json(
                &web,
                &format!("/api/appointments/{id}/payment"),
                &json!({"method": form.method}),
            )
            .await,
            "paid",
        ),
        "cancel" => (api.set_status(&web, &id, "cancelled").await, "cancelled"),
        "check-in" => (api.set_status(&web, &id, "checked-in").await, "checked-in"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    after(&api, &web, &form.patient, done, reply, Pick::default()).await
}

#[cfg(test)]
mod tests {
    use super::search_path;

    #[test]
    fn the_search_box_reads_documents_phones_and_names() {
        assert_eq!(
            search_path(" 11010519491231002x "),
            "/fhir/Patient?identifier=11010519491231002x&_count=20"
        );
        assert_eq!(
            search_path("+86 139-1111-0001"),
            "/fhir/Patient?phone=13911110001&_count=20"
        );
        assert_eq!(
            search_path("0086-139 1111 0001"),
            "/fhir/Patient?phone=13911110001&_count=20"
        );
        assert_eq!(
            search_path("12345678"),
            "/fhir/Patient?identifier=12345678&_count=20",
            "a Taiwan travel permit is no phone number"
        );
        assert_eq!(
            search_path("E12345678"),
            "/fhir/Patient?identifier=E12345678&_count=20"
        );
        assert_eq!(
            search_path("王小明"),
            "/fhir/Patient?name=%E7%8E%8B%E5%B0%8F%E6%98%8E&_count=20"
        );
    }
}
