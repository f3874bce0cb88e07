//! What happened to a visit beyond its status: why it was cancelled, a stop-clinic move the
//! patient is asked to answer, and the money (paid, refunded and why), as the appointment
//! page shows them.

use axum::extract::{Path, State};
use axum::response::Response;
use huimin_domain::i18n::Lang;
use serde_json::{Value, json};

use crate::api::Api;
use crate::fhir::extension_fen;
use crate::fmt;
use crate::i18n::t;
use crate::web::{SignedIn, Web};

/// A stop-clinic move of this appointment or out of it.
#[derive(Default)]
pub struct MoveCard {
    /// The patient may still answer (accept, or cancel with a full refund).
    pub awaiting: bool,
    pub reply_by: String,
    /// This appointment was replaced: the one that replaced it.
    pub moved_to: String,
    /// The answer given (or taken as given after the deadline), in the visitor's words.
    pub answer: String,
    /// Moved by a stop-clinic and not declined: cancelling is free whatever the cut-off.
    pub cancel_any_time: bool,
}

/// Cancellations with a status of their own (`status.cancelled.<reason>`).
const OWN_STATUS: [&str; 2] = ["hold-lapsed", "moved"];

fn reason_code(appointment: &Value) -> Option<&str> {
    appointment["cancelationReason"]["coding"][0]["code"].as_str()
}

/// The reason of a cancellation that has its own status words, if it is one.
pub fn own_status(appointment: &Value) -> Option<&str> {
    reason_code(appointment).filter(|code| OWN_STATUS.contains(code))
}

/// The reason a cancelled appointment shows beside its status ("本人取消", "医生停诊").
pub fn cancel_reason(appointment: &Value, lang: Lang) -> String {
    reason_code(appointment)
        .filter(|code| !OWN_STATUS.contains(code))
        .map(|code| t(lang, &format!("cancel_reason.{code}")).to_owned())
        .unwrap_or_default()
}

pub async fn move_card(api: &Api, web: &Web, id: &str) -> MoveCard {
    let reply = api.get(web, &format!("/api/appointments/{id}/move")).await;
    let body = &reply.body;
    let mut card = MoveCard::default();
    if let Some(to) = body["out_of"]["to"].as_str() {
        card.moved_to = to.trim_start_matches("Appointment/").to_owned();
    }
    let into = &body["into"];
    if into["kind"] == "stop-clinic" {
        let reply = into["reply"].as_str().unwrap_or_default();
        card.awaiting = reply == "awaiting";
        card.cancel_any_time = reply != "declined";
        if !card.awaiting {
            card.answer = t(web.lang, &format!("move.reply.{reply}")).to_owned();
        }
        card.reply_by = into["reply_by"]
            .as_str()
            .map(|at| fmt::moment(at, web.lang))
            .unwrap_or_default();
    }
    card
}

/// "已缴 ¥60.00 · 已退 ¥50.00（改约至挂号费较低的医生，退还差额）", or empty when nothing
/// was paid.
pub async fn money_line(api: &Api, web: &Web, id: &str) -> String {
    let reply = api.get(web, &format!("/api/appointments/{id}/bill")).await;
    let invoice = &reply.body["invoice"];
    if !invoice.is_object() {
        return String::new();
    }
    let (paid, refunded, due) = (
        extension_fen(invoice, "urn:huimin:ext:paid"),
        extension_fen(invoice, "urn:huimin:ext:refunded"),
        extension_fen(invoice, "urn:huimin:ext:balance-due"),
    );
    let mut parts = Vec::new();
    if paid > 0 {
        parts.push(format!("{} {}", t(web.lang, "pay.paid"), fmt::fen(paid)));
    }
    if refunded > 0 {
        let reasons: Vec<String> = reply.body["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["kind"] == "refund")
            .filter_map(|e| {
                let reason = &e["reason_display"];
                let (zh, en) = (reason["zh"].as_str()?, reason["en"].as_str()?);
                Some(crate::i18n::pick(web.lang, zh, en).to_owned())
            })
            .collect();
        let mut text = format!("{} {}", t(web.lang, "pay.refunded"), fmt::fen(refunded));
        if !reasons.is_empty() {
            let (open, sep, close) = match web.lang {
                Lang::Zh => ("（", "；", "）"),
                Lang::En => (" (", "; ", ")"),
            };
            text.push_str(&format!("{open}{}{close}", reasons.join(sep)));
        }
        parts.push(text);
    }
    if due > 0 {
        parts.push(format!("{} {}", t(web.lang, "pay.due"), fmt::fen(due)));
    }
    parts.join(" · ")
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    accept: String,
}

/// `POST /appointments/{id}/move-reply`: accept the move, or cancel with a full refund.
pub async fn reply(
    State(api): State<Api>,
    SignedIn(web): SignedIn,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<ReplyForm>,
) -> Response {
    let accept = form.accept == "yes";
    let reply = api
        .post_json(
            &web,
            &format!("/api/appointments/{id}/move-reply"),
            &json!({"accept": accept}),
        )
        .await;
    super::appointment::after(&api, &web, &id, reply).await
}
