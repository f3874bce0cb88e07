//! Taking a place: one transaction that locks the patient, applies their rules, then takes the
//! slot and pool counters conditionally.
//!
//! Lock order, the same in every transaction so PostgreSQL never deadlocks on it: the
//! patient's booking lock → (PostgreSQL: the session, shared) → appointment rows → slot rows
//! → pool rows (→ the audit chain's head, last). A booking group (`group.rs`) takes each kind for all its requests at once,
//! sorted. A deadlock or serialization failure that still happens (a sweep touching another
//! patient's hold) is retried.

use std::sync::Arc;

use huimin_domain::appointments::{
    AppointmentStatus, BanRule, BookingRefusal, Channel, Closed, ElderlyRule, Period, Pool,
    QuotaRule, SessionFacts, check_open, check_patient, pool_order,
};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::hint::FullSlots;
use super::holder::{admit, holder};
use super::sessions::{SessionRecord, SlotRecord, slot_with_session};
use super::{ACTIVE, APPOINTMENT_COLUMNS, AppointmentRecord, appointment_from_row};
use crate::retry::Retryable;
use crate::sql::is_postgres;
use crate::{NewAuditRecord, Store, StoreError};

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
/// A booking group's answers share one per slot, and its slots share their session's record
/// (copied into every answer, the two were eleven strings allocated per booking).
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
    /// The request joins the booking queue and is decided and committed together with
    /// whatever else queued meanwhile (`queue.rs`, `group.rs`): one transaction and one
    /// fsync for the group, its audit records included.
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

