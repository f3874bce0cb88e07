//! Moving one patient to another doctor of the same department on the same day (分诊台改派):
//! the old appointment is cancelled and its place returned, the patient takes the earliest
//! place of the other session that has not ended, keeps their arrival (a checked-in patient
//! joins the new line at once, with their priority), their payment, and is told — all in one
//! transaction, taking locks in the booking order (patient → appointment → session → slot →
//! pool) and run again on a PostgreSQL deadlock.

use sqlx::Row;

use huimin_domain::appointments::{
    AppointmentStatus, Booker, KEY_STEP, PaymentMethod, check_admission,
};
use huimin_domain::billing::{MoveCost, move_cost};
use huimin_domain::directory::{Departments, RegistrationClass};

use super::AppointmentRecord;
use super::booking::{BookingError, fetch_appointment, lock_patient, parse_date, return_place};
use super::holder::holder;
use super::lifecycle::lock_appointment;
use super::moves::{MoveRecord, record_move_in};
use super::suspend::{Landed, Landing, move_into};
use crate::Store;
use crate::billing::{held_for_appointment_in, move_money_in, pay_in};
use crate::messages::{NewEvent, emit_in};
use crate::retry::{Attempts, Finish};

/// What a move may do with money: the hospital's setting for cheaper targets, and the
/// patient's consent (and payment) for dearer ones.
#[derive(Clone, Copy, Debug)]
pub struct MovePolicy<'a> {
    /// Whether a move to a lower fee is allowed (the difference refunded at once).
    pub cheaper_allowed: bool,
    /// The patient accepts a higher fee.
    pub dearer_accepted: bool,
    /// How the patient pays the difference of a higher fee, when their fee was paid.
    pub pay_difference: Option<PaymentMethod>,
    /// Who records the move (cashier of a difference paid).
    pub by: &'a str,
    /// Whom each department (and class) sees: the target session must take the patient.
    pub departments: &'a Departments,
}

/// A move done: the cancelled appointment and the one that replaces it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub from: AppointmentRecord,
    pub to: AppointmentRecord,
}

impl Store {
    /// Moves a booked or checked-in appointment into `target`, another active session of the
    /// same department and day. Refusals leave everything as it was.
    pub async fn transfer_appointment(
        &self,
        id: &str,
        target: &str,
        now: i64,
        policy: &MovePolicy<'_>,
    ) -> Result<Transfer, BookingError> {
        // An appointment's patient never changes, so it is read before the transaction to
        // take the patient's lock first.
        let patient = self
            .appointment(id)
            .await?
            .ok_or(BookingError::NotFound)?
            .patient_id;
        let mut attempts = Attempts::default();
        let done = loop {
            let mut tx = self.writer.begin().await?;
            let outcome = transfer_in(&mut tx, (id, &patient), target, now, policy)
                .await
                .map(Finish::Commit);
            if let Some(answer) = attempts.end(tx, outcome).await {
                break answer?;
            }
        };
        self.full_slots.forget(&done.from.slot_id);
        Ok(done)
    }
}

