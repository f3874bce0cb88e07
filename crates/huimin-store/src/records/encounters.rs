//! Visits: one encounter per appointment, opened at check-in in the check-in's own
//! transaction, started when the patient is called in, finished by the doctor.

use huimin_domain::records::VisitStatus;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

/// One visit as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncounterRecord {
    pub id: String,
    pub appointment_id: String,
    pub patient_id: String,
    pub session_id: String,
    pub practitioner_role_id: Option<String>,
    pub department_id: String,
    pub room_id: Option<String>,
    pub session_date: String,
    pub status: VisitStatus,
    pub arrived_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
}

/// Which visits a search wants; `None` is any.
#[derive(Clone, Debug, Default)]
pub struct EncounterFilter {
    /// Only these patients (a patient's family, or one patient).
    pub patients: Option<Vec<String>>,
    pub status: Option<VisitStatus>,
    pub appointment: Option<String>,
    pub practitioner_role: Option<String>,
    /// Inclusive bounds on the session date (YYYY-MM-DD).
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub limit: u32,
}

const COLUMNS: &str = "id, appointment_id, patient_id, session_id, practitioner_role_id, department_id, \
     room_id, session_date, status, arrived_at, started_at, finished_at, version, updated_at";

fn from_row(row: &AnyRow) -> Result<EncounterRecord, StoreError> {
    let status: String = row.try_get(8)?;
    Ok(EncounterRecord {
        id: row.try_get(0)?,
        appointment_id: row.try_get(1)?,
        patient_id: row.try_get(2)?,
        session_id: row.try_get(3)?,
        practitioner_role_id: row.try_get(4)?,
        department_id: row.try_get(5)?,
        room_id: row.try_get(6)?,
        session_date: row.try_get(7)?,
        status: VisitStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("encounter status {status}")))?,
        arrived_at: row.try_get(9)?,
        started_at: row.try_get(10)?,
        finished_at: row.try_get(11)?,
        version: row.try_get(12)?,
        updated_at: row.try_get(13)?,
    })
}

