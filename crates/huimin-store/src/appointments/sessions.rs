//! Clinic sessions (出诊) with their slots and channel pools.

use huimin_domain::appointments::{Pool, PoolSplit};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, now_micros};

#[derive(Clone, Debug)]
pub struct NewSlot {
    pub id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: u32,
    pub first_queue_number: u32,
}

/// A dated session, already cut into slots and split into pools by the domain rules.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub id: String,
    pub hospital_id: String,
    pub department_id: String,
    pub practitioner_role_id: Option<String>,
    pub room_id: Option<String>,
    pub session_date: String,
    pub period: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub registration_class: String,
    pub fee_fen: i64,
    pub release_at: i64,
    pub reserved_release_at: i64,
    pub pools: PoolSplit,
    pub slots: Vec<NewSlot>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub hospital_id: String,
    pub department_id: String,
    pub practitioner_role_id: Option<String>,
    pub room_id: Option<String>,
    pub session_date: String,
    pub period: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub registration_class: String,
    pub fee_fen: i64,
    pub status: String,
    pub release_at: i64,
    pub reserved_release_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotRecord {
    pub id: String,
    pub session_id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: i64,
    pub booked: i64,
    pub held: i64,
    pub first_queue_number: i64,
    /// An extra place (加号) added by the doctor.
    pub extra: bool,
}

pub(crate) const SESSION_COLUMNS: &str = "id, hospital_id, department_id, practitioner_role_id, room_id, \
     session_date, period, starts_at, ends_at, registration_class, fee_fen, status, release_at, reserved_release_at";

pub(crate) fn session_from_row(row: &AnyRow) -> Result<SessionRecord, StoreError> {
    session_at(row, 0)
}

/// `columns` with every name qualified by a table alias.
pub(crate) fn prefixed(columns: &str, alias: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A slot and its session, read together.
pub(crate) async fn slot_with_session(
    conn: &mut sqlx::AnyConnection,
    slot_id: &str,
) -> Result<Option<(SlotRecord, SessionRecord)>, StoreError> {
    let sql = format!(
        "SELECT {}, {} FROM slots s JOIN clinic_sessions c ON c.id = s.session_id WHERE s.id = $1",
        prefixed(SESSION_COLUMNS, "c"),
        prefixed(SLOT_COLUMNS, "s"),
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(slot_id)
        .fetch_optional(&mut *conn)
        .await?;
    let width = SESSION_COLUMNS.split(", ").count();
    row.map(|row| Ok((slot_at(&row, width)?, session_at(&row, 0)?)))
        .transpose()
}

pub(crate) fn session_at(row: &AnyRow, b: usize) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        id: row.try_get(b)?,
        hospital_id: row.try_get(b + 1)?,
        department_id: row.try_get(b + 2)?,
        practitioner_role_id: row.try_get(b + 3)?,
        room_id: row.try_get(b + 4)?,
        session_date: row.try_get(b + 5)?,
        period: row.try_get(b + 6)?,
        starts_at: row.try_get(b + 7)?,
        ends_at: row.try_get(b + 8)?,
        registration_class: row.try_get(b + 9)?,
        fee_fen: row.try_get(b + 10)?,
        status: row.try_get(b + 11)?,
        release_at: row.try_get(b + 12)?,
        reserved_release_at: row.try_get(b + 13)?,
    })
}

pub(crate) const SLOT_COLUMNS: &str =
    "id, session_id, starts_at, ends_at, capacity, booked, held, first_queue_number, extra";

pub(crate) fn slot_from_row(row: &AnyRow) -> Result<SlotRecord, StoreError> {
    slot_at(row, 0)
}

pub(crate) fn slot_at(row: &AnyRow, b: usize) -> Result<SlotRecord, StoreError> {
    Ok(SlotRecord {
        id: row.try_get(b)?,
        session_id: row.try_get(b + 1)?,
        starts_at: row.try_get(b + 2)?,
        ends_at: row.try_get(b + 3)?,
        capacity: row.try_get(b + 4)?,
        booked: row.try_get(b + 5)?,
        held: row.try_get(b + 6)?,
        first_queue_number: row.try_get(b + 7)?,
        extra: row.try_get::<i64, _>(b + 8)? != 0,
    })
}

impl Store {
    /// Stores a session with its slots and pools in one transaction.
    pub async fn create_session(&self, session: &NewSession) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        insert_session(&mut tx, session).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores many sessions in one transaction (roster publication, imports, benchmarks):
    /// all or none.
    pub async fn create_sessions(&self, sessions: &[NewSession]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await?;
        for session in sessions {
            insert_session(&mut tx, session).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A slot and its session in one read.
    pub async fn slot_and_session(
        &self,
        slot_id: &str,
    ) -> Result<Option<(SlotRecord, SessionRecord)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        slot_with_session(&mut conn, slot_id).await
    }

    pub async fn clinic_session(&self, id: &str) -> Result<Option<SessionRecord>, StoreError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM clinic_sessions WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(session_from_row).transpose()
    }

