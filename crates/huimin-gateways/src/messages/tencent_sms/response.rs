//! The SendSms answer, parsed into what the outbox needs: per number, whether it went, and
//! if not whether trying again can help.

use serde::Deserialize;

use super::codes::classify;
use crate::messages::MessageError;

/// What to do with a message after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Accepted by Tencent for delivery (`Code: "Ok"`).
    Delivered,
    /// Refused for good: do not retry; flag for a person.
    Permanent,
    /// Refused for now (rate limits, provider trouble): retry later.
    Temporary,
}

/// The fate of one number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberStatus {
    pub phone_number: String,
    pub serial_no: String,
    /// Billed message count (a long text counts as several).
    pub fee: u32,
    pub code: String,
    pub message: String,
    pub disposition: Disposition,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The request was processed; each number has its own status.
    Sent {
        request_id: String,
        statuses: Vec<NumberStatus>,
    },
    /// The whole request was refused (`Response.Error`); no number was sent to.
    Rejected {
        request_id: String,
        code: String,
        message: String,
        disposition: Disposition,
    },
}

impl SendOutcome {
    /// The disposition for one number (E.164); a rejected request applies to all numbers. `None`
    /// when a processed request does not mention the number: treat as not sent.
    pub fn disposition_for(&self, phone_number: &str) -> Option<Disposition> {
        match self {
            SendOutcome::Rejected { disposition, .. } => Some(*disposition),
            SendOutcome::Sent { statuses, .. } => statuses
                .iter()
                .find(|s| s.phone_number == phone_number)
                .map(|s| s.disposition),
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: Body,
}

#[derive(Deserialize)]
struct Body {
    #[serde(rename = "RequestId", default)]
    request_id: String,
    #[serde(rename = "Error")]
    error: Option<ErrorBody>,
    #[serde(rename = "SendStatusSet")]
    send_status_set: Option<Vec<StatusBody>>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message", default)]
    message: String,
}

#[derive(Deserialize)]
struct StatusBody {
    #[serde(rename = "SerialNo", default)]
    serial_no: String,
    #[serde(rename = "PhoneNumber")]
    phone_number: String,
    #[serde(rename = "Fee", default)]
    fee: u32,
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message", default)]
    message: String,
}

/// Parses the body of a SendSms answer.
pub fn parse_response(body: &[u8]) -> Result<SendOutcome, MessageError> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|e| MessageError::MalformedResponse(e.to_string()))?;
    let r = envelope.response;
    if let Some(error) = r.error {
        return Ok(SendOutcome::Rejected {
            request_id: r.request_id,
            disposition: classify(&error.code),
            code: error.code,
            message: error.message,
        });
    }
    let Some(set) = r.send_status_set else {
        return Err(MessageError::MalformedResponse(
            "neither Error nor SendStatusSet".into(),
        ));
    };
    let statuses = set
        .into_iter()
        .map(|s| NumberStatus {
            disposition: classify(&s.code),
            phone_number: s.phone_number,
            serial_no: s.serial_no,
            fee: s.fee,
            code: s.code,
            message: s.message,
        })
        .collect();
    Ok(SendOutcome::Sent {
        request_id: r.request_id,
        statuses,
    })
}
