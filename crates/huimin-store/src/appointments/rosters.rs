//! Roster templates: a doctor's recurring weekly sessions.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, now_micros};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterRecord {
    pub id: String,
    pub practitioner_role_id: String,
    /// 1 Monday … 7 Sunday.
    pub weekday: i64,
    pub period: String,
    pub start_time: String,
    pub end_time: String,
    pub capacity: i64,
    pub slot_minutes: i64,
    pub active: bool,
}

const COLUMNS: &str = "id, practitioner_role_id, weekday, period, start_time, end_time, capacity, slot_minutes, active";

fn from_row(row: &AnyRow) -> Result<RosterRecord, StoreError> {
    Ok(RosterRecord {
        id: row.try_get(0)?,
        practitioner_role_id: row.try_get(1)?,
        weekday: row.try_get(2)?,
        period: row.try_get(3)?,
        start_time: row.try_get(4)?,
        end_time: row.try_get(5)?,
        capacity: row.try_get(6)?,
        slot_minutes: row.try_get(7)?,
        active: row.try_get::<i64, _>(8)? != 0,
    })
}

impl Store {
    pub async fn create_roster(&self, roster: &RosterRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO roster_templates (id, practitioner_role_id, weekday, period, start_time, end_time, \
             capacity, slot_minutes, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&roster.id)
        .bind(&roster.practitioner_role_id)
        .bind(roster.weekday)
        .bind(&roster.period)
        .bind(&roster.start_time)
        .bind(&roster.end_time)
        .bind(roster.capacity)
        .bind(roster.slot_minutes)
        .bind(i64::from(roster.active))
        .bind(now_micros())
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Active templates, optionally of one doctor's post, in a stable order.
    pub async fn rosters(
        &self,
        practitioner_role_id: Option<&str>,
    ) -> Result<Vec<RosterRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM roster_templates WHERE active = 1 AND ($1 = '' OR practitioner_role_id = $2) \
             ORDER BY practitioner_role_id, weekday, start_time"
        );
        let role = practitioner_role_id.unwrap_or("").to_owned();
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(role.clone())
            .bind(role)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Retires a roster template: sessions already published stay. Whether it was active.
    pub async fn retire_roster(&self, id: &str) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE roster_templates SET active = 0 WHERE id = $1 AND active = 1")
                .bind(id)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected() > 0)
    }
}
