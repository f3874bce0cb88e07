//! Notifiable-disease report cards (`notifiable_reports`): opened once per (patient,
//! diagnosis, visit) — in the transaction that saves a notifiable diagnosis
//! ([`Store::open_card_in`]) or by a doctor — completed as drafts and submitted once. The
//! card's personal fields are sealed; department, status and deadline stay plain for the
//! overdue list.

use huimin_domain::records::Icd10Code;
use huimin_domain::records::notifiable::{self, CardFields, NotifiableDisease};
use jiff::Timestamp;
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::{Store, StoreError};

pub const DRAFT: &str = "draft";
pub const SUBMITTED: &str = "submitted";

/// A card to open.
#[derive(Clone, Debug)]
pub struct NewCard {
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub condition_id: Option<String>,
    /// The diagnosis code (canonical).
    pub icd10_code: String,
    /// The notifiable disease's key and class (`huimin_domain::records::notifiable`).
    pub disease: String,
    pub disease_class: String,
    pub department_id: String,
    pub doctor_role_id: String,
    pub diagnosed_at: i64,
    pub due_at: i64,
    /// Who opened it: a user name, or `diagnosis` when a saved diagnosis did.
    pub opened_by: String,
    /// The fields filled in from the patient's record.
    pub fields: CardFields,
}

/// A diagnosis being saved, for [`Store::open_card_for_diagnosis_in`].
#[derive(Clone, Debug)]
pub struct Diagnosis<'a> {
    pub patient_id: &'a str,
    pub encounter_id: Option<&'a str>,
    pub condition_id: Option<&'a str>,
    pub code: &'a Icd10Code,
    /// The diagnosing doctor's PractitionerRole id and its department (Organization id).
    pub doctor_role_id: &'a str,
    pub department_id: &'a str,
    pub diagnosed_at: Timestamp,
}

/// The card's fields as far as a FHIR Patient fills them in.
pub fn fields_from_patient(p: &Value) -> CardFields {
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let id_number = p["identifier"]
        .as_array()
        .and_then(|ids| ids.iter().find_map(|i| i["value"].as_str()))
        .unwrap_or_default()
        .to_owned();
    let phone = p["telecom"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["system"] == "phone"))
        .map(|t| text(&t["value"]))
        .unwrap_or_default();
    CardFields {
        patient_name: text(&p["name"][0]["text"]),
        sex: match p["gender"].as_str() {
            Some(g @ ("male" | "female")) => g.to_owned(),
            _ => String::new(),
        },
        birth_date: p["birthDate"].as_str().and_then(|d| d.parse().ok()),
        id_number,
        phone,
        address: text(&p["address"][0]["text"]),
        ..CardFields::default()
    }
}

impl NewCard {
    /// The card of a diagnosis of `disease`, due at its deadline.
    pub fn for_diagnosis(
        d: &Diagnosis<'_>,
        disease: &NotifiableDisease,
        fields: CardFields,
        opened_by: &str,
    ) -> NewCard {
        NewCard {
            patient_id: d.patient_id.to_owned(),
            encounter_id: d.encounter_id.map(str::to_owned),
            condition_id: d.condition_id.map(str::to_owned),
            icd10_code: d.code.to_string(),
            disease: disease.key.clone(),
            disease_class: disease.class.code().to_owned(),
            department_id: d.department_id.to_owned(),
            doctor_role_id: d.doctor_role_id.to_owned(),
            diagnosed_at: d.diagnosed_at.as_microsecond(),
            due_at: disease.deadline(d.diagnosed_at).as_microsecond(),
            opened_by: opened_by.to_owned(),
            fields,
        }
    }

    /// One card per patient, diagnosis (the Condition, else the code) and visit.
    fn dedupe_key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.patient_id,
            self.condition_id.as_deref().map_or_else(
                || format!("code:{}", self.icd10_code),
                |c| format!("condition:{c}")
            ),
            self.encounter_id.as_deref().unwrap_or("-")
        )
    }
}

/// A stored card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardRecord {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub condition_id: Option<String>,
    pub icd10_code: String,
    pub disease: String,
    pub disease_class: String,
    pub department_id: String,
    pub doctor_role_id: String,
    pub diagnosed_at: i64,
    pub due_at: i64,
    pub status: String,
    pub fields: CardFields,
    pub opened_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
    pub submitted_by: Option<String>,
    pub version: i64,
}

