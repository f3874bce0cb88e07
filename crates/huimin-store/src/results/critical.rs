//! Critical values (危急值): raised with their final report, acknowledged once by the doctor
//! told (or a head it was escalated to), escalated once to the department head(s) when nobody
//! acknowledged in time. Every change is a conditional update, so two acknowledgements or two
//! escalation workers cannot both win.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::messages::{NewEvent, emit_in};
use crate::{Store, StoreError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriticalRecord {
    pub id: String,
    pub report_id: String,
    pub observation_id: String,
    pub patient_id: String,
    pub doctor_id: String,
    pub department_id: Option<String>,
    pub analyte: String,
    pub value: String,
    pub unit: String,
    pub side: String,
    pub raised_at: i64,
    pub escalated_at: Option<i64>,
    /// The Practitioners it was escalated to.
    pub escalated_to: Vec<String>,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
}

/// Which critical values a list wants.
#[derive(Clone, Debug, Default)]
pub struct CriticalFilter {
    /// Told to this Practitioner, or escalated to them.
    pub practitioner: Option<String>,
    /// Of these departments (a head's, or an administrator's choice).
    pub departments: Option<Vec<String>>,
    /// `Some(true)`: only unacknowledged; `Some(false)`: only acknowledged.
    pub open: Option<bool>,
    pub since: Option<i64>,
    pub limit: u32,
}

const COLUMNS: &str = "id, report_id, observation_id, patient_id, doctor_id, department_id, analyte, \
    value, unit, side, raised_at, escalated_at, escalated_to, acknowledged_at, acknowledged_by";

fn from_row(row: &AnyRow) -> Result<CriticalRecord, StoreError> {
    let to: Option<String> = row.try_get(12)?;
    Ok(CriticalRecord {
        id: row.try_get(0)?,
        report_id: row.try_get(1)?,
        observation_id: row.try_get(2)?,
        patient_id: row.try_get(3)?,
        doctor_id: row.try_get(4)?,
        department_id: row.try_get(5)?,
        analyte: row.try_get(6)?,
        value: row.try_get(7)?,
        unit: row.try_get(8)?,
        side: row.try_get(9)?,
        raised_at: row.try_get(10)?,
        escalated_at: row.try_get(11)?,
        escalated_to: to
            .map(|t| {
                t.split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        acknowledged_at: row.try_get(13)?,
        acknowledged_by: row.try_get(14)?,
    })
}

impl Store {
    pub async fn critical_value(&self, id: &str) -> Result<Option<CriticalRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM critical_values WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.writer)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Critical values matching `filter`, latest first.
    pub async fn critical_values(
        &self,
        filter: &CriticalFilter,
    ) -> Result<Vec<CriticalRecord>, StoreError> {
        let mut parts = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let mut who = Vec::new();
        if let Some(p) = &filter.practitioner {
            binds.push(p.clone());
            who.push(format!("doctor_id = ${}", binds.len()));
            // escalated_to is a comma-separated list of ids (which contain no commas).
            binds.push(format!("%,{p},%"));
            who.push(format!(
                "(',' || escalated_to || ',') LIKE ${}",
                binds.len()
            ));
        }
        if let Some(departments) = &filter.departments {
            for d in departments {
                binds.push(d.clone());
                who.push(format!("department_id = ${}", binds.len()));
            }
        }
        if filter.practitioner.is_some() || filter.departments.is_some() {
            if who.is_empty() {
                return Ok(Vec::new());
            }
            parts.push(format!("({})", who.join(" OR ")));
        }
        match filter.open {
            Some(true) => parts.push("acknowledged_at IS NULL".into()),
            Some(false) => parts.push("acknowledged_at IS NOT NULL".into()),
            None => {}
        }
        let since = filter.since.unwrap_or(i64::MIN);
        let clause = if parts.is_empty() {
            String::new()
        } else {
            format!(" AND {}", parts.join(" AND "))
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM critical_values WHERE raised_at >= ${}{clause} \
             ORDER BY raised_at DESC, id LIMIT {}",
            binds.len() + 1,
            filter.limit.max(1)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = query.bind(b);
        }
        let rows = query.bind(since).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// Records the acknowledgement; `false` if it was acknowledged already.
    pub async fn acknowledge_critical(
        &self,
        id: &str,
        by: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE critical_values SET acknowledged_at = $1, acknowledged_by = $2 \
             WHERE id = $3 AND acknowledged_at IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Unacknowledged, not yet escalated critical values raised at or before `raised_by`.
    pub async fn critical_values_to_escalate(
        &self,
        raised_by: i64,
        limit: u32,
    ) -> Result<Vec<CriticalRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM critical_values WHERE acknowledged_at IS NULL \
             AND escalated_at IS NULL AND raised_at <= $1 ORDER BY raised_at LIMIT {}",
            limit.max(1)
        )))
        .bind(raised_by)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Escalates a critical value to `heads` and writes their messages, once: `false` if it
    /// was acknowledged or escalated meanwhile (then nothing is written).
    pub async fn escalate_critical(
        &self,
        id: &str,
        heads: &[String],
        events: &[NewEvent],
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query(
            "UPDATE critical_values SET escalated_at = $1, escalated_to = $2 \
             WHERE id = $3 AND acknowledged_at IS NULL AND escalated_at IS NULL",
        )
        .bind(now)
        .bind(heads.join(","))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        for event in events {
            emit_in(&mut tx, event, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
