//! The triage desk (分诊台) of a department: today's sessions with the patients expected and
//! waiting; check in, priority (elderly, disabled, military), moving a patient to another
//! doctor of the department, with what the move costs (`super::moves`). The check-in scanner
//! is `super::checkin`.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use huimin_domain::appointments::{PaymentMethod, PriorityGroup};
use huimin_domain::i18n::Text;
use huimin_fhir::Organization;
use serde::Deserialize;
use serde_json::{Value, json};

use super::common::{Choice, Coded, InLine, departments};
use super::moves::{Cost, class_and_fee, fee_difference, move_body, move_refusal};
use crate::api::Api;
use crate::billing::VisitMoney;
use crate::chrome::Chrome;
use crate::fhir::Named;
use crate::fmt;
use crate::patient::forms::{ok, render};
use crate::web::{SignedIn, Web};

#[derive(Template)]
#[template(path = "triage_pick.html")]
struct PickPage {
    c: Chrome,
    departments: Vec<Choice>,
}

/// `GET /triage`: which department's desk.
pub async fn pick(State(api): State<Api>, SignedIn(web): SignedIn) -> Response {
    ok(&PickPage {
        c: web.chrome(crate::i18n::t(web.lang, "triage.title")),
        departments: departments(&api, &web).await,
    })
}

pub struct Line {
    pub id: String,
    pub doctor: String,
    pub room: String,
    pub when: String,
    pub active: bool,
    /// The registration class's name and the fee in fen.
    pub class: String,
    pub fee: i64,
    pub current: Option<InLine>,
    pub waiting: Vec<InLine>,
    pub expected: Vec<InLine>,
}

impl Line {
    pub fn fee_text(&self) -> String {
        fmt::fen(self.fee)
    }
}

/// Where a patient of `line` may be moved: the department's other active sessions.
pub struct Target {
    pub id: String,
    pub doctor: String,
    pub room: String,
    /// The session's hours (a move takes its earliest place not yet ended).
    pub when: String,
    pub class: String,
    pub fee: i64,
}

impl Target {
    pub fn fee_text(&self) -> String {
        fmt::fen(self.fee)
    }
}

/// One target offered for one patient, with what the move does with the money.
pub struct MoveChoice<'a> {
    pub target: &'a Target,
    /// `cheaper`, `even` or `dearer`.
    pub cost: &'static str,
    pub note: String,
    /// A dearer target for a patient whose fee was paid: the difference is paid now.
    pub pay: bool,
}

#[derive(Template)]
#[template(path = "triage.html")]
struct DeskPage {
    c: Chrome,
    department_id: String,
    department: String,
    lines: Vec<Line>,
    targets: Vec<Target>,
    groups: Vec<Coded>,
    /// Money the bill holds for each waiting patient's visit, by appointment id.
    held: HashMap<String, i64>,
    methods: Vec<Coded>,
    problem: String,
    /// The appointment whose move was just refused: its move choices stay open.
    open_move: String,
    /// The live stream that says when a line of the day changed.
    live: String,
}

impl DeskPage {
    /// The sessions a patient of `line` can be moved to, each with its fee's difference.
    pub fn choices(&self, line: &Line, appointment: &str) -> Vec<MoveChoice<'_>> {
        let paid = self.held.get(appointment).is_some_and(|held| *held > 0);
        self.targets
            .iter()
            .filter(|t| t.id != line.id)
            .map(|target| {
                let (cost, note) = fee_difference(line.fee, target.fee, paid, self.c.lang);
                MoveChoice {
                    target,
                    cost: cost.code(),
                    note,
                    pay: paid && cost == Cost::Dearer,
                }
            })
            .collect()
    }
}

/// The money each waiting patient's bill holds (paid less refunded), asked for at once.
async fn held_by_waiting(api: &Api, web: &Web, lines: &[Line]) -> HashMap<String, i64> {
    let waiting: Vec<&str> = lines
        .iter()
        .flat_map(|l| &l.waiting)
        .map(|p| p.appointment.as_str())
        .collect();
    let bills = futures_util::future::join_all(
        waiting
            .iter()
            .map(|id| async move { api.get(web, &format!("/api/appointments/{id}/bill")).await }),
    )
    .await;
    waiting
        .into_iter()
        .zip(bills)
        .map(|(id, bill)| {
            let held = VisitMoney::read(&bill.body, web.lang).held();
            (id.to_owned(), held)
        })
        .collect()
}