/// Which cards to list.
#[derive(Clone, Debug, Default)]
pub struct CardQuery {
    /// Cards of these departments; every department when `None`.
    pub departments: Option<Vec<String>>,
    pub status: Option<&'static str>,
    /// Only drafts due before this instant (the overdue list).
    pub due_before: Option<i64>,
    /// Only cards submitted in `[from, to)`.
    pub submitted_between: Option<(i64, i64)>,
    pub limit: u32,
}

const COLUMNS: &str = "id, patient_id, encounter_id, condition_id, icd10_code, disease, \
    disease_class, department_id, doctor_role_id, diagnosed_at, due_at, status, sealed_fields, \
    opened_by, created_at, updated_at, submitted_at, submitted_by, version";

impl Store {
    fn card_from_row(&self, r: &AnyRow) -> Result<CardRecord, StoreError> {
        let id: String = r.try_get(0)?;
        let sealed: String = r.try_get(12)?;
        let fields = serde_json::from_str(&self.crypto.open(&sealed)?)
            .map_err(|e| StoreError::Corrupt(format!("report card {id}: {e}")))?;
        Ok(CardRecord {
            patient_id: r.try_get(1)?,
            encounter_id: r.try_get(2)?,
            condition_id: r.try_get(3)?,
            icd10_code: r.try_get(4)?,
            disease: r.try_get(5)?,
            disease_class: r.try_get(6)?,
            department_id: r.try_get(7)?,
            doctor_role_id: r.try_get(8)?,
            diagnosed_at: r.try_get(9)?,
            due_at: r.try_get(10)?,
            status: r.try_get(11)?,
            fields,
            opened_by: r.try_get(13)?,
            created_at: r.try_get(14)?,
            updated_at: r.try_get(15)?,
            submitted_at: r.try_get(16)?,
            submitted_by: r.try_get(17)?,
            version: r.try_get(18)?,
            id,
        })
    }

    fn seal_fields(&self, fields: &CardFields) -> Result<String, StoreError> {
        let json = serde_json::to_string(fields)
            .map_err(|e| StoreError::Corrupt(format!("report card fields: {e}")))?;
        Ok(self.crypto.seal(&json))
    }

