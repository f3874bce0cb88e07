//! Taking a place: the request, its answers and errors, and the appointment row a place
//! taken becomes. Every request goes to the group-commit writer (`group_writer.rs`), which
//! decides it with the others that arrived meanwhile (`group/`); a request runs alone
//! ([`alone`]) when its group falls back, or inside another transaction (a waitlist
//! promotion).
//!
//! Lock order, the same in every transaction so PostgreSQL never deadlocks on it: the
//! patient's booking lock → (PostgreSQL: the session, shared) → appointment rows → slot rows
//! → pool rows (→ the audit chain's head, last). A booking group takes each kind for all its
//! requests at once, sorted. A deadlock or serialization failure that still happens (a sweep
//! touching another patient's hold) is retried.

mod alone;
mod lapse;

use std::sync::Arc;

use huimin_domain::appointments::{
    AppointmentStatus, BanRule, BookingRefusal, Channel, ElderlyRule, Period, Pool, QuotaRule,
    SessionFacts,
};
use huimin_domain::directory::Departments;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sqlx::{AnyConnection, Row};

use super::sessions::{SessionRecord, SlotRecord};
use super::{APPOINTMENT_COLUMNS, AppointmentRecord, appointment_from_row};
use crate::retry::Retryable;
use crate::{NewAuditRecord, Store, StoreError};

pub(crate) use alone::{insert_appointment, lock_patient, lowest_free_number, take_place_in};
pub(crate) use lapse::{
    give_back_lapsed, lapse_statement, release_expired, return_place, settle_offer,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingMode {
    /// Hold one place pending payment until the instant (µs).
    Hold { expires_at: i64 },
    /// Book directly (free, or paid at the desk).
    Book,
}

#[derive(Clone, Debug)]
pub struct PlaceRequest<'a> {
    pub slot_id: &'a str,
    pub patient_id: &'a str,
    pub account_id: Option<&'a str>,
    pub channel: Channel,
    /// The hospital's elderly age; the patient's birth date is read with the booking.
    pub elderly: &'a ElderlyRule,
    pub has_referral: bool,
    pub mode: BookingMode,
    pub now: Timestamp,
    pub tz: &'a TimeZone,
    pub quota: &'a QuotaRule,
    pub bans: &'a BanRule,
    /// Staff booking in person (walk-ins, extra places): allowed until the session ends rather
    /// than until the slot starts.
    pub on_site: bool,
    /// `(Idempotency-Key, hash of the request)`, scoped to `account_id`.
    pub idempotency: Option<(&'a str, &'a str)>,
    /// The audit record of the booking, written in the transaction that takes the place;
    /// its `resource` becomes the appointment's reference.
    pub audit: Option<&'a NewAuditRecord>,
    /// The hospital's departments: whom each sees and whether it is booked at all, checked
    /// against the patient's facts as the place is taken.
    pub departments: &'a Departments,
}

/// The appointment row of a place just taken for `r` in a slot of `session`, with its pool and
/// queue number: the one place a new booking's row is made, for a booking alone and a group.
pub(crate) fn new_place(
    r: &PlaceRequest<'_>,
    session: &SessionRecord,
    pool: Pool,
    queue_number: i64,
) -> AppointmentRecord {
    let (status, hold_expires_at) = match r.mode {
        BookingMode::Hold { expires_at } => (AppointmentStatus::Pending, Some(expires_at)),
        BookingMode::Book => (AppointmentStatus::Booked, None),
    };
    let at = r.now.as_microsecond();
    AppointmentRecord {
        id: super::new_appointment_id(),
        patient_id: r.patient_id.to_owned(),
        account_id: r.account_id.map(str::to_owned),
        slot_id: r.slot_id.to_owned(),
        session_id: session.id.clone(),
        department_id: session.department_id.clone(),
        session_date: session.session_date.clone(),
        period: session.period.clone(),
        status,
        pool,
        channel: channel_code(r.channel).to_owned(),
        queue_number,
        hold_expires_at,
        created_at: at,
        updated_at: at,
        cancel_reason: None,
    }
}

/// The audit record of a place taken (or replayed) for `request`.
pub(crate) fn booking_audit(template: &NewAuditRecord, replay: &Replay) -> NewAuditRecord {
    NewAuditRecord {
        resource: format!("Appointment/{}", replay.appointment().id),
        ..template.clone()
    }
}

