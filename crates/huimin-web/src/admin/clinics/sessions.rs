//! A department's sessions of a day: opening one, and stop-clinic (停诊), optionally moving
//! its patients to another session of the day.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::{Where, number};
use crate::api::Api;
use crate::chrome::Chrome;
use crate::fmt;
use crate::patient::forms::{FieldProblems, render};
use crate::staff::common::{Choice, departments, doctors};
use crate::staff::moves::{class_and_fee, fee_difference};
use crate::web::{SignedIn, Web};

pub struct SessionRow {
    pub id: String,
    pub doctor: String,
    pub room: String,
    pub when: String,
    pub active: bool,
    pub booked: i64,
    /// The registration class's name and the fee in fen.
    pub class: String,
    pub fee: i64,
}

impl SessionRow {
    pub fn fee_text(&self) -> String {
        fmt::fen(self.fee)
    }
}

/// A session a stopped one's patients may be moved to, with its fee's difference.
pub struct MoveTarget<'a> {
    pub row: &'a SessionRow,
    pub note: String,
}

/// The fields of the open-a-session form, kept when it comes back with problems.
#[derive(Deserialize, Default)]
pub struct OpenForm {
    #[serde(default)]
    practitioner_role: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    slot_minutes: String,
}

#[derive(Template)]
#[template(path = "admin_sessions.html")]
struct SessionsPage {
    c: Chrome,
    departments: Vec<Choice>,
    department: String,
    date: String,
    sessions: Vec<SessionRow>,
    doctors: Vec<Choice>,
    form: OpenForm,
    problems: FieldProblems,
    notice: String,
    /// The hospital moves patients to a lower fee (refunding the difference).
    refund_cheaper: bool,
}

impl SessionsPage {
    /// Where the patients of `stopped` may be moved: other active sessions whose fee is not
    /// higher (a stop-clinic charges nobody more), and not lower either when the hospital
    /// does not move patients to a lower fee. The API refuses the others.
    pub fn others(&self, stopped: &SessionRow) -> Vec<MoveTarget<'_>> {
        self.sessions
            .iter()
            .filter(|s| s.active && s.id != stopped.id)
            .filter(|s| stop_clinic_may_move(stopped.fee, s.fee, self.refund_cheaper))
            .map(|row| MoveTarget {
                row,
                note: fee_difference(stopped.fee, row.fee, true, self.c.lang).1,
            })
            .collect()
    }
}

/// Whether a stop-clinic may move patients from a session of fee `from` to one of fee `to`.
fn stop_clinic_may_move(from: i64, to: i64, refund_cheaper: bool) -> bool {
    to == from || (to < from && refund_cheaper)
}

/// The hospital's `moves.refund_cheaper` (a department cannot set it; true by default).
async fn refund_cheaper(api: &Api, web: &Web) -> bool {
    let rules = api.get(web, "/api/admin/booking-rules").await;
    rules.body["hospital"]["moves"]["refund_cheaper"]
        .as_bool()
        .unwrap_or(true)
}

async fn sessions_page(
    api: &Api,
    web: &Web,
    at: Where,
    form: OpenForm,
    problems: FieldProblems,
    status: StatusCode,
) -> Response {
    let date = at.date();
    let mut sessions = Vec::new();
    if !at.department.is_empty() {
        let day = api
            .get(
                web,
                &format!("/api/departments/{}/sessions?date={date}", at.department),
            )
            .await;
        if day.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        for s in day.body["sessions"].as_array().into_iter().flatten() {
            let horizon = &s["schedule"]["planningHorizon"];
            let (class, fee) = class_and_fee(&s["schedule"], web.lang);
            sessions.push(SessionRow {
                class,
                fee,
                id: s["schedule"]["id"].as_str().unwrap_or_default().to_owned(),
                doctor: s["doctor"].as_str().unwrap_or_default().to_owned(),
                room: crate::i18n::pick(
                    web.lang,
                    s["room"]["zh"].as_str().unwrap_or_default(),
                    s["room"]["en"].as_str().unwrap_or_default(),
                )
                .to_owned(),
                when: fmt::window(
                    horizon["start"].as_str().unwrap_or_default(),
                    horizon["end"].as_str().unwrap_or_default(),
                    web.lang,
                ),
                active: s["status"] == "active",
                booked: s["expected"].as_i64().unwrap_or(0) + s["waiting"].as_i64().unwrap_or(0),
            });
        }
    }
    let notice = match at.done.as_str() {
        "" => String::new(),
        done => crate::i18n::t(web.lang, &format!("admin.done.{done}")).to_owned(),
    };
    render(
        status,
        &SessionsPage {
            c: web.chrome(crate::i18n::t(web.lang, "admin.sessions")),
            departments: departments(api, web).await,
            doctors: doctors(api, web, &at.department).await,
            department: at.department,
            date,
            sessions,
            form,
            problems,
            notice,
            refund_cheaper: refund_cheaper(api, web).await,
        },
    )
}