    /// Opens the card of a notifiable diagnosis in the caller's transaction (the one that
    /// saves the diagnosis), unless this patient, diagnosis and visit already have one; the
    /// card's id and whether it was opened now.
    pub async fn open_card_in(
        &self,
        conn: &mut AnyConnection,
        card: &NewCard,
        now: i64,
    ) -> Result<(String, bool), StoreError> {
        let key = card.dedupe_key();
        let id = uuid::Uuid::new_v4().to_string();
        let inserted = sqlx::query(
            "INSERT INTO notifiable_reports (id, dedupe_key, patient_id, encounter_id, \
             condition_id, icd10_code, disease, disease_class, department_id, doctor_role_id, \
             diagnosed_at, due_at, status, sealed_fields, opened_by, created_at, updated_at, \
             version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
             $16, $16, 1) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(&id)
        .bind(&key)
        .bind(&card.patient_id)
        .bind(card.encounter_id.clone())
        .bind(card.condition_id.clone())
        .bind(&card.icd10_code)
        .bind(&card.disease)
        .bind(&card.disease_class)
        .bind(&card.department_id)
        .bind(&card.doctor_role_id)
        .bind(card.diagnosed_at)
        .bind(card.due_at)
        .bind(DRAFT)
        .bind(self.seal_fields(&card.fields)?)
        .bind(&card.opened_by)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            return Ok((id, true));
        }
        let row = sqlx::query("SELECT id FROM notifiable_reports WHERE dedupe_key = $1")
            .bind(&key)
            .fetch_one(&mut *conn)
            .await?;
        Ok((row.try_get(0)?, false))
    }

    /// Opens the report card of `diagnosis` in the caller's transaction (the one that saves
    /// the diagnosis) when its code is notifiable, filled in from the patient's record; once
    /// per patient, diagnosis and visit. The card's id, or `None` when the code is not
    /// notifiable.
    pub async fn open_card_for_diagnosis_in(
        &self,
        conn: &mut AnyConnection,
        diagnosis: &Diagnosis<'_>,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let Some(disease) = notifiable::notifiable_for(diagnosis.code) else {
            return Ok(None);
        };
        let fields = self
            .read_resource("Patient", diagnosis.patient_id)
            .await?
            .map(|p| fields_from_patient(&p.content))
            .unwrap_or_default();
        let card = NewCard::for_diagnosis(diagnosis, disease, fields, "diagnosis");
        let (id, _) = self.open_card_in(conn, &card, now).await?;
        Ok(Some(id))
    }

    /// [`Store::open_card_for_diagnosis_in`] in a transaction of its own.
    pub async fn open_card_for_diagnosis(
        &self,
        diagnosis: &Diagnosis<'_>,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.writer.begin().await?;
        let opened = self
            .open_card_for_diagnosis_in(&mut tx, diagnosis, now)
            .await?;
        tx.commit().await?;
        Ok(opened)
    }

    /// [`Store::open_card_in`] in a transaction of its own (a doctor opening a card).
    pub async fn open_card(&self, card: &NewCard, now: i64) -> Result<(String, bool), StoreError> {
        let mut tx = self.writer.begin().await?;
        let opened = self.open_card_in(&mut tx, card, now).await?;
        tx.commit().await?;
        Ok(opened)
    }

    pub async fn card(&self, id: &str) -> Result<Option<CardRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM notifiable_reports WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| self.card_from_row(r)).transpose()
    }

    /// Saves a draft's fields; `false` when the card is no draft (or not there).
    pub async fn save_card(
        &self,
        id: &str,
        fields: &CardFields,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE notifiable_reports SET sealed_fields = $1, updated_at = $2, \
             version = version + 1 WHERE id = $3 AND status = $4",
        )
        .bind(self.seal_fields(fields)?)
        .bind(now)
        .bind(id)
        .bind(DRAFT)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Submits a draft with its final fields; `false` when it is no draft (submitted already).
    pub async fn submit_card(
        &self,
        id: &str,
        fields: &CardFields,
        by: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE notifiable_reports SET sealed_fields = $1, updated_at = $2, \
             submitted_at = $2, submitted_by = $3, status = $4, version = version + 1 \
             WHERE id = $5 AND status = $6",
        )
        .bind(self.seal_fields(fields)?)
        .bind(now)
        .bind(by)
        .bind(SUBMITTED)
        .bind(id)
        .bind(DRAFT)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Cards as `query` asks, soonest due first (submitted ones by submission).
    pub async fn cards(&self, query: &CardQuery) -> Result<Vec<CardRecord>, StoreError> {
        let mut sql = format!("SELECT {COLUMNS} FROM notifiable_reports WHERE 1 = 1");
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if let Some(departments) = &query.departments {
            if departments.is_empty() {
                return Ok(Vec::new());
            }
            let marks: Vec<String> = departments.iter().map(|_| next()).collect();
            sql.push_str(&format!(" AND department_id IN ({})", marks.join(", ")));
        }
        if query.status.is_some() {
            sql.push_str(&format!(" AND status = {}", next()));
        }
        if query.due_before.is_some() {
            sql.push_str(&format!(" AND status = '{DRAFT}' AND due_at < {}", next()));
        }
        if query.submitted_between.is_some() {
            let (from, to) = (next(), next());
            sql.push_str(&format!(
                " AND submitted_at >= {from} AND submitted_at < {to}"
            ));
        }
        sql.push_str(&format!(
            " ORDER BY COALESCE(submitted_at, due_at), id LIMIT {}",
            next()
        ));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for d in query.departments.iter().flatten() {
            q = q.bind(d.clone());
        }
        if let Some(status) = query.status {
            q = q.bind(status);
        }
        if let Some(before) = query.due_before {
            q = q.bind(before);
        }
        if let Some((from, to)) = query.submitted_between {
            q = q.bind(from).bind(to);
        }
        let rows = q.bind(i64::from(query.limit)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| self.card_from_row(r)).collect()
    }
}