/// Opens the visit of a checked-in appointment (`arrived`); a second call for the same
/// appointment changes nothing (the appointment is unique).
pub(crate) async fn open_encounter_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO encounters (id, appointment_id, patient_id, session_id, practitioner_role_id, \
         department_id, room_id, session_date, status, arrived_at, version, updated_at) \
         SELECT $1, a.id, a.patient_id, a.session_id, s.practitioner_role_id, s.department_id, \
         s.room_id, a.session_date, 'arrived', $2, 1, $2 \
         FROM appointments a JOIN clinic_sessions s ON s.id = a.session_id WHERE a.id = $3 \
         ON CONFLICT (appointment_id) DO NOTHING",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(now)
    .bind(appointment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The patient is called into the room: the visit is in progress (a recall keeps it so).
pub(crate) async fn start_encounter_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE encounters SET status = 'in-progress', started_at = COALESCE(started_at, $1), \
         version = version + 1, updated_at = $1 WHERE appointment_id = $2 AND status = 'arrived'",
    )
    .bind(now)
    .bind(appointment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The doctor has seen the patient: the open visit of the appointment is finished.
pub(crate) async fn finish_encounter_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE encounters SET status = 'finished', started_at = COALESCE(started_at, $1), \
         finished_at = $1, version = version + 1, updated_at = $1 \
         WHERE appointment_id = $2 AND status IN ('arrived', 'in-progress')",
    )
    .bind(now)
    .bind(appointment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The appointment was cancelled or moved after check-in: its open visit is cancelled.
pub(crate) async fn cancel_encounter_in(
    conn: &mut AnyConnection,
    appointment_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE encounters SET status = 'cancelled', version = version + 1, updated_at = $1 \
         WHERE appointment_id = $2 AND status IN ('arrived', 'in-progress')",
    )
    .bind(now)
    .bind(appointment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    pub async fn encounter(&self, id: &str) -> Result<Option<EncounterRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM encounters WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn encounter_of_appointment(
        &self,
        appointment_id: &str,
    ) -> Result<Option<EncounterRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM encounters WHERE appointment_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(appointment_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Visits matching the filter, latest first.
    pub async fn search_encounters(
        &self,
        filter: &EncounterFilter,
    ) -> Result<Vec<EncounterRecord>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM encounters WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        let mut bind = |sql: &mut String, clause: &str, value: &str| {
            binds.push(value.to_owned());
            sql.push_str(&clause.replace('?', &format!("${}", binds.len())));
        };
        if let Some(patients) = &filter.patients {
            if patients.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(" AND patient_id IN (");
            for (i, p) in patients.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                bind(&mut sql, "?", p);
            }
            sql.push(')');
        }
        if let Some(status) = filter.status {
            bind(&mut sql, " AND status = ?", status.code());
        }
        if let Some(a) = &filter.appointment {
            bind(&mut sql, " AND appointment_id = ?", a);
        }
        if let Some(r) = &filter.practitioner_role {
            bind(&mut sql, " AND practitioner_role_id = ?", r);
        }
        if let Some(d) = &filter.date_from {
            bind(&mut sql, " AND session_date >= ?", d);
        }
        if let Some(d) = &filter.date_to {
            bind(&mut sql, " AND session_date <= ?", d);
        }
        sql.push_str(&format!(
            " ORDER BY arrived_at DESC, id DESC LIMIT {}",
            filter.limit.clamp(1, 500)
        ));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            query = query.bind(b.clone());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// The doctor finishes a visit: it becomes `finished` and its appointment `fulfilled`,
    /// in one transaction; `None` when it was not open.
    pub async fn finish_encounter(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<EncounterRecord>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let Some(row) = sqlx::query(
            "UPDATE encounters SET status = 'finished', started_at = COALESCE(started_at, $1), \
             finished_at = $1, version = version + 1, updated_at = $1 \
             WHERE id = $2 AND status IN ('arrived', 'in-progress') RETURNING appointment_id",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let appointment: String = row.try_get(0)?;
        sqlx::query(
            "UPDATE appointments SET status = 'fulfilled', updated_at = $1 \
             WHERE id = $2 AND status = 'checked-in'",
        )
        .bind(now)
        .bind(&appointment)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.encounter(id).await
    }

    /// What ties a doctor (their posts `roles`, departments `departments`) to a patient: a
    /// booking or visit in one of their sessions (any day), a place in a line of their
    /// department `today`, a move (referral) into one of their sessions.
    pub async fn care_facts(
        &self,
        roles: &[String],
        departments: &[String],
        patient_id: &str,
        today: &str,
    ) -> Result<huimin_domain::records::CareFacts, StoreError> {
        let rows = sqlx::query(
            "SELECT s.practitioner_role_id, s.department_id, a.session_date, a.status, \
             (SELECT COUNT(*) FROM appointment_moves m WHERE m.to_appointment = a.id) \
             FROM appointments a JOIN clinic_sessions s ON s.id = a.session_id \
             WHERE a.patient_id = $1 AND a.status IN ('booked', 'checked-in', 'fulfilled')",
        )
        .bind(patient_id)
        .fetch_all(&self.pool)
        .await?;
        let mut facts = huimin_domain::records::CareFacts::default();
        for row in &rows {
            let role: Option<String> = row.try_get(0)?;
            let department: String = row.try_get(1)?;
            let date: String = row.try_get(2)?;
            let status: String = row.try_get(3)?;
            let moved: i64 = row.try_get(4)?;
            let mine = role.as_ref().is_some_and(|r| roles.contains(r));
            if mine {
                facts.own_session = true;
                if moved > 0 {
                    facts.referred = true;
                }
            }
            if date == today && status != "booked" && departments.contains(&department) {
                facts.department_line_today = true;
            }
        }
        Ok(facts)
    }
}