/// The audit records of a group's places taken or replayed, in request order (requests
/// refused, or without an audit template, have none).
pub(crate) fn booking_audits(
    requests: &[PlaceRequest<'_>],
    outcomes: &[Result<Replay, BookingError>],
) -> Vec<NewAuditRecord> {
    requests
        .iter()
        .zip(outcomes)
        .filter_map(|(request, outcome)| {
            Some(booking_audit(request.audit?, outcome.as_ref().ok()?))
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("{0}")]
    Refused(BookingRefusal),
    #[error("no such slot or appointment")]
    NotFound,
    #[error("no such patient: {0}")]
    UnknownPatient(String),
    #[error("the clinic session is suspended")]
    Suspended,
    #[error("the hold has expired or is no longer pending")]
    HoldExpired,
    #[error("the Idempotency-Key was used before for a different request")]
    IdempotencyMismatch,
    #[error("an appointment in status {} cannot be paid for", .status.en())]
    NotPayable { status: AppointmentStatus },
    #[error("this session has no fee to pay")]
    NoFee,
    #[error("an appointment in status {} cannot be moved", .status.en())]
    NotMovable { status: AppointmentStatus },
    #[error("a patient can only be moved to another active session of the same department and day")]
    WrongTarget,
    #[error("the other session has no place left")]
    TargetFull,
    #[error("the patient already has a place in the other session")]
    AlreadyInTarget,
    #[error("this hospital does not move patients to a lower fee")]
    CheaperMoveRefused,
    #[error("the other doctor's fee is {difference} fen higher: the patient must accept it")]
    DearerMoveNeedsConsent { difference: i64 },
    #[error("the patient must pay the difference of {to_pay} fen to move")]
    DearerMoveNeedsPayment { to_pay: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BookingError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

impl From<BookingRefusal> for BookingError {
    fn from(refusal: BookingRefusal) -> Self {
        Self::Refused(refusal)
    }
}

/// A fresh result, or the stored one for a retried request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replay {
    /// A place just taken, with the slot and session it was taken in, as the transaction
    /// read them (their times, doctor and room, for the answer, which then needs no read;
    /// the slot's counters are from before the place was taken).
    Fresh(AppointmentRecord, Arc<TakenIn>),
    Replayed(AppointmentRecord),
}

impl Replay {
    pub fn appointment(&self) -> &AppointmentRecord {
        match self {
            Self::Fresh(a, _) | Self::Replayed(a) => a,
        }
    }

    /// The slot and session of a fresh place.
    pub fn taken_in(&self) -> Option<(&SlotRecord, &SessionRecord)> {
        match self {
            Self::Fresh(_, taken_in) => Some((&taken_in.slot, &taken_in.session)),
            Self::Replayed(_) => None,
        }
    }
}

/// The slot a place was taken in, with its session, as the deciding transaction read them.
/// A booking group's answers share one per slot, and its slots share their session's record,
/// rather than copying eleven strings into every answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TakenIn {
    pub slot: SlotRecord,
    pub session: Arc<SessionRecord>,
}

impl Retryable for BookingError {
    fn is_retryable(&self) -> bool {
        matches!(self, BookingError::Store(err) if err.is_retryable())
    }
}

impl Store {
    /// Holds or books one place in a slot for a patient.
    ///
    /// The request goes to the group-commit writer and is decided and committed together
    /// with whatever else arrived meanwhile (`group_writer.rs`, `group/`): one transaction
    /// and one fsync for the group, its audit records included.
    /// Callers facing a crowd run [`Store::sold_out_answer`] first.
    pub async fn take_place(&self, request: &PlaceRequest<'_>) -> Result<Replay, BookingError> {
        self.bookings.submit(request).await
    }

    /// How this process's booking groups went.
    pub fn booking_group_stats(&self) -> super::GroupStats {
        self.bookings.stats()
    }

    /// The sold-out fast path: answers the common flash-crowd case without the write lock,
    /// from this process's memory of full slots (which the group writer keeps).
    /// `Err(SlotFull)` only when the slot is remembered full; a retry of an earlier success
    /// gets its answer (`Ok(Some)`); otherwise `Ok(None)` and the group in `take_place`
    /// decides (a slot filled by another process is found full there, and remembered).
    /// Callers may run it before costlier work.
    pub async fn sold_out_answer(
        &self,
        request: &PlaceRequest<'_>,
    ) -> Result<Option<Replay>, BookingError> {
        if !self
            .full_slots
            .is_full(request.slot_id, request.now.as_microsecond())
        {
            return Ok(None);
        }
        match self.replay(request).await? {
            Some(replayed) => Ok(Some(replayed)),
            None => Err(BookingRefusal::SlotFull.into()),
        }
    }

    async fn replay(&self, request: &PlaceRequest<'_>) -> Result<Option<Replay>, BookingError> {
        let (Some(account), Some((key, hash))) = (request.account_id, request.idempotency) else {
            return Ok(None);
        };
        let mut conn = self.pool.acquire().await?;
        replay_in(&mut conn, account, key, hash).await
    }
}

pub(crate) fn is_unique_violation(err: &BookingError) -> bool {
    matches!(err, BookingError::Store(StoreError::Database(e)) if StoreError::is_unique_violation(e))
}

/// After a unique violation (rolled back): either a concurrent retry with the same
/// Idempotency-Key committed first, or the patient already has a place in the session.
pub(crate) async fn settle_unique_violation(
    conn: &mut AnyConnection,
    r: &PlaceRequest<'_>,
) -> Result<Replay, BookingError> {
    if let (Some(account), Some((key, hash))) = (r.account_id, r.idempotency)
        && let Some(replayed) = replay_in(conn, account, key, hash).await?
    {
        return Ok(replayed);
    }
    Err(BookingError::Refused(
        BookingRefusal::SameSessionDepartment {
            limit: r.quota.per_session_department,
        },
    ))
}

pub fn channel_code(channel: Channel) -> &'static str {
    match channel {
        Channel::App => "app",
        Channel::Window => "window",
        Channel::Referral => "referral",
    }
}

pub(super) async fn replay_in(
    conn: &mut AnyConnection,
    account: &str,
    key: &str,
    hash: &str,
) -> Result<Option<Replay>, BookingError> {
    let row = sqlx::query("SELECT request_hash, appointment_id FROM idempotency_keys WHERE account_id = $1 AND key = $2")
        .bind(account)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let stored_hash: String = row.try_get(0)?;
    if stored_hash != hash {
        return Err(BookingError::IdempotencyMismatch);
    }
    let appointment_id: String = row.try_get(1)?;
    let record = fetch_appointment(conn, &appointment_id)
        .await?
        .ok_or(BookingError::NotFound)?;
    Ok(Some(Replay::Replayed(record)))
}

pub(crate) async fn fetch_appointment(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<AppointmentRecord>, StoreError> {
    let sql = format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(appointment_from_row).transpose()
}

/// What the booking rules need of a stored session.
pub(crate) fn session_facts(session: &SessionRecord) -> Result<SessionFacts, StoreError> {
    Ok(SessionFacts {
        hospital: session.hospital_id.clone(),
        department: session.department_id.clone(),
        date: parse_date(&session.session_date)?,
        period: parse_period(&session.period)?,
        active: session.status == "active",
        release_at: session.release_at,
        ends_at: session.ends_at,
        reserved_release_at: session.reserved_release_at,
    })
}

pub(crate) fn parse_date(text: &str) -> Result<Date, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("date {text}")))
}

pub(crate) fn parse_period(code: &str) -> Result<Period, StoreError> {
    Period::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("period {code}")))
}

/// Tells the patient of a place just booked (not a hold, not a replay), in the booking's
/// transaction: the group writer's batch does the same for a decided group.
pub(crate) async fn tell_booked_in(
    conn: &mut sqlx::AnyConnection,
    replay: &Replay,
) -> Result<(), StoreError> {
    let Replay::Fresh(record, _) = replay else {
        return Ok(());
    };
    if record.status != AppointmentStatus::Booked {
        return Ok(());
    }
    let event = crate::messages::NewEvent {
        kind: "booked",
        patient_id: record.patient_id.clone(),
        reference: format!("Appointment/{}", record.id),
        params: serde_json::json!({"appointment": record.id}),
    };
    crate::messages::emit_in(conn, &event, record.created_at).await?;
    Ok(())
}
