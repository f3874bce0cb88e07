//! One patient at the registrar's window (挂号窗口): their appointments with the fee and
//! what can be done with each (take the fee, cancel and refund, check in), and booking them a
//! slot of a department's day, the slot under way included.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_fhir::Patient;
use huimin_fhir::names::SLOT_REMAINING_EXT;
use serde::Deserialize;
use serde_json::{Value, json};

use super::common::{Choice, departments};
use super::desk::{Person, person, signed_out};
use crate::api::{Api, Reply};
use crate::billing::{RefundTyped, VisitMoney};
use crate::chrome::Chrome;
use crate::fhir::{extension_int, id_of, queue_number};
use crate::fmt;
use crate::patient::booking::{KnownSessions, SlotFacts, slot_facts, slot_facts_with, slot_of};
use crate::patient::forms::render;
use crate::web::{SignedIn, Web};

/// One of the patient's appointments with its money and what the desk can do with it.
pub struct Visit {
    pub id: String,
    pub slot: Option<SlotFacts>,
    pub number: i64,
    pub status: String,
    pub status_code: String,
    pub money: VisitMoney,
    /// Where its money stands in a few words (`未缴费 ¥30.00`); empty when free or moved.
    pub payment_text: String,
}

impl Visit {
    /// Something is due and the API takes payments in this state.
    pub fn payable(&self) -> bool {
        self.money.due() > 0
            && matches!(
                self.status_code.as_str(),
                "pending" | "booked" | "checked-in" | "fulfilled"
            )
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
    /// A refund form that came back with a problem.
    refund: Option<RefundTyped>,
}

impl PatientPage {
    /// The refund form typed for this bill, if it came back.
    fn typed_for(&self, bill: &str) -> Option<&RefundTyped> {
        self.refund.as_ref().filter(|r| r.is_for(bill))
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct Pick {
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub done: String,
    /// The amount refunded in fen, for the note after a refund.
    #[serde(default)]
    pub amount: String,
}

async fn visits(api: &Api, web: &Web, patient: &str) -> Vec<Visit> {
    let listed = api
        .get(
            web,
            &format!("/fhir/Appointment?patient=Patient/{patient}&_count=20"),
        )
        .await;
    let appointments: Vec<&Value> = listed.body["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .collect();
    // The bills are asked for at once (in-process requests), not one after another.
    let bills = futures_util::future::join_all(appointments.iter().map(|a| async move {
        let id = a["id"].as_str().unwrap_or_default();
        api.get(web, &format!("/api/appointments/{id}/bill")).await
    }))
    .await;
    let mut out = Vec::new();
    let mut known = KnownSessions::new();
    for (a, bill) in appointments.into_iter().zip(bills) {
        let id = a["id"].as_str().unwrap_or_default().to_owned();
        let code = a["status"].as_str().unwrap_or_default().to_owned();
        let slot = match slot_of(a) {
            Some(slot) => slot_facts_with(api, web, &slot, &mut known).await,
            None => None,
        };
        let money = if bill.ok() {
            VisitMoney::read(&bill.body, web.lang)
        } else {
            VisitMoney::default()
        };
        let status = match &money.moved_to {
            Some(_) => crate::i18n::t(web.lang, "desk.payment.moved").to_owned(),
            None => crate::patient::appointment::status_of(a, web.lang),
        };
        out.push(Visit {
            id,
            number: queue_number(a),
            status,
            status_code: code,
            slot,
            payment_text: money.summary(web.lang),
            money,
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

/// The patient's page; `said` is a problem to show above it and a refund form to show again.
pub(crate) async fn patient_page(
    api: &Api,
    web: &Web,
    id: &str,
    pick: Pick,
    said: (String, Option<RefundTyped>),
    status: StatusCode,
) -> Response {
    let (problem, refund) = said;
    let reply = api.get(web, &format!("/fhir/Patient/{id}")).await;
    if let Some(away) = signed_out(web, &reply) {
        return away;
    }
    let Some(found) = reply.resource::<Patient>().filter(|_| reply.ok()) else {
        return super::common::refusal(web, "desk.title", &reply, "/desk");
    };
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
        "refunded" => {
            let fen = pick.amount.parse().unwrap_or(0);
            crate::i18n::t(web.lang, "desk.done.refunded").replace("{amount}", &fmt::fen(fen))
        }
        _ => String::new(),
    };
    render(
        status,
        &PatientPage {
            c: web.chrome(crate::i18n::t(web.lang, "desk.patient")),
            person: person(&found, web.lang),
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
            refund,
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
    let said = (String::new(), None);
    patient_page(&api, &web, &id, pick, said, StatusCode::OK).await
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
    let said = (super::common::staff_message(&reply, web.lang), None);
    patient_page(api, web, patient, pick, said, reply.status).await
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
        ..Pick::default()
    };
    after(&api, &web, &id, "booked", reply, pick).await
}

#[derive(Deserialize)]
pub struct VisitForm {
    patient: String,
    #[serde(default)]
    method: String,
    /// `yes` once the desk confirmed a cancellation (退号).
    #[serde(default)]
    confirm: String,
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
        "cancel" if form.confirm != "yes" => {
            return super::desk_cancel::confirm_page(&api, &web, &id, &form.patient).await;
        }
        "cancel" => (api.set_status(&web, &id, "cancelled").await, "cancelled"),
        "check-in" => (api.set_status(&web, &id, "checked-in").await, "checked-in"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    after(&api, &web, &form.patient, done, reply, Pick::default()).await
}