    pub async fn slot(&self, id: &str) -> Result<Option<SlotRecord>, StoreError> {
        let sql = format!("SELECT {SLOT_COLUMNS} FROM slots WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(slot_from_row).transpose()
    }

    pub async fn session_slots(&self, session_id: &str) -> Result<Vec<SlotRecord>, StoreError> {
        let sql =
            format!("SELECT {SLOT_COLUMNS} FROM slots WHERE session_id = $1 ORDER BY starts_at");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(slot_from_row).collect()
    }

    /// Places used per pool: (pool, capacity, used).
    pub async fn session_pool_usage(
        &self,
        session_id: &str,
    ) -> Result<Vec<(Pool, i64, i64)>, StoreError> {
        let rows =
            sqlx::query("SELECT pool, capacity, used FROM session_pools WHERE session_id = $1")
                .bind(session_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                let code: String = r.try_get(0)?;
                let pool = Pool::from_code(&code)
                    .ok_or_else(|| StoreError::Corrupt(format!("pool {code}")))?;
                Ok((pool, r.try_get(1)?, r.try_get(2)?))
            })
            .collect()
    }
}

/// What `$find` looks for. Dates are hospital-local `YYYY-MM-DD`, inclusive.
#[derive(Clone, Debug, Default)]
pub struct SlotFilter {
    pub department_id: Option<String>,
    /// Only slots of these roles (a doctor may hold a role in several departments); an
    /// empty list matches nothing.
    pub practitioner_role_ids: Option<Vec<String>>,
    pub registration_class: Option<String>,
    pub from_date: String,
    pub to_date: String,
    /// Only slots starting after this instant (µs).
    pub starts_after: i64,
    /// Only slots starting before this instant (µs; the end of `to_date`), so the walk along
    /// the time index stops there.
    pub starts_before: Option<i64>,
    /// Only slots ending after this instant (µs): staff booking in person also see the slot
    /// under way.
    pub ends_after: Option<i64>,
    /// Count every match for `total` (FHIR `_total=accurate`); `false` skips the count.
    pub count_total: bool,
    /// Only slots with a place left.
    pub only_available: bool,
    pub limit: u32,
    pub offset: u32,
    /// Sessions left out (departments the caller may not book, or not on some dates).
    pub excluded: Vec<super::Excluded>,
}

impl Store {
    /// Slots of active sessions matching the filter, in time order, with their session.
    pub async fn find_slots(
        &self,
        filter: &SlotFilter,
    ) -> Result<(Option<i64>, Vec<(SessionRecord, SlotRecord)>), StoreError> {
        let mut conditions = vec![
            "c.status = 'active'".to_owned(),
            "c.session_date >= $1".to_owned(),
            "c.session_date <= $2".to_owned(),
            "s.starts_at > $3".to_owned(),
        ];
        let mut args: Vec<String> = vec![filter.from_date.clone(), filter.to_date.clone()];
        let mut text_args = Vec::new();
        for (column, value) in [
            ("s.department_id", &filter.department_id),
            ("c.registration_class", &filter.registration_class),
        ] {
            if let Some(value) = value {
                text_args.push(value.clone());
                conditions.push(format!("{column} = ${}", 3 + text_args.len()));
            }
        }
        if let Some(roles) = &filter.practitioner_role_ids {
            let mut marks = Vec::new();
            for role in roles {
                text_args.push(role.clone());
                marks.push(format!("${}", 3 + text_args.len()));
            }
            conditions.push(match marks.is_empty() {
                true => "1 = 0".to_owned(),
                false => format!("s.practitioner_role_id IN ({})", marks.join(", ")),
            });
        }
        conditions.extend(super::excluded::conditions(
            &filter.excluded,
            &mut text_args,
            4,
        ));
        if let Some(before) = filter.starts_before {
            conditions.push(format!("s.starts_at < {before}"));
        }
        if let Some(after) = filter.ends_after {
            conditions.push(format!("s.ends_at > {after}"));
        }
        if filter.only_available {
            conditions.push("s.booked + s.held < s.capacity".into());
        }
        args.extend(text_args);
        let filter_sql = conditions.join(" AND ");
        let from = "FROM slots s JOIN clinic_sessions c ON c.id = s.session_id";
        let bind_all = |sql: String| {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(args[0].clone())
                .bind(args[1].clone())
                .bind(filter.starts_after);
            for arg in &args[2..] {
                query = query.bind(arg.clone());
            }
            query
        };
        let total: Option<i64> = if filter.count_total {
            Some(
                bind_all(format!("SELECT COUNT(*) {from} WHERE {filter_sql}"))
                    .fetch_one(&self.pool)
                    .await?
                    .try_get(0)?,
            )
        } else {
            None
        };
        let (session_columns, slot_columns) =
            (prefixed(SESSION_COLUMNS, "c"), prefixed(SLOT_COLUMNS, "s"));
        let sql = format!(
            "SELECT {session_columns}, {slot_columns} {from} WHERE {filter_sql} ORDER BY s.starts_at, s.id LIMIT {} OFFSET {}",
            filter.limit, filter.offset
        );
        let rows = bind_all(sql).fetch_all(&self.pool).await?;
        let width = SESSION_COLUMNS.split(", ").count();
        let found = rows
            .iter()
            .map(|row| Ok((session_at(row, 0)?, slot_at(row, width)?)))
            .collect::<Result<_, StoreError>>()?;
        Ok((total, found))
    }
}