/// Takes a patient's booking lock, the first lock of every change to their places.
pub(crate) async fn lock_patient(
    conn: &mut AnyConnection,
    patient_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO patient_booking_locks (patient_id, version) VALUES ($1, 1) \
         ON CONFLICT (patient_id) DO UPDATE SET version = patient_booking_locks.version + 1",
    )
    .bind(patient_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// PostgreSQL: a shared lock on the slot's session, taken before the session is read (as a
/// booking group takes it, `group.rs`). A stop-clinic marks its session suspended first, so
/// either it waits for this booking's commit and then cancels the booking with the rest, or
/// this booking waits for the stop-clinic's commit and reads the session as suspended.
/// Without it, a booking that read the session just before the stop-clinic and committed
/// just after it was left booked in a stopped clinic.
async fn share_session_of(conn: &mut AnyConnection, slot_id: &str) -> Result<(), StoreError> {
    sqlx::query(
        "SELECT id FROM clinic_sessions \
         WHERE id = (SELECT session_id FROM slots WHERE id = $1) FOR SHARE",
    )
    .bind(slot_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(())
}

/// The booking itself, on a connection inside a transaction (or savepoint) that the caller
/// commits or rolls back.
pub(crate) async fn take_place_in(
    tx: &mut AnyConnection,
    r: &PlaceRequest<'_>,
    full_slots: &FullSlots,
) -> Result<Replay, BookingError> {
    let now = r.now.as_microsecond();
    // The patient lock comes first: it is a write, so on SQLite it also takes the database
    // write lock before anything is read.
    lock_patient(tx, r.patient_id).await?;
    if let (Some(account), Some((key, hash))) = (r.account_id, r.idempotency)
        && let Some(replayed) = replay_in(tx, account, key, hash).await?
    {
        return Ok(replayed);
    }
    let is_elderly = admit(holder(tx, r.patient_id).await?.as_ref(), r)?;
    if is_postgres(tx) {
        share_session_of(tx, r.slot_id).await?;
    }
    let (slot, session) = slot_with_session(tx, r.slot_id)
        .await?
        .ok_or(BookingError::NotFound)?;
    let facts = session_facts(&session)?;
    check_open(&facts, slot.starts_at, r.now, r.on_site, r.tz).map_err(|closed| match closed {
        Closed::Suspended => BookingError::Suspended,
        Closed::Refused(refusal) => BookingError::Refused(refusal),
    })?;
    // Lapsed holds of this patient (anywhere) or in this slot give their places back. Places
    // freed in other slots end those slots' "full" verdicts (rare, so all of them).
    let freed = release_expired_of(tx, r.patient_id, r.slot_id, now).await?;
    if freed.iter().any(|slot| slot != r.slot_id) {
        full_slots.forget_all();
    }

    let today = r.tz.to_datetime(r.now).date();
    let noshows = patient_noshow_dates(tx, r.patient_id).await?;
    let existing = active_bookings(tx, r.patient_id, facts.date).await?;
    let candidate = huimin_domain::appointments::ExistingBooking {
        date: facts.date,
        hospital: facts.hospital.clone(),
        department: facts.department.clone(),
        period: facts.period,
    };
    check_patient(r.quota, r.bans, &noshows, &existing, &candidate, today)?;

    let column = match r.mode {
        BookingMode::Hold { .. } => "held",
        BookingMode::Book => "booked",
    };
    let took = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE slots SET {column} = {column} + 1 WHERE id = $1 AND booked + held < capacity RETURNING id"
    )))
    .bind(r.slot_id)
    .fetch_optional(&mut *tx)
    .await?;
    if took.is_none() {
        return Err(BookingRefusal::SlotFull.into());
    }
    let reserved_released = now >= facts.reserved_release_at;
    let pool = take_pool(tx, r, is_elderly, &session.id, reserved_released).await?;
    let queue_number =
        lowest_free_number(tx, r.slot_id, slot.first_queue_number, slot.capacity).await?;
    let (status, expires) = match r.mode {
        BookingMode::Hold { expires_at } => (AppointmentStatus::Pending, Some(expires_at)),
        BookingMode::Book => (AppointmentStatus::Booked, None),
    };
    let record = AppointmentRecord {
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
        hold_expires_at: expires,
        created_at: now,
        updated_at: now,
    };
    insert_appointment(tx, &record, &session.hospital_id).await?;
    if let (Some(account), Some((key, hash))) = (r.account_id, r.idempotency) {
        sqlx::query(
            "INSERT INTO idempotency_keys (account_id, key, request_hash, appointment_id, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account)
        .bind(key)
        .bind(hash)
        .bind(&record.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let session = Arc::new(session);
    Ok(Replay::Fresh(record, Arc::new(TakenIn { slot, session })))
}

/// Writes a new appointment row (the place is already taken on the slot and pool counters).
pub(crate) async fn insert_appointment(
    conn: &mut AnyConnection,
    a: &AppointmentRecord,
    hospital_id: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO appointments (id, patient_id, account_id, slot_id, session_id, hospital_id, department_id, \
         session_date, period, status, pool, channel, queue_number, hold_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(&a.id)
    .bind(&a.patient_id)
    .bind(a.account_id.clone())
    .bind(&a.slot_id)
    .bind(&a.session_id)
    .bind(hospital_id)
    .bind(&a.department_id)
    .bind(&a.session_date)
    .bind(&a.period)
    .bind(a.status.code())
    .bind(a.pool.code())
    .bind(&a.channel)
    .bind(a.queue_number)
    .bind(a.hold_expires_at)
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub fn channel_code(channel: Channel) -> &'static str {
    match channel {
        Channel::App => "app",
        Channel::Window => "window",
        Channel::Referral => "referral",
    }
}

async fn replay_in(
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

/// Cancels expired holds matching `column = value` and returns their places; how many.
pub(crate) async fn release_expired(
    conn: &mut AnyConnection,
    column: &str,
    value: &str,
    now: i64,
) -> Result<usize, StoreError> {
    let condition = format!("{column} = $2");
    Ok(release_expired_where(conn, &condition, &[value], now)
        .await?
        .len())
}

/// Cancels the expired holds of a patient or in a slot; the slots that got places back.
async fn release_expired_of(
    conn: &mut AnyConnection,
    patient_id: &str,
    slot_id: &str,
    now: i64,
) -> Result<Vec<String>, StoreError> {
    let condition = "(patient_id = $2 OR slot_id = $3)";
    release_expired_where(conn, condition, &[patient_id, slot_id], now).await
}

/// `condition` uses `$2`, `$3`, … for `values`; the last placeholder is the instant.
async fn release_expired_where(
    conn: &mut AnyConnection,
    condition: &str,
    values: &[&str],
    now: i64,
) -> Result<Vec<String>, StoreError> {
    let until = format!("${}", values.len() + 2);
    let sql = lapse_statement("$1", condition, &until);
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now);
    for value in values {
        query = query.bind(value.to_string());
    }
    let rows = query.bind(now).fetch_all(&mut *conn).await?;
    let mut slots = Vec::with_capacity(rows.len());
    for row in &rows {
        slots.push(give_back_lapsed(conn, row, now).await?);
    }
    Ok(slots)
}

/// Cancels the pending holds matching `condition` whose time has run out (`now` and `until`
/// are the placeholders of the current instant), answering each one's
/// `slot_id, session_id, pool, id` for [`give_back_lapsed`].
pub(crate) fn lapse_statement(now: &str, condition: &str, until: &str) -> String {
    format!(
        "UPDATE appointments SET status = 'cancelled', updated_at = {now} \
         WHERE {condition} AND status = 'pending' AND hold_expires_at <= {until} \
         RETURNING slot_id, session_id, pool, id"
    )
}

/// Gives a lapsed hold's place back to its slot and pool and ends its waitlist offer; the slot.
pub(crate) async fn give_back_lapsed(
    conn: &mut AnyConnection,
    row: &AnyRow,
    now: i64,
) -> Result<String, StoreError> {
    let (slot, session, pool): (String, String, String) =
        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    return_place(conn, &slot, &session, &pool, "held").await?;
    let appointment: String = row.try_get(3)?;
    settle_offer(conn, &appointment, "lapsed", now).await?;
    Ok(slot)
}

/// A waitlist offer (a hold made for a waiting patient) ends with its hold: `booked` when
/// confirmed, `lapsed` when it expired, `declined` when the patient cancelled it.
pub(crate) async fn settle_offer(
    conn: &mut AnyConnection,
    appointment_id: &str,
    status: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE waitlist_entries SET status = $1, updated_at = $2 WHERE appointment_id = $3 AND status = 'offered'",
    )
    .bind(status)
    .bind(now)
    .bind(appointment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Gives one place back to its slot counter (`held` or `booked`) and pool.
pub(crate) async fn return_place(
    conn: &mut AnyConnection,
    slot: &str,
    session: &str,
    pool: &str,
    counter: &str,
) -> Result<(), StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE slots SET {counter} = {counter} - 1 WHERE id = $1 AND {counter} > 0"
    )))
    .bind(slot)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE session_pools SET used = used - 1 WHERE session_id = $1 AND pool = $2 AND used > 0",
    )
    .bind(session)
    .bind(pool)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn take_pool(
    conn: &mut AnyConnection,
    r: &PlaceRequest<'_>,
    is_elderly: bool,
    session_id: &str,
    reserved_released: bool,
) -> Result<Pool, BookingError> {
    let pools = pool_order(r.channel, is_elderly, r.has_referral, reserved_released);
    for pool in pools {
        let took = sqlx::query("UPDATE session_pools SET used = used + 1 WHERE session_id = $1 AND pool = $2 AND used < capacity RETURNING pool")
            .bind(session_id)
            .bind(pool.code())
            .fetch_optional(&mut *conn)
            .await?;
        if took.is_some() {
            return Ok(pool);
        }
    }
    Err(BookingRefusal::SlotFull.into())
}

