//! Which of an account's patients the slot's department takes, asked before booking
//! (`/api/eligibility`, the rule booking applies): the booking page offers only those, and
//! shows the others with the reason.

use super::account::Member;
use crate::api::Api;
use crate::web::Web;

/// A family member the department does not take, and why.
pub struct Refused {
    pub name: String,
    pub reason: String,
}

/// `members` split into those that may be booked into `slot` and those that may not. When
/// the API cannot say, everyone is offered (the booking itself still checks).
pub async fn split(
    api: &Api,
    web: &Web,
    slot: &str,
    members: Vec<Member>,
) -> (Vec<Member>, Vec<Refused>) {
    let reply = api
        .get(
            web,
            &format!("/api/eligibility?slot={}", crate::web::encoded(slot)),
        )
        .await;
    let verdicts = reply.body["patients"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let reason_of = |id: &str| {
        verdicts
            .iter()
            .find(|v| v["patient"].as_str() == Some(&format!("Patient/{id}")))
            .filter(|v| v["eligible"] == false)
            .map(|v| v["message"].as_str().unwrap_or_default().to_owned())
    };
    let mut offered = Vec::new();
    let mut refused = Vec::new();
    for member in members {
        match reason_of(&member.id) {
            Some(reason) => refused.push(Refused {
                name: member.name,
                reason,
            }),
            None => offered.push(member),
        }
    }
    (offered, refused)
}