/// `GET /admin/sessions?department=&date=`.
pub async fn sessions(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(at): Query<Where>,
) -> Response {
    let form = OpenForm {
        period: "morning".into(),
        ..OpenForm::default()
    };
    sessions_page(
        &api,
        &web,
        at,
        form,
        FieldProblems::default(),
        StatusCode::OK,
    )
    .await
}

const OPEN_FIELDS: &[(&str, &[&str])] = &[
    ("practitioner_role", &["practitioner_role"]),
    ("date", &["date"]),
    ("period", &["period"]),
    ("start", &["start"]),
    ("end", &["end"]),
    ("capacity", &["capacity"]),
    ("slot_minutes", &["slot_minutes"]),
];

/// `POST /admin/sessions?department=&date=`: opens a session.
pub async fn open(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Query(at): Query<Where>,
    Form(form): Form<OpenForm>,
) -> Response {
    let mut problems = Vec::new();
    let mut body = json!({"practitioner_role": form.practitioner_role, "date": at.date(), "period": form.period});
    for (name, text) in [("start", &form.start), ("end", &form.end)] {
        if !text.trim().is_empty() {
            body[name] = json!(text.trim());
        }
    }
    // A missing capacity goes to the API as 0, which it names.
    body["capacity"] = number("capacity", &form.capacity, &web, &mut problems).unwrap_or(json!(0));
    if let Some(minutes) = number("slot_minutes", &form.slot_minutes, &web, &mut problems) {
        body["slot_minutes"] = minutes;
    }
    if problems.is_empty() {
        let reply = api.post_json(&web, "/api/admin/sessions", &body).await;
        if reply.status == StatusCode::UNAUTHORIZED {
            return web.to_login();
        }
        if reply.ok() {
            return Redirect::to(&format!("/admin/sessions?{}&done=opened", at.query()))
                .into_response();
        }
        problems = reply.problems();
    }
    let problems = FieldProblems::sort(problems, OPEN_FIELDS);
    sessions_page(
        &api,
        &web,
        at,
        form,
        problems,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct StopForm {
    #[serde(default)]
    move_to: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /admin/sessions/{id}/suspend?department=&date=`: stop-clinic, after a confirmation.
pub async fn suspend(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    Query(at): Query<Where>,
    Form(form): Form<StopForm>,
) -> Response {
    if form.confirm != "yes" {
        let problems =
            FieldProblems::general_only(crate::i18n::t(web.lang, "admin.confirm_stop").to_owned());
        return sessions_page(
            &api,
            &web,
            at,
            OpenForm::default(),
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let body = if form.move_to.is_empty() {
        json!({})
    } else {
        json!({"move_to": form.move_to})
    };
    let reply = api
        .post_json(&web, &format!("/api/admin/sessions/{id}/suspend"), &body)
        .await;
    if reply.status == StatusCode::UNAUTHORIZED {
        return web.to_login();
    }
    if reply.ok() {
        return Redirect::to(&format!("/admin/sessions?{}&done=suspended", at.query()))
            .into_response();
    }
    let problems = FieldProblems::general_only(reply.message());
    sessions_page(&api, &web, at, OpenForm::default(), problems, reply.status).await
}

#[cfg(test)]
mod tests {
    use super::stop_clinic_may_move;

    #[test]
    fn a_stop_clinic_moves_patients_to_the_same_or_a_lower_fee_only() {
        assert!(stop_clinic_may_move(5_000, 5_000, false));
        assert!(stop_clinic_may_move(5_000, 2_000, true));
        assert!(
            !stop_clinic_may_move(5_000, 2_000, false),
            "lower fees refused by the hospital"
        );
        assert!(
            !stop_clinic_may_move(2_000, 5_000, true),
            "never a higher fee"
        );
    }
}
