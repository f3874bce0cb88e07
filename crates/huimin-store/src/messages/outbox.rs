//! The transactional outbox (`docs/design/messages.md`): [`emit_in`] writes an event and its
//! deliveries in the caller's transaction; workers claim due deliveries by lease, deliver
//! them and settle them. Delivery is at least once; receivers drop repeats by event id.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::{Backend, Store, StoreError};

/// The channels every new event is delivered to.
pub const CHANNELS: &[&str] = &["in-app"];

/// An event to tell a patient: facts, not texts (the worker renders them).
#[derive(Clone, Debug, PartialEq)]
pub struct NewEvent {
    pub kind: &'static str,
    pub patient_id: String,
    /// What it is about: `Appointment/<id>`, `Schedule/<id>`, `Invoice/<id>`.
    pub reference: String,
    pub params: Value,
}

/// A delivery claimed by a worker, with its event.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    pub event_id: String,
    pub channel: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub kind: String,
    pub patient_id: String,
    pub reference: String,
    pub params: Value,
    pub created_at: i64,
}

/// Writes an event and one pending delivery per channel in `conn`'s transaction; its id.
pub(crate) async fn emit_in(
    conn: &mut AnyConnection,
    event: &NewEvent,
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO outbox_events (id, kind, patient_id, reference, params, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(event.kind)
    .bind(&event.patient_id)
    .bind(&event.reference)
    .bind(event.params.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for channel in CHANNELS {
        sqlx::query(
            "INSERT INTO outbox_deliveries (event_id, channel, status, attempts, due_at) \
             VALUES ($1, $2, 'pending', 0, $3)",
        )
        .bind(&id)
        .bind(*channel)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

impl Store {
    /// Claims up to `limit` due deliveries until `now + lease` (another worker takes them
    /// once the lease runs out, so a worker that dies loses nothing). On PostgreSQL rows
    /// another worker is claiming are skipped, not waited for.
    pub async fn claim_deliveries(
        &self,
        now: i64,
        lease: i64,
        limit: u32,
    ) -> Result<Vec<Due>, StoreError> {
        let skip_locked = match self.backend {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE outbox_deliveries SET leased_until = $1, attempts = attempts + 1 \
             WHERE (event_id, channel) IN (SELECT event_id, channel FROM outbox_deliveries \
               WHERE status = 'pending' AND due_at <= $2 \
               AND (leased_until IS NULL OR leased_until <= $3) \
               ORDER BY due_at LIMIT {limit}{skip_locked}) \
             RETURNING event_id, channel, attempts"
        );
        let mut tx = self.writer.begin().await?;
        let claimed = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now + lease)
            .bind(now)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
        let ids: Vec<String> = claimed
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let events = read_events(&mut tx, &ids).await?;
        let mut due = Vec::with_capacity(claimed.len());
        for row in &claimed {
            let event_id: String = row.try_get(0)?;
            let Some(event) = events.iter().find(|e| e.0 == event_id) else {
                return Err(StoreError::Corrupt(format!(
                    "delivery without event {event_id}"
                )));
            };
            due.push(Due {
                event_id,
                channel: row.try_get(1)?,
                attempts: row.try_get(2)?,
                kind: event.1.clone(),
                patient_id: event.2.clone(),
                reference: event.3.clone(),
                params: event.4.clone(),
                created_at: event.5,
            });
        }
        tx.commit().await?;
        due.sort_by_key(|d| d.created_at);
        Ok(due)
    }

    /// The in-app channel: the message goes into the patient's inbox under the event's id
    /// (a repeat is dropped) and the delivery is settled, in one transaction.
    pub async fn deliver_in_app(
        &self,
        due: &Due,
        (zh, en): (&str, &str),
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO notifications (id, patient_id, kind, text_zh, text_en, reference, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&due.event_id)
        .bind(&due.patient_id)
        .bind(&due.kind)
        .bind(zh)
        .bind(en)
        .bind(&due.reference)
        .bind(due.created_at)
        .execute(&mut *tx)
        .await?;
        delivered(&mut tx, due, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A failed attempt: tried again at `retry_at`, or given up (`dead`) when `None`.
    pub async fn mark_failed(
        &self,
        due: &Due,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        let status = if retry_at.is_some() {
            "pending"
        } else {
            "dead"
        };
        sqlx::query(
            "UPDATE outbox_deliveries SET status = $1, due_at = COALESCE($2, due_at), \
             leased_until = NULL, last_error = $3 WHERE event_id = $4 AND channel = $5",
        )
        .bind(status)
        .bind(retry_at)
        .bind(error)
        .bind(&due.event_id)
        .bind(&due.channel)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The events written for a patient, oldest first: (id, kind, reference).
    pub async fn events_of(
        &self,
        patient_id: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, reference FROM outbox_events WHERE patient_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(patient_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect()
    }

    /// Every delivery: (event id, channel, status, attempts), by event.
    pub async fn deliveries(&self) -> Result<Vec<(String, String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT event_id, channel, status, attempts FROM outbox_deliveries \
             ORDER BY event_id, channel",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
            .collect()
    }

    /// Deliveries not yet done, by status (`pending`, `dead`), for health checks and tests.
    pub async fn outbox_backlog(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) FROM outbox_deliveries WHERE status <> 'delivered' \
             GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }
}

pub(crate) async fn delivered(
    conn: &mut AnyConnection,
    due: &Due,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox_deliveries SET status = 'delivered', leased_until = NULL, \
         last_error = NULL, delivered_at = $1 WHERE event_id = $2 AND channel = $3",
    )
    .bind(now)
    .bind(&due.event_id)
    .bind(&due.channel)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// (id, kind, patient, reference, params, created_at) of the events, in one read.
type EventRow = (String, String, String, String, Value, i64);

async fn read_events(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<EventRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, kind, patient_id, reference, params, created_at FROM outbox_events \
         WHERE id IN ({})",
        crate::sql::placeholders(1, ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            let params: String = r.try_get(4)?;
            let params = serde_json::from_str(&params)
                .map_err(|e| StoreError::Corrupt(format!("outbox params: {e}")))?;
            Ok((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                params,
                r.try_get(5)?,
            ))
        })
        .collect()
}
