//! Queue calling storage: the waiting line of a session, calling the next patient, recalling,
//! passing (过号), triage priority, and the log of calls the waiting-area screens show. Each
//! change is one transaction that first writes the session row, so two doctors' clicks (or
//! two server processes) on one session take turns.

use huimin_domain::appointments::{KEY_STEP, Waiting, calling_order, rejoin_key};
use sqlx::{AnyConnection, Row};

use crate::billing::mark_performed_in;
use crate::messages::{NewEvent, emit_in};
use crate::{Store, StoreError};

/// One checked-in patient of a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    pub appointment_id: String,
    pub patient_id: String,
    pub queue_number: i64,
    pub priority: bool,
    /// The stored priority: 0 none, else a `PriorityGroup`'s number.
    pub priority_level: i64,
    pub order_key: i64,
    pub called_at: Option<i64>,
    pub passes: i64,
}

/// A session's line: the patient called in (if any) and those waiting, in calling order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SessionQueue {
    pub current: Option<QueueEntry>,
    pub waiting: Vec<QueueEntry>,
}

impl SessionQueue {
    /// How many are ahead of an appointment still waiting.
    pub fn ahead_of(&self, appointment_id: &str) -> Option<usize> {
        self.waiting
            .iter()
            .position(|w| w.appointment_id == appointment_id)
    }
}

/// How a session's line stands, in numbers: for lists of sessions, which need no names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineSummary {
    /// Checked in, not called.
    pub waiting: usize,
    /// Booked, not yet arrived.
    pub expected: usize,
    /// The queue number called in, if any.
    pub serving: Option<i64>,
    /// Changes whenever anything about the line changes (who is in it, its order, calls,
    /// priorities, passes): live pages watch it instead of reading the names every second.
    pub version: u64,
}

/// One call (or recall) shown on a waiting-area screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRecord {
    pub session_id: String,
    pub appointment_id: String,
    pub patient_id: String,
    pub queue_number: i64,
    pub room_id: Option<String>,
    /// `call` or `recall`.
    pub kind: String,
    pub called_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("no such clinic session")]
    NoSession,
    #[error("a patient is still called in; mark them seen or passed first")]
    Busy(QueueEntry),
    #[error("nobody is waiting")]
    NobodyWaiting,
    #[error("nobody is called in")]
    NobodyCalled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CallError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}

/// `order_key` is set at check-in; the fallback only covers rows checked in before it existed.
fn entry_columns() -> String {
    format!(
        "id, patient_id, queue_number, priority, COALESCE(order_key, queue_number * {KEY_STEP}), called_at, passes"
    )
}

fn entry_from_row(row: &sqlx::any::AnyRow) -> Result<QueueEntry, StoreError> {
    let priority: i64 = row.try_get(3)?;
    Ok(QueueEntry {
        appointment_id: row.try_get(0)?,
        patient_id: row.try_get(1)?,
        queue_number: row.try_get(2)?,
        priority: priority != 0,
        priority_level: priority,
        order_key: row.try_get(4)?,
        called_at: row.try_get(5)?,
        passes: row.try_get(6)?,
    })
}

