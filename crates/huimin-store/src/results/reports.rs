//! Reports and their observations, sealed: one report per order, rewritten while preliminary,
//! frozen once final. The final write raises the report's critical values and writes the
//! messages about it (`emit_in`) in the same transaction.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::messages::{NewEvent, emit_in};
use crate::{Store, StoreError};

/// One report as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRecord {
    pub id: String,
    pub order_id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    /// The orderable item code (`LAB-CBC`, `IMG-CXR`).
    pub item: String,
    /// `laboratory`, `imaging` or `exam`.
    pub category: String,
    /// `preliminary` or `final`.
    pub status: String,
    /// The Practitioner who ordered it (told of the result and its critical values).
    pub orderer_id: Option<String>,
    /// The ordering department (its head hears of unacknowledged critical values).
    pub department_id: Option<String>,
    /// `entry` (typed by a technician) or `import` (a FHIR transaction).
    pub source: String,
    /// The DiagnosticReport as JSON text (kept as text so decimals keep their digits).
    pub content: String,
    pub effective_at: i64,
    pub issued_at: Option<i64>,
    pub recorded_by: String,
    pub version: i64,
    pub updated_at: i64,
}

/// One observation as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservationRecord {
    pub id: String,
    pub report_id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub order_id: String,
    /// The LOINC code, or `unknown` when the table maps none.
    pub code: String,
    pub category: String,
    pub status: String,
    pub effective_at: i64,
    /// The Observation as JSON text.
    pub content: String,
}

/// A critical value to raise with a final report.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCritical {
    pub id: String,
    pub observation_id: String,
    pub doctor_id: String,
    pub department_id: Option<String>,
    pub analyte: String,
    pub value: String,
    pub unit: String,
    /// `low` or `high`.
    pub side: String,
}