impl Store {
    /// Adds one extra place (加号) to an active session as a new capacity-1 slot in the last
    /// slot's time window, with the next unused queue number and one more window-pool place.
    /// `None` when the session is not active.
    pub async fn add_extra_slot(&self, session_id: &str) -> Result<Option<String>, StoreError> {
        let mut tx = self.writer.begin().await?;
        // Lock the session first so concurrent additions get distinct numbers.
        let locked = sqlx::query(
            "UPDATE clinic_sessions SET status = status WHERE id = $1 AND status = 'active'",
        )
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if locked.rows_affected() == 0 {
            return Ok(None);
        }
        let last = sqlx::query(
            "SELECT starts_at, ends_at, (SELECT MAX(first_queue_number + capacity) FROM slots WHERE session_id = $1), \
             (SELECT COUNT(*) FROM slots WHERE session_id = $2) \
             FROM slots WHERE session_id = $3 ORDER BY starts_at DESC, first_queue_number DESC LIMIT 1",
        )
        .bind(session_id)
        .bind(session_id)
        .bind(session_id)
        .fetch_one(&mut *tx)
        .await?;
        let (starts_at, ends_at): (i64, i64) = (last.try_get(0)?, last.try_get(1)?);
        let next_number: i64 = last.try_get(2)?;
        let count: i64 = last.try_get(3)?;
        let id = format!("{session_id}-x{}", count + 1);
        sqlx::query(
            "INSERT INTO slots (id, session_id, starts_at, ends_at, capacity, booked, held, first_queue_number, extra, \
             department_id, practitioner_role_id) \
             SELECT $1, $2, $3, $4, 1, 0, 0, $5, 1, department_id, practitioner_role_id FROM clinic_sessions WHERE id = $6",
        )
        .bind(&id)
        .bind(session_id)
        .bind(starts_at)
        .bind(ends_at)
        .bind(next_number)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE session_pools SET capacity = capacity + 1 WHERE session_id = $1 AND pool = 'window'")
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    }
}

async fn insert_session(
    conn: &mut sqlx::AnyConnection,
    session: &NewSession,
) -> Result<(), StoreError> {
    super::overlap::refuse_overlap(&mut *conn, session).await?;
    sqlx::query(
            "INSERT INTO clinic_sessions (id, hospital_id, department_id, practitioner_role_id, room_id, \
             session_date, period, starts_at, ends_at, registration_class, fee_fen, status, release_at, \
             reserved_release_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $13, $14)",
        )
        .bind(&session.id)
        .bind(&session.hospital_id)
        .bind(&session.department_id)
        .bind(session.practitioner_role_id.clone())
        .bind(session.room_id.clone())
        .bind(&session.session_date)
        .bind(&session.period)
        .bind(session.starts_at)
        .bind(session.ends_at)
        .bind(&session.registration_class)
        .bind(session.fee_fen)
        .bind(session.release_at)
        .bind(session.reserved_release_at)
        .bind(now_micros())
        .execute(&mut *conn)
        .await
        .map_err(|err| {
            if StoreError::is_unique_violation(&err) {
                StoreError::Duplicate { resource_type: "Schedule".into(), system: "practitioner-role/date/period".into() }
            } else {
                err.into()
            }
        })?;
    // One statement for the four pools and one for all the slots: a roster publication or
    // an import writes thousands of sessions.
    let pools = [Pool::Online, Pool::Window, Pool::Elderly, Pool::Referral];
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO session_pools (session_id, pool, capacity, used) VALUES {}",
        crate::sql::tuples(pools.len(), 3, ", 0")
    )));
    for pool in pools {
        query = query
            .bind(session.id.clone())
            .bind(pool.code())
            .bind(i64::from(session.pools.get(pool)));
    }
    query.execute(&mut *conn).await?;
    for chunk in session.slots.chunks(500) {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO slots (id, session_id, starts_at, ends_at, capacity, first_queue_number, \
                 department_id, practitioner_role_id, booked, held) VALUES {}",
            crate::sql::tuples(chunk.len(), 8, ", 0, 0")
        )));
        for slot in chunk {
            query = query
                .bind(slot.id.clone())
                .bind(session.id.clone())
                .bind(slot.starts_at)
                .bind(slot.ends_at)
                .bind(i64::from(slot.capacity))
                .bind(i64::from(slot.first_queue_number))
                .bind(session.department_id.clone())
                .bind(session.practitioner_role_id.clone());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}