async fn read_queue(
    conn: &mut AnyConnection,
    session_id: &str,
) -> Result<SessionQueue, StoreError> {
    let sql = format!(
        "SELECT {} FROM appointments WHERE session_id = $1 AND status = 'checked-in'",
        entry_columns()
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(session_id)
        .fetch_all(&mut *conn)
        .await?;
    let entries: Vec<QueueEntry> = rows.iter().map(entry_from_row).collect::<Result<_, _>>()?;
    let mut current: Option<QueueEntry> = None;
    let mut waiting = Vec::new();
    for entry in entries {
        if entry.called_at.is_some() {
            // Should there ever be two, the one called last is in the room.
            if current
                .as_ref()
                .is_none_or(|c| c.called_at < entry.called_at)
            {
                current = Some(entry);
            }
        } else {
            waiting.push(entry);
        }
    }
    let mut order: Vec<Waiting> = waiting
        .iter()
        .map(|e| Waiting {
            appointment_id: e.appointment_id.clone(),
            priority: e.priority,
            order_key: e.order_key,
        })
        .collect();
    calling_order(&mut order);
    let waiting = order
        .iter()
        .filter_map(|o| {
            waiting
                .iter()
                .find(|e| e.appointment_id == o.appointment_id)
                .cloned()
        })
        .collect();
    Ok(SessionQueue { current, waiting })
}

/// Takes the session's turn: a write first, so concurrent changes to one line serialise
/// (and SQLite takes its write lock before reading).
async fn lock_session(
    conn: &mut AnyConnection,
    session_id: &str,
) -> Result<(String, Option<String>), CallError> {
    let row = sqlx::query(
        "UPDATE clinic_sessions SET status = status WHERE id = $1 RETURNING department_id, room_id",
    )
    .bind(session_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(CallError::NoSession)?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

async fn log_call(
    conn: &mut AnyConnection,
    session_id: &str,
    department_id: &str,
    room_id: Option<&str>,
    entry: &QueueEntry,
    kind: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO calls (id, session_id, department_id, appointment_id, patient_id, queue_number, room_id, kind, called_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(session_id)
    .bind(department_id)
    .bind(&entry.appointment_id)
    .bind(&entry.patient_id)
    .bind(entry.queue_number)
    .bind(room_id.map(str::to_owned))
    .bind(kind)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Calls a waiting patient in.
const CALL: &str =
    "called_at = $1, updated_at = $1 WHERE id = $2 AND status = 'checked-in' AND called_at IS NULL";
/// Calls the patient in the room again.
const RECALL: &str = "called_at = $1, updated_at = $1 WHERE id = $2 AND status = 'checked-in' AND called_at IS NOT NULL";
/// Sends the patient in the room back into the line at key `$3`.
const PASS: &str = "called_at = NULL, order_key = $3, passes = passes + 1, updated_at = $1 \
     WHERE id = $2 AND status = 'checked-in' AND called_at IS NOT NULL";

/// One change to a patient in the line, made only if they are still where the caller saw
/// them; whether it was.
async fn update_in_line(
    conn: &mut AnyConnection,
    change: &str,
    appointment_id: &str,
    now: i64,
    key: Option<i64>,
) -> Result<bool, StoreError> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE appointments SET {change}"
    )))
    .bind(now)
    .bind(appointment_id);
    if let Some(key) = key {
        query = query.bind(key);
    }
    Ok(query.execute(&mut *conn).await?.rows_affected() == 1)
}

impl Store {
    /// A session's line as it is now.
    pub async fn session_queue(&self, session_id: &str) -> Result<SessionQueue, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_queue(&mut conn, session_id).await
    }

    /// A session's line in numbers, in one read.
    pub async fn line_summary(&self, session_id: &str) -> Result<LineSummary, StoreError> {
        let rows = sqlx::query(
            "SELECT status, called_at, queue_number, id, priority, order_key, passes FROM appointments \
             WHERE slot_id IN (SELECT id FROM slots WHERE session_id = $1) AND status IN ('booked', 'checked-in') \
             ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        let mut summary = LineSummary::default();
        let mut last_called = None;
        let mut version = std::hash::DefaultHasher::new();
        for row in &rows {
            let status: String = row.try_get(0)?;
            let called_at: Option<i64> = row.try_get(1)?;
            let facts: (String, i64, Option<i64>, i64) = (
                row.try_get(3)?,
                row.try_get(4)?,
                row.try_get(5)?,
                row.try_get(6)?,
            );
            std::hash::Hash::hash(&(&status, called_at, facts), &mut version);
            match (status.as_str(), called_at) {
                ("booked", _) => summary.expected += 1,
                (_, None) => summary.waiting += 1,
                (_, Some(at)) => {
                    // As in the line itself: the one called last is in the room.
                    if last_called.is_none_or(|last| at > last) {
                        last_called = Some(at);
                        summary.serving = Some(row.try_get(2)?);
                    }
                }
            }
        }
        summary.version = std::hash::Hasher::finish(&version);
        Ok(summary)
    }

    /// Patients booked into a session who have not checked in yet, by queue number: whom the
    /// triage desk expects.
    pub async fn expected_patients(&self, session_id: &str) -> Result<Vec<QueueEntry>, StoreError> {
        let sql = format!(
            // Through the slots, so the (slot, status) index serves it: appointments have no
            // index on the session for booked rows, and booking should not pay for one.
            "SELECT {} FROM appointments WHERE slot_id IN (SELECT id FROM slots WHERE session_id = $1) \
             AND status = 'booked' ORDER BY queue_number",
            entry_columns()
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Calls the first patient waiting into the room (their registration is then given: no
    /// longer refundable), and tells them, and the patient who now has `ready_when_ahead`
    /// patients before their turn to get ready. Refused while another is called in.
    pub async fn call_next(
        &self,
        session_id: &str,
        ready_when_ahead: u32,
        now: i64,
    ) -> Result<QueueEntry, CallError> {
        let mut tx = self.writer.begin().await?;
        let (department, room) = lock_session(&mut tx, session_id).await?;
        let queue = read_queue(&mut tx, session_id).await?;
        if let Some(current) = queue.current {
            return Err(CallError::Busy(current));
        }
        // Changes that take a patient out of the line (a triage move, a cancellation) lock
        // the appointment, not the session: each update re-checks the row, and a patient who
        // has just left is skipped for the next one.
        let mut next = None;
        let mut rest = queue.waiting.into_iter();
        for candidate in rest.by_ref() {
            if update_in_line(&mut tx, CALL, &candidate.appointment_id, now, None).await? {
                next = Some(candidate);
                break;
            }
        }
        let mut next = next.ok_or(CallError::NobodyWaiting)?;
        next.called_at = Some(now);
        mark_performed_in(&mut tx, &next.appointment_id, now).await?;
        crate::records::start_encounter_in(&mut tx, &next.appointment_id, now).await?;
        crate::orders::called_in(&mut tx, &next.appointment_id, now).await?;
        tell(&mut tx, "called", &next, now).await?;
        let ready = (ready_when_ahead as usize)
            .checked_sub(1)
            .and_then(|i| rest.nth(i));
        if let Some(ready) = ready {
            get_ready(&mut tx, &ready, ready_when_ahead, now).await?;
        }
        log_call(
            &mut tx,
            session_id,
            &department,
            room.as_deref(),
            &next,
            "call",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// Calls the patient in the room again (they have not come).
    pub async fn recall(&self, session_id: &str, now: i64) -> Result<QueueEntry, CallError> {
        let mut tx = self.writer.begin().await?;
        let (department, room) = lock_session(&mut tx, session_id).await?;
        let mut current = read_queue(&mut tx, session_id)
            .await?
            .current
            .ok_or(CallError::NobodyCalled)?;
        if !update_in_line(&mut tx, RECALL, &current.appointment_id, now, None).await? {
            return Err(CallError::NobodyCalled);
        }
        crate::records::start_encounter_in(&mut tx, &current.appointment_id, now).await?;
        current.called_at = Some(now);
        log_call(
            &mut tx,
            session_id,
            &department,
            room.as_deref(),
            &current,
            "recall",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(current)
    }

    /// Passes (过号) the patient called in who did not come: back into the line after
    /// `rejoin_after` others.
    pub async fn pass_current(
        &self,
        session_id: &str,
        rejoin_after: u32,
        now: i64,
    ) -> Result<QueueEntry, CallError> {
        let mut tx = self.writer.begin().await?;
        lock_session(&mut tx, session_id).await?;
        let queue = read_queue(&mut tx, session_id).await?;
        let mut current = queue.current.ok_or(CallError::NobodyCalled)?;
        let keys: Vec<i64> = queue
            .waiting
            .iter()
            .filter(|w| !w.priority)
            .map(|w| w.order_key)
            .collect();
        let key = rejoin_key(&keys, rejoin_after);
        if !update_in_line(&mut tx, PASS, &current.appointment_id, now, Some(key)).await? {
            return Err(CallError::NobodyCalled);
        }
        tell(&mut tx, "passed", &current, now).await?;
        tx.commit().await?;
        current.called_at = None;
        current.order_key = key;
        current.passes += 1;
        Ok(current)
    }

    /// Sets (a `PriorityGroup`'s number) or clears (0) an appointment's triage priority; whether it is checked in (only a
    /// patient in the line can be moved up).
    pub async fn set_priority(&self, appointment_id: &str, level: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE appointments SET priority = $1 WHERE id = $2 AND status = 'checked-in'",
        )
        .bind(level)
        .bind(appointment_id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// A department's calls since `since`, latest first.
    pub async fn recent_calls(
        &self,
        department_id: &str,
        since: i64,
        limit: u32,
    ) -> Result<Vec<CallRecord>, StoreError> {
        let sql = format!(
            "SELECT session_id, appointment_id, patient_id, queue_number, room_id, kind, called_at \
             FROM calls WHERE department_id = $1 AND called_at >= $2 ORDER BY called_at DESC LIMIT {limit}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(department_id)
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CallRecord {
                    session_id: r.try_get(0)?,
                    appointment_id: r.try_get(1)?,
                    patient_id: r.try_get(2)?,
                    queue_number: r.try_get(3)?,
                    room_id: r.try_get(4)?,
                    kind: r.try_get(5)?,
                    called_at: r.try_get(6)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// The sessions of these doctor's posts on one day, by start time.
    pub async fn sessions_of_roles_on(
        &self,
        role_ids: &[String],
        date: &str,
    ) -> Result<Vec<super::SessionRecord>, StoreError> {
        if role_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {} FROM clinic_sessions WHERE session_date = $1 AND practitioner_role_id IN ({}) ORDER BY starts_at",
            super::sessions::SESSION_COLUMNS,
            crate::sql::placeholders(2, role_ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date);
        for id in role_ids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(super::sessions::session_from_row).collect()
    }

    /// A department's sessions on a date (any status), in time order.
    pub async fn sessions_of_department_on(
        &self,
        department_id: &str,
        date: &str,
    ) -> Result<Vec<super::SessionRecord>, StoreError> {
        let sql = format!(
            "SELECT {} FROM clinic_sessions WHERE department_id = $1 AND session_date = $2 ORDER BY starts_at, id",
            super::sessions::SESSION_COLUMNS
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(department_id)
            .bind(date)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(super::sessions::session_from_row).collect()
    }
}

async fn tell(
    conn: &mut AnyConnection,
    kind: &'static str,
    entry: &QueueEntry,
    now: i64,
) -> Result<(), StoreError> {
    let event = NewEvent {
        kind,
        patient_id: entry.patient_id.clone(),
        reference: format!("Appointment/{}", entry.appointment_id),
        params: serde_json::json!({"appointment": entry.appointment_id}),
    };
    emit_in(conn, &event, now).await?;
    Ok(())
}

/// Tells a waiting patient to get ready, once per appointment (a line that changes order
/// can bring a patient to that place twice).
async fn get_ready(
    conn: &mut AnyConnection,
    entry: &QueueEntry,
    ahead: u32,
    now: i64,
) -> Result<(), StoreError> {
    let reference = format!("Appointment/{}", entry.appointment_id);
    let told =
        sqlx::query("SELECT 1 FROM outbox_events WHERE reference = $1 AND kind = 'three-ahead'")
            .bind(&reference)
            .fetch_optional(&mut *conn)
            .await?;
    if told.is_some() {
        return Ok(());
    }
    let event = NewEvent {
        kind: "three-ahead",
        patient_id: entry.patient_id.clone(),
        reference,
        params: serde_json::json!({"appointment": entry.appointment_id, "ahead": ahead}),
    };
    emit_in(conn, &event, now).await?;
    Ok(())
}