/// The lowest queue number of the slot not held by an active appointment. The slot row is
/// already locked by this transaction's counter update, so no one else picks concurrently.
/// The statement asks by slot only, and the status is checked here: asked by status too,
/// PostgreSQL with stale statistics (a fresh session's first bookings) intersected the slot's
/// index with the partial index of every active appointment, a scan that grows with the table.
pub(crate) async fn lowest_free_number(
    conn: &mut AnyConnection,
    slot_id: &str,
    first: i64,
    capacity: i64,
) -> Result<i64, StoreError> {
    let rows = sqlx::query("SELECT queue_number, status FROM appointments WHERE slot_id = $1")
        .bind(slot_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut taken = std::collections::HashSet::new();
    for row in &rows {
        let status: String = row.try_get(1)?;
        let status = AppointmentStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
        if status.is_active() {
            taken.insert(row.try_get::<i64, _>(0)?);
        }
    }
    huimin_domain::appointments::lowest_free_number(first, capacity, |n| taken.contains(&n))
        .ok_or_else(|| StoreError::Corrupt(format!("slot {slot_id} has no free queue number")))
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

async fn patient_noshow_dates(
    conn: &mut AnyConnection,
    patient_id: &str,
) -> Result<Vec<Date>, StoreError> {
    let rows = sqlx::query("SELECT session_date FROM noshows WHERE patient_id = $1")
        .bind(patient_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| parse_date(&r.try_get::<String, _>(0)?))
        .collect()
}

/// The patient's appointments that hold a place, within ±100 days of `around` (enough for
/// the week, month and quarter windows).
async fn active_bookings(
    conn: &mut AnyConnection,
    patient_id: &str,
    around: Date,
) -> Result<
    Vec<(
        huimin_domain::appointments::ExistingBooking,
        AppointmentStatus,
    )>,
    StoreError,
> {
    let span = jiff::Span::new().days(100);
    let from = around.checked_sub(span).unwrap_or(around).to_string();
    let to = around.checked_add(span).unwrap_or(around).to_string();
    let sql = format!(
        "SELECT session_date, hospital_id, department_id, period, status FROM appointments \
         WHERE patient_id = $1 AND status IN {ACTIVE} AND session_date >= $2 AND session_date <= $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(patient_id)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let date: String = row.try_get(0)?;
            let period: String = row.try_get(3)?;
            let status: String = row.try_get(4)?;
            Ok((
                huimin_domain::appointments::ExistingBooking {
                    date: date
                        .parse()
                        .map_err(|_| StoreError::Corrupt(format!("date {date}")))?,
                    hospital: row.try_get(1)?,
                    department: row.try_get(2)?,
                    period: Period::from_code(&period)
                        .ok_or_else(|| StoreError::Corrupt(format!("period {period}")))?,
                },
                AppointmentStatus::from_code(&status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
            ))
        })
        .collect()
}