/// Everything one save writes.
#[derive(Clone, Debug)]
pub struct ReportWrite {
    pub report: ReportRecord,
    pub observations: Vec<ObservationRecord>,
    /// Only for a final report.
    pub criticals: Vec<NewCritical>,
    /// Messages to write with it (a final report's).
    pub events: Vec<NewEvent>,
    /// The version the caller read (`None`: the order has no report yet).
    pub expected_version: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportWriteError {
    /// The order's report is final already: a further report is refused.
    #[error("the report is final")]
    Final,
    /// Someone else saved the report since it was read.
    #[error("the report changed")]
    Changed,
    /// The order may not become `reported` (cancelled meanwhile, not yet collected or
    /// performed).
    #[error("the order refused the report: {0}")]
    Order(crate::orders::OrderError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which reports or observations a search wants; `None` is any.
#[derive(Clone, Debug, Default)]
pub struct ResultFilter {
    pub patients: Option<Vec<String>>,
    pub encounter: Option<String>,
    pub order: Option<String>,
    /// The item code (reports) or LOINC code (observations).
    pub code: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// Inclusive bounds on the effective time.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: u32,
}

const REPORT_COLUMNS: &str = "id, order_id, patient_id, encounter_id, item, category, status, \
    orderer_id, department_id, source, content, effective_at, issued_at, recorded_by, version, updated_at";

const OBSERVATION_COLUMNS: &str = "id, report_id, patient_id, encounter_id, order_id, code, \
    category, status, effective_at, content";

fn open_json(store: &Store, sealed: &str) -> Result<String, StoreError> {
    let text = store.crypto.open(sealed)?;
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(text)
}

impl Store {
    fn report_from_row(&self, row: &AnyRow) -> Result<ReportRecord, StoreError> {
        let sealed: String = row.try_get(10)?;
        Ok(ReportRecord {
            id: row.try_get(0)?,
            order_id: row.try_get(1)?,
            patient_id: row.try_get(2)?,
            encounter_id: row.try_get(3)?,
            item: row.try_get(4)?,
            category: row.try_get(5)?,
            status: row.try_get(6)?,
            orderer_id: row.try_get(7)?,
            department_id: row.try_get(8)?,
            source: row.try_get(9)?,
            content: open_json(self, &sealed)?,
            effective_at: row.try_get(11)?,
            issued_at: row.try_get(12)?,
            recorded_by: row.try_get(13)?,
            version: row.try_get(14)?,
            updated_at: row.try_get(15)?,
        })
    }

    fn observation_from_row(&self, row: &AnyRow) -> Result<ObservationRecord, StoreError> {
        let sealed: String = row.try_get(9)?;
        Ok(ObservationRecord {
            id: row.try_get(0)?,
            report_id: row.try_get(1)?,
            patient_id: row.try_get(2)?,
            encounter_id: row.try_get(3)?,
            order_id: row.try_get(4)?,
            code: row.try_get(5)?,
            category: row.try_get(6)?,
            status: row.try_get(7)?,
            effective_at: row.try_get(8)?,
            content: open_json(self, &sealed)?,
        })
    }

    pub async fn report(&self, id: &str) -> Result<Option<ReportRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM result_reports WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| self.report_from_row(&r)).transpose()
    }

    pub async fn report_of_order(
        &self,
        order_id: &str,
    ) -> Result<Option<ReportRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM result_reports WHERE order_id = $1"
        )))
        .bind(order_id)
        .fetch_optional(&self.writer)
        .await?;
        row.map(|r| self.report_from_row(&r)).transpose()
    }

    pub async fn observation(&self, id: &str) -> Result<Option<ObservationRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OBSERVATION_COLUMNS} FROM result_observations WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| self.observation_from_row(&r)).transpose()
    }

    /// A report's observations in their order.
    pub async fn observations_of(
        &self,
        report_id: &str,
    ) -> Result<Vec<ObservationRecord>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {OBSERVATION_COLUMNS} FROM result_observations WHERE report_id = $1 ORDER BY id"
        )))
        .bind(report_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| self.observation_from_row(r)).collect()
    }

    /// Reports matching `filter`, latest first.
    pub async fn search_reports(
        &self,
        filter: &ResultFilter,
    ) -> Result<Vec<ReportRecord>, StoreError> {
        let rows = self
            .search_rows(filter, REPORT_COLUMNS, "result_reports", "item")
            .await?;
        rows.iter().map(|r| self.report_from_row(r)).collect()
    }

    /// Observations matching `filter`, latest first.
    pub async fn search_observations(
        &self,
        filter: &ResultFilter,
    ) -> Result<Vec<ObservationRecord>, StoreError> {
        let rows = self
            .search_rows(filter, OBSERVATION_COLUMNS, "result_observations", "code")
            .await?;
        rows.iter().map(|r| self.observation_from_row(r)).collect()
    }

    /// The rows of `table` matching `filter` (its code filter on `code_column`), latest first.
    async fn search_rows(
        &self,
        filter: &ResultFilter,
        columns: &str,
        table: &str,
        code_column: &str,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let (clause, binds) = where_clause(filter, code_column);
        let sql = format!(
            "SELECT {columns} FROM {table}{clause} ORDER BY effective_at DESC, id LIMIT {}",
            filter.limit.max(1)
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            query = match b {
                Bind::Text(t) => query.bind(t),
                Bind::Int(i) => query.bind(i),
            };
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// Saves a report: inserts it (`expected_version` `None`) or rewrites a preliminary one
    /// still at `expected_version`; replaces its observations; for a final report raises its
    /// critical values, moves its order to `reported` and writes its messages. One
    /// transaction.
    pub async fn save_report(&self, write: &ReportWrite, now: i64) -> Result<(), ReportWriteError> {
        let mut tx = self.writer.begin().await.map_err(StoreError::from)?;
        let r = &write.report;
        let content = self.crypto.seal(&r.content);
        match write.expected_version {
            None => {
                let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO result_reports ({REPORT_COLUMNS}) VALUES \
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15) \
                     ON CONFLICT (order_id) DO NOTHING"
                )))
                .bind(&r.id)
                .bind(&r.order_id)
                .bind(&r.patient_id)
                .bind(r.encounter_id.clone())
                .bind(&r.item)
                .bind(&r.category)
                .bind(&r.status)
                .bind(r.orderer_id.clone())
                .bind(r.department_id.clone())
                .bind(&r.source)
                .bind(&content)
                .bind(r.effective_at)
                .bind(r.issued_at)
                .bind(&r.recorded_by)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                if done.rows_affected() == 0 {
                    return Err(ReportWriteError::Changed);
                }
            }
            Some(version) => {
                let done = sqlx::query(
                    "UPDATE result_reports SET status = $1, content = $2, effective_at = $3, \
                     issued_at = $4, recorded_by = $5, version = version + 1, updated_at = $6 \
                     WHERE id = $7 AND version = $8 AND status <> 'final'",
                )
                .bind(&r.status)
                .bind(&content)
                .bind(r.effective_at)
                .bind(r.issued_at)
                .bind(&r.recorded_by)
                .bind(now)
                .bind(&r.id)
                .bind(version)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from)?;
                if done.rows_affected() == 0 {
                    let status: Option<String> =
                        sqlx::query_scalar("SELECT status FROM result_reports WHERE id = $1")
                            .bind(&r.id)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(StoreError::from)?;
                    return Err(if status.as_deref() == Some("final") {
                        ReportWriteError::Final
                    } else {
                        ReportWriteError::Changed
                    });
                }
                sqlx::query("DELETE FROM result_observations WHERE report_id = $1")
                    .bind(&r.id)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
            }
        }
        for o in &write.observations {
            insert_observation(self, &mut tx, o).await?;
        }
        for c in &write.criticals {
            sqlx::query(
                "INSERT INTO critical_values (id, report_id, observation_id, patient_id, doctor_id, \
                 department_id, analyte, value, unit, side, raised_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&c.id)
            .bind(&r.id)
            .bind(&c.observation_id)
            .bind(&r.patient_id)
            .bind(&c.doctor_id)
            .bind(c.department_id.clone())
            .bind(&c.analyte)
            .bind(&c.value)
            .bind(&c.unit)
            .bind(&c.side)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        }
        if r.status == "final" {
            crate::orders::order_reported_in(&mut tx, &r.order_id, now, &r.recorded_by)
                .await
                .map_err(|e| match e {
                    crate::orders::OrderError::Store(e) => ReportWriteError::Store(e),
                    e => ReportWriteError::Order(e),
                })?;
        }
        for event in &write.events {
            emit_in(&mut tx, event, now).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

async fn insert_observation(
    store: &Store,
    conn: &mut AnyConnection,
    o: &ObservationRecord,
) -> Result<(), StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO result_observations ({OBSERVATION_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )))
    .bind(&o.id)
    .bind(&o.report_id)
    .bind(&o.patient_id)
    .bind(o.encounter_id.clone())
    .bind(&o.order_id)
    .bind(&o.code)
    .bind(&o.category)
    .bind(&o.status)
    .bind(o.effective_at)
    .bind(store.crypto.seal(&o.content))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

enum Bind {
    Text(String),
    Int(i64),
}

/// ` WHERE …` with `$n` placeholders for `filter`; `code_column` is `item` or `code`.
fn where_clause(filter: &ResultFilter, code_column: &str) -> (String, Vec<Bind>) {
    let mut parts = Vec::new();
    let mut binds = Vec::new();
    if let Some(patients) = &filter.patients {
        if patients.is_empty() {
            return (" WHERE 1 = 0".into(), Vec::new());
        }
        let mut ors = Vec::new();
        for p in patients {
            binds.push(Bind::Text(p.clone()));
            ors.push(format!("patient_id = ${}", binds.len()));
        }
        parts.push(format!("({})", ors.join(" OR ")));
    }
    let mut push = |sql: String, b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        parts.push(sql.replace('?', &format!("${}", binds.len())));
    };
    if let Some(e) = &filter.encounter {
        push("encounter_id = ?".into(), Bind::Text(e.clone()), &mut binds);
    }
    if let Some(o) = &filter.order {
        push("order_id = ?".into(), Bind::Text(o.clone()), &mut binds);
    }
    if let Some(c) = &filter.code {
        push(
            format!("{code_column} = ?"),
            Bind::Text(c.clone()),
            &mut binds,
        );
    }
    if let Some(c) = &filter.category {
        push("category = ?".into(), Bind::Text(c.clone()), &mut binds);
    }
    if let Some(s) = &filter.status {
        push("status = ?".into(), Bind::Text(s.clone()), &mut binds);
    }
    if let Some(from) = filter.from {
        push("effective_at >= ?".into(), Bind::Int(from), &mut binds);
    }
    if let Some(to) = filter.to {
        push("effective_at <= ?".into(), Bind::Int(to), &mut binds);
    }
    if parts.is_empty() {
        (String::new(), binds)
    } else {
        (format!(" WHERE {}", parts.join(" AND ")), binds)
    }
}