async fn desk_page(
    api: &Api,
    web: &Web,
    department: &str,
    (problem, open_move): (String, String),
    status: StatusCode,
) -> Response {
    let org = api
        .get(web, &format!("/fhir/Organization/{department}"))
        .await;
    let Some(org) = org.resource::<Organization>().filter(|_| org.ok()) else {
        return crate::patient::directory::not_found(web);
    };
    let day = api
        .get(web, &format!("/api/departments/{department}/sessions"))
        .await;
    if day.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if !day.ok() {
        return super::common::refusal(web, "triage.title", &day, "/triage");
    }
    let lines = lines_of(api, web, &day.body).await;
    let held = held_by_waiting(api, web, &lines).await;
    let name = org.display_name(web.lang);
    render(
        status,
        &DeskPage {
            c: web.chrome(format!(
                "{} · {}",
                crate::i18n::t(web.lang, "triage.title"),
                name
            )),
            department_id: department.to_owned(),
            department: name,
            targets: lines
                .iter()
                .filter(|l| l.active)
                .map(|l| Target {
                    id: l.id.clone(),
                    doctor: l.doctor.clone(),
                    room: l.room.clone(),
                    when: l.when.clone(),
                    class: l.class.clone(),
                    fee: l.fee,
                })
                .collect(),
            lines,
            groups: PriorityGroup::ALL
                .iter()
                .map(|g| Coded::new(g.code(), g.label(), web.lang))
                .collect(),
            held,
            methods: PaymentMethod::ALL
                .iter()
                .map(|m| Coded::new(m.code(), Text::new(m.zh(), m.en()), web.lang))
                .collect(),
            problem,
            open_move,
            live: format!("/triage/{department}/live"),
        },
    )
}

/// The lines' versions and counts (no names): a change refreshes the desk's lines.
fn day_event(_: &Web, day: &Value) -> Value {
    let lines: Vec<Value> = day["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            json!([
                s["schedule"]["id"],
                s["line_version"],
                s["status"],
                s["waiting"],
                s["expected"],
                s["now_serving"]
            ])
        })
        .collect();
    Value::Array(lines)
}

/// `GET /triage/{department}/live`.
pub async fn live(State(api): State<Api>, web: Web, Path(department): Path<String>) -> Response {
    if !web.signed_in() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let path = format!(
        "/api/departments/{}/sessions",
        crate::web::encoded(&department)
    );
    crate::live::follow(api, web, path, day_event).into_response()
}

/// The lines of a department's day (`GET /api/departments/{id}/sessions`), each with its
/// queue; the queues are asked for at once (in-process requests), not one after another.
async fn lines_of(api: &Api, web: &Web, day: &Value) -> Vec<Line> {
    let sessions: Vec<&Value> = day["sessions"].as_array().into_iter().flatten().collect();
    let queues = futures_util::future::join_all(sessions.iter().map(|s| async move {
        let id = s["schedule"]["id"].as_str().unwrap_or_default();
        api.get(web, &format!("/api/sessions/{id}/queue")).await
    }))
    .await;
    sessions
        .into_iter()
        .zip(queues)
        .map(|(s, queue)| {
            let (class, fee) = class_and_fee(&s["schedule"], web.lang);
            Line {
                id: s["schedule"]["id"].as_str().unwrap_or_default().to_owned(),
                class,
                fee,
                active: s["status"] == "active",
                when: fmt::window(
                    s["schedule"]["planningHorizon"]["start"]
                        .as_str()
                        .unwrap_or_default(),
                    s["schedule"]["planningHorizon"]["end"]
                        .as_str()
                        .unwrap_or_default(),
                    web.lang,
                ),
                doctor: s["doctor"].as_str().unwrap_or_default().to_owned(),
                room: crate::i18n::pick(
                    web.lang,
                    s["room"]["zh"].as_str().unwrap_or_default(),
                    s["room"]["en"].as_str().unwrap_or_default(),
                )
                .to_owned(),
                current: InLine::one(&queue.body["current"], web.lang),
                waiting: InLine::all(&queue.body["waiting"], web.lang),
                expected: InLine::all(&queue.body["expected"], web.lang),
            }
        })
        .collect()
}

/// `GET /triage/{department}`.
pub async fn desk(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(department): Path<String>,
) -> Response {
    let said = (String::new(), String::new());
    desk_page(&api, &web, &department, said, StatusCode::OK).await
}

#[derive(Deserialize, Default)]
pub struct ActForm {
    /// For `priority`: `true` or `false`, and the group.
    #[serde(default)]
    priority: String,
    #[serde(default)]
    group: String,
    /// For `move`: the other session, the patient's consent to a higher fee (`yes`), and
    /// how they pay the difference.
    #[serde(default)]
    session: String,
    #[serde(default)]
    accept_fee: String,
    #[serde(default)]
    pay_difference: String,
}

/// `POST /triage/{department}/{check-in|priority|move}/{appointment}`.
pub async fn act(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path((department, action, appointment)): Path<(String, String, String)>,
    Form(form): Form<ActForm>,
) -> Response {
    let reply = match action.as_str() {
        "check-in" => api.set_status(&web, &appointment, "checked-in").await,
        "priority" => {
            let mut body = json!({"priority": form.priority == "true"});
            if form.priority == "true" && !form.group.is_empty() {
                body["group"] = json!(form.group);
            }
            let path = format!("/api/appointments/{appointment}/priority");
            api.post_json(&web, &path, &body).await
        }
        "move" => {
            let body = move_body(&form.session, &form.accept_fee, &form.pay_difference);
            let path = format!("/api/appointments/{appointment}/move");
            api.post_json(&web, &path, &body).await
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to(&format!("/triage/{department}")).into_response();
    }
    let said = match action.as_str() {
        "move" => (move_refusal(&reply, web.lang), appointment),
        _ => (
            super::common::staff_message(&reply, web.lang),
            String::new(),
        ),
    };
    desk_page(&api, &web, &department, said, reply.status).await
}