async fn transfer_in(
    tx: &mut sqlx::AnyConnection,
    (id, patient): (&str, &str),
    target: &str,
    now: i64,
    policy: &MovePolicy<'_>,
) -> Result<Transfer, BookingError> {
    lock_patient(tx, patient).await?;
    lock_appointment(tx, id).await?;
    let old = fetch_appointment(tx, id)
        .await?
        .ok_or(BookingError::NotFound)?;
    if !matches!(
        old.status,
        AppointmentStatus::Booked | AppointmentStatus::CheckedIn
    ) {
        return Err(BookingError::NotMovable { status: old.status });
    }
    // Locking the target keeps a stop-clinic from suspending it under the move.
    let session = sqlx::query(
        "UPDATE clinic_sessions SET status = status WHERE id = $1 AND status = 'active' \
         RETURNING department_id, session_date, registration_class",
    )
    .bind(target)
    .fetch_optional(&mut *tx)
    .await?;
    let same_day_and_department = match &session {
        Some(row) => {
            let (department, date): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            department == old.department_id && date == old.session_date
        }
        None => false,
    };
    if !same_day_and_department || target == old.session_id {
        return Err(BookingError::WrongTarget);
    }
    if let Some(row) = &session {
        admit_moved(tx, &old, row.try_get(2)?, policy.departments).await?;
    }
    sqlx::query(
        "UPDATE appointments SET status = 'cancelled', cancel_reason = 'moved', called_at = NULL, \
         updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    return_place(tx, &old.slot_id, &old.session_id, old.pool.code(), "booked").await?;
    let mut new = match move_into(tx, &old, target, "booked", (now, Landing::NotEnded)).await? {
        Landed::Moved(new) => *new,
        Landed::Full => return Err(BookingError::TargetFull),
        Landed::AlreadyThere => return Err(BookingError::AlreadyInTarget),
    };
    if old.status == AppointmentStatus::CheckedIn {
        // Already here: joins the new line at its number, keeping arrival time and priority.
        sqlx::query(
            "UPDATE appointments SET status = 'checked-in', \
             checked_in_at = (SELECT checked_in_at FROM appointments WHERE id = $1), \
             priority = (SELECT priority FROM appointments WHERE id = $1), \
             order_key = queue_number * $2 WHERE id = $3",
        )
        .bind(id)
        .bind(KEY_STEP)
        .bind(&new.id)
        .execute(&mut *tx)
        .await?;
        new.status = AppointmentStatus::CheckedIn;
        // The visit follows the patient: the old one is cancelled, the new line opens one.
        crate::records::cancel_encounter_in(tx, &old.id, now).await?;
        crate::records::open_encounter_in(tx, &new.id, now).await?;
    }
    settle_money(tx, &old, &new, (target, now), policy).await?;
    record_move_in(
        tx,
        &MoveRecord {
            from_appointment: old.id.clone(),
            to_appointment: new.id.clone(),
            kind: "triage".into(),
            reply: "accepted".into(),
            reply_by: None,
            replied_at: Some(now),
            created_at: now,
        },
    )
    .await?;
    let event = NewEvent {
        kind: "moved",
        patient_id: old.patient_id.clone(),
        reference: format!("Appointment/{}", new.id),
        params: serde_json::json!({"appointment": old.id, "to": new.id}),
    };
    emit_in(tx, &event, now).await?;
    let from = AppointmentRecord {
        status: AppointmentStatus::Cancelled,
        updated_at: now,
        ..old
    };
    Ok(Transfer { from, to: new })
}

/// A move is a booking too: the target session's class may see other ages than the
/// patient's (特需儿科 to 18, 普通儿科 to 14), so the department's one rule decides, as staff
/// apply it at the desk.
async fn admit_moved(
    tx: &mut sqlx::AnyConnection,
    old: &AppointmentRecord,
    class: String,
    departments: &Departments,
) -> Result<(), BookingError> {
    let holder = holder(tx, &old.patient_id)
        .await?
        .ok_or_else(|| BookingError::UnknownPatient(old.patient_id.clone()))?;
    check_admission(
        departments.get(&old.department_id),
        RegistrationClass::from_code(&class),
        &holder.facts(),
        parse_date(&old.session_date)?,
        Booker::Staff,
    )
    .map_err(BookingError::Refused)
}

/// The move's money: the bill follows the patient; a lower fee's difference goes back at
/// once (unless the hospital refuses such moves), a higher fee needs the patient's consent
/// and, when their fee was paid, the difference paid now.
async fn settle_money(
    tx: &mut sqlx::AnyConnection,
    old: &AppointmentRecord,
    new: &AppointmentRecord,
    (target, now): (&str, i64),
    policy: &MovePolicy<'_>,
) -> Result<(), BookingError> {
    let old_fee = session_fee(tx, &old.session_id).await?;
    let new_fee = session_fee(tx, target).await?;
    let held = held_for_appointment_in(tx, &old.id).await?;
    match move_cost(old_fee, new_fee, held) {
        MoveCost::Even => {}
        MoveCost::Cheaper { .. } if !policy.cheaper_allowed => {
            return Err(BookingError::CheaperMoveRefused);
        }
        MoveCost::Cheaper { .. } => {}
        MoveCost::Dearer { difference, .. } if !policy.dearer_accepted => {
            return Err(BookingError::DearerMoveNeedsConsent { difference });
        }
        MoveCost::Dearer { to_pay, .. } if to_pay > 0 && policy.pay_difference.is_none() => {
            return Err(BookingError::DearerMoveNeedsPayment { to_pay });
        }
        MoveCost::Dearer { .. } => {}
    }
    let Some(bill) = move_money_in(tx, old, new, now).await? else {
        return Ok(());
    };
    if held > 0
        && let Some(method) = policy.pay_difference
    {
        pay_in(tx, &bill, method.code(), Some(policy.by), now).await?;
    }
    Ok(())
}

async fn session_fee(tx: &mut sqlx::AnyConnection, id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT fee_fen FROM clinic_sessions WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await
}
