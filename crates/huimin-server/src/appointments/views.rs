//! Booking records as FHIR R4: a clinic session is a `Schedule`, its time windows are `Slot`s
//! (capacity in `urn:huimin:ext:slot-capacity`), bookings are `Appointment`s.

use huimin_domain::appointments::{AppointmentStatus, slot_status};
use huimin_fhir::names::{
    CANCEL_BY_EXT, CANCEL_REASON_SYSTEM, DEPARTMENT_EXT, EXTRA_SLOT_EXT, FEE_PAYMENT_EXT,
    HOLD_EXPIRES_EXT, PERIOD_SYSTEM, POOL_EXT, QUEUE_NUMBER_EXT, REGISTRATION_CLASS_EXT,
    REGISTRATION_FEE_EXT, RELEASE_AT_EXT, SLOT_CAPACITY_EXT, SLOT_REMAINING_EXT,
};
use huimin_store::appointments::{AppointmentRecord, SessionRecord, SlotRecord};
use huimin_store::instant_text;
use serde_json::{Value, json};

fn reference(kind: &str, id: &str) -> Value {
    json!({"reference": format!("{kind}/{id}")})
}

pub fn schedule(session: &SessionRecord) -> Value {
    // R4 allows no Organization among the actors: the department is an extension (and the
    // PractitionerRole's `organization`).
    let mut actors = Vec::new();
    if let Some(role) = &session.practitioner_role_id {
        actors.push(reference("PractitionerRole", role));
    }
    if let Some(room) = &session.room_id {
        actors.push(reference("Location", room));
    }
    json!({
        "resourceType": "Schedule",
        "id": session.id,
        "active": session.status == "active",
        "extension": [
            {"url": DEPARTMENT_EXT, "valueReference": reference("Organization", &session.department_id)},
            {"url": REGISTRATION_CLASS_EXT, "valueCode": session.registration_class},
            {"url": REGISTRATION_FEE_EXT, "valueMoney": {"value": session.fee_fen as f64 / 100.0, "currency": "CNY"}},
            {"url": RELEASE_AT_EXT, "valueDateTime": instant_text(session.release_at)},
        ],
        "serviceType": [{"coding": [{"system": PERIOD_SYSTEM, "code": session.period}]}],
        "actor": actors,
        "planningHorizon": {"start": instant_text(session.starts_at), "end": instant_text(session.ends_at)},
        "comment": format!("{} {}", session.session_date, session.period),
    })
}

/// Adds an extension to a resource built here.
fn push_extension(view: &mut Value, extension: Value) {
    if let Some(extensions) = view["extension"].as_array_mut() {
        extensions.push(extension);
    }
}

/// How patients pay the Schedule's fee: `online` while the place is held, or `desk` after
/// booking at once (the server's online-payment setting).
pub fn with_fee_payment(schedule: &mut Value, online: bool) {
    let code = if online { "online" } else { "desk" };
    push_extension(schedule, json!({"url": FEE_PAYMENT_EXT, "valueCode": code}));
}

/// The last instant a booking of the Slot (or the Appointment) may be cancelled online.
pub fn with_cancel_by(view: &mut Value, at: jiff::Timestamp) {
    push_extension(
        view,
        json!({"url": CANCEL_BY_EXT, "valueDateTime": instant_text(at.as_microsecond())}),
    );
}

pub fn slot(session: &SessionRecord, slot: &SlotRecord) -> Value {
    let to_u32 = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let status = slot_status(
        to_u32(slot.capacity),
        to_u32(slot.booked),
        to_u32(slot.held),
        session.status != "active",
    );
    let remaining = (slot.capacity - slot.booked - slot.held).max(0);
    let mut view = json!({
        "resourceType": "Slot",
        "id": slot.id,
        "extension": [
            {"url": SLOT_CAPACITY_EXT, "valueInteger": slot.capacity},
            {"url": SLOT_REMAINING_EXT, "valueInteger": remaining},
            {"url": RELEASE_AT_EXT, "valueDateTime": instant_text(session.release_at)},
        ],
        "serviceType": [{"coding": [{"system": PERIOD_SYSTEM, "code": session.period}]}],
        "schedule": reference("Schedule", &session.id),
        "status": status.code(),
        "start": instant_text(slot.starts_at),
        "end": instant_text(slot.ends_at),
    });
    if slot.extra {
        push_extension(
            &mut view,
            json!({"url": EXTRA_SLOT_EXT, "valueBoolean": true}),
        );
    }
    view
}

/// An Appointment; `cancel_by` is the last instant its patient may cancel it online, if there
/// is one ([`super::operations::cancel_by`]).
pub fn appointment(
    record: &AppointmentRecord,
    session: &SessionRecord,
    slot: &SlotRecord,
    cancel_by: Option<jiff::Timestamp>,
) -> Value {
    let mut participants = vec![
        json!({"actor": reference("Patient", &record.patient_id), "required": "required", "status": "accepted"}),
    ];
    if let Some(role) = &session.practitioner_role_id {
        participants.push(json!({"actor": reference("PractitionerRole", role), "required": "required", "status": "accepted"}));
    }
    if let Some(room) = &session.room_id {
        participants.push(json!({"actor": reference("Location", room), "required": "information-only", "status": "accepted"}));
    }
    let mut extension = vec![
        json!({"url": QUEUE_NUMBER_EXT, "valueInteger": record.queue_number}),
        json!({"url": POOL_EXT, "valueCode": record.pool.code()}),
    ];
    if let (AppointmentStatus::Pending, Some(expires)) = (record.status, record.hold_expires_at) {
        extension.push(json!({"url": HOLD_EXPIRES_EXT, "valueDateTime": instant_text(expires)}));
    }
    if let Some(at) = cancel_by {
        extension.push(
            json!({"url": CANCEL_BY_EXT, "valueDateTime": instant_text(at.as_microsecond())}),
        );
    }
    let mut view = json!({
        "resourceType": "Appointment",
        "id": record.id,
        "meta": {"lastUpdated": instant_text(record.updated_at)},
        "extension": extension,
        "status": record.status.code(),
        "serviceType": [{"coding": [{"system": PERIOD_SYSTEM, "code": session.period}]}],
        "start": instant_text(slot.starts_at),
        "end": instant_text(slot.ends_at),
        "slot": [reference("Slot", &slot.id)],
        "created": instant_text(record.created_at),
        "participant": participants,
    });
    if let (AppointmentStatus::Cancelled, Some(code)) = (record.status, &record.cancel_reason) {
        let text = cancel_reason_text(code);
        view["cancelationReason"] = json!({
            "coding": [{"system": CANCEL_REASON_SYSTEM, "code": code, "display": text.zh}],
            "text": text.en,
        });
    }
    view
}

/// Why an appointment was cancelled, as patients are told.
pub fn cancel_reason_text(code: &str) -> huimin_domain::i18n::Text {
    use huimin_domain::i18n::Text;
    match code {
        "patient" => Text::new("本人取消", "cancelled by the patient"),
        "staff" => Text::new("医院窗口取消", "cancelled by the hospital desk"),
        "hold-lapsed" => Text::new("未确认，已自动释放", "not confirmed in time: released"),
        "session-suspended" => Text::new("医生停诊", "the doctor's clinic was stopped"),
        "moved" => Text::new("已改约至其他医生", "moved to another doctor"),
        "move-declined" => Text::new(
            "不接受改约，已取消并全额退费",
            "move declined: cancelled and refunded in full",
        ),
        other => Text::new(other, other),
    }
}
